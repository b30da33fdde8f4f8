package workshop.sse.core.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class EventIdsTest {

    @ParameterizedTest
    @CsvSource({"0,0", "1,1", "42,42", "007,7", "123456789012345678,123456789012345678",
            "999999999999999999,999999999999999999"})
    void oneToEighteenAsciiDigitsAreAnId(String text, long expected) {
        assertEquals(OptionalLong.of(expected), EventIds.parse(text));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "1234567890123456789", "9999999999999999999", "abc", "12a", "0x1F", "+1", "-1", " 1",
            "1 ", "1 2", "1.5", "1e3", "１２", "٣", "१"})
    void anythingElseIsNoId(String text) {
        assertTrue(EventIds.parse(text).isEmpty(), () -> "'" + text + "' should be no id");
    }

    @Test
    void nullIsNoId() {
        assertTrue(EventIds.parse(null).isEmpty());
        assertTrue(EventIds.parse(null, null).isEmpty());
    }

    @Test
    void validHeaderWinsOverQuery() {
        assertEquals(OptionalLong.of(5), EventIds.parse("5", "9"));
    }

    @Test
    void queryIsUsedWhenHeaderIsInvalid() {
        assertEquals(OptionalLong.of(9), EventIds.parse("five", "9"));
        assertEquals(OptionalLong.of(9), EventIds.parse("", "9"));
        assertEquals(OptionalLong.of(9), EventIds.parse("1234567890123456789", "9"));
    }

    @Test
    void queryIsUsedWhenHeaderIsAbsent() {
        assertEquals(OptionalLong.of(9), EventIds.parse(null, "9"));
    }

    @Test
    void invalidHeaderAndInvalidQueryGiveNoId() {
        assertTrue(EventIds.parse("x", "-3").isEmpty());
        assertTrue(EventIds.parse("1", "x").isPresent(), "an invalid query never spoils a valid header");
    }
}
