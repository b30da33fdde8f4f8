package workshop.sse.undertow;

import io.undertow.server.HttpServerExchange;
import io.undertow.server.handlers.sse.ServerSentEventHandler;
import workshop.sse.core.demo.SseDemo.Opening;
import workshop.sse.core.demo.SseDemo;
import workshop.sse.core.demo.StreamRequest;
import workshop.sse.core.wire.SseStream;
import workshop.sse.undertow.hardening.ConduitHeartbeat;
import workshop.sse.undertow.hardening.UndertowHardening;
import static workshop.sse.undertow.http.Exchanges.header;
import static workshop.sse.undertow.http.Exchanges.isHead;
import static workshop.sse.undertow.http.Exchanges.put;
import static workshop.sse.undertow.http.Exchanges.query;

/**
 * {@code GET /api/counter} and {@code GET /api/broadcast}. The demo decides the answer first (406, 400, 204, 503
 * or a stream): Undertow's {@link ServerSentEventHandler} ignores {@code Accept} and commits 200 at once.
 */
final class SseEndpoints {

    private final SseDemo demo;

    SseEndpoints(SseDemo demo) {
        this.demo = demo;
    }

    void counter(HttpServerExchange exchange) throws Exception {
        answer(exchange, demo.openCounter(request(exchange)));
    }

    void broadcast(HttpServerExchange exchange) throws Exception {
        answer(exchange, demo.openBroadcast(request(exchange)));
    }

    private static StreamRequest request(HttpServerExchange exchange) {
        return new StreamRequest(isHead(exchange), header(exchange, "Accept"), header(exchange, "Last-Event-ID"),
                name -> query(exchange, name));
    }

    private void answer(HttpServerExchange exchange, Opening opening) throws Exception {
        switch (opening) {
            case Opening.Opened opened -> {
                SseStream stream = opened.stream();
                // However the response ends (even before the handler hands over a connection), the slot is freed.
                // Over HTTP/2 this is how a vanished client is heard at all: a reset stream or a dropped connection
                // completes the exchange, but the SSE connection's close tasks never fire (Undertow 2.4.4).
                exchange.addExchangeCompleteListener((done, next) -> {
                    stream.end();
                    next.proceed();
                });
                UndertowHardening.dropBytesAfter(exchange); // nothing can follow a stream
                put(exchange, SseDemo.STREAM_HEADERS);
                ConduitHeartbeat heartbeats = ConduitHeartbeat.on(exchange); // Undertow's own ends no frame
                new ServerSentEventHandler((connection, lastEventId) ->
                        StreamPump.start(connection, exchange, heartbeats, stream, demo)).handleRequest(exchange);
            }
            case Opening.Finished finished -> exchange.setStatusCode(204).endExchange();
            case Opening.HeadersOnly head -> {
                put(exchange, SseDemo.STREAM_HEADERS);
                UndertowHardening.endWithoutLength(exchange.setStatusCode(200)); // no Content-Length: 0 on a stream
            }
        }
    }

}
