package workshop.sse.core.demo;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

class RuntimeFiguresTest {

    private static final String STATUS = """
            Name:\tjava
            Umask:\t0022
            VmPeak:\t 3670800 kB
            VmRSSX:\t       7 kB
            VmRSS:\t  289436 kB
            RssAnon:\t  250100 kB
            """;

    private static Long kib(String text, String name) {
        byte[] bytes = text.getBytes(US_ASCII);
        return RuntimeFigures.kibField(bytes, bytes.length, name);
    }

    @Test
    void readsTheNumberOfTheNamedLineOnly() {
        assertEquals(289_436L, kib(STATUS, "VmRSS"));
        assertEquals(3_670_800L, kib(STATUS, "VmPeak"));
        assertEquals(250_100L, kib(STATUS, "RssAnon"));
    }

    @Test
    void aMissingLineOrNumberIsNull() {
        assertNull(kib(STATUS, "VmSwap"));
        assertNull(kib("VmRSS:\t kB\n", "VmRSS"));
        assertNull(kib(STATUS, "RSS"), "a name must match the whole field name, not the end of one");
    }

    @Test
    void aLineCutByTheBufferIsNotMisread() {
        byte[] bytes = STATUS.getBytes(US_ASCII);
        int cut = STATUS.indexOf("VmRSS:") + 3; // "VmR" only
        assertNull(RuntimeFigures.kibField(bytes, cut, "VmRSS"));
    }

    @Test
    void aReadingHasEveryFigureOfTheSpecAsANonNegativeNumberOnLinux() {
        assumeTrue(Files.isReadable(Path.of("/proc/self/status")), "elsewhere rssBytes and openFds may be null");
        Map<String, Object> figures = new RuntimeFigures().read();
        assertEquals(List.of("threads", "peakThreads", "heapUsedBytes", "rssBytes", "cpuSeconds", "openFds",
                "uptimeMs"), List.copyOf(figures.keySet()));
        for (Map.Entry<String, Object> figure : figures.entrySet()) {
            assertTrue(figure.getValue() instanceof Number n && n.doubleValue() >= 0, () -> figure.toString());
        }
        assertTrue(((Number) figures.get("rssBytes")).longValue() > 1024 * 1024, () -> "rssBytes " + figures);
    }
}
