package workshop.sse.core.launch;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import sun.misc.Signal;

/**
 * A server's {@code main}, the same for every stack: read the settings (a bad one is one line and exit 2), start,
 * print one ready line with the URL, and on SIGTERM or Ctrl-C close every stream and exit 0 within 5 seconds.
 */
public final class Launcher {

    /** A started server: the port it bound, and how to stop it. */
    public interface Running extends AutoCloseable {
        int port();

        @Override
        void close();
    }

    private static final long STOP_BUDGET_MS = 4000;

    private Launcher() {
    }

    public static void run(String name, String[] args, Function<Settings, Running> start) {
        Settings settings;
        try {
            settings = Settings.fromCommandLine(args, System.getenv());
        } catch (Settings.BadSetting e) {
            System.err.println(name + ": bad setting: " + e.getMessage());
            System.exit(2);
            return;
        }
        Running server;
        try {
            server = start.apply(settings);
        } catch (RuntimeException e) {
            System.err.println(name + ": cannot start on " + settings.host() + ":" + settings.port() + ": " + rootMessage(e));
            System.exit(1);
            return;
        }
        CountDownLatch stopping = new CountDownLatch(1);
        // Handling the signals ourselves (not a shutdown hook) is what lets the process exit 0 rather than 143.
        Signal.handle(new Signal("TERM"), signal -> stopping.countDown());
        Signal.handle(new Signal("INT"), signal -> stopping.countDown());
        // With TLS the line names the certificate's fingerprint, which a browser's certificate viewer shows too
        System.out.println(name + " ready: open " + settings.urlFor(server.port()) + "  ("
                + (settings.tls() == null ? "" : settings.tls() + "; ") + "Ctrl-C stops it)");
        System.out.flush();

        awaitUninterruptibly(stopping);
        Thread stopper = Thread.ofPlatform().name("stopper").daemon().start(server::close);
        try {
            stopper.join(STOP_BUDGET_MS);
        } catch (InterruptedException ignored) {
            // exiting anyway
        }
        System.out.println(name + " stopped");
        System.exit(0);
    }

    private static void awaitUninterruptibly(CountDownLatch latch) {
        while (true) {
            try {
                latch.await(1, TimeUnit.DAYS);
                if (latch.getCount() == 0) {
                    return;
                }
            } catch (InterruptedException ignored) {
                // keep waiting for the signal
            }
        }
    }

    private static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null) {
            root = root.getCause();
        }
        return root.getMessage() == null ? root.toString() : root.getMessage();
    }
}
