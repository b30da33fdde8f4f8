package workshop.sse.core.http;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class AcceptHeaderTest {

    @Test
    void absentAcceptGetsTheStream() {
        assertTrue(AcceptHeader.allowsEventStream(null));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "   "})
    void blankAcceptGetsTheStream(String accept) {
        assertTrue(AcceptHeader.allowsEventStream(accept));
    }

    @ParameterizedTest
    @ValueSource(strings = {"*/*", "text/*", "text/event-stream", "text/event-stream;charset=utf-8",
            "application/json, */*;q=0.1", "TEXT/Event-Stream", " text/event-stream ; q=0.5",
            "text/html, text/event-stream", "application/json;q=0.9, text/*;q=0.2", "text/event-stream;Q=1"})
    void acceptThatAdmitsTheEventStreamGetsIt(String accept) {
        assertTrue(AcceptHeader.allowsEventStream(accept), accept);
    }

    @ParameterizedTest
    @ValueSource(strings = {"application/json", "text/event-stream;q=0", "text/*;q=0", "*/*;q=0", "text/html",
            "text/event-stream;q=0.0", "text/event-stream; charset=utf-8; q=0", "application/*", "text/plain, application/json"})
    void acceptThatRulesTheEventStreamOutIsRefused(String accept) {
        assertFalse(AcceptHeader.allowsEventStream(accept), accept);
    }

    @Test
    void mostSpecificRangeWinsWhenItRefuses() {
        assertFalse(AcceptHeader.allowsEventStream("text/event-stream;q=0, */*"));
        assertFalse(AcceptHeader.allowsEventStream("*/*, text/event-stream;q=0"));
        assertFalse(AcceptHeader.allowsEventStream("*/*, text/*;q=0"));
    }

    @Test
    void mostSpecificRangeWinsWhenItAllows() {
        assertTrue(AcceptHeader.allowsEventStream("text/*;q=0, text/event-stream"));
        assertTrue(AcceptHeader.allowsEventStream("*/*;q=0, text/*"));
        assertTrue(AcceptHeader.allowsEventStream("text/event-stream, */*;q=0"));
    }

    @Test
    void unreadableQualityIsNoAcceptance() {
        assertFalse(AcceptHeader.allowsEventStream("text/event-stream;q=abc"));
        assertFalse(AcceptHeader.allowsEventStream("text/event-stream;q=-1"));
    }
}
