package workshop.sse.rawsocket.selftest;

import workshop.sse.tck.Relay;
import static java.nio.charset.StandardCharsets.ISO_8859_1;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One client connection through a {@link FaultProxy} with a fault: requests are read head by head (bodies pass as
 * they come), responses too, and the fault may change either, answer a request itself, or change a stream's frames.
 * What it cannot read as HTTP (a head it cannot tell the body of, say) it passes on as bytes, from there on.
 *
 * <p>Two threads, as in the proxy without a fault: this one takes the client's requests upstream, the other one the
 * server's responses back. Endings pass as there: an end becomes a half-close, a reset a reset.
 */
final class FaultyConnection {

    /** In the queue of requests in flight: from here on, bytes pass as they are. */
    private static final Request AS_IS = Request.parse("AS-IS * HTTP/1.1\r\n\r\n".getBytes(ISO_8859_1));
    private static final long NO_BODY = 0;
    private static final long CHUNKED = -1;
    private static final long UNKNOWN = -2;

    private final FaultProxy proxy;
    private final Fault fault;
    private final Socket client;
    private final Queue<Request> inFlight = new ConcurrentLinkedQueue<>(); // for the responses: HEAD has no body
    private final AtomicInteger sides = new AtomicInteger(1);
    private Socket upstream;
    private OutputStream toUpstream;

    FaultyConnection(FaultProxy proxy, Fault fault, Socket client) {
        this.proxy = proxy;
        this.fault = fault;
        this.client = client;
    }

    /** A write to one side failed: that side is gone (the other may not be). */
    private static final class Gone extends IOException {
        Gone(IOException cause) {
            super(cause);
        }
    }

    // ---- requests: client to server

    void run() {
        try {
            if (!fault.connectsOnlyForACompleteHead()) {
                connect();
            }
            passRequests(new BufferedInputStream(client.getInputStream()));
        } catch (Gone cannotWrite) {
            // the server closed (the responses side passes that on), or the client did (then its reads end too)
        } catch (IOException clientGone) {
            // the client reset (or the server could not be reached: then the client gets a reset)
            if (upstream == null) {
                Relay.abort(client);
            } else if (!fault.keepsUpstreamWhenClientLeaves()) {
                Relay.abort(upstream);
            }
        } catch (InterruptedException | RuntimeException e) {
            failed("requests", e);
        } finally {
            sideDone();
        }
    }

    private void passRequests(InputStream in) throws IOException, InterruptedException {
        while (true) {
            Wire.Head head = Wire.readHead(in);
            if (head == null) {
                if (upstream != null) {
                    Relay.shutdownOutput(upstream);
                }
                return;
            }
            if (!head.complete()) {
                passTheRestAsIs(head.bytes(), in);
                return;
            }
            Request request = Request.parse(head.bytes());
            Response answer = in.available() > 0 ? fault.answerWithMoreBehind(request) : null;
            if (answer == null) {
                answer = fault.answer(request, proxy);
            }
            if (answer != null) {
                // (pipelined requests could see this answer before the one to an earlier request: the kit never
                // pipelines a request a fault answers)
                toClient(answer.bytes());
                continue;
            }
            request = fault.request(request);
            long body = body(request);
            if (body == UNKNOWN) {
                passTheRestAsIs(request.bytes(), in);
                return;
            }
            connect();
            inFlight.add(request);
            toUpstream(request.bytes());
            if (!(body == CHUNKED ? chunks(in) : copy(in, body))) {
                return;
            }
        }
    }

    /** The length of the body, {@link #NO_BODY}, {@link #CHUNKED}, or {@link #UNKNOWN} for a head the proxy doubts. */
    private static long body(Request request) {
        List<String> lines = request.lines();
        long lengths = Wire.count(lines, "Content-Length");
        long codings = Wire.count(lines, "Transfer-Encoding");
        if (!request.wellFormed() || lengths > 1 || codings > 1 || lengths + codings > 1) {
            return UNKNOWN;
        }
        if (codings == 1) {
            return "chunked".equalsIgnoreCase(request.header("Transfer-Encoding")) ? CHUNKED : UNKNOWN;
        }
        if (lengths == 1) {
            String length = request.header("Content-Length");
            return length.matches("\\d{1,18}") ? Long.parseLong(length) : UNKNOWN;
        }
        return NO_BODY;
    }

    /** Copies {@code length} bytes upstream; false when the client ended first. */
    private boolean copy(InputStream in, long length) throws IOException {
        byte[] buffer = new byte[8192];
        for (long left = length; left > 0; ) {
            int n = in.read(buffer, 0, (int) Math.min(buffer.length, left));
            if (n < 0) {
                Relay.shutdownOutput(upstream);
                return false;
            }
            toUpstream(buffer, n);
            left -= n;
        }
        return true;
    }

    /**
     * A chunked body, chunk by chunk as it comes (or, with a fault, kept until its last chunk); false when the rest
     * of the connection was passed on as it is (a chunk size the proxy does not read).
     */
    private boolean chunks(InputStream in) throws IOException {
        ByteArrayOutputStream whole = fault.readsChunkedBodiesWhole() ? new ByteArrayOutputStream() : null;
        while (true) {
            byte[] sizeLine = line(in);
            String size = new String(sizeLine, ISO_8859_1).strip().split(";")[0];
            if (!size.matches("[0-9A-Fa-f]{1,8}")) {
                forward(whole, sizeLine);
                passTheRestAsIs(whole == null ? new byte[0] : whole.toByteArray(), in);
                return false;
            }
            forward(whole, sizeLine);
            long length = Long.parseLong(size, 16);
            if (length == 0) {
                byte[] trailer;
                do {
                    trailer = line(in);
                    forward(whole, trailer);
                } while (trailer.length > 2);
                if (whole != null) {
                    toUpstream(whole.toByteArray());
                }
                return true;
            }
            forward(whole, in.readNBytes((int) length));
            forward(whole, line(in));
        }
    }

    private void forward(ByteArrayOutputStream whole, byte[] bytes) throws IOException {
        if (whole != null) {
            whole.writeBytes(bytes);
        } else {
            toUpstream(bytes);
        }
    }

    /** A line with its CRLF; fails at the end of the stream. */
    private static byte[] line(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) != '\n') {
            if (b == -1) {
                throw new EOFException("the client ended in the middle of a chunked body");
            }
            line.write(b);
        }
        line.write('\n');
        return line.toByteArray();
    }

    /** Bytes the proxy does not read as HTTP: passed on as they are, and all that follow. */
    private void passTheRestAsIs(byte[] bytes, InputStream in) throws IOException {
        connect();
        inFlight.add(AS_IS);
        toUpstream(bytes);
        byte[] buffer = new byte[8192];
        int n;
        while ((n = in.read(buffer)) >= 0) {
            toUpstream(buffer, n);
        }
        Relay.shutdownOutput(upstream);
    }

    private void connect() throws IOException {
        if (upstream == null) {
            upstream = proxy.connectUpstream();
            toUpstream = upstream.getOutputStream();
            sides.incrementAndGet();
            proxy.submit(this::responses);
        }
    }

    private void toUpstream(byte[] bytes) throws Gone {
        toUpstream(bytes, bytes.length);
    }

    private void toUpstream(byte[] bytes, int length) throws Gone {
        try {
            toUpstream.write(bytes, 0, length);
            toUpstream.flush();
        } catch (IOException e) {
            throw new Gone(e);
        }
    }

    // ---- responses: server to client

    private void responses() {
        InputStream in;
        try {
            in = new BufferedInputStream(upstream.getInputStream());
        } catch (IOException e) {
            sideDone();
            return;
        }
        try {
            passResponses(in);
            Relay.shutdownOutput(client);
        } catch (Gone clientGone) {
            if (fault.keepsUpstreamWhenClientLeaves()) {
                drain(in);
            } else {
                Relay.abort(upstream);
            }
        } catch (IOException upstreamGone) {
            Relay.abort(client);
        } catch (InterruptedException | RuntimeException e) {
            failed("responses", e);
        } finally {
            sideDone();
        }
    }

    private void passResponses(InputStream in) throws IOException, InterruptedException {
        while (true) {
            Wire.Head head = Wire.readHead(in);
            if (head == null) {
                return;
            }
            Response response = Response.parse(head.bytes());
            if (head.complete() && response.status() / 100 == 1) {
                toClient(head.bytes()); // 100 Continue: the answer is still to come
                continue;
            }
            Request request = inFlight.poll(); // null: an answer to no request passed on (a 408 to a slow head)
            if (!head.complete() || request == AS_IS) {
                toClient(head.bytes());
                copyAsIs(in);
                return;
            }
            int status = response.status();
            String length = response.header("Content-Length");
            boolean noBody = request != null && request.method().equals("HEAD") || status == 204 || status == 304;
            if (noBody || length != null && length.matches("\\d{1,9}")) {
                response = response.withSameBody(noBody ? new byte[0] : in.readNBytes(Integer.parseInt(length)));
                if (request != null) {
                    response = fault.response(request, response, proxy);
                }
                toClient(response.bytes());
                if ("close".equalsIgnoreCase(response.header("Connection"))) {
                    return;
                }
                continue;
            }
            // no length: the body runs until the server closes; a stream's frames pass the fault one by one
            if (request != null) {
                response = fault.response(request, response, proxy);
            }
            toClient(response.bytes());
            if (request != null && response.isEventStream()) {
                frames(in, fault.frames(request));
            } else {
                copyAsIs(in);
            }
            return;
        }
    }

    private void frames(InputStream in, Frame.Filter filter) throws IOException, InterruptedException {
        if (fault.buffersStreamsWithoutBound()) {
            framesWithoutBound(in, filter);
            return;
        }
        Frame frame;
        while ((frame = Frame.read(in)) != null) {
            List<Frame> out = frame.complete() ? filter.apply(frame) : List.of(frame);
            if (out == null) {
                return; // the fault ended the stream
            }
            for (Frame f : out) {
                toClient(f.bytes());
            }
        }
        for (Frame f : filter.atEnd()) {
            toClient(f.bytes());
        }
    }

    /** Reads the server's frames as fast as it writes them, and queues them for the client without a bound. */
    private void framesWithoutBound(InputStream in, Frame.Filter filter) throws IOException, InterruptedException {
        BlockingQueue<byte[]> queue = new LinkedBlockingQueue<>();
        byte[] end = new byte[0];
        Future<?> writer = proxy.submit(() -> {
            for (byte[] bytes = queue.take(); bytes != end; bytes = queue.take()) {
                toClient(bytes);
            }
            return null;
        });
        try {
            Frame frame;
            while (!writer.isDone() && (frame = Frame.read(in)) != null) {
                for (Frame f : frame.complete() ? filter.apply(frame) : List.of(frame)) {
                    queue.add(f.bytes());
                }
            }
        } finally {
            queue.add(end);
        }
        try {
            writer.get();
        } catch (ExecutionException e) {
            throw e.getCause() instanceof Gone gone ? gone : new IOException(e.getCause());
        }
    }

    private void copyAsIs(InputStream in) throws IOException {
        byte[] buffer = new byte[8192];
        int n;
        while ((n = in.read(buffer)) >= 0) {
            toClient(buffer, n);
        }
    }

    /** Reads the server's output and drops it: a connection the proxy keeps open for no one. */
    private static void drain(InputStream in) {
        try {
            in.transferTo(OutputStream.nullOutputStream());
        } catch (IOException e) {
            // the server closed it after all
        }
    }

    private void toClient(byte[] bytes) throws Gone {
        toClient(bytes, bytes.length);
    }

    private void toClient(byte[] bytes, int length) throws Gone {
        try {
            synchronized (client) {
                client.getOutputStream().write(bytes, 0, length);
                client.getOutputStream().flush();
            }
        } catch (IOException e) {
            throw new Gone(e);
        }
    }

    // ---- the end

    private void failed(String side, Exception e) {
        if (!(e instanceof InterruptedException)) {
            proxy.error("the " + side + " of a connection through " + fault, e);
        }
        Relay.abort(client);
        if (upstream != null) {
            Relay.abort(upstream);
        }
    }

    /** When both sides are done, both sockets are closed. */
    private void sideDone() {
        if (sides.decrementAndGet() == 0) {
            proxy.release(client);
            if (upstream != null) {
                proxy.release(upstream);
            }
        }
    }
}
