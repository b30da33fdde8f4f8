package workshop.sse.core.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class JsonTest {

    @ParameterizedTest
    @ValueSource(strings = {"{}", "[]", "{\"a\":[1,2,{\"b\":null}]}", "\"s\"", "0", "-1.5e3", "true", "null", " \n{} \t"})
    void exactlyOneJsonValueIsValid(String text) {
        assertTrue(Json.isValid(text), text);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", " ", "\n\t", "{} x", "{}{}", "1 2", "{", "{'a':1}", "{a:1}", "NaN", "[1,]", "/* c */ {}",
            "{} // c", "01", "\"unterminated"})
    void anythingElseIsInvalid(String text) {
        assertFalse(Json.isValid(text), "'" + text + "'");
    }

    @Test
    void objectKeepsTheFieldOrder() {
        assertEquals("{\"count\":1,\"at\":\"2024-01-01T00:00:00Z\"}", Json.object("count", 1, "at", "2024-01-01T00:00:00Z"));
        assertEquals("{\"z\":1,\"a\":2}", Json.object("z", 1, "a", 2));
    }

    @Test
    void objectEscapesStrings() {
        assertEquals("{\"error\":\"a \\\"q\\\" \\\\ \\n\"}", Json.object("error", "a \"q\" \\ \n"));
    }

    @Test
    void writeWritesPlainValues() {
        assertEquals("[1,\"two\",null]", Json.write(java.util.Arrays.asList(1, "two", null)));
        assertEquals("{\"k\":[true]}", Json.write(Map.of("k", List.of(true))));
    }
}
