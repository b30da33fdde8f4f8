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
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.handler.EventsHandler;
import org.eclipse.jetty.util.Callback;

/**
 * Slowloris protection Jetty lacks: its idle timeout restarts with every byte, so a client dripping one byte a
 * second could hold a connection forever. Here a connection that is waiting for a request head (just opened, or
 * kept alive after a response) and has not completed one within 15 seconds gets 408 and is closed.
 * It watches connections open and close (a connector listener) and requests start and end (a Jetty handler).
 */
final class HeadTimeout extends EventsHandler implements Connection.Listener {

    static final long LIMIT_MS = 15_000;
    private static final byte[] REQUEST_TIMEOUT = ("HTTP/1.1 408 Request Timeout\r\nContent-Length: 0\r\n"
            + "Connection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII);

    /** Per connection: is a request being handled, and since when has it been waiting for a head. */
    private static final class Waiting {
        volatile boolean handling;
        volatile long sinceNanos = System.nanoTime();
    }

    private final Map<Connection, Waiting> connections = new ConcurrentHashMap<>();
    private final ScheduledExecutorService sweeper =
            Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().name("head-timeout").daemon().factory());

    @Override
    protected void doStart() throws Exception {
        super.doStart();
        sweeper.scheduleWithFixedDelay(this::sweep, 250, 250, TimeUnit.MILLISECONDS);
    }

    @Override
    protected void doStop() throws Exception {
        sweeper.shutdownNow();
        super.doStop();
    }

    @Override
    public void onOpened(Connection connection) {
        connections.put(connection, new Waiting());
    }

    @Override
    public void onClosed(Connection connection) {
        connections.remove(connection);
    }

    @Override
    protected void onBeforeHandling(Request request) { // the head is complete
        Waiting waiting = connections.get(request.getConnectionMetaData().getConnection());
        if (waiting != null) {
            waiting.handling = true;
        }
    }

    @Override
    protected void onComplete(Request request, Throwable failure) { // the response is done: wait for the next head
        Waiting waiting = connections.get(request.getConnectionMetaData().getConnection());
        if (waiting != null) {
            waiting.sinceNanos = System.nanoTime();
            waiting.handling = false;
        }
    }

    private void sweep() {
        long limit = TimeUnit.MILLISECONDS.toNanos(LIMIT_MS);
        long now = System.nanoTime();
        connections.forEach((connection, waiting) -> {
            if (!waiting.handling && now - waiting.sinceNanos > limit && connections.remove(connection, waiting)) {
                EndPoint endPoint = connection.getEndPoint();
                endPoint.write(Callback.from(endPoint::close, failure -> endPoint.close()), ByteBuffer.wrap(REQUEST_TIMEOUT));
            }
        });
    }
}
