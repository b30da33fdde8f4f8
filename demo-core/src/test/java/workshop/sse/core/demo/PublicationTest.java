package workshop.sse.core.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import workshop.sse.core.http.ApiError;

class PublicationTest {

    private static final Publication.Head TEXT = new Publication.Head("message", false);
    private static final Publication.Head JSON = new Publication.Head("message", true);

    private static void assertRefused(int status, Executable action) {
        ApiError e = assertThrows(ApiError.class, action);
        assertEquals(status, e.status(), e.getMessage());
        assertFalse(e.getMessage().isBlank());
    }

    private static Publication.Head head(String contentType) {
        return Publication.checkHead(new PublishRequest(null, contentType, 10, null));
    }

    private static InputStream body(String text) {
        return new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8));
    }

    /** Serves {@code total} bytes of 'x' and counts what was read. */
    private static final class EndlessBody extends InputStream {
        private final long total;
        long served;

        EndlessBody(long total) {
            this.total = total;
        }

        @Override
        public int read() {
            if (served >= total) {
                return -1;
            }
            served++;
            return 'x';
        }

        @Override
        public int read(byte[] b, int off, int len) {
            if (served >= total) {
                return -1;
            }
            int n = (int) Math.min(len, total - served);
            java.util.Arrays.fill(b, off, off + n, (byte) 'x');
            served += n;
            return n;
        }
    }

    @Test
    void declaredLengthOverTheLimitIs413BeforeTheBodyIsRead() {
        assertRefused(413, () -> Publication.checkHead(new PublishRequest(null, "text/plain", 65_537, null)));
        assertRefused(413, () -> Publication.checkHead(new PublishRequest(null, "text/plain", Long.MAX_VALUE, null)));
    }

    @Test
    void declaredLengthIsCheckedBeforeTheContentType() {
        assertRefused(413, () -> Publication.checkHead(new PublishRequest(null, "image/png", 65_537, null)));
    }

    @Test
    void declaredLengthAtTheLimitOrChunkedPassesTheHead() {
        assertEquals(TEXT, Publication.checkHead(new PublishRequest(null, "text/plain", 65_536, null)));
        assertEquals(TEXT, Publication.checkHead(new PublishRequest(null, "text/plain", -1, null)));
    }

    @Test
    void streamedBodyPastTheLimitIs413WithoutReadingItWhole() {
        EndlessBody endless = new EndlessBody(100L * 1024 * 1024);
        assertRefused(413, () -> Publication.readBody(TEXT, endless));
        assertTrue(endless.served <= Publication.MAX_BODY_BYTES + 1,
                "read " + endless.served + " bytes of a body refused at " + Publication.MAX_BODY_BYTES);
    }

    @Test
    void streamedBodyOfOneByteTooManyIs413() {
        assertRefused(413, () -> Publication.readBody(TEXT, new EndlessBody(65_537)));
    }

    @Test
    void streamedBodyOfExactlyTheLimitIsAccepted() throws IOException {
        assertEquals(65_536, Publication.readBody(TEXT, new EndlessBody(65_536)).length());
    }

    @Test
    void bodyBytesOverTheLimitAre413() {
        assertRefused(413, () -> Publication.checkBody(TEXT, new byte[65_537]));
    }

    @Test
    void missingContentTypeIs415() {
        assertRefused(415, () -> head(null));
        assertRefused(415, () -> head(""));
        assertRefused(415, () -> head("  "));
    }

    @ParameterizedTest
    @ValueSource(strings = {"text/html", "application/xml", "application/x-www-form-urlencoded", "multipart/form-data",
            "text/event-stream", "application/json-patch+json", "text", "*/*", "text/plain-ish"})
    void otherContentTypeIs415(String contentType) {
        assertRefused(415, () -> head(contentType));
    }

    @ParameterizedTest
    @ValueSource(strings = {"text/plain; charset=iso-8859-1", "text/plain;charset=utf-16", "application/json; charset=latin1",
            "text/plain; charset=", "text/plain; charset", "text/plain; charset=\"us-ascii\"", "text/plain; charset=utf8"})
    void charsetOtherThanUtf8Is415(String contentType) {
        assertRefused(415, () -> head(contentType));
    }

    @ParameterizedTest
    @ValueSource(strings = {"text/plain", "text/plain; charset=UTF-8", "text/plain;charset=utf-8", "TEXT/PLAIN",
            "text/plain; charset=\"utf-8\"", "text/plain; format=flowed"})
    void plainTextTypesAreAccepted(String contentType) {
        assertFalse(head(contentType).json());
    }

    @ParameterizedTest
    @ValueSource(strings = {"application/json", "application/json; charset=utf-8", "Application/JSON"})
    void jsonTypesAreAcceptedAndMarkedJson(String contentType) {
        assertTrue(head(contentType).json());
    }

    @Test
    void absentEventNameDefaultsToMessage() {
        assertEquals("message", head("text/plain").eventName());
    }

    @ParameterizedTest
    @ValueSource(strings = {"event=chat-1_x", "a=1&event=chat-1_x", "event=chat-1_x&b", "ev%65nt=chat%2D1_x",
            "eventx=1&event=chat-1_x"})
    void givenEventNameIsKept(String rawQuery) {
        assertEquals("chat-1_x", Publication.checkHead(new PublishRequest(null, "text/plain", 10, rawQuery)).eventName());
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "a=1", "events=x", "lastEventId=3&x"})
    void noEventParameterIsMessage(String rawQuery) {
        assertEquals("message", Publication.checkHead(new PublishRequest(null, "text/plain", 10, rawQuery)).eventName());
    }

    @ParameterizedTest
    @ValueSource(strings = {"event=", "event", "event=a&event=b", "event=a&event=a", "event&event=a", "event=bad+name",
            "event=evil%0Aid:%201", "event=%C3%A9", "event=a.b", "event=%zz"})
    void badEventNameIs400(String rawQuery) {
        assertRefused(400, () -> Publication.checkHead(new PublishRequest(null, "text/plain", 10, rawQuery)));
    }

    @Test
    void eventNameOfSixtyFiveCharactersIs400() {
        assertRefused(400, () -> Publication.checkHead(new PublishRequest(null, "text/plain", 10, "event=" + "e".repeat(65))));
        assertEquals("e".repeat(64),
                Publication.checkHead(new PublishRequest(null, "text/plain", 10, "event=" + "e".repeat(64))).eventName());
    }

    @Test
    void emptyBodyIs400() {
        assertRefused(400, () -> Publication.readBody(TEXT, InputStream.nullInputStream()));
        assertRefused(400, () -> Publication.checkBody(JSON, new byte[0]));
    }

    @ParameterizedTest
    @ValueSource(strings = {"C328", "FF", "C0AF", "EDA080", "E282", "F4908080", "61FE62"})
    void invalidUtf8Is400(String hex) {
        byte[] bytes = java.util.HexFormat.of().parseHex(hex);
        assertRefused(400, () -> Publication.checkBody(TEXT, bytes));
        assertRefused(400, () -> Publication.readBody(TEXT, new ByteArrayInputStream(bytes)));
    }

    @ParameterizedTest
    @ValueSource(strings = {"{", "{} x", "{}{}", "[1,]", "{'a':1}", "NaN", "// comment\n{}", "{\"a\":1} //", "plain text",
            "   ", "\n", "01", "[1] ]"})
    void invalidJsonIs400WhenTheTypeIsJson(String text) {
        assertRefused(400, () -> Publication.readBody(JSON, body(text)));
    }

    @ParameterizedTest
    @ValueSource(strings = {"{\"a\":1}", "[1,2]", "\"text\"", "42", "null", "true", " {} ", "{\"s\":\"é ✓\"}"})
    void validJsonIsAcceptedUnchanged(String text) throws IOException {
        assertEquals(text, Publication.readBody(JSON, body(text)));
    }

    @ParameterizedTest
    @ValueSource(strings = {"hello", "{ not json", "line 1\r\nline 2\rline 3\n", "   ", "é ✓ 日本"})
    void anyUtf8TextIsAcceptedUnchangedAsPlainText(String text) throws IOException {
        assertEquals(text, Publication.readBody(TEXT, body(text)));
    }
}
