package workshop.sse.tck;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.params.provider.Arguments.arguments;
import static workshop.sse.tck.CheckHelpers.assertJsonError;
import static workshop.sse.tck.CheckHelpers.eventName;
import static workshop.sse.tck.Eventually.eventually;

import java.io.IOException;
import java.net.SocketTimeoutException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;

import org.junit.jupiter.api.Assumptions;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** SPEC "POST /api/broadcast": what a publish accepts, what it refuses, and what subscribers receive. */
public interface PublishChecks extends TckContext {

    int BODY_LIMIT = 65_536;

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static String publishTarget(String event) {
        return BROADCAST + "?event=" + URLEncoder.encode(event, StandardCharsets.UTF_8);
    }

    /** The error answer must be {@code status} with a JSON body, and nothing may have been published. */
    private void expectRefused(String what, int status, RawResponse response, long lastEventIdBefore)
            throws IOException {
        assertJsonError(what, status, response);
        assertEquals(lastEventIdBefore, lastEventId(), what + ": nothing is published when the answer is an error");
    }

    /** The next frame on the wire carrying this event name (presence and comment frames are skipped). */
    private static SseFrame nextNamed(RawSseStream stream, String name) throws IOException {
        while (true) {
            SseFrame frame = stream.nextEvent(RawHttp.ANSWER);
            assertNotNull(frame, "the stream ended");
            if (!frame.isPresence()) {
                assertEquals(name, frame.event(), () -> "unexpected event on the stream: " + frame.describe());
                return frame;
            }
        }
    }

    private static boolean notPresence(EventStream.Event event) {
        return !"presence".equals(event.type());
    }

    static Stream<Arguments> acceptedContentTypes() {
        return Stream.of(
                arguments("text/plain", "hello"),
                arguments("text/plain; charset=utf-8", "hello"),
                arguments("text/plain;charset=UTF-8", "hello"),
                arguments("application/json", "{\"ok\":true}"),
                arguments("application/json; charset=utf-8", "{\"ok\":true}"));
    }

    @ParameterizedTest(name = "Content-Type: {0}", quoteTextArguments = false)
    @MethodSource("acceptedContentTypes")
    @DisplayName("6.1, 6.4 POST /api/broadcast: text/plain and application/json bodies (UTF-8) are accepted: 202")
    default void acceptedContentTypes(String contentType, String body) throws IOException {
        String name = eventName("accepted");
        RawResponse response = post(publishTarget(name), contentType, utf8(body));
        assertEquals(202, response.status(), () -> "Content-Type: " + contentType + ": " + response.describe());
        assertEquals(lastEventId(), response.json().path("id").asLong(), "id answered vs lastEventId in /api/status");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"{\"a\":1}", "[1,2,3]", "\"text\"", "42", "true", "{\n  \"nested\": {\"list\": [1,\n 2]}\n}"})
    @DisplayName("6.1 POST /api/broadcast: any valid JSON is accepted as application/json")
    default void validJsonIsAccepted(String body) throws IOException {
        RawResponse response = post(publishTarget(eventName("json")), "application/json", utf8(body));
        assertEquals(202, response.status(), () -> "JSON body " + Printable.of(body) + ": " + response.describe());
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"{\"a\":1", "{a:1}", "[1,2,]", "{\"a\":1} x", "'single'", "nul", "{\"a\":1}}"})
    @DisplayName("6.5 POST /api/broadcast: application/json that is not valid JSON is 400")
    default void invalidJsonIs400(String body) throws IOException {
        long before = lastEventId();
        expectRefused("invalid JSON " + Printable.of(body), 400,
                post(publishTarget(eventName("bad-json")), "application/json", utf8(body)), before);
    }

    @ParameterizedTest(name = "Content-Type: {0}", quoteTextArguments = false)
    @ValueSource(strings = {"text/plain; charset=iso-8859-1", "text/plain; charset=utf-16", "text/plain; charset=windows-1252",
            "application/json; charset=us-ascii"})
    @DisplayName("6.1, 6.5 POST /api/broadcast: a charset other than utf-8 is 415")
    default void otherCharsetIs415(String contentType) throws IOException {
        long before = lastEventId();
        expectRefused("Content-Type: " + contentType, 415,
                post(publishTarget(eventName("charset")), contentType, utf8("plain ascii")), before);
    }

    @ParameterizedTest(name = "Content-Type: {0}", quoteTextArguments = false)
    @ValueSource(strings = {"(none)", "application/xml", "application/x-www-form-urlencoded", "text/html",
            "application/octet-stream", "multipart/form-data; boundary=x", "text/plainx", "application/jsonx"})
    @DisplayName("6.5 POST /api/broadcast: a missing or other Content-Type is 415")
    default void otherContentTypeIs415(String contentType) throws IOException {
        long before = lastEventId();
        String header = contentType.equals("(none)") ? null : contentType;
        expectRefused("Content-Type: " + contentType, 415,
                post(publishTarget(eventName("type")), header, utf8("a=b")), before);
    }

    @ParameterizedTest(name = "Content-Type: {0}", quoteTextArguments = false)
    @ValueSource(strings = {"text/plain", "application/json"})
    @DisplayName("6.1, 6.5 POST /api/broadcast: an empty body is 400")
    default void emptyBodyIs400(String contentType) throws IOException {
        long before = lastEventId();
        expectRefused("empty body", 400, post(publishTarget(eventName("empty")), contentType, new byte[0]), before);
    }

    static Stream<Arguments> invalidUtf8() {
        return Stream.of(
                arguments("text/plain", "66ff6f", "byte FF"),
                arguments("text/plain", "c328", "bad continuation byte"),
                arguments("text/plain", "c0af", "overlong encoding"),
                arguments("text/plain", "eda080", "UTF-16 surrogate"),
                arguments("text/plain", "f4908080", "beyond U+10FFFF"),
                arguments("text/plain", "6162e282", "truncated at the end"),
                arguments("application/json", "22ff22", "byte FF in a JSON string"));
    }

    @ParameterizedTest(name = "{0}: {2}", quoteTextArguments = false)
    @MethodSource("invalidUtf8")
    @DisplayName("6.5 POST /api/broadcast: a body that is not valid UTF-8 is 400")
    default void invalidUtf8Is400(String contentType, String hex, String what) throws IOException {
        long before = lastEventId();
        expectRefused("body " + what + " (" + hex + ")", 400,
                post(publishTarget(eventName("utf8")), contentType, HexFormat.of().parseHex(hex)), before);
    }

    @ParameterizedTest(name = "event={0}")
    @MethodSource("validEventNames")
    @DisplayName("6.2 POST /api/broadcast: an event name of [A-Za-z0-9_-]{1,64} is accepted and answered back")
    default void validEventNames(String event) throws IOException {
        RawResponse response = post(publishTarget(event), "text/plain", utf8("named"));
        assertEquals(202, response.status(), () -> "event=" + event + ": " + response.describe());
        assertEquals(event, response.json().path("event").asText(), "event in the 202 answer");
    }

    static Stream<String> validEventNames() {
        return Stream.of("a", "Az09_-", "-", "e".repeat(64));
    }

    @ParameterizedTest(name = "event={0}")
    @MethodSource("badEventNames")
    @DisplayName("6.2, 6.5 POST /api/broadcast: an event name outside [A-Za-z0-9_-]{1,64} is 400")
    default void badEventNamesAre400(String event) throws IOException {
        long before = lastEventId();
        expectRefused("event=" + Printable.of(event), 400, post(publishTarget(event), "text/plain", utf8("x")), before);
    }

    static Stream<String> badEventNames() {
        return Stream.of("e".repeat(65), "has space", "dot.ted", "colon:x", "é", "new\nline", "carriage\rreturn",
                "tab\t", "slash/x", "<b>");
    }

    @ParameterizedTest(name = "?{0}", quoteTextArguments = false)
    @ValueSource(strings = {"event=", "event", "event&x=1", "event=a&event=b", "event=chat&event=chat"})
    @DisplayName("6.2 POST /api/broadcast: event present but empty, present without =, or repeated, is 400")
    default void emptyMissingOrRepeatedEventNameIs400(String query) throws IOException {
        long before = lastEventId();
        expectRefused("?" + query, 400, post(BROADCAST + "?" + query, "text/plain", utf8("x")), before);
    }

    @Test
    @DisplayName("6.2 POST /api/broadcast: without ?event= the event name is message")
    default void defaultEventNameIsMessage() throws IOException {
        try (EventStream client = events(BROADCAST)) {
            client.next(event -> "presence".equals(event.type()), RawHttp.ANSWER);
            RawResponse response = post(BROADCAST, "text/plain", utf8("default name"));
            assertEquals(202, response.status(), response::describe);
            assertEquals("message", response.json().path("event").asText(), "event in the 202 answer");
            EventStream.Event event = client.next(PublishChecks::notPresence, RawHttp.ANSWER);
            assertEquals(response.json().path("id").asText(), event.id(), event::describe);
            // EventSource treats a missing event: line as "message" too
            assertTrue(event.type() == null || event.type().equals("message"), event::describe);
            assertEquals("default name", event.data(), event::describe);
        }
    }

    @Test
    @DisplayName("6.4 POST /api/broadcast: 202 answers {\"id\":<n>,\"event\":\"<name>\",\"subscribers\":<k>}")
    default void acceptedAnswerHasIdEventAndSubscribers() throws IOException {
        awaitNoOpenStreams();
        String name = eventName("answer");
        try (EventStream one = events(BROADCAST); EventStream two = events(BROADCAST)) {
            one.next(event -> "presence".equals(event.type()), RawHttp.ANSWER);
            two.next(event -> "presence".equals(event.type()), RawHttp.ANSWER);
            eventually(RawHttp.ANSWER, () -> assertEquals(2, openStreams("broadcast"), "broadcast subscribers"));
            RawResponse response = post(BROADCAST + "?event=" + name, "text/plain", utf8("x"));
            assertEquals(202, response.status(), response::describe);
            String contentType = response.header("Content-Type");
            assertTrue(String.valueOf(contentType).toLowerCase(Locale.ROOT).startsWith("application/json"),
                    () -> "Content-Type " + contentType);
            JsonNode json = response.json();
            Set<String> fields = new TreeSet<>();
            json.fieldNames().forEachRemaining(fields::add);
            assertEquals(Set.of("event", "id", "subscribers"), fields, () -> "202 body " + json);
            assertTrue(json.get("id").isIntegralNumber(), () -> "id must be a number: " + json);
            assertEquals(lastEventId(), json.get("id").asLong(), "id vs lastEventId in /api/status");
            assertEquals(name, json.get("event").asText(), () -> "event: " + json);
            assertTrue(json.get("subscribers").isIntegralNumber(), () -> "subscribers must be a number: " + json);
            assertEquals(2, json.get("subscribers").asInt(), () -> "subscribers, with two open: " + json);
        }
    }

    static Stream<Arguments> lineBreaks() {
        return Stream.of(
                arguments("LF", "one\ntwo\nthree", "one\ntwo\nthree"),
                arguments("CRLF", "one\r\ntwo\r\nthree", "one\ntwo\nthree"),
                arguments("CR", "one\rtwo\rthree", "one\ntwo\nthree"),
                arguments("mixed", "a\rb\r\nc\nd", "a\nb\nc\nd"),
                arguments("CR, then CRLF", "a\r\r\nb", "a\n\nb"),
                arguments("blank lines", "a\n\n\nb", "a\n\n\nb"),
                arguments("trailing CRLF", "end\r\n", "end\n"),
                arguments("trailing CR", "tail\r", "tail\n"),
                arguments("lines that start with spaces or a tab", "  two\n\tone tab\n three\n", "  two\n\tone tab\n three\n"));
    }

    @ParameterizedTest(name = "{0}", quoteTextArguments = false)
    @MethodSource("lineBreaks")
    @DisplayName("6.3 POST /api/broadcast: each line break (CRLF, CR or LF) arrives as LF, one data: line per line")
    default void lineBreaksArriveAsLf(String label, String body, String expected) throws IOException {
        String name = eventName("lines");
        try (EventStream client = events(BROADCAST); RawSseStream wire = openStream(BROADCAST)) {
            client.next(event -> "presence".equals(event.type()), RawHttp.ANSWER);
            expectRetryFrame(wire, RawHttp.ANSWER);
            publish(name, body);
            EventStream.Event event = client.next(PublishChecks::notPresence, RawHttp.ANSWER);
            assertEquals(expected, event.data(), () -> "data received for body " + Printable.of(body));
            SseFrame frame = nextNamed(wire, name);
            assertEquals(List.of(expected.split("\n", -1)), frame.values("data"),
                    () -> "one data: line per line of the body " + Printable.of(body) + ", was " + frame.describe());
        }
    }

    @Test
    @DisplayName("6.3 POST /api/broadcast: a pretty-printed application/json body arrives byte for byte (line breaks"
            + " as LF, indents kept)")
    default void prettyPrintedJsonArrivesByteForByte() throws IOException {
        String name = eventName("pretty");
        String json = "{\r\n  \"name\": \"pretty\",\r\n  \"list\": [\r\n    1,\r\n\t2\r\n  ]\r\n}\r\n";
        String expected = json.replace("\r\n", "\n");
        try (EventStream client = events(BROADCAST)) {
            client.next(event -> "presence".equals(event.type()), RawHttp.ANSWER);
            RawResponse response = post(BROADCAST + "?event=" + name, "application/json", utf8(json));
            assertEquals(202, response.status(), response::describe);
            EventStream.Event event = client.next(PublishChecks::notPresence, RawHttp.ANSWER);
            assertEquals(expected, event.data(), "data received for a pretty-printed JSON body");
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"next\u0085line", "line\u2028separator", "paragraph\u2029separator", "vertical\u000Btab",
            "form\u000Cfeed", "héllo wörld ✓ 😀 日本語"})
    @DisplayName("6.3 POST /api/broadcast: any other text arrives unchanged (only CR and LF are line breaks)")
    default void otherTextArrivesUnchanged(String body) throws IOException {
        String name = eventName("text");
        try (EventStream client = events(BROADCAST)) {
            client.next(event -> "presence".equals(event.type()), RawHttp.ANSWER);
            publish(name, body);
            EventStream.Event event = client.next(PublishChecks::notPresence, RawHttp.ANSWER);
            assertEquals(body, event.data(), "data received");
        }
    }

    static Stream<String> injections() {
        return Stream.of(
                "x\n\nid: 999\nevent: evil\ndata: y",
                "x\r\rid: 999\revent: evil\rretry: 1\r\rdata: y",
                "x\r\n\r\nid: 999\r\nevent: evil\r\n\r\ndata: y",
                "data: z\n\n",
                ": comment\nevent: evil\nid: 999");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("injections")
    @DisplayName("6.3 POST /api/broadcast: no body can inject a field, an event or an id: it arrives as one event, intact")
    default void bodiesCannotInject(String body) throws IOException {
        String name = eventName("inject");
        String expected = body.replace("\r\n", "\n").replace('\r', '\n');
        try (EventStream client = events(BROADCAST); RawSseStream wire = openStream(BROADCAST)) {
            client.next(event -> "presence".equals(event.type()), RawHttp.ANSWER);
            expectRetryFrame(wire, RawHttp.ANSWER);
            long id = publish(name, body);
            long marker = publish(name, "marker");

            EventStream.Event event = client.next(PublishChecks::notPresence, RawHttp.ANSWER);
            assertEquals(name, event.type(), event::describe);
            assertEquals(String.valueOf(id), event.id(), event::describe);
            assertEquals(expected, event.data(), "the body must arrive as the data of one event");
            EventStream.Event next = client.next(PublishChecks::notPresence, RawHttp.ANSWER);
            assertEquals(String.valueOf(marker), next.id(), () -> "the next event must be the next publish, was "
                    + next.describe());

            SseFrame frame = nextNamed(wire, name);
            assertEquals(List.of(String.valueOf(id)), frame.values("id"), () -> "one id: line: " + frame.describe());
            assertEquals(List.of(name), frame.values("event"), () -> "one event: line: " + frame.describe());
            assertTrue(!frame.has("retry"), () -> "no retry: line: " + frame.describe());
            assertEquals(String.valueOf(marker), nextNamed(wire, name).id(), "the frame after it must be the marker");
        }
    }

    @Test
    @DisplayName("6.1 POST /api/broadcast: a body of exactly 65,536 bytes is accepted")
    default void largestBodyIsAccepted() throws IOException {
        RawResponse response = post(publishTarget(eventName("largest")), "text/plain", utf8("x".repeat(BODY_LIMIT)));
        assertEquals(202, response.status(), response::describe);
    }

    @ParameterizedTest(name = "Content-Length: {0}", quoteTextArguments = false)
    @ValueSource(longs = {BODY_LIMIT + 1, 10_000_000_000L})
    @DisplayName("6.5, 10.5 POST /api/broadcast: too large is 413, answered from Content-Length before the body is read")
    default void tooLargeIs413FromContentLength(long length) throws IOException {
        long before = lastEventId();
        if (overHttp2()) {
            // HTTP/2's form: the kit's client sends the body it announces, so the smaller one is sent whole
            Assumptions.assumeTrue(length == BODY_LIMIT + 1, "over HTTP/2 the kit sends the bodies it announces:"
                    + " Content-Length: " + (BODY_LIMIT + 1) + " is checked with its body, this one is not sent");
            expectRefused("Content-Length: " + length + " over HTTP/2",  413,
                    post(publishTarget(eventName("large")), "text/plain", new byte[BODY_LIMIT + 1]), before);
            return;
        }
        try (RawHttp conn = connect()) {
            conn.send(conn.head("POST", publishTarget(eventName("large")), "Content-Type: text/plain",
                    "Content-Length: " + length));
            // not one byte of the body is sent: the answer can only come from the Content-Length
            RawResponse response;
            try {
                response = conn.readResponse(false, RawHttp.ANSWER);
            } catch (SocketTimeoutException e) {
                throw new AssertionError("no answer to a head announcing Content-Length: " + length + " within "
                        + RawHttp.ANSWER.toMillis() + " ms: the server waits for a body it must refuse", e);
            }
            expectRefused("Content-Length: " + length, 413, response, before);
        }
    }

    @Test
    @DisplayName("6.5, 10.5 POST /api/broadcast: a chunked body is refused with 413 as soon as it passes 65,536 bytes")
    default void tooLargeIs413AsSoonAsChunkedBodyPassesTheLimit() throws IOException {
        assumeHttp11("there is no chunked encoding (a body is DATA frames; one over the limit is refused in 6.5's"
                + " Content-Length check)");
        long before = lastEventId();
        try (RawHttp conn = connect()) {
            conn.send(conn.head("POST", publishTarget(eventName("chunked")), "Content-Type: text/plain",
                    "Transfer-Encoding: chunked"));
            byte[] chunk = utf8(Integer.toHexString(8192) + "\r\n" + "x".repeat(8192) + "\r\n");
            try {
                for (int sent = 0; sent <= BODY_LIMIT; sent += 8192) {
                    conn.send(chunk);
                }
            } catch (IOException e) {
                // the server may stop reading once it has refused: that is allowed
            }
            // the last chunk is never sent: the answer must not wait for the body's end
            RawResponse response;
            try {
                response = conn.readResponse(false, RawHttp.ANSWER);
            } catch (SocketTimeoutException e) {
                throw new AssertionError("no answer within " + RawHttp.ANSWER.toMillis() + " ms after a chunked body"
                        + " passed " + BODY_LIMIT + " bytes: the server waits for the end of a body it must refuse", e);
            }
            expectRefused("chunked body over the limit", 413, response, before);
        }
    }

    @Test
    @DisplayName("6.6 POST /api/broadcast: nothing is published when the answer is an error (lastEventId unchanged, no"
            + " subscriber sees anything)")
    default void errorsPublishNothing() throws IOException {
        String name = eventName("refused");
        String target = publishTarget(name);
        try (EventStream watcher = events(BROADCAST)) {
            watcher.next(event -> "presence".equals(event.type()), RawHttp.ANSWER);
            long before = lastEventId();
            List<String> wrong = new ArrayList<>();
            record Refusal(String what, int status, RawResponse response) {
            }
            for (Refusal refusal : List.of(
                    new Refusal("empty body", 400, post(target, "text/plain", new byte[0])),
                    new Refusal("invalid JSON", 400, post(target, "application/json", utf8("{"))),
                    new Refusal("invalid UTF-8", 400, post(target, "text/plain", new byte[] {'a', (byte) 0xff})),
                    new Refusal("bad event", 400, post(BROADCAST + "?event=a.b", "text/plain", utf8("x"))),
                    new Refusal("empty event", 400, post(BROADCAST + "?event=", "text/plain", utf8("x"))),
                    new Refusal("no Content-Type", 415, post(target, null, utf8("x"))),
                    new Refusal("Content-Type application/xml", 415, post(target, "application/xml", utf8("<x/>"))),
                    new Refusal("charset=iso-8859-1", 415, post(target, "text/plain; charset=iso-8859-1", utf8("x"))),
                    new Refusal("Origin not allowed", 403, post(target, "text/plain", utf8("x"),
                            "Origin: http://evil.test")))) {
                if (refusal.response().status() != refusal.status()) {
                    wrong.add(refusal.what() + " answered " + refusal.response().status() + " instead of "
                            + refusal.status());
                }
            }
            assertEquals(List.of(), wrong, "error answers");
            assertEquals(before, lastEventId(), "lastEventId after error answers only");
            long marker = publish(name, "marker");
            assertEquals(before + 1, marker, "the id of the next publish after error answers");
            EventStream.Event first = watcher.next(PublishChecks::notPresence, RawHttp.ANSWER);
            if (!String.valueOf(marker).equals(first.id())) {
                fail("a subscriber received something from an error answer: " + first.describe());
            }
        }
    }
}
