package workshop.sse.rawsocket;

/** Placeholder until issue 4 lands: this server says so and stops. */
public final class Main {
    public static void main(String[] args) {
        System.err.println("raw-socket-server is not built yet (issue 4); try: ./serve javalin");
        System.exit(2);
    }
}
