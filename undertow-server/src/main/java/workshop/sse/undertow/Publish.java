package workshop.sse.undertow;

import io.undertow.server.HttpServerExchange;
import java.io.ByteArrayOutputStream;
import workshop.sse.core.demo.Publication;
import workshop.sse.core.demo.PublishRequest;
import workshop.sse.core.demo.SseDemo;
import workshop.sse.core.http.ApiError;
import static workshop.sse.undertow.http.Exchanges.answer;
import static workshop.sse.undertow.http.Exchanges.contentLength;
import static workshop.sse.undertow.http.Exchanges.header;
import static workshop.sse.undertow.http.Exchanges.refuse;

/**
 * {@code POST /api/broadcast} without a blocked thread. Undertow's {@code Receiver} hands the body over piece by
 * piece on the IO thread as it arrives, so a client that drips its body holds no thread at all; a blocking read
 * (Undertow's InputStream) would park one of XNIO's worker threads per slow client. The head is checked before a
 * byte of the body is read, and no more than the limit and one byte is ever kept.
 */
final class Publish {

    private Publish() {
    }

    static void handle(HttpServerExchange exchange, SseDemo demo, String origin) {
        Publication.Head head = demo.checkPublish(new PublishRequest(origin,
                header(exchange, "Content-Type"), contentLength(exchange), exchange.getQueryString()));
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        exchange.getRequestReceiver().receivePartialBytes((ex, piece, last) -> {
            body.writeBytes(piece);
            boolean tooLarge = body.size() > Publication.MAX_BODY_BYTES;
            if (tooLarge) {
                ex.getRequestReceiver().pause(); // the rest is never read: the answer closes the connection
                ex.setPersistent(false);
            }
            if (tooLarge || last) {
                // Publishing fans out to every stream: off the IO thread, which other connections share.
                ex.dispatch(UndertowServer.BLOCKING_WORK, () -> answer(ex, 202,
                        () -> demo.publish(head, body.toByteArray())));
            }
        }, (ex, failure) -> refuse(ex, // broken chunked framing, or a body that ended early
                new ApiError(400, "The body could not be read: its chunked framing is broken or it ended early.")));
    }
}
