package workshop.sse.undertow;

/** Placeholder until issue 3 lands: this server says so and stops. */
public final class Main {
    public static void main(String[] args) {
        System.err.println("undertow-server is not built yet (issue 3); try: ./serve javalin");
        System.exit(2);
    }
}
