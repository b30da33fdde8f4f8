package workshop.sse.core.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SseFramesTest {

    @Test
    void retryFrameIsTheFieldAndABlankLine() {
        assertEquals("retry: 3000\n\n", SseFrames.retry(3000));
    }

    @Test
    void commentFrameIsAColonLineEndedByABlankLine() {
        assertEquals(": hello\n\n", SseFrames.comment("hello"));
        assertEquals(":\n\n", SseFrames.comment(""));
    }

    @Test
    void heartbeatIsACommentFrame() {
        assertEquals(": heartbeat\n\n", SseFrames.heartbeat());
    }

    @ParameterizedTest
    @ValueSource(strings = {"two\nlines", "cr\rhere", "crlf\r\n"})
    void commentWithALineBreakIsRefused(String text) {
        assertThrows(IllegalArgumentException.class, () -> SseFrames.comment(text));
    }

    @Test
    void eventFrameWithIdIsExactBytes() {
        assertEquals("id: 7\nevent: tick\ndata: {\"count\":7}\n\n", SseFrames.event("7", "tick", "{\"count\":7}"));
    }

    @Test
    void eventFrameWithoutIdHasNoIdLine() {
        assertEquals("event: presence\ndata: {\"subscribers\":2}\n\n",
                SseFrames.event(null, "presence", "{\"subscribers\":2}"));
    }

    @Test
    void eventFrameWritesOneDataLinePerLine() {
        assertEquals("id: 1\nevent: message\ndata: a\ndata: b\ndata: c\ndata: \n\n",
                SseFrames.event("1", "message", "a\r\nb\rc\n"));
    }

    @Test
    void emptyDataIsOneEmptyDataLine() {
        assertEquals("event: message\ndata: \n\n", SseFrames.event(null, "message", ""));
    }

    @Test
    void linesSplitAtCrlfCrAndLf() {
        assertEquals(List.of("a", "b", "c", "d"), SseFrames.lines("a\r\nb\rc\nd"));
    }

    @Test
    void linesKeepAFinalEmptyLineAfterATrailingBreak() {
        assertEquals(List.of("a", ""), SseFrames.lines("a\n"));
        assertEquals(List.of("a", ""), SseFrames.lines("a\r\n"));
        assertEquals(List.of("a", ""), SseFrames.lines("a\r"));
    }

    @Test
    void linesKeepEmptyLinesBetweenBreaks() {
        assertEquals(List.of("", "", ""), SseFrames.lines("\n\n"));
        assertEquals(List.of("a", "", "b"), SseFrames.lines("a\r\n\r\nb"));
        assertEquals(List.of("a", "", "b"), SseFrames.lines("a\n\rb"), "LF then CR is two breaks, not one");
        assertEquals(List.of(""), SseFrames.lines(""));
    }

    @Test
    void injectionBodyStaysOneFrameOfDataLines() {
        String frame = SseFrames.event("12", "message", "x\n\nid: 999\nevent: evil\ndata: y");
        assertEquals(frame.length() - 2, frame.indexOf("\n\n"), "the only blank line ends the frame: " + frame);
        assertTrue(frame.endsWith("\n\n"));
        List<String> lines = Arrays.asList(frame.substring(0, frame.length() - 2).split("\n", -1));
        assertEquals("id: 12", lines.get(0));
        assertEquals("event: message", lines.get(1));
        for (String line : lines.subList(2, lines.size())) {
            assertTrue(line.startsWith("data: "), () -> "not a data line: '" + line + "' in " + frame);
        }
        assertEquals(List.of("id: 12", "event: message", "data: x", "data: ", "data: id: 999", "data: event: evil",
                "data: data: y"), lines);
    }

    @Test
    void crOnlyInjectionCannotEndTheFrameEither() {
        String frame = SseFrames.event(null, "message", "x\r\rid: 1\revent: evil");
        assertEquals("event: message\ndata: x\ndata: \ndata: id: 1\ndata: event: evil\n\n", frame);
        assertFalse(frame.contains("\r"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"a", "message", "tick", "A-Z_0-9", "abcdefghijklmnopqrstuvwxyz-ABCDEFGHIJKLMNOPQRSTUVWXYZ_0123456789"})
    void validEventNames(String name) {
        assertTrue(SseFrames.isEventName(name));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "has space", "evil\ndata: x", "a:b", "é", "dot.name", "slash/name"})
    void invalidEventNamesAreRefused(String name) {
        assertFalse(SseFrames.isEventName(name));
        assertThrows(IllegalArgumentException.class, () -> SseFrames.event("1", name, "x"));
    }

    @Test
    void eventNameOfSixtyFiveCharactersIsRefused() {
        assertTrue(SseFrames.isEventName("x".repeat(64)));
        assertFalse(SseFrames.isEventName("x".repeat(65)));
    }

    @Test
    void nullEventNameIsRefused() {
        assertFalse(SseFrames.isEventName(null));
        assertThrows(IllegalArgumentException.class, () -> SseFrames.event("1", null, "x"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "1\nevent: evil", "-1", "a"})
    void eventIdMustBeDigits(String id) {
        assertThrows(IllegalArgumentException.class, () -> SseFrames.event(id, "message", "x"));
    }

    @Test
    void dataForANoSpaceWriterIsOneSpaceBeforeEachLineJoinedWithLf() {
        assertEquals(" a\n  b\n c\n ", SseFrames.dataForNoSpaceWriter("a\r\n b\rc\n"));
        assertEquals(" ", SseFrames.dataForNoSpaceWriter(""));
    }
}
