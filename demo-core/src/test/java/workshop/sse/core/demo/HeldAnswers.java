package workshop.sse.core.demo;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A TCP relay in front of Redis whose answers can be held back for a while: an instance connected through it reads
 * the shared events late, as an instance on a busy machine or a slow network does.
 */
final class HeldAnswers implements AutoCloseable {

    private final ServerSocket listener;
    private final int redisPort;
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    private final Object gate = new Object();
    private boolean holding; // guarded by gate

    HeldAnswers(String redisUrl) throws IOException {
        this.redisPort = URI.create(redisUrl).getPort();
        this.listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread.ofVirtual().start(this::accept);
    }

    String url() {
        return "redis://127.0.0.1:" + listener.getLocalPort();
    }

    /** From now on, Redis's answers wait here until {@link #release}. */
    void hold() {
        synchronized (gate) {
            holding = true;
        }
    }

    void release() {
        synchronized (gate) {
            holding = false;
            gate.notifyAll();
        }
    }

    private void accept() {
        try {
            while (true) {
                Socket client = listener.accept();
                Socket redis = new Socket(InetAddress.getLoopbackAddress(), redisPort);
                sockets.add(client);
                sockets.add(redis);
                Thread.ofVirtual().start(() -> relay(client, redis, false));
                Thread.ofVirtual().start(() -> relay(redis, client, true));
            }
        } catch (IOException closed) {
            // the relay is closed
        }
    }

    private void relay(Socket from, Socket to, boolean answers) {
        byte[] buffer = new byte[8192];
        try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
            for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                if (answers) {
                    awaitRelease();
                }
                out.write(buffer, 0, n);
                out.flush();
            }
        } catch (IOException | InterruptedException gone) {
            // one side closed: the finally of the other relay closes the rest
        } finally {
            close(from);
            close(to);
        }
    }

    private void awaitRelease() throws InterruptedException {
        synchronized (gate) {
            while (holding) {
                gate.wait();
            }
        }
    }

    @Override
    public void close() {
        release();
        close(listener);
        sockets.forEach(HeldAnswers::close);
    }

    private static void close(AutoCloseable closeable) {
        try {
            closeable.close();
        } catch (Exception ignored) {
            // closing anyway
        }
    }
}
