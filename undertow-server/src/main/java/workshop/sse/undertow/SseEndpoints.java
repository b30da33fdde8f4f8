package workshop.sse.undertow;

import io.undertow.connector.PooledByteBuffer;
import io.undertow.server.HttpServerExchange;
import io.undertow.server.handlers.sse.ServerSentEventHandler;
import io.undertow.server.protocol.http.HttpServerConnection;
import java.util.concurrent.atomic.AtomicReference;
import org.xnio.ChannelListeners;
import org.xnio.IoUtils;
import org.xnio.channels.StreamSinkChannel;
import org.xnio.conduits.StreamSinkConduit;
import workshop.sse.core.demo.SseDemo.Opening;
import workshop.sse.core.demo.SseDemo;
import workshop.sse.core.demo.StreamRequest;
import workshop.sse.core.wire.SseStream;

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
        return new StreamRequest(isHead(exchange), UndertowServer.header(exchange, "Accept"),
                UndertowServer.header(exchange, "Last-Event-ID"), name -> UndertowServer.query(exchange, name));
    }

    private void answer(HttpServerExchange exchange, Opening opening) throws Exception {
        switch (opening) {
            case Opening.Opened opened -> {
                SseStream stream = opened.stream();
                // However the response ends (even before the handler hands over a connection), the slot is freed.
                exchange.addExchangeCompleteListener((done, next) -> {
                    stream.end();
                    next.proceed();
                });
                dropBytesAfter(exchange);
                UndertowServer.put(exchange, SseDemo.STREAM_HEADERS);
                // ServerSentEventConnection hides its channel: a response wrapper keeps the conduit for heartbeats.
                AtomicReference<StreamSinkConduit> socket = new AtomicReference<>();
                exchange.addResponseWrapper((factory, ignored) -> {
                    socket.set(factory.create());
                    return socket.get();
                });
                new ServerSentEventHandler((connection, lastEventId) ->
                        StreamPump.start(connection, exchange, socket.get(), stream, demo)).handleRequest(exchange);
            }
            case Opening.Finished finished -> exchange.setStatusCode(204).endExchange();
            case Opening.HeadersOnly head -> {
                UndertowServer.put(exchange, SseDemo.STREAM_HEADERS);
                exchange.setStatusCode(200);
                // Ending an empty answer makes Undertow add Content-Length: 0, which a stream never has. Like the
                // stream itself, this answer ends by closing the connection, so it needs no length.
                exchange.setPersistent(false);
                StreamSinkChannel out = exchange.getResponseChannel();
                out.shutdownWrites();
                if (!out.flush()) {
                    out.getWriteSetter().set(ChannelListeners.flushingChannelListener(
                            done -> exchange.endExchange(), (channel, e) -> IoUtils.safeClose(exchange.getConnection())));
                    out.resumeWrites();
                    return;
                }
                exchange.endExchange();
            }
        }
    }

    /**
     * Nothing can follow a stream on its connection: bytes read after its request (a pipelined request, say) are
     * never answered, so the pooled buffer they wait in goes back now rather than when the stream ends.
     */
    private static void dropBytesAfter(HttpServerExchange exchange) {
        if (exchange.getConnection() instanceof HttpServerConnection http && http.getExtraBytes() != null) {
            PooledByteBuffer extra = http.getExtraBytes();
            http.setExtraBytes(null);
            extra.close();
        }
    }

    private static boolean isHead(HttpServerExchange exchange) {
        return exchange.getRequestMethod().toString().equals("HEAD");
    }
}
