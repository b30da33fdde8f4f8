package workshop.sse.javalin.hardening;

import java.nio.ByteBuffer;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.handler.EventsHandler;
import org.eclipse.jetty.util.Callback;
import workshop.sse.core.http.HeadDeadlines;
import workshop.sse.core.http.HeadRules;

/**
 * Slowloris protection Jetty lacks: its idle timeout restarts with every byte, so a client dripping one byte a
 * second could hold a connection forever. The shared {@link HeadDeadlines} gives a connection waiting for a head
 * 15 seconds, then 408 and a close; this class tells it what happens on Jetty's connections, from a connector
 * listener (a connection opens and closes) and a Jetty handler (a request's head is complete, its answer is done).
 */
final class HeadTimeout extends EventsHandler implements Connection.Listener {

    private HeadDeadlines<Connection, Connection> deadlines;

    @Override
    protected void doStart() throws Exception {
        super.doStart();
        deadlines = new HeadDeadlines<>(HeadTimeout::expire, connection -> connection.getEndPoint().isOpen());
    }

    @Override
    protected void doStop() throws Exception {
        deadlines.close();
        super.doStop();
    }

    @Override
    public void onOpened(Connection connection) {
        deadlines.opened(connection, connection, System.nanoTime());
    }

    @Override
    public void onClosed(Connection connection) {
        deadlines.forget(connection);
    }

    @Override
    protected void onBeforeHandling(Request request) { // the head is complete
        deadlines.headComplete(request.getConnectionMetaData().getConnection());
    }

    @Override
    protected void onComplete(Request request, Throwable failure) { // the response is done: wait for the next head
        deadlines.answered(request.getConnectionMetaData().getConnection());
    }

    private static void expire(Connection connection) {
        EndPoint endPoint = connection.getEndPoint();
        endPoint.write(Callback.from(endPoint::close, failure -> endPoint.close()),
                ByteBuffer.wrap(HeadRules.requestTimeoutAnswer()));
    }
}
