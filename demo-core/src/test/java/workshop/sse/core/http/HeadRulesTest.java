package workshop.sse.core.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class HeadRulesTest {

    @ParameterizedTest
    @ValueSource(strings = {"GET", "Content-Type", "X-Weird!#$%&'*+-.^_`|~9"})
    void tokens(String name) {
        assertTrue(HeadRules.isToken(name));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "Bad Name", "X-Test ", "a:b", "(x)", "a/b", "a\"b", "a\u0001", "a\u007f", "é", "{}",
            "a@b", "a=b", "a?b", "[a]", "a\\b", "a;b", "a,b", "<a>", "\tX"})
    void notTokens(String name) {
        assertFalse(HeadRules.isToken(name));
    }

    @Test
    void nullIsNoToken() {
        assertFalse(HeadRules.isToken(null));
    }

    @Test
    void theRequestTimeoutAnswerIsAWhole408ThatClosesAndACopy() {
        byte[] answer = HeadRules.requestTimeoutAnswer();
        assertEquals("HTTP/1.1 408 Request Timeout\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
                new String(answer, StandardCharsets.US_ASCII));
        assertNotSame(answer, HeadRules.requestTimeoutAnswer());
    }

    @Test
    void theSpecsNumbers() {
        assertEquals(8192, HeadRules.MAX_BYTES);
        assertEquals(15_000, HeadRules.DEADLINE_MS);
    }
}
