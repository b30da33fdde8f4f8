package workshop.sse.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * {@code ./benchmark watch}, tiny: two floors in this JVM and, between them, a port where nothing runs. Each floor
 * gets its streams and events (the lines every second and the summary say so), the missing server is named with
 * the command that starts it, and stopping early (Ctrl-C) ends the run with every connection closed.
 */
class WatchTest {

    @Test
    void eachServerIsLoadedAndReportedAndAMissingOneIsNamedWithItsCommand() throws Exception {
        try (FloorServer first = FloorServer.startInBackground(); FloorServer second = FloorServer.startInBackground()) {
            int missing = freePort();
            String output = watch(Map.of("--urls", url(first.port()) + "," + url(missing) + "," + url(second.port()),
                    "--streams", "20", "--rate", "5", "--seconds", "3", "--every", "1"), 2, null);

            assertTrue(output.contains("watch: nothing answers at " + url(missing) + " (connection refused): start it "
                    + "with ./serve undertow --port " + missing + " (or all four: ./serve all --port " + (missing - 1)
                    + ")"), output);
            for (FloorServer floor : List.of(first, second)) {
                String label = Pattern.quote("floor :" + floor.port());
                Matcher tick = Pattern.compile("(?m)^ +\\d+ s  " + label + " +streams +20  delivered +([\\d,]+)/s  "
                        + "latency p99 +[\\d.]+ ms$").matcher(output);
                boolean delivering = false;
                while (tick.find()) {
                    delivering |= number(tick.group(1)) > 0;
                }
                assertTrue(delivering, "no line with deliveries for " + label + ":\n" + output);
                Matcher summary = Pattern.compile("(?m)^  " + label + " +streams 20 of 20  published ([\\d,]+)  "
                        + "delivered ([\\d,]+) of ([\\d,]+)  latency p50 .*$").matcher(output);
                assertTrue(summary.find(), "no summary for " + label + ":\n" + output);
                long published = number(summary.group(1));
                assertTrue(published >= 5, published + " published to " + label); // 5/s for the ~3 s after opening
                assertEquals(published * 20, number(summary.group(2)), "delivered by " + label);
                assertEquals(published * 20, number(summary.group(3)), "expected of " + label);
            }
        }
    }

    @Test
    void stoppingEarlyEndsTheRunAndClosesEveryStream() throws Exception {
        try (FloorServer floor = FloorServer.startInBackground()) {
            // Stopped once the floor holds all 30 streams, not after a fixed time: on a busy machine the probe of
            // /api/status alone can take a second or more before the first stream opens.
            AtomicLong stoppedAt = new AtomicLong();
            String output = watch(Map.of("--urls", url(floor.port()), "--streams", "30", "--rate", "5",
                    "--seconds", "120", "--every", "1"), 1, () -> {
                        boolean allOpen = floorStatus(floor).contains("\"broadcast\":30");
                        if (allOpen) {
                            stoppedAt.set(System.nanoTime());
                        }
                        return allOpen;
                    });
            assertTrue(stoppedAt.get() != 0, "the floor never held the 30 streams:\n" + output);
            assertTrue(System.nanoTime() - stoppedAt.get() < TimeUnit.SECONDS.toNanos(15),
                    "the run did not end when stopped:\n" + output);
            assertTrue(output.contains("watch: stopping ..."), output);
            assertTrue(output.contains("floor :" + floor.port() + "  streams 30 of 30  published"), output);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            String status = floorStatus(floor);
            while (!status.contains("\"broadcast\":0") && System.nanoTime() < deadline) {
                Thread.sleep(50);
                status = floorStatus(floor);
            }
            assertTrue(status.contains("\"broadcast\":0"), "streams still open at the floor after the run: " + status);
        }
    }

    @Test
    void badOptionsAreRefusedWithWhatIsWrong() {
        Map<Map<String, String>, String> refusals = Map.of(
                Map.of("--rate", "0"), "--rate must be a whole number from 1 to 10000 (got '0')",
                Map.of("--streams", "many"), "--streams must be a whole number from 1 to 100000 (got 'many')",
                Map.of("--port", "65534"), "--port must be a whole number from 1 to 65532 (got '65534')",
                Map.of("--urls", "ftp://x"), "not an http:// base URL: ftp://x",
                Map.of("--urls", "http://127.0.0.1:1", "--port", "9000"), "give --urls or --port, not both",
                Map.of("--profile", "steady"), "watch takes no --profile");
        refusals.forEach((flags, why) -> assertEquals(why,
                assertThrows(IllegalArgumentException.class, () -> Watch.Options.parse(flags)).getMessage()));
        assertEquals(List.of(URI.create("http://127.0.0.1:9000"), URI.create("http://127.0.0.1:9001"),
                URI.create("http://127.0.0.1:9002"), URI.create("http://127.0.0.1:9003")),
                Watch.Options.parse(Map.of("--port", "9000")).urls());
    }

    /** Something the stopper asks every 50 ms; true stops the watch (Ctrl-C). */
    private interface StopWhen {
        boolean now() throws Exception;
    }

    /** Runs the watch with these flags, stopped once {@code stopWhen} says so when given; returns what it printed. */
    private static String watch(Map<String, String> flags, int expectLoaded, StopWhen stopWhen) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8)) {
            Watch watch = new Watch(Watch.Options.parse(flags), out);
            if (stopWhen != null) {
                long giveUp = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
                Thread.ofPlatform().daemon().start(() -> {
                    try {
                        while (!stopWhen.now() && System.nanoTime() < giveUp) {
                            Thread.sleep(50);
                        }
                    } catch (Exception ignored) {
                        // stop now
                    }
                    watch.stop();
                });
            }
            int loaded = watch.run();
            String output = bytes.toString(StandardCharsets.UTF_8);
            assertEquals(expectLoaded, loaded, output);
            return output;
        }
    }

    private static String floorStatus(FloorServer floor) throws Exception {
        return HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()
                .send(HttpRequest.newBuilder(URI.create(url(floor.port()) + "/api/status")).build(),
                        HttpResponse.BodyHandlers.ofString()).body();
    }

    private static String url(int port) {
        return "http://127.0.0.1:" + port;
    }

    private static long number(String digits) {
        return Long.parseLong(digits.replace(",", ""));
    }

    private static int freePort() throws Exception {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
