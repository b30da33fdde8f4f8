package workshop.sse.rawsocket;

import workshop.sse.core.launch.Launcher;

/** Starts the raw-socket server: settings, the ready line and SIGTERM are the shared Launcher's job. */
public final class Main {
    public static void main(String[] args) {
        Launcher.run("raw-socket", args, RawSocketServer::start);
    }
}
