package workshop.sse.tck;

import java.io.IOException;
import java.net.URI;
import java.util.List;

import okhttp3.Headers;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;

/**
 * The kit's stream and request client over HTTP/2 (SPEC 12.4): OkHttp, every request a stream of one shared
 * connection, the answers as {@link RawSseStream} and {@link RawResponse}, so that the checks read them as they read
 * HTTP/1.1 off a raw socket. A check's header lines are sent as given, but for what HTTP/2 has no place for
 * (OkHttp drops {@code Connection}, {@code Host} becomes {@code :authority}, {@code Content-Length} comes from the
 * body).
 */
final class Http2Client {

    private final OkHttpClient client;
    private final URI base;

    /** @param shared the kit's OkHttp client: this one shares its connection pool, so its one HTTP/2 connection */
    Http2Client(OkHttpClient shared, URI base) {
        this.client = shared.newBuilder().readTimeout(RawHttp.ANSWER).build();
        this.base = base;
    }

    /** Sends a request and returns it as a stream, head read. {@code body} is null for none. */
    RawSseStream open(String method, String target, String contentType, byte[] body, String... headerLines)
            throws IOException {
        Request request = request(method, target, contentType, body, headerLines);
        long sent = System.nanoTime();
        Http2Exchange exchange = Http2Exchange.send(client.newCall(request), method + " " + target);
        return RawSseStream.over(exchange, method + " " + target, sent, exchange.head(System.nanoTime()));
    }

    /** Sends a request and reads its whole answer. */
    RawResponse exchange(String method, String target, String contentType, byte[] body, String... headerLines)
            throws IOException {
        try (RawSseStream stream = open(method, target, contentType, body, headerLines)) {
            return stream.response();
        }
    }

    private Request request(String method, String target, String contentType, byte[] body, String... headerLines) {
        Headers.Builder headers = new Headers.Builder();
        if (contentType != null) {
            headers.addUnsafeNonAscii("Content-Type", contentType);
        }
        for (String line : headerLines) {
            int colon = line.indexOf(':');
            String name = line.substring(0, colon).strip();
            if (!name.equalsIgnoreCase("Content-Length") && !name.equalsIgnoreCase("Host")) {
                headers.addUnsafeNonAscii(name, line.substring(colon + 1).strip()); // values as the check gave them
            }
        }
        if (headers.get("Accept-Encoding") == null) {
            // OkHttp would ask for gzip and unzip it unseen: a stream the server compressed must show
            headers.add("Accept-Encoding", "identity");
        }
        byte[] bytes = body != null ? body : List.of("POST", "PUT", "PATCH").contains(method) ? new byte[0] : null;
        // no media type here: the Content-Type header is exactly the check's (or absent)
        RequestBody requestBody = bytes == null ? null : RequestBody.create(bytes, (MediaType) null);
        return new Request.Builder().url(base.resolve(target).toString()).headers(headers.build())
                .method(method, requestBody).build();
    }
}
