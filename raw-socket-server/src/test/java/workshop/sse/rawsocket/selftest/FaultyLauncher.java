package workshop.sse.rawsocket.selftest;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import sun.misc.Signal;
import sun.misc.SignalHandler;
import workshop.sse.core.launch.Launcher;
import workshop.sse.core.launch.ServerCertificate;
import workshop.sse.core.launch.Settings;
import workshop.sse.rawsocket.Main;
import workshop.sse.rawsocket.RawSocketServer;

/**
 * The raw-socket server's {@link Main} with one rule of SPEC section 1 ("Running") broken: the kit's "running:" checks
 * start it as {@code java -cp ... FaultyLauncher <FAULT> [--port N ...]}, with the settings in the environment, where
 * they would start Main. It runs the real Main in this JVM, and breaks only what the fault says.
 */
public final class FaultyLauncher {

    private FaultyLauncher() {
    }

    public static void main(String[] args) {
        Fault fault = Fault.valueOf(args[0]);
        String[] flags = Arrays.copyOfRange(args, 1, args.length);
        switch (fault) {
            case IGNORES_PORT_FLAG -> Main.main(withoutPortFlag(flags));
            case BAD_SETTING_EXITS_0 -> {
                try {
                    Settings.fromCommandLine(flags, System.getenv());
                } catch (Settings.BadSetting e) {
                    System.err.println("raw-socket: bad setting: " + e.getMessage());
                    System.exit(0);
                }
                Main.main(flags);
            }
            case READY_LINE_NAMES_PORT_0 -> {
                String given = givenPort(flags);
                System.setOut(changingLines(line -> line.replaceFirst("(https?://[^/:]+:)\\d+", "$1" + given)));
                Main.main(flags);
            }
            case SIGTERM_KILLS -> {
                // Main handles SIGTERM itself (to close the streams and exit 0): once it is ready, undo that
                System.setOut(changingLines(line -> {
                    if (line.contains(" ready: ")) {
                        Signal.handle(new Signal("TERM"), SignalHandler.SIG_DFL);
                    }
                    return line;
                }));
                Main.main(flags);
            }
            case IGNORES_REDIS_URL -> Launcher.run("raw-socket", flags, settings -> RawSocketServer.start(new Settings(
                    settings.host(), settings.port(), settings.retryMs(), settings.heartbeatMs(), settings.historySize(),
                    settings.maxStreams(), settings.allowedOrigins(), null, settings.tls())));
            case TLS_HALF_PAIR_STARTS_PLAIN -> {
                Map<String, String> environment = new HashMap<>(System.getenv());
                if (environment.containsKey("TLS_CERT") == environment.containsKey("TLS_KEY")) {
                    Main.main(flags);
                    return;
                }
                environment.remove("TLS_CERT");
                environment.remove("TLS_KEY");
                startWith(Settings.fromCommandLine(flags, environment));
            }
            case READY_LINE_NAMES_ANOTHER_CERTIFICATE -> {
                String another = ServerCertificate.selfSigned().sha256Fingerprint();
                System.setOut(changingLines(line -> line.replaceFirst("SHA-256 [0-9A-F:]+", "SHA-256 " + another)));
                Main.main(flags);
            }
            default -> throw new IllegalArgumentException(fault + " is not a fault of the launcher");
        }
    }

    /** The server with these settings (none of them bad), its ready line, then running until it is killed. */
    private static void startWith(Settings settings) {
        RawSocketServer server = RawSocketServer.start(settings);
        System.out.println("raw-socket ready: open " + settings.urlFor(server.port()) + "  (Ctrl-C stops it)");
        System.out.flush();
        while (true) {
            try {
                Thread.sleep(Long.MAX_VALUE);
            } catch (InterruptedException ignored) {
                // until killed
            }
        }
    }

    private static String[] withoutPortFlag(String[] flags) {
        List<String> kept = new ArrayList<>();
        for (int i = 0; i < flags.length; i++) {
            if (flags[i].equals("--port")) {
                i++; // and its value
            } else if (!flags[i].startsWith("--port=")) {
                kept.add(flags[i]);
            }
        }
        return kept.toArray(String[]::new);
    }

    /** The port the settings give (0 for any free one), as the ready line of a careless server would say. */
    private static String givenPort(String[] flags) {
        try {
            return String.valueOf(Settings.fromCommandLine(flags, System.getenv()).port());
        } catch (Settings.BadSetting e) {
            return "?"; // Main says what is wrong
        }
    }

    /** System.out with each line changed before it is printed. */
    private static PrintStream changingLines(UnaryOperator<String> change) {
        return new PrintStream(System.out, true) {
            @Override
            public void println(String line) {
                super.println(change.apply(line));
            }
        };
    }
}
