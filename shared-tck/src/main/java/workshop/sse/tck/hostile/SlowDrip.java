package workshop.sse.tck.hostile;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;

/** Slow clients: a handful, each a few seconds, all sent at once alongside the corpus. */
enum SlowDrip {
    /** A whole valid GET, one byte every 60 ms. */
    STATUS_BYTE_BY_BYTE {
        @Override
        String run(URI base) {
            return drip(base, "", "GET /api/status HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n", 60, 0);
        }
    },
    /** A head that never ends, dripped for about 4 s, then the client gives up. */
    ENDLESS_HEAD {
        @Override
        String run(URI base) {
            return givenUp(drip(base, "", "GET /api/status HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: aaaaaaaaaaaaaaaaaaaaaaaaaa",
                    60, 0));
        }
    },
    /** A publish whose declared body comes one byte every 150 ms. */
    SLOW_BODY {
        @Override
        String run(URI base) {
            return drip(base, "POST /api/broadcast?event=hostile-drip HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                    + "Content-Type: text/plain\r\nContent-Length: 20\r\n\r\n", "slow body drip......", 150, 0);
        }
    },
    /** A chunked publish dripped chunk by chunk, never finished. */
    SLOW_CHUNKS {
        @Override
        String run(URI base) {
            return drip(base, "POST /api/broadcast?event=hostile-drip HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                    + "Content-Type: text/plain\r\nTransfer-Encoding: chunked\r\n\r\n", "1\r\na\r\n".repeat(6), 100, 0);
        }
    },
    /** Random bytes, one every 80 ms. */
    SLOW_GARBAGE {
        @Override
        String run(URI base) {
            return givenUp(drip(base, "", "\u0001\u00ff\u0000garbage\u007f\u0080more garbage here.....", 80, 0));
        }
    },
    /** A connection that says nothing for 4 s. */
    SILENT {
        @Override
        String run(URI base) {
            return drip(base, "", "", 0, 4_000);
        }
    };

    /** The outcome: the status the server answered, or what happened instead. */
    abstract String run(URI base);

    /** A client that meant to give up before the server answers says so, rather than "timeout". */
    private static String givenUp(String outcome) {
        return outcome.equals("timeout") ? "gave-up" : outcome;
    }

    /** Sends {@code head} at once, then {@code slow} byte by byte, waits {@code idleMs}, reads a status line. */
    private static String drip(URI base, String head, String slow, int delayMs, int idleMs) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(base.getHost(), base.getPort()), 2_000);
            socket.setSoTimeout(HostileSender.SO_TIMEOUT_MS);
            socket.setSoLinger(true, 0);
            OutputStream out = socket.getOutputStream();
            try {
                out.write(head.getBytes(StandardCharsets.ISO_8859_1));
                out.flush();
                for (byte b : slow.getBytes(StandardCharsets.ISO_8859_1)) {
                    out.write(b);
                    out.flush();
                    Thread.sleep(delayMs);
                }
                Thread.sleep(idleMs);
            } catch (IOException e) {
                return "cut-off-while-dripping/" + HostileSender.readStatus(socket);
            }
            return HostileSender.readStatus(socket);
        } catch (IOException e) {
            return "failed: " + e.getMessage();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted";
        }
    }
}
