package workshop.sse.tck;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Copying a TCP connection's bytes through a proxy as the network would carry them, for the kit's own proxies (the
 * self-test's fault proxy, a test's load balancer): an end (FIN) passes on as a half-close, a reset as a reset, and a
 * side that can no longer be written is reset, as a server writing to a gone client finds out on its next write.
 */
public final class Relay {

    private Relay() {
    }

    /**
     * Relays a connection both ways: {@code client} to {@code server} on {@code executor}, back on this thread. When both
     * directions have ended, {@code ended} runs once (to close and forget the two sockets).
     */
    public static void bothWays(Socket client, Socket server, Executor executor, Runnable ended) {
        AtomicInteger running = new AtomicInteger(2);
        Runnable done = () -> {
            if (running.decrementAndGet() == 0) {
                ended.run();
            }
        };
        executor.execute(() -> {
            pump(client, server);
            done.run();
        });
        pump(server, client);
        done.run();
    }

    /** Copies {@code from} to {@code to} until {@code from} ends, then passes its end on; returns when it has. */
    public static void pump(Socket from, Socket to) {
        byte[] buffer = new byte[8192];
        InputStream in;
        OutputStream out;
        try {
            in = from.getInputStream();
            out = to.getOutputStream();
        } catch (IOException e) {
            return;
        }
        while (true) {
            int n;
            try {
                n = in.read(buffer);
            } catch (IOException e) {
                abort(to);
                return;
            }
            if (n < 0) {
                shutdownOutput(to);
                return;
            }
            try {
                out.write(buffer, 0, n);
                out.flush();
            } catch (IOException e) {
                abort(from);
                return;
            }
        }
    }

    public static void shutdownOutput(Socket socket) {
        try {
            socket.shutdownOutput();
        } catch (IOException e) {
            // closed already
        }
    }

    /** Closes with a reset (RST), as a broken connection does. */
    public static void abort(Socket socket) {
        try {
            socket.setSoLinger(true, 0);
        } catch (IOException e) {
            // closed already
        }
        closeQuietly(socket);
    }

    public static void closeQuietly(AutoCloseable closeable) {
        try {
            closeable.close();
        } catch (Exception e) {
            // closing anyway
        }
    }
}
