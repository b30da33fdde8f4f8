package workshop.sse.helidon;

import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.helidon.webserver.sse.SseSink;
import workshop.sse.core.demo.SseDemo.Opening;
import workshop.sse.core.demo.SseDemo;
import workshop.sse.core.demo.StreamRequest;
import workshop.sse.helidon.hardening.HelidonHardening;
import static workshop.sse.helidon.http.Exchanges.header;
import static workshop.sse.helidon.http.Exchanges.isHead;
import static workshop.sse.helidon.http.Exchanges.isHttp2;
import static workshop.sse.helidon.http.Exchanges.query;

/**
 * {@code GET /api/counter} and {@code GET /api/broadcast}. The demo decides the answer first (406, 400, 204, 503
 * or a stream): Helidon's SSE sink sends 200 and the headers the moment it is created, and when Accept rules
 * text/event-stream out it finds no sink at all and answers 500.
 */
final class SseEndpoints {

    private final SseDemo demo;
    private final HelidonHardening connections;

    SseEndpoints(SseDemo demo, HelidonHardening connections) {
        this.demo = demo;
        this.connections = connections;
    }

    void counter(ServerRequest req, ServerResponse res) {
        answer(req, res, demo.openCounter(request(req)));
    }

    void broadcast(ServerRequest req, ServerResponse res) {
        answer(req, res, demo.openBroadcast(request(req)));
    }

    private static StreamRequest request(ServerRequest req) {
        return new StreamRequest(isHead(req), header(req, "Accept"), header(req, "Last-Event-ID"),
                name -> query(req, name));
    }

    private void answer(ServerRequest req, ServerResponse res, Opening opening) {
        switch (opening) {
            case Opening.Opened opened -> {
                SseDemo.STREAM_HEADERS.forEach(res::header); // before the sink: it sends them when created
                StreamPump.run(res, opened.stream(), demo, isHttp2(req));
            }
            case Opening.Finished finished -> res.status(204).send();
            case Opening.HeadersOnly head when isHttp2(req) -> {
                // HTTP/2 has no chunks and no Connection header: the sink sends the headers, and closing it ends
                // the stream with an empty DATA frame, no body. (Closing the connection would end its other streams.)
                SseDemo.STREAM_HEADERS.forEach(res::header);
                res.sink(SseSink.TYPE).close();
            }
            case Opening.HeadersOnly head -> {
                // Helidon has no HEAD of its own, and gives an empty response Content-Length: 0, which a stream
                // never has. So the SSE sink sends the stream's headers (chunked, no length), and the connection
                // is closed before Helidon ends the response with its last chunk, which would be a body.
                SseDemo.STREAM_HEADERS.forEach(res::header);
                res.header("Connection", "close");
                res.sink(SseSink.TYPE);
                connections.closeConnection(req);
            }
        }
    }
}
