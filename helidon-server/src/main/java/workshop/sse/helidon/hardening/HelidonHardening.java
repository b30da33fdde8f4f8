package workshop.sse.helidon.hardening;

import io.helidon.common.buffers.DataReader;
import io.helidon.http.Header;
import io.helidon.http.HeaderValues;
import io.helidon.webserver.ErrorHandling;
import io.helidon.webserver.WebServerConfig;
import io.helidon.webserver.http.FilterChain;
import io.helidon.webserver.http.RoutingRequest;
import io.helidon.webserver.http.RoutingResponse;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.helidon.webserver.http1.Http1Config;
import java.util.List;
import workshop.sse.core.http.ApiError;
import workshop.sse.core.http.HeadRules;
import workshop.sse.helidon.http.Exchanges;

/**
 * What Helidon needs beyond its defaults to meet the SPEC under load and against hostile clients: the listener's
 * settings (accept queue, buffers, head limits, the head deadline, answers to bad heads) and a first routing filter
 * for what its parser lets through. None of it is about streaming; {@code HelidonServer} shows that.
 */
public final class HelidonHardening implements AutoCloseable {

    private final HeadTimeout headTimeout;
    private final boolean tls;

    /** With {@code tls}, HTTP/1.1 is also reached by ALPN, and the head deadline answers through TLS. */
    public HelidonHardening(boolean tls) {
        this.tls = tls;
        this.headTimeout = new HeadTimeout(tls);
    }

    public WebServerConfig.Builder configure(WebServerConfig.Builder server) {
        Http1Config http1 = Http1Config.builder()
                .maxHeadersSize(HeadRules.MAX_BYTES) // a bigger head is 431
                .maxPrologueLength(HeadRules.MAX_BYTES) // Helidon's 2 KiB would refuse a 7 KiB request line
                .addReceiveListener(headTimeout)
                .build();
        if (tls) {
            server.addConnectionSelector(new Http1Gate(http1, headTimeout, List.of(BadRequests.otherVersions(),
                    BadRequests.unclaimedConnections())));
        }
        return server
                // A deep accept queue: a burst of reconnecting clients (after POST /api/disconnect) must not
                // overflow the JDK's default of 50 and wait a second for a resent SYN.
                .backlog(4096)
                // Helidon's NIO socket gives every connection two 8 KiB buffers, held for as long as the connection
                // lives: for 10,000 streams, 160 MiB. On a plain socket the JDK reads and writes without them.
                .useNio(false)
                // Every response's output is buffered (4 KiB by default), for a stream as long as it lives; an SSE
                // sink flushes each event anyway.
                .writeBufferSize(512)
                // HeadTimeout: 408 for a head not complete 15 s after the accept (or the previous response). It
                // starts the clock when Helidon configures each accepted socket. Helidon's own idle sweep keeps its
                // default (5 minutes): set to 15 s, it would close a kept-alive connection, silently, before the 408.
                .connectionOptions(headTimeout.acceptWatcher())
                .addConnectionSelector(BadRequests.otherVersions())
                .addConnectionSelector(BadRequests.unclaimedConnections())
                .addProtocol(http1)
                // Helidon's default HTTP/1 configuration beside ours, as its service discovery added it before that
                // was turned off (HelidonServer): without it the kit's 3.8 check ("a client that never reads delays
                // no one") saw publishes answered after ~700 ms. Why it matters is not traced yet.
                .addProtocol(Http1Config.create())
                .directHandlers(BadRequests.install())
                .errorHandling(ErrorHandling.builder().includeEntity(true).build()); // BadRequests reads the message
    }

    /** First in the routing: refuses two bad heads Helidon routes, and watches each response for the head deadline. */
    public void filter(FilterChain chain, RoutingRequest req, RoutingResponse res) {
        headTimeout.watch(req, res);
        if (!req.path().rawPath().startsWith("/")) { // "GET api/status": Helidon routes it; HTTP says 400
            throw new ApiError(400, "The request target must start with /.");
        }
        if (Http2HeadSize.tooLarge(req)) {
            throw new ApiError(431, "The request's header fields are larger than 8 KiB.");
        }
        for (Header header : req.headers()) { // Helidon accepts a header line with no name (": value")
            if (!HeadRules.isToken(header.name())) {
                throw new ApiError(400, "A header name is missing or malformed.");
            }
        }
        chain.proceed();
    }

    /**
     * Before an error answer over HTTP/1.1: a refused body is never read, so nothing more can follow on its
     * connection, which is closed after the answer, as on the other stacks. Over HTTP/2 the stream ends and the
     * connection goes on; Helidon would reset a stream whose answer names a {@code Connection} header.
     */
    public void beforeRefusing(ServerRequest req, ServerResponse res) {
        if (!Exchanges.isHttp2(req) && req.content().hasEntity() && !req.content().consumed()) {
            res.header(HeaderValues.CONNECTION_CLOSE);
        }
    }

    /**
     * Helidon's request-body decoder fails with these on a malformed chunk size or a body that ends early: the
     * client's error (400), not the server's.
     */
    public static boolean isMalformedBody(Throwable error) {
        return error instanceof NumberFormatException || error instanceof DataReader.InsufficientDataAvailableException;
    }

    /** Closes the request's connection now: Helidon's request API has no handle on it. */
    public void closeConnection(ServerRequest req) {
        headTimeout.closeConnection(req);
    }

    @Override
    public void close() {
        headTimeout.stop();
    }
}
