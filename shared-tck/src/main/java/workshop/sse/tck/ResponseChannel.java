package workshop.sse.tck;

import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;

/**
 * Where the body of one response comes from, with deadlines: a raw HTTP/1.1 connection ({@link RawHttp}), or one
 * HTTP/2 stream ({@link Http2Exchange}). {@link RawSseStream} reads either alike.
 */
interface ResponseChannel extends AutoCloseable {

    /** The body as it comes (de-chunked over HTTP/1.1); reads obey {@link #deadline(Duration)}. */
    InputStream bodyStream(HttpHead head);

    /** Sets how long from now the next reads may take in all. */
    void deadline(Duration within);

    /** The body of an ordinary (non-streaming) response, read whole. */
    byte[] readBody(HttpHead head, boolean headRequest, Duration within) throws IOException;

    /** Goes away at once: a TCP reset over HTTP/1.1, RST_STREAM over HTTP/2. */
    void abort();

    /** Goes away as a client does: a FIN over HTTP/1.1, RST_STREAM (CANCEL) over HTTP/2, which has no other way. */
    @Override
    void close();
}
