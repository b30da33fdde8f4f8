package workshop.sse.javalin;

import workshop.sse.core.launch.Launcher;

/** {@code ./serve javalin}: the demo on Javalin. */
public final class Main {
    public static void main(String[] args) {
        Launcher.run("javalin", args, JavalinServer::start);
    }
}
