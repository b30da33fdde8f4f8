package workshop.sse.core.wire;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class SseMessageTest {

    @Test
    void eventKeepsIdNameAndData() {
        SseMessage.Event event = new SseMessage.Event("3", "message", "a\r\nb");
        assertEquals("3", event.id());
        assertEquals("message", event.name());
        assertEquals("a\r\nb", event.data());
    }

    @Test
    void eventHoldsItsWholeFrameAsUtf8() {
        SseMessage.Event event = new SseMessage.Event("3", "message", "héllo ✓\nline");
        assertArrayEquals("id: 3\nevent: message\ndata: héllo ✓\ndata: line\n\n".getBytes(StandardCharsets.UTF_8),
                event.frame());
    }

    @Test
    void eventCostsTheUtf8BytesOfItsFrame() {
        SseMessage.Event event = new SseMessage.Event(null, "presence", "é");
        assertEquals("event: presence\ndata: é\n\n".getBytes(StandardCharsets.UTF_8).length, event.sizeInBytes());
        assertEquals(26, event.sizeInBytes(), "é is two bytes");
    }

    @Test
    void eventWithoutIdHasNullId() {
        assertNull(new SseMessage.Event(null, "gap", "{}").id());
    }

    @Test
    void eventWithBadNameCannotBeMade() {
        assertThrows(IllegalArgumentException.class, () -> new SseMessage.Event("1", "bad name", "x"));
    }

    @Test
    void endCostsNothing() {
        assertEquals(0, SseMessage.END.sizeInBytes());
        assertTrue(SseMessage.END instanceof SseMessage.End);
    }
}
