package workshop.sse.core.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import workshop.sse.core.launch.Settings;

class OriginPolicyTest {

    private final OriginPolicy defaults = OriginPolicy.parse(OriginPolicy.DEFAULT);

    @ParameterizedTest
    @ValueSource(strings = {"http://localhost:5173", "http://localhost", "http://127.0.0.1:8080", "http://127.0.0.1",
            "http://LOCALHOST:3000", "https://localhost:8443", "https://127.0.0.1"})
    void defaultAllowsLoopbackOriginsOnAnyPortOrNoneOverHttpAndHttps(String origin) {
        assertTrue(defaults.allows(origin), origin);
        assertTrue(defaults.isCrossOriginAllowed(origin), origin);
    }

    @ParameterizedTest
    @ValueSource(strings = {"http://localhost.evil.test:8080", "http://evil.test", "http://localhost.evil.test",
            "http://evil-localhost:8080", "http://127.0.0.1.evil.test", "http://127.0.0.2:8080"})
    void defaultRefusesOtherHostsEvenWhenTheyStartLikeLocalhost(String origin) {
        assertFalse(defaults.allows(origin), origin);
        assertFalse(defaults.isCrossOriginAllowed(origin), origin);
    }

    @Test
    void defaultRefusesAnotherSchemeOrAnotherHostOverHttps() {
        assertFalse(defaults.allows("ftp://localhost:5173"));
        assertFalse(defaults.allows("https://evil.test"));
        assertFalse(defaults.allows("https://localhost.evil.test:8443"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"null", "", "localhost:5173", "http://localhost:5173/", "http://user@localhost:5173",
            "http://localhost:5173/path", "file://", "http://localhost:5173 "})
    void somethingThatIsNotAnOriginIsRefused(String origin) {
        assertFalse(defaults.allows(origin), origin);
        assertFalse(defaults.isCrossOriginAllowed(origin), origin);
    }

    @Test
    void noOriginIsAllowedButNeverEchoed() {
        assertTrue(defaults.allows(null));
        assertFalse(defaults.isCrossOriginAllowed(null));
    }

    @ParameterizedTest
    @ValueSource(strings = {"http://*.example.com", "http://local*host:8080", "http://*", "http://*:8080",
            "https://workshop.*", "*.example.com", "http://localhost:*,*"})
    void aStarAnywhereButThePortIsRejectedAtParse(String pattern) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> OriginPolicy.parse(pattern));
        assertTrue(e.getMessage().contains("'"), e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "localhost", "http://", "ws://localhost", "http://localhost:8080/", "http://a,,http://b"})
    void aMalformedPatternIsRejectedAtParse(String pattern) {
        assertThrows(IllegalArgumentException.class, () -> OriginPolicy.parse(pattern));
    }

    @Test
    void explicitStarAllowsAnyOrigin() {
        OriginPolicy any = OriginPolicy.parse("*");
        assertTrue(any.allows("http://evil.test"));
        assertTrue(any.allows("https://anything.example:8443"));
        assertTrue(any.isCrossOriginAllowed("http://localhost.evil.test:8080"));
        assertTrue(any.allows(null));
        assertFalse(any.isCrossOriginAllowed(null), "no Origin is never echoed, even with *");
        assertEquals("*", any.toString());
    }

    @Test
    void starIsNotTheDefault() {
        assertFalse(Settings.defaults().allowedOrigins().allows("https://workshop.example"));
        assertFalse(Settings.defaults().allowedOrigins().isCrossOriginAllowed("http://evil.test"));
    }

    @Test
    void exactPortPatternAllowsOnlyThatPort() {
        OriginPolicy policy = OriginPolicy.parse("http://localhost:5173");
        assertTrue(policy.allows("http://localhost:5173"));
        assertFalse(policy.allows("http://localhost:5174"));
        assertFalse(policy.allows("http://localhost"));
    }

    @Test
    void patternWithoutPortAllowsOnlyNoPort() {
        OriginPolicy policy = OriginPolicy.parse("https://workshop.example");
        assertTrue(policy.allows("https://workshop.example"));
        assertFalse(policy.allows("https://workshop.example:8443"));
        assertFalse(policy.allows("http://workshop.example"));
    }

    @Test
    void listEntriesAreTrimmedAndEachCounts() {
        OriginPolicy policy = OriginPolicy.parse(" https://a.example , http://b.example:* ");
        assertTrue(policy.allows("https://a.example"));
        assertTrue(policy.allows("http://b.example:81"));
        assertFalse(policy.allows("http://c.example"));
    }

    @Test
    void ipv6LiteralOriginsMatch() {
        OriginPolicy policy = OriginPolicy.parse("http://[::1]:*");
        assertTrue(policy.allows("http://[::1]:8080"));
        assertFalse(policy.allows("http://[::2]:8080"));
    }
}
