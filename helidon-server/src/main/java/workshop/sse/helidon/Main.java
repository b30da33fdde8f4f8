package workshop.sse.helidon;

import workshop.sse.core.launch.Launcher;

/** {@code ./serve helidon}: the demo on Helidon WebServer. */
public final class Main {
    public static void main(String[] args) {
        Launcher.run("helidon", args, HelidonServer::start);
    }
}
