package workshop.sse.helidon.hardening;

import io.helidon.common.buffers.BufferData;
import io.helidon.common.concurrency.limits.Limit;
import io.helidon.http.DirectHandler;
import io.helidon.http.ServerResponseHeaders;
import io.helidon.http.Status;
import io.helidon.webserver.ConnectionContext;
import io.helidon.webserver.http.DirectHandlers;
import io.helidon.webserver.spi.ServerConnection;
import io.helidon.webserver.spi.ServerConnectionSelector;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.Semaphore;
import java.util.regex.Pattern;

/**
 * Answers for requests Helidon refuses while it parses the head, before routing. Helidon answers a head over its
 * maxHeadersSize with 400, and a request line over its maxPrologueLength with 414 (the SPEC wants 431 for both), and a request line whose method is not a token (such as
 * {@code G(T}) with 500, because the parser's IllegalArgumentException surfaces as an internal error. Helidon
 * only tells a handler why when ErrorHandling.includeEntity is on (see HelidonHardening).
 */
final class BadRequests implements DirectHandler {

    private static final String HEAD_TOO_LARGE = "Header size exceeded";

    private static final byte[] BAD_REQUEST = ("HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n"
            + "Connection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
    private static final byte[] VERSION_NOT_SUPPORTED = ("HTTP/1.1 505 HTTP Version Not Supported\r\n"
            + "Content-Length: 0\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
    private static final Pattern OTHER_VERSION = Pattern.compile(".* HTTP/\\d\\.\\d\r");

    /**
     * Helidon's HTTP/1 takes a connection only when its first line ends in " HTTP/1.1" ("GARBAGE", or a request
     * line with a fourth word, is claimed by no protocol, and Helidon closes the connection without a word). These
     * selectors, asked before HTTP/1, claim exactly those connections: a well-formed other version (HTTP/3.0) is
     * answered 505, anything else 400.
     */
    static ServerConnectionSelector unclaimedConnections() {
        return unclaimed(false, BAD_REQUEST);
    }

    static ServerConnectionSelector otherVersions() {
        return unclaimed(true, VERSION_NOT_SUPPORTED);
    }

    private static ServerConnectionSelector unclaimed(boolean wellFormedVersion, byte[] answer) {
        return new ServerConnectionSelector() {
            @Override
            public int bytesToIdentifyConnection() {
                return 0;
            }

            @Override
            public Support supports(BufferData request) {
                int newLine = request.indexOf((byte) '\n');
                if (newLine < 0) {
                    return Support.UNSUPPORTED; // HTTP/1 waits for the rest of the line
                }
                StringBuilder line = new StringBuilder();
                for (int i = 0; i < newLine; i++) {
                    line.append((char) request.get(i));
                }
                String text = line.toString();
                boolean http1 = text.endsWith(" HTTP/1.1\r") || text.endsWith(" HTTP/1.0\r"); // 1.0: Helidon's answer
                return !http1 && OTHER_VERSION.matcher(text).matches() == wellFormedVersion
                        ? Support.SUPPORTED : Support.UNSUPPORTED;
            }

            @Override
            public Set<String> supportedApplicationProtocols() {
                return Set.of();
            }

            @Override
            public ServerConnection connection(ConnectionContext ctx) {
                return new ServerConnection() {
                    @Override
                    public void handle(Limit limit) {
                        ctx.dataWriter().writeNow(BufferData.create(answer)); // then Helidon closes it
                    }

                    @Override
                    public void handle(Semaphore requestSemaphore) {
                        handle((Limit) null);
                    }

                    @Override
                    public Duration idleTime() {
                        return Duration.ZERO;
                    }

                    @Override
                    public void close(boolean interrupt) {
                        // nothing held
                    }
                };
            }
        };
    }

    static DirectHandlers install() {
        BadRequests handler = new BadRequests();
        return DirectHandlers.builder()
                .addHandler(EventType.BAD_REQUEST, handler)
                .addHandler(EventType.INTERNAL_ERROR, handler)
                .build();
    }

    @Override
    public TransportResponse handle(TransportRequest request, EventType eventType, Status status,
            ServerResponseHeaders headers, String message) {
        Status answer = status;
        if (eventType == EventType.BAD_REQUEST && HEAD_TOO_LARGE.equals(message) || status.code() == 414) {
            answer = Status.create(431, "Request Header Fields Too Large");
        } else if (eventType == EventType.INTERNAL_ERROR) {
            // Routing errors go to the routing's error handlers; what reaches here failed while parsing.
            answer = Status.BAD_REQUEST_400;
        }
        return TransportResponse.builder().status(answer).headers(headers).keepAlive(false).build();
    }
}
