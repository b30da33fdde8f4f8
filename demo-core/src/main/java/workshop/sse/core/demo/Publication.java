package workshop.sse.core.demo;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

import workshop.sse.core.http.ApiError;
import workshop.sse.core.http.Json;
import workshop.sse.core.wire.SseFrames;

/**
 * The rules of {@code POST /api/broadcast}, checked in the order that refuses cheaply: the request head first
 * (declared size, content type, event name; the origin was checked before, as for every POST), then the body, read no further than the limit.
 * Every refusal is an {@link ApiError}; nothing is published unless all pass.
 */
public final class Publication {

    public static final int MAX_BODY_BYTES = 65_536;

    /** A publish whose head passed: the event name and whether the body must be JSON. */
    public record Head(String eventName, boolean json) {
    }

    private Publication() {
    }

    /** Checks everything that can be checked before the body is read. */
    public static Head checkHead(PublishRequest request) {
        if (request.contentLength() > MAX_BODY_BYTES) {
            throw tooLarge();
        }
        boolean json = isJson(request.contentType());
        return new Head(eventName(request.rawQuery()), json);
    }

    /**
     * The event name from the raw query: {@code message} when there is no {@code event} parameter; 400 when it is
     * there more than once, without {@code =}, empty, or not 1 to 64 of {@code [A-Za-z0-9_-]}. From the raw query,
     * because a framework's parameter map cannot tell {@code ?event} from {@code ?event=}, nor show the repeats.
     */
    static String eventName(String rawQuery) {
        String value = null;
        int seen = 0;
        for (String pair : rawQuery == null || rawQuery.isEmpty() ? new String[0] : rawQuery.split("&", -1)) {
            int equals = pair.indexOf('=');
            if (!decode(equals < 0 ? pair : pair.substring(0, equals)).equals("event")) {
                continue;
            }
            if (++seen > 1) {
                throw new ApiError(400, "Query parameter event is given more than once: give it once.");
            }
            if (equals < 0) {
                throw new ApiError(400, "Query parameter event has no value: write event=<name>, or leave it out.");
            }
            value = decode(pair.substring(equals + 1));
        }
        String eventName = value == null ? "message" : value;
        if (!SseFrames.isEventName(eventName)) {
            throw new ApiError(400, "Query parameter event must be 1 to 64 of A-Z, a-z, 0-9, _ and -.");
        }
        return eventName;
    }

    private static String decode(String text) {
        try {
            return java.net.URLDecoder.decode(text, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw new ApiError(400, "The query has a broken %-escape.");
        }
    }

    /** Reads the body, refusing it as soon as it passes the limit, and returns its text once it is valid. */
    public static String readBody(Head head, InputStream body) throws IOException {
        return checkBody(head, readAtMost(body, MAX_BODY_BYTES));
    }

    public static String checkBody(Head head, byte[] body) {
        if (body.length == 0) {
            throw new ApiError(400, "The body is empty: send the event's data.");
        }
        if (body.length > MAX_BODY_BYTES) {
            throw tooLarge();
        }
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(body)).toString();
        } catch (CharacterCodingException e) {
            throw new ApiError(400, "The body is not valid UTF-8.");
        }
        if (head.json() && !Json.isValid(text)) {
            throw new ApiError(400, "The body is not valid JSON (Content-Type is application/json).");
        }
        return text;
    }

    private static boolean isJson(String contentType) {
        if (contentType == null || contentType.isBlank()) {
            throw unsupported("no Content-Type");
        }
        String[] parts = contentType.split(";");
        String type = parts[0].trim().toLowerCase(Locale.ROOT);
        if (!type.equals("text/plain") && !type.equals("application/json")) {
            throw unsupported("Content-Type " + type);
        }
        for (int i = 1; i < parts.length; i++) {
            String[] nameValue = parts[i].split("=", 2);
            if (nameValue[0].trim().equalsIgnoreCase("charset")) {
                String charset = nameValue.length == 2 ? nameValue[1].trim().replace("\"", "") : "";
                if (!charset.equalsIgnoreCase("utf-8")) {
                    throw new ApiError(415, "Only UTF-8 is accepted, not charset " + charset + ".");
                }
            }
        }
        return type.equals("application/json");
    }

    private static ApiError unsupported(String what) {
        return new ApiError(415, "Send text/plain or application/json (UTF-8), not " + what + ".");
    }

    private static ApiError tooLarge() {
        return new ApiError(413, "The body is larger than " + MAX_BODY_BYTES + " bytes.");
    }

    /** Reads up to {@code limit} bytes; one byte more proves the body too large without reading the rest. */
    private static byte[] readAtMost(InputStream in, int limit) throws IOException {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        byte[] buffer = new byte[8192];
        int n;
        while ((n = in.read(buffer, 0, Math.min(buffer.length, limit + 1 - body.size()))) > 0) {
            body.write(buffer, 0, n);
            if (body.size() > limit) {
                throw tooLarge();
            }
        }
        return body.toByteArray();
    }
}
