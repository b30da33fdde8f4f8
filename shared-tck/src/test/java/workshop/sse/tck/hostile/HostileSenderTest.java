package workshop.sse.tck.hostile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** A request that times out is sent once more before it counts as a hang. */
class HostileSenderTest {

    private static final HostileCorpus.HostileRequest REQUEST = new HostileCorpus.HostileRequest("probe",
            "GET / HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII), false);

    /** A server that answers 200 to every connection from the {@code firstAnswered}-th on, and stays silent before. */
    private static ServerSocket server(int firstAnswered, List<Socket> held) throws IOException {
        ServerSocket listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        AtomicInteger accepted = new AtomicInteger();
        Thread.ofVirtual().start(() -> {
            while (!listener.isClosed()) {
                try {
                    Socket socket = listener.accept();
                    if (accepted.incrementAndGet() >= firstAnswered) {
                        socket.getOutputStream().write("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"
                                .getBytes(StandardCharsets.US_ASCII));
                    }
                    held.add(socket); // the silent ones stay open: no answer, no close
                } catch (IOException e) {
                    return;
                }
            }
        });
        return listener;
    }

    private static Map<String, Long> send(int firstAnswered) throws Exception {
        List<Socket> held = java.util.Collections.synchronizedList(new ArrayList<>());
        try (ServerSocket listener = server(firstAnswered, held)) {
            HostileSender sender = new HostileSender("127.0.0.1", listener.getLocalPort());
            sender.sendAll(List.of(REQUEST), 1);
            sender.shutdown();
            assertEquals(firstAnswered <= 2 ? Map.of() : Map.of("timeout on probe", 1L), sender.serverErrors());
            return sender.outcomes();
        } finally {
            for (Socket socket : held) {
                socket.close();
            }
        }
    }

    @Test
    void aRequestAnsweredAtOnceIsItsAnswer() throws Exception {
        assertEquals(Map.of("200", 1L), send(1));
    }

    @Test
    void aRequestThatTimesOutOnceAndIsAnsweredTheSecondTimeIsSlowNotAFailure() throws Exception {
        assertEquals(Map.of("slow, then 200", 1L), send(2));
        assertFalse(HostileSender.isFailure("slow, then 200"));
        assertTrue(HostileSender.isFailure("slow, then 500"), "an error is an error, however late");
    }

    @Test
    void a414IsAFailureAs431IsNot() {
        assertTrue(HostileSender.isFailure("414"), "a head over 8 KiB is 431, the request line's length included");
        assertFalse(HostileSender.isFailure("431"));
    }

    @Test
    void aRequestThatTimesOutTwiceIsAHang() throws Exception {
        assertEquals(Map.of("timeout", 1L), send(3));
    }
}
