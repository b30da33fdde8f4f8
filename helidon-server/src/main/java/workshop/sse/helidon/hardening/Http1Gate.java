package workshop.sse.helidon.hardening;

import io.helidon.common.buffers.BufferData;
import io.helidon.common.buffers.DataReader;
import io.helidon.webserver.ConnectionContext;
import io.helidon.webserver.ProtocolConfigs;
import io.helidon.webserver.http1.Http1Config;
import io.helidon.webserver.http1.Http1ConnectionProvider;
import io.helidon.webserver.spi.ServerConnection;
import io.helidon.webserver.spi.ServerConnectionSelector;
import java.util.List;
import java.util.Set;
import workshop.sse.core.http.HeadRules;

/**
 * Helidon's HTTP/1 over TLS, with the answers to bad first lines that it has in cleartext. When ALPN picked
 * {@code http/1.1}, Helidon hands the connection straight to the selector that named it, and never asks the others
 * ({@link BadRequests}' 400 and 505): this one names it, reads the first line, and asks them first. It also tells
 * {@link HeadTimeout} the connection's context, so that its 408 is written through TLS.
 */
final class Http1Gate implements ServerConnectionSelector {

    private final ServerConnectionSelector http1;
    private final HeadTimeout headTimeout;
    private final List<ServerConnectionSelector> badFirstLines;

    Http1Gate(Http1Config config, HeadTimeout headTimeout, List<ServerConnectionSelector> badFirstLines) {
        // Helidon's own HTTP/1, made from the same settings; its configs name no HTTP/2, so it offers no h2c upgrade
        this.http1 = new Http1ConnectionProvider().create(config.name(), config, ProtocolConfigs.create(List.of(config)));
        this.headTimeout = headTimeout;
        this.badFirstLines = badFirstLines;
    }

    @Override
    public int bytesToIdentifyConnection() {
        return http1.bytesToIdentifyConnection();
    }

    @Override
    public Support supports(BufferData request) {
        return http1.supports(request);
    }

    @Override
    public Set<String> supportedApplicationProtocols() {
        return http1.supportedApplicationProtocols();
    }

    @Override
    public ServerConnection connection(ConnectionContext ctx) {
        headTimeout.http1OverTls(ctx);
        BufferData firstLine = firstLine(ctx.dataReader());
        for (ServerConnectionSelector answer : badFirstLines) {
            firstLine.rewind();
            if (answer.supports(firstLine) == Support.SUPPORTED) {
                return answer.connection(ctx);
            }
        }
        return http1.connection(ctx);
    }

    /** The bytes up to the first line's end (or 8 KiB, which HTTP/1 refuses), left unread for the connection. */
    private static BufferData firstLine(DataReader reader) {
        reader.ensureAvailable();
        BufferData buffer = reader.getBuffer(reader.available());
        while (buffer.indexOf((byte) '\n') < 0 && buffer.available() <= HeadRules.MAX_BYTES) {
            buffer = reader.getBuffer(reader.available() + 1);
        }
        return buffer;
    }
}
