package workshop.sse.undertow;

import workshop.sse.core.launch.Launcher;

/** {@code ./serve undertow}: the demo on Undertow. */
public final class Main {
    public static void main(String[] args) {
        Launcher.run("undertow", args, UndertowServer::start);
    }
}
