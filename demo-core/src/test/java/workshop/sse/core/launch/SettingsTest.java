package workshop.sse.core.launch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import workshop.sse.core.http.OriginPolicy;

class SettingsTest {

    private static Settings.BadSetting badEnv(String name, String value) {
        return assertThrows(Settings.BadSetting.class, () -> Settings.fromEnv(Map.of(name, value)));
    }

    private static Settings.BadSetting badArgs(String... args) {
        return assertThrows(Settings.BadSetting.class, () -> Settings.fromCommandLine(args, Map.of()));
    }

    private static void assertOneLineNaming(String setting, Settings.BadSetting e) {
        String message = e.getMessage();
        assertTrue(message.contains(setting), () -> "message should name " + setting + ": " + message);
        assertFalse(message.contains("\n") || message.contains("\r"), () -> "message should be one line: " + message);
        assertFalse(message.isBlank());
    }

    @Test
    void defaultsAreTheSpecTable() {
        Settings s = Settings.defaults();
        assertEquals("127.0.0.1", s.host());
        assertEquals(8080, s.port());
        assertEquals(3000, s.retryMs());
        assertEquals(15000, s.heartbeatMs());
        assertEquals(1000, s.historySize());
        assertEquals(10000, s.maxStreams());
        assertEquals(OriginPolicy.DEFAULT, s.allowedOrigins().toString());
        assertTrue(s.allowedOrigins().allows("http://localhost:5173"));
        assertFalse(s.allowedOrigins().allows("http://evil.test"));
    }

    @Test
    void noArgumentsAndEmptyEnvironmentGiveTheDefaults() {
        assertEquals(Settings.defaults().toString(), Settings.fromCommandLine(new String[0], Map.of()).toString());
    }

    @Test
    void eachEnvironmentVariableSetsItsSetting() {
        Settings s = Settings.fromEnv(Map.of(
                "HOST", "0.0.0.0",
                "PORT", "9001",
                "RETRY_MS", "1500",
                "HEARTBEAT_MS", "250",
                "HISTORY_SIZE", "7",
                "MAX_STREAMS", "3",
                "ALLOWED_ORIGINS", "https://workshop.example"));
        assertEquals("0.0.0.0", s.host());
        assertEquals(9001, s.port());
        assertEquals(1500, s.retryMs());
        assertEquals(250, s.heartbeatMs());
        assertEquals(7, s.historySize());
        assertEquals(3, s.maxStreams());
        assertTrue(s.allowedOrigins().allows("https://workshop.example"));
        assertFalse(s.allowedOrigins().allows("http://localhost:5173"), "ALLOWED_ORIGINS replaces the default");
    }

    @Test
    void eachSettingAcceptsItsBoundaries() {
        Settings low = Settings.fromEnv(Map.of("PORT", "0", "RETRY_MS", "1", "HEARTBEAT_MS", "100",
                "HISTORY_SIZE", "0", "MAX_STREAMS", "1"));
        assertEquals(0, low.port());
        assertEquals(1, low.retryMs());
        assertEquals(100, low.heartbeatMs());
        assertEquals(0, low.historySize());
        assertEquals(1, low.maxStreams());
        Settings high = Settings.fromEnv(Map.of("PORT", "65535", "RETRY_MS", "3600000", "HEARTBEAT_MS", "3600000",
                "HISTORY_SIZE", "1000000", "MAX_STREAMS", "1000000"));
        assertEquals(65535, high.port());
        assertEquals(3_600_000, high.retryMs());
        assertEquals(3_600_000, high.heartbeatMs());
        assertEquals(1_000_000, high.historySize());
        assertEquals(1_000_000, high.maxStreams());
    }

    @Test
    void portFlagWithSeparateValue() {
        assertEquals(9000, Settings.fromCommandLine(new String[] {"--port", "9000"}, Map.of()).port());
    }

    @Test
    void portFlagWithEqualsValue() {
        assertEquals(9000, Settings.fromCommandLine(new String[] {"--port=9000"}, Map.of()).port());
    }

    @Test
    void hostFlagInBothForms() {
        assertEquals("0.0.0.0", Settings.fromCommandLine(new String[] {"--host", "0.0.0.0"}, Map.of()).host());
        assertEquals("::1", Settings.fromCommandLine(new String[] {"--host=::1"}, Map.of()).host());
    }

    @Test
    void flagsWinOverEnvironment() {
        Settings s = Settings.fromCommandLine(new String[] {"--port", "9000", "--host=0.0.0.0"},
                Map.of("PORT", "7000", "HOST", "127.0.0.1", "RETRY_MS", "42"));
        assertEquals(9000, s.port());
        assertEquals("0.0.0.0", s.host());
        assertEquals(42, s.retryMs(), "settings without a flag still come from the environment");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "PORT|abc", "PORT|-1", "PORT|65536", "PORT|80.5", "PORT|''", "PORT|99999999999",
            "RETRY_MS|0", "RETRY_MS|3600001", "RETRY_MS|soon",
            "HEARTBEAT_MS|99", "HEARTBEAT_MS|3600001", "HEARTBEAT_MS|1s",
            "HISTORY_SIZE|-1", "HISTORY_SIZE|1000001", "HISTORY_SIZE|many",
            "MAX_STREAMS|0", "MAX_STREAMS|1000001", "MAX_STREAMS|x",
            "HOST|''", "HOST|'   '", "HOST|local host", "HOST|evil/host",
            "ALLOWED_ORIGINS|''", "ALLOWED_ORIGINS|localhost:5173", "ALLOWED_ORIGINS|http://*.example.com",
            "ALLOWED_ORIGINS|http://localhost:*,,http://127.0.0.1:*", "ALLOWED_ORIGINS|ftp://localhost",
            "ALLOWED_ORIGINS|http://localhost:5173/"})
    void badEnvironmentValueIsOneLineNamingTheSetting(String name, String value) {
        assertOneLineNaming(name, badEnv(name, value));
    }

    @ParameterizedTest
    @ValueSource(strings = {"PORT", "RETRY_MS", "HEARTBEAT_MS", "HISTORY_SIZE", "MAX_STREAMS", "HOST", "ALLOWED_ORIGINS"})
    void badValueWithALineBreakStillGivesAOneLineMessage(String name) {
        assertOneLineNaming(name, badEnv(name, "8\n0\r\n80 x"));
    }

    @Test
    void nonNumericPortFlagNamesPort() {
        assertOneLineNaming("PORT", badArgs("--port", "http"));
        assertOneLineNaming("PORT", badArgs("--port=70000"));
        assertOneLineNaming("PORT", badArgs("--port="));
    }

    @Test
    void badHostFlagNamesHost() {
        assertOneLineNaming("HOST", badArgs("--host", "a b"));
    }

    @Test
    void unknownFlagIsRefusedNamingIt() {
        assertOneLineNaming("--verbose", badArgs("--verbose"));
        assertOneLineNaming("--retry", badArgs("--retry=5"));
        assertOneLineNaming("9000", badArgs("9000"));
    }

    @Test
    void unknownFlagWithALineBreakStillGivesOneLine() {
        assertOneLineNaming("--evil", badArgs("--evil\nline"));
    }

    @Test
    void flagWithoutValueIsRefusedNamingIt() {
        assertOneLineNaming("--port", badArgs("--port"));
        assertOneLineNaming("--host", badArgs("--port", "9000", "--host"));
    }

    @Test
    void badSettingIsAnIllegalArgumentException() {
        assertTrue(IllegalArgumentException.class.isAssignableFrom(Settings.BadSetting.class));
    }

    @Test
    void numbersAroundWhitespaceAreRead() {
        assertEquals(9000, Settings.fromEnv(Map.of("PORT", " 9000 ")).port());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "127.0.0.1|8080|http://127.0.0.1:8080/",
            "0.0.0.0|8080|http://127.0.0.1:8080/",
            "::|9000|http://127.0.0.1:9000/",
            "::1|9000|http://[::1]:9000/",
            "localhost|1|http://localhost:1/"})
    void readyUrlOpensAWildcardBindThroughLoopback(String host, int port, String url) {
        assertEquals(url, Settings.fromEnv(Map.of("HOST", host)).urlFor(port));
    }

    @Test
    void outboxBoundIsOneMebibyte() {
        assertEquals(1_048_576, Settings.OUTBOX_BYTES);
    }
}
