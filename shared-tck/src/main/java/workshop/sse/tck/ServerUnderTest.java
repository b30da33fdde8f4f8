package workshop.sse.tck;

import java.net.URI;

/** A running server the kit talks to over HTTP: where it is, and how to stop it. */
public interface ServerUnderTest extends AutoCloseable {

    /** The server's base URL, ending in a slash, e.g. {@code http://127.0.0.1:54321/}. */
    URI baseUri();

    /** Stops the server and frees its port. A server the kit did not start leaves this empty. */
    @Override
    void close() throws Exception;

    /** The server at {@code baseUri}, stopped by {@code stop}. */
    static ServerUnderTest of(URI baseUri, AutoCloseable stop) {
        URI base = baseUri.toString().endsWith("/") ? baseUri : URI.create(baseUri + "/");
        return new ServerUnderTest() {
            @Override
            public URI baseUri() {
                return base;
            }

            @Override
            public void close() throws Exception {
                stop.close();
            }
        };
    }
}
