package workshop.sse.javalin.hardening;

import org.eclipse.jetty.http.HttpException;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.internal.HttpConnection;

/**
 * Jetty's HTTP/1 parser refuses two bad heads with another status than the SPEC's: a request line past its limit is
 * 414 (SPEC 10.3: a head over 8 KiB, the request line included, is 431), and a version it cannot read ({@code HTTQ/1.1},
 * {@code HTTP/1}) is 505 (SPEC 10.2: a malformed request line is 400; 505 is for a well-formed version not spoken).
 * Jetty's error handler cannot change the status of such an answer, so the connections of this factory change it
 * where the parser reports it.
 */
final class HeadErrorStatus extends HttpConnectionFactory {

    HeadErrorStatus(HttpConfiguration config) {
        super(config);
    }

    @Override
    public Connection newConnection(Connector connector, EndPoint endPoint) {
        HttpConnection connection = new SpecStatusConnection(getHttpConfiguration(), connector, endPoint);
        connection.setTransferEncodingChunkMaxLength(getTransferEncodingChunkMaxLength()); // as Jetty's factory does
        return configure(connection, connector, endPoint);
    }

    private static final class SpecStatusConnection extends HttpConnection {

        SpecStatusConnection(HttpConfiguration config, Connector connector, EndPoint endPoint) {
            super(config, connector, endPoint);
        }

        @Override
        protected RequestHandler newRequestHandler() {
            return new RequestHandler() {
                @Override
                public void badMessage(HttpException failure) {
                    super.badMessage(withSpecStatus(failure));
                }
            };
        }
    }

    static HttpException withSpecStatus(HttpException failure) {
        if (failure.getCode() == 414) {
            return new HttpException.RuntimeException(431, "Request Header Fields Too Large");
        }
        if (failure.getCode() == 505 && "Unknown Version".equals(failure.getReason())) {
            return new HttpException.RuntimeException(400, "Malformed HTTP version");
        }
        return failure;
    }
}
