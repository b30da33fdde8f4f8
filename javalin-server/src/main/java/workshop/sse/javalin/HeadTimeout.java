package workshop.sse.javalin;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.component.AbstractLifeCycle;

/**
 * Slowloris protection Jetty lacks: its idle timeout restarts with every byte, so a client dripping one byte a
 * second could hold a connection forever. Here a connection that is waiting for a request head (just opened, or
 * kept alive after a response) and has not completed one within 15 seconds gets 408 and is closed.
 */
final class HeadTimeout extends AbstractLifeCycle implements Connection.Listener {

    static final long LIMIT_MS = 15_000;
    private static final byte[] REQUEST_TIMEOUT = ("HTTP/1.1 408 Request Timeout\r\nContent-Length: 0\r\n"
            + "Connection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII);

    /** Per connection: the requests in and responses out last seen, and since when they have not moved. */
    private static final class Progress {
        long messagesIn;
        long messagesOut;
        long sinceNanos = System.nanoTime();
    }

    private final Map<Connection, Progress> connections = new ConcurrentHashMap<>();
    private final ScheduledExecutorService sweeper =
            Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().name("head-timeout").daemon().factory());

    @Override
    protected void doStart() {
        sweeper.scheduleWithFixedDelay(this::sweep, 500, 500, TimeUnit.MILLISECONDS);
    }

    @Override
    protected void doStop() {
        sweeper.shutdownNow();
    }

    @Override
    public void onOpened(Connection connection) {
        connections.put(connection, new Progress());
    }

    @Override
    public void onClosed(Connection connection) {
        connections.remove(connection);
    }

    private void sweep() {
        long now = System.nanoTime();
        connections.forEach((connection, progress) -> {
            long in = connection.getMessagesIn();
            long out = connection.getMessagesOut();
            if (in != progress.messagesIn || out != progress.messagesOut) {
                progress.messagesIn = in;
                progress.messagesOut = out;
                progress.sinceNanos = now;
            }
            boolean waitingForHead = in == out; // every request so far has been answered
            if (waitingForHead && now - progress.sinceNanos > TimeUnit.MILLISECONDS.toNanos(LIMIT_MS)) {
                connections.remove(connection);
                EndPoint endPoint = connection.getEndPoint();
                endPoint.write(Callback.from(endPoint::close, failure -> endPoint.close()), ByteBuffer.wrap(REQUEST_TIMEOUT));
            }
        });
    }
}
