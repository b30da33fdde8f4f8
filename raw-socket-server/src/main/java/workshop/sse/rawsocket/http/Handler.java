package workshop.sse.rawsocket.http;

import java.io.IOException;

/** What the application answers to a request; {@link Connection} does the HTTP around it. */
public interface Handler {

    Answer answer(HttpRequest request) throws IOException;
}
