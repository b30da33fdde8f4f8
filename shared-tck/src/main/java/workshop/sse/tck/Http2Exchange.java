package workshop.sse.tck;

import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import okhttp3.Call;
import okhttp3.Response;

/** One request and its response on an HTTP/2 stream (OkHttp), as a {@link ResponseChannel}. */
final class Http2Exchange implements ResponseChannel {

    private final Call call;
    private final Response response;
    private final PumpedBody body;

    private Http2Exchange(Call call, Response response, String what) {
        this.call = call;
        this.response = response;
        // the client's read timeout bounded the wait for the head; the body's reads get the kit's deadlines instead
        response.body().source().timeout().timeout(0, TimeUnit.MILLISECONDS);
        this.body = new PumpedBody(response.body().byteStream(), what);
    }

    /** Sends the call and waits (up to the client's read timeout) for the response head. */
    static Http2Exchange send(Call call, String what) throws IOException {
        return new Http2Exchange(call, call.execute(), what);
    }

    /** The head as it came: over HTTP/2 the field names are lower-case, and there is no reason phrase. */
    HttpHead head(long receivedNanos) {
        return HttpHead.of(response, receivedNanos);
    }

    @Override
    public InputStream bodyStream(HttpHead head) {
        return body;
    }

    @Override
    public void deadline(Duration within) {
        body.deadline(within);
    }

    @Override
    public byte[] readBody(HttpHead head, boolean headRequest, Duration within) throws IOException {
        if (headRequest) {
            return new byte[0];
        }
        deadline(within);
        return body.readAllBytes();
    }

    @Override
    public void abort() {
        call.cancel(); // RST_STREAM (CANCEL); the connection and its other streams go on
    }

    @Override
    public void close() {
        call.cancel();
        response.close();
    }
}
