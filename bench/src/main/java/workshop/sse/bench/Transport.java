package workshop.sse.bench;

/**
 * How the bench's streams reach a server: cleartext HTTP/1.1 read by the bench's own selector (the comparison's
 * profiles), or through Jetty's client (the HTTP/2 profile): HTTP/1.1 in cleartext or over TLS, one connection per
 * stream, or HTTP/2 over TLS, many streams on each connection. Over TLS the server is started with
 * {@code TLS=self-signed}, and the publisher posts over TLS too (HTTP/1.1: it offers no ALPN).
 */
enum Transport {
    BENCH_HTTP1(false, false, "HTTP/1.1, the bench's selector"),
    HTTP1(false, false, "HTTP/1.1, a connection per stream"),
    HTTP1_TLS(true, false, "HTTP/1.1 over TLS, a connection per stream"),
    HTTP2_TLS(true, true, "HTTP/2 over TLS, many streams per connection");

    final boolean tls;
    final boolean http2;
    final String label;

    Transport(boolean tls, boolean http2, String label) {
        this.tls = tls;
        this.http2 = http2;
        this.label = label;
    }

    /** Whether Jetty's client opens the streams (all but the bench's own selector). */
    boolean jetty() {
        return this != BENCH_HTTP1;
    }
}
