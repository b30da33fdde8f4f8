package workshop.sse.javalin.hardening;

import java.nio.ByteBuffer;
import org.eclipse.jetty.http2.HTTP2Connection;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.io.ssl.SslConnection;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.handler.EventsHandler;
import org.eclipse.jetty.server.internal.HttpConnection;
import org.eclipse.jetty.util.Callback;
import workshop.sse.core.http.HeadDeadlines;
import workshop.sse.core.http.HeadRules;

/**
 * Slowloris protection Jetty lacks: its idle timeout restarts with every byte, so a client dripping one byte a
 * second could hold a connection forever. The shared {@link HeadDeadlines} gives a connection waiting for a head
 * 15 seconds, then 408 and a close; this class tells it what happens on Jetty's connections, from a connector
 * listener (a connection opens and closes) and a Jetty handler (a request's head is complete, its answer is done).
 *
 * <p>With TLS, a connection is first a TLS one ({@link SslConnection}), and becomes HTTP/1.1 or HTTP/2 once its
 * handshake is done and ALPN has chosen: the TLS one has 15 s to get there (then it is closed: no 408 can be sent
 * before a handshake). HTTP/1.1 then keeps the rules above. An HTTP/2 connection has 15 s to send its first request
 * (then it is closed); after that its streams run side by side, and the connection lives as long as it is not idle.
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
        if (connection instanceof SslConnection || isHttp(connection)) {
            deadlines.opened(connection, connection, System.nanoTime());
        }
        if (isHttp(connection) && connection.getEndPoint() instanceof SslConnection.SslEndPoint tls) {
            deadlines.headComplete(tls.getSslConnection()); // the handshake is done: the HTTP connection's turn
        }
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
        Connection connection = request.getConnectionMetaData().getConnection();
        if (connection instanceof HttpConnection) { // not HTTP/2: its other streams may still be running
            deadlines.answered(connection);
        }
    }

    private static boolean isHttp(Connection connection) {
        return connection instanceof HttpConnection || connection instanceof HTTP2Connection;
    }

    private static void expire(Connection connection) {
        EndPoint endPoint = connection.getEndPoint();
        if (connection instanceof HttpConnection) {
            endPoint.write(Callback.from(endPoint::close, failure -> endPoint.close()),
                    ByteBuffer.wrap(HeadRules.requestTimeoutAnswer()));
        } else {
            endPoint.close(); // a TLS handshake or an HTTP/2 connection: no HTTP/1.1 answer fits
        }
    }
}
