package workshop.sse.rawsocket.selftest;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URLDecoder;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * One way a server can break one rule of SPEC.md, the smallest and most plausible one a server could have: the
 * self-test puts each between the kit and the real raw-socket server ({@link FaultProxy}), or, for the rules of
 * section 1 ("Running"), into the launcher ({@link FaultyLauncher}), and the kit's checks of that rule must fail.
 */
enum Fault {

    // ---- 1 Running (and 11.1): FaultyLauncher breaks these

    IGNORES_PORT_FLAG("1.1", "ignores the --port flag: PORT from the environment applies"),
    BAD_SETTING_EXITS_0("1.2", "reports a bad setting in one line, then exits with status 0"),
    READY_LINE_NAMES_PORT_0("1.3", "names the port it was given in the ready line (PORT=0: http://127.0.0.1:0/),"
            + " not the one it bound"),
    SIGTERM_KILLS("1.4", "leaves SIGTERM to the operating system: killed, exit status 143"),
    IGNORES_REDIS_URL("11.1", "ignores a REDIS_URL where no Redis answers, and starts with everything in memory"),

    // ---- 2 Endpoints

    STATIC_FILES_AS_OCTET_STREAM("2.1", "serves every static file as application/octet-stream") {
        @Override
        Response response(Request request, Response response, FaultProxy proxy) {
            boolean staticFile = !request.path().startsWith("/api/") && response.status() == 200;
            return staticFile ? response.with("Content-Type", "application/octet-stream") : response;
        }
    },
    SERVES_FILES_OUTSIDE_STATIC("2.2", "resolves '..' in a path itself, and serves the file it points at") {
        @Override
        Response answer(Request request, FaultProxy proxy) {
            String path = decoded(request.path());
            if (!request.method().equals("GET") || path == null || !path.contains("..")) {
                return null;
            }
            try {
                Path file = Path.of("static").toAbsolutePath().resolve(path.substring(1)).normalize();
                return Files.isRegularFile(file)
                        ? Response.of(200, "OK", "text/plain", Files.readAllBytes(file))
                        : null;
            } catch (IOException | InvalidPathException e) {
                return null;
            }
        }
    },
    NO_ALLOW_ON_405("2.3", "answers 405 without an Allow header") {
        @Override
        Response response(Request request, Response response, FaultProxy proxy) {
            return response.status() == 405 ? response.without("Allow") : response;
        }
    },
    ERRORS_AS_PLAIN_TEXT("2.4", "answers its errors in plain text, not as {\"error\": ...}") {
        @Override
        Response response(Request request, Response response, FaultProxy proxy) {
            if (response.status() < 400) {
                return response;
            }
            String reason = response.lines().get(0).replaceFirst("^\\S+ \\d+ ?", "");
            return response.with("Content-Type", "text/plain").withBody(reason.getBytes(UTF_8));
        }
    },

    // ---- 3 Every SSE response

    STREAMS_AS_TEXT_PLAIN("3.1", "sends its streams as text/plain") {
        @Override
        Response response(Request request, Response response, FaultProxy proxy) {
            return response.isEventStream() ? response.with("Content-Type", "text/plain; charset=utf-8") : response;
        }
    },
    STREAMS_WITHOUT_CACHE_CONTROL("3.2", "sends its streams without Cache-Control") {
        @Override
        Response response(Request request, Response response, FaultProxy proxy) {
            return response.isEventStream() ? response.without("Cache-Control") : response;
        }
    },
    NO_RETRY_FRAME("3.3", "leaves out a stream's first frame, retry: <RETRY_MS>") {
        @Override
        Frame.Filter frames(Request request) {
            return frame -> frame.has("retry") ? List.of() : List.of(frame);
        }
    },
    NO_HEARTBEATS("3.4", "writes no heartbeats (comment frames) on an idle stream") {
        @Override
        Frame.Filter frames(Request request) {
            return frame -> frame.isComment() ? List.of() : List.of(frame);
        }
    },
    KEEPS_STREAMS_OF_GONE_CLIENTS("3.5", "goes on writing a stream whose client closed the connection, and counting"
            + " it") {
        @Override
        boolean keepsUpstreamWhenClientLeaves() {
            return true;
        }
    },
    STREAM_ONLY_FOR_ITS_OWN_TYPE("3.6", "reads Accept as a list of names, not of media ranges: */* and text/* get 406") {
        @Override
        Request request(Request request) {
            String accept = request.header("Accept");
            boolean stream = isStream(request) && request.method().equals("GET");
            return stream && accept != null && !accept.toLowerCase(Locale.ROOT).contains("text/event-stream")
                    ? request.with("Accept", "application/json")
                    : request;
        }
    },
    NO_RETRY_AFTER("3.7", "answers 503 beyond MAX_STREAMS without Retry-After") {
        @Override
        Response response(Request request, Response response, FaultProxy proxy) {
            return response.status() == 503 ? response.without("Retry-After") : response;
        }
    },
    HOLDS_OUTPUT_WITHOUT_BOUND("3.8", "holds any amount of output for a client that does not read, and keeps its"
            + " stream open") {
        @Override
        boolean buffersStreamsWithoutBound() {
            return true;
        }
    },
    LAST_EVENT_ID_LEADING_DIGITS("3.9", "reads an event id's leading digits: Last-Event-ID: 12abc counts as 12") {
        @Override
        Request request(Request request) {
            String id = request.header("Last-Event-ID");
            return id != null && id.matches("[0-9]+\\D.*") ? request.with("Last-Event-ID", id.split("\\D")[0]) : request;
        }
    },
    HEAD_STREAMS_A_BODY("3.10", "answers HEAD on a stream endpoint as GET: the stream follows the headers") {
        @Override
        Request request(Request request) {
            return isStream(request) && request.method().equals("HEAD")
                    ? request.withRequestLine("GET", request.target())
                    : request;
        }
    },

    // ---- 4 GET /api/counter

    COUNTER_BOUNDS_EXCLUDED("4.1", "refuses the bounds themselves: interval=50, interval=60000, limit=1 and"
            + " limit=1000000 are 400") {
        @Override
        Request request(Request request) {
            if (!request.is("GET", "/api/counter")) {
                return request;
            }
            // the server's own range check then refuses them, as an exclusive one would
            for (String[] bound : new String[][] {{"interval", "50", "49"}, {"interval", "60000", "60001"},
                    {"limit", "1", "0"}, {"limit", "1000000", "1000001"}}) {
                if (bound[1].equals(request.query(bound[0]))) {
                    request = request.withQuery(bound[0], bound[2]);
                }
            }
            return request;
        }
    },
    TICKS_WITHOUT_EVENT_LINE("4.2", "writes ticks without their event: tick line") {
        @Override
        Frame.Filter frames(Request request) {
            return frame -> List.of(frame.isEvent("tick") ? frame.without("event") : frame);
        }
    },
    FIRST_TICK_AFTER_AN_INTERVAL("4.3", "writes the first tick after one interval, not at once") {
        @Override
        Frame.Filter frames(Request request) {
            if (!request.path().equals("/api/counter")) {
                return Frame.Filter.NONE;
            }
            String interval = request.query("interval");
            long millis = interval != null && interval.matches("\\d{1,5}") ? Long.parseLong(interval) : 1000;
            boolean[] first = {true};
            return frame -> {
                if (first[0] && frame.isEvent("tick")) {
                    first[0] = false;
                    Thread.sleep(millis);
                }
                return List.of(frame);
            };
        }
    },
    COUNTER_RESUMES_AT_L("4.4", "resumes a counter at L, not L + 1: Last-Event-ID: 41 gets tick 41 again") {
        @Override
        Request request(Request request) {
            return request.path().equals("/api/counter") ? lastEventIdMinusOne(request) : request;
        }
    },
    LIMIT_ONE_SHORT("4.5", "ends a stream with limit before the event whose count is limit") {
        @Override
        Frame.Filter frames(Request request) {
            String limit = request.path().equals("/api/counter") ? request.query("limit") : null;
            return limit == null ? Frame.Filter.NONE : frame -> limit.equals(frame.value("id")) ? null : List.of(frame);
        }
    },
    FINISHED_COUNTER_200("4.6", "answers a finished counter 200 with an empty body, not 204") {
        @Override
        Response response(Request request, Response response, FaultProxy proxy) {
            return request.path().equals("/api/counter") && response.status() == 204
                    ? response.withStatus(200, "OK").withBody(new byte[0])
                    : response;
        }
    },

    // ---- 5 GET /api/broadcast

    EVENTS_WITHOUT_ID("5.1", "sends published events without their id: line") {
        @Override
        Frame.Filter frames(Request request) {
            return isBroadcast(request) ? frame -> List.of(frame.without("id")) : Frame.Filter.NONE;
        }
    },
    REPLAY_INCLUDES_L("5.2", "replays from L, not after it: the event whose id is L comes again") {
        @Override
        Request request(Request request) {
            if (!isBroadcast(request)) {
                return request;
            }
            String query = request.query("lastEventId");
            Request changed = query != null && query.matches("\\d{1,18}")
                    ? request.withQuery("lastEventId", String.valueOf(Long.parseLong(query) - 1))
                    : request;
            return lastEventIdMinusOne(changed);
        }
    },
    NO_GAP_EVENT("5.3", "leaves out the gap event when events after L were dropped from the history") {
        @Override
        Frame.Filter frames(Request request) {
            return frame -> frame.isEvent("gap") ? List.of() : List.of(frame);
        }
    },
    PRESENCE_BEFORE_REPLAY("5.4", "sends a subscriber its own presence before the replayed events") {
        @Override
        Frame.Filter frames(Request request) {
            if (!isBroadcast(request)) {
                return Frame.Filter.NONE;
            }
            List<Frame> replay = new ArrayList<>();
            boolean[] presence = {false};
            return frame -> {
                if (presence[0]) {
                    return List.of(frame);
                }
                if (frame.isEvent("presence")) {
                    presence[0] = true;
                    List<Frame> out = new ArrayList<>(List.of(frame));
                    out.addAll(replay);
                    return out;
                }
                if (frame.has("id")) {
                    replay.add(frame); // held back until the presence is out
                    return List.of();
                }
                return List.of(frame);
            };
        }
    },
    PRESENCE_ONLY_ON_ARRIVAL("5.5", "sends a subscriber its own presence, and none when others come and go") {
        @Override
        Frame.Filter frames(Request request) {
            boolean[] sent = {false};
            return frame -> {
                if (!frame.isEvent("presence")) {
                    return List.of(frame);
                }
                boolean first = !sent[0];
                sent[0] = true;
                return first ? List.of(frame) : List.of();
            };
        }
    },

    // ---- 6 POST /api/broadcast

    JSON_REFUSED("6.1", "refuses application/json bodies with 415") {
        @Override
        Response answer(Request request, FaultProxy proxy) {
            return request.is("POST", "/api/broadcast") && contentType(request).startsWith("application/json")
                    ? Response.json(415, "Unsupported Media Type", "{\"error\":\"Send text/plain.\"}")
                    : null;
        }
    },
    BAD_EVENT_NAME_IGNORED("6.2", "ignores an event name it does not accept, and publishes as message") {
        @Override
        Request request(Request request) {
            String event = request.query("event");
            return request.is("POST", "/api/broadcast") && event != null && !event.matches("[A-Za-z0-9_-]{1,64}")
                    ? request.withQuery("event", null)
                    : request;
        }
    },
    BODY_IN_ONE_DATA_LINE("6.3", "writes the body of a publish in one data: line, line breaks and all") {
        @Override
        Frame.Filter frames(Request request) {
            return frame -> {
                List<String> data = frame.values("data");
                return List.of(data.size() > 1 ? frame.with("data", String.join("\n", data)) : frame);
            };
        }
    },
    PUBLISH_ANSWERED_200("6.4", "answers a publish 200, not 202") {
        @Override
        Response response(Request request, Response response, FaultProxy proxy) {
            return request.is("POST", "/api/broadcast") && response.status() == 202
                    ? response.withStatus(200, "OK")
                    : response;
        }
    },
    JSON_NOT_VALIDATED("6.5", "takes an application/json body as text: invalid JSON is published") {
        @Override
        Request request(Request request) {
            String type = request.header("Content-Type");
            return request.is("POST", "/api/broadcast") && contentType(request).startsWith("application/json")
                    ? request.with("Content-Type", type.replaceFirst("(?i)application/json", "text/plain"))
                    : request;
        }
    },
    PUBLISHES_REFUSED_POSTS("6.6", "publishes an event for a POST it refuses") {
        @Override
        Response response(Request request, Response response, FaultProxy proxy) {
            if (request.is("POST", "/api/broadcast") && response.status() / 100 == 4) {
                try {
                    proxy.sendUpstream("POST /api/broadcast HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: text/plain\r\n"
                            + "Content-Length: 7\r\nConnection: close\r\n\r\nrefused");
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
            return response;
        }
    },

    // ---- 7 POST /api/disconnect

    FINAL_EVENT_ON_DISCONNECT("7.1", "writes a last event, event: bye, into every stream it closes") {
        @Override
        Frame.Filter frames(Request request) {
            return new Frame.Filter() {
                @Override
                public List<Frame> apply(Frame frame) {
                    return List.of(frame);
                }

                @Override
                public List<Frame> atEnd() {
                    return List.of(new Frame(List.of("event: bye", "data: {}"), true));
                }
            };
        }
    },
    DISCONNECT_FROM_ANY_ORIGIN("7.2", "lets POST /api/disconnect through from any Origin") {
        @Override
        Request request(Request request) {
            return request.is("POST", "/api/disconnect") ? request.without("Origin") : request;
        }
    },

    // ---- 8 GET /api/status

    LAST_EVENT_ID_AS_TEXT("8.1", "reports lastEventId as a string") {
        @Override
        Response response(Request request, Response response, FaultProxy proxy) {
            return status(request, response, json -> json.put("lastEventId", json.path("lastEventId").asText()));
        }
    },
    REPORTS_THE_DEFAULT_CAPACITY("8.2", "reports history.capacity 1000, the default, whatever HISTORY_SIZE is") {
        @Override
        Response response(Request request, Response response, FaultProxy proxy) {
            return status(request, response, json -> ((ObjectNode) json.path("history")).put("capacity", 1000));
        }
    },
    STREAM_KINDS_SWAPPED("8.3", "counts counter streams as broadcast ones, and the other way round") {
        @Override
        Response response(Request request, Response response, FaultProxy proxy) {
            return status(request, response, json -> {
                ObjectNode streams = (ObjectNode) json.path("streams");
                int counter = streams.path("counter").asInt();
                streams.put("counter", streams.path("broadcast").asInt()).put("broadcast", counter);
            });
        }
    },

    RUNTIME_READ_ONCE("8.4", "reads its runtime figures once, and answers that first reading ever after") {
        @Override
        Response response(Request request, Response response, FaultProxy proxy) {
            return status(request, response, json -> {
                if (json.get("runtime") != null) {
                    json.set("runtime", proxy.firstKept("runtime", json.get("runtime")));
                }
            });
        }
    },

    // ---- 9 Cross-origin

    NO_CORS_HEADERS_ON_ERRORS("9.1", "leaves Access-Control-Allow-Origin and Vary out of its error answers") {
        @Override
        Response response(Request request, Response response, FaultProxy proxy) {
            return response.status() >= 400 ? response.without("Access-Control-Allow-Origin").without("Vary") : response;
        }
    },
    PREFLIGHT_WITHOUT_LAST_EVENT_ID("9.2", "allows Content-Type in a preflight, but not Last-Event-ID") {
        @Override
        Response response(Request request, Response response, FaultProxy proxy) {
            return request.method().equals("OPTIONS") && response.status() == 204
                    ? response.with("Access-Control-Allow-Headers", "Content-Type")
                    : response;
        }
    },
    ORIGINS_MATCHED_AS_PREFIXES("9.3", "matches allowed origins as prefixes: http://localhost.evil.test:8080 passes"
            + " for http://localhost:*") {
        @Override
        Request request(Request request) {
            String origin = request.header("Origin");
            boolean prefixOnly = origin != null && origin.matches("http://(localhost|127\\.0\\.0\\.1).*")
                    && !origin.matches("http://(localhost|127\\.0\\.0\\.1)(:\\d+)?");
            return prefixOnly ? request.with("Origin", "http://localhost") : request;
        }

        @Override
        Response response(Request request, Response response, FaultProxy proxy) {
            String origin = request.original().header("Origin");
            return response.has("Access-Control-Allow-Origin") ? response.with("Access-Control-Allow-Origin", origin)
                    : response;
        }
    },
    ORIGIN_NOT_CHECKED("9.4", "lets a POST or a preflight to /api/broadcast through from any Origin") {
        @Override
        Request request(Request request) {
            boolean checked = request.method().equals("POST") || request.method().equals("OPTIONS");
            return checked && request.path().equals("/api/broadcast") ? request.without("Origin") : request;
        }
    },

    // ---- 10 HTTP hygiene

    CLOSES_AFTER_EVERY_ANSWER("10.1", "closes the connection after every answer (Connection: close)") {
        @Override
        Response response(Request request, Response response, FaultProxy proxy) {
            return response.with("Connection", "close");
        }
    },
    MALFORMED_REQUEST_LINE_200("10.2", "answers a request line it cannot parse 200") {
        @Override
        Response answer(Request request, FaultProxy proxy) {
            return request.requestLineWellFormed() ? null : Response.json(200, "OK", "{}");
        }
    },
    LONG_HEAD_CUT_DOWN("10.3", "cuts a request head down to 8 KiB (the headers past it are dropped), not 431") {
        @Override
        Request request(Request request) {
            int[] size = {request.lines().get(0).length() + 4};
            return request.bytes().length <= 8 * 1024 ? request
                    : request.keepingHeaders(line -> (size[0] += line.length() + 2) <= 8 * 1024);
        }
    },
    NO_HEAD_DEADLINE("10.4", "waits as long as it takes for a request head, without the 15 s deadline") {
        @Override
        boolean connectsOnlyForACompleteHead() {
            return true;
        }
    },
    CHUNKED_BODY_READ_WHOLE("10.5", "reads a chunked body to its end before it looks at its size") {
        @Override
        boolean readsChunkedBodiesWhole() {
            return true;
        }
    },
    MALFORMED_REQUEST_STOPS_THE_SERVER("10.6", "stops accepting connections after a request line it cannot parse") {
        @Override
        Response answer(Request request, FaultProxy proxy) {
            if (!request.requestLineWellFormed()) {
                proxy.stopAccepting();
            }
            return null;
        }
    },
    STREAM_REFUSED_WITH_MORE_BEHIND("10.7", "answers 400 to a stream request that more bytes follow on its connection") {
        @Override
        Response answerWithMoreBehind(Request request) {
            return request.method().equals("GET") && isStream(request)
                    ? Response.json(400, "Bad Request", "{\"error\":\"Nothing may follow a stream request.\"}")
                    : null;
        }
    },

    // ---- 12 HTTPS (the raw server speaks no HTTP/2): FaultyLauncher breaks 12.1 and 12.2, FaultyTlsFront 12.3, 12.7

    TLS_HALF_PAIR_STARTS_PLAIN("12.1", "given TLS_CERT without TLS_KEY (or the other way round), drops both and starts"
            + " over plain HTTP"),
    READY_LINE_NAMES_ANOTHER_CERTIFICATE("12.2", "names in its ready line the fingerprint of a certificate it made but"
            + " does not present"),
    REFUSES_CLIENTS_WITHOUT_ALPN("12.3", "closes a TLS connection whose client offered no ALPN"),
    NO_TLS_HANDSHAKE_DEADLINE("12.7", "waits as long as it takes for a TLS handshake to complete");

    private static final ObjectMapper JSON = new ObjectMapper();

    private final List<String> rules;
    private final String what;

    Fault(String rules, String what) {
        this.rules = List.of(rules.split(", "));
        this.what = what;
    }

    /** The rules of SPEC.md it breaks. */
    List<String> rules() {
        return rules;
    }

    /** What the broken server does. */
    String what() {
        return what;
    }

    /** Section 1 (and 11.1, REDIS_URL at start, 12.1 and 12.2, TLS at start) is about starting: the launcher breaks it. */
    boolean breaksTheLauncher() {
        return rules.stream().allMatch(rule -> rule.startsWith("1.") || List.of("11.1", "12.1", "12.2").contains(rule));
    }

    /** The TLS connection itself (12.3, 12.7): a {@link FaultyTlsFront} breaks it, before the plain server. */
    boolean breaksTheTlsFront() {
        return rules.stream().anyMatch(rule -> rule.equals("12.3") || rule.equals("12.7"));
    }

    /** "3.3 NO_RETRY_FRAME: leaves out ...": the rules first, as in the kit's checks. */
    String describe() {
        return String.join(", ", rules) + " " + name() + ": " + what;
    }

    // ---- how a fault changes the traffic; by default it does not

    /** An answer the broken server gives without the real one being asked, or null. */
    Response answer(Request request, FaultProxy proxy) {
        return null;
    }

    /** An answer to a request that more bytes follow on its connection (a pipelined request, say), or null. */
    Response answerWithMoreBehind(Request request) {
        return null;
    }

    /** The request the real server gets instead. */
    Request request(Request request) {
        return request;
    }

    /** The response the client gets instead (the body is here unless it is a stream). */
    Response response(Request request, Response response, FaultProxy proxy) {
        return response;
    }

    /** What happens to the frames of a stream. */
    Frame.Filter frames(Request request) {
        return Frame.Filter.NONE;
    }

    boolean keepsUpstreamWhenClientLeaves() {
        return false;
    }

    boolean buffersStreamsWithoutBound() {
        return false;
    }

    boolean connectsOnlyForACompleteHead() {
        return false;
    }

    boolean readsChunkedBodiesWhole() {
        return false;
    }

    // ---- helpers of the faults

    private static boolean isStream(Request request) {
        return request.path().equals("/api/counter") || isBroadcast(request);
    }

    private static boolean isBroadcast(Request request) {
        return request.path().equals("/api/broadcast");
    }

    private static String contentType(Request request) {
        String type = request.header("Content-Type");
        return type == null ? "" : type.toLowerCase(Locale.ROOT);
    }

    /** Last-Event-ID: L becomes L − 1, when L is a valid id. */
    private static Request lastEventIdMinusOne(Request request) {
        String id = request.header("Last-Event-ID");
        return id != null && id.matches("[1-9]\\d{0,17}")
                ? request.with("Last-Event-ID", String.valueOf(Long.parseLong(id) - 1))
                : request;
    }

    /** The path percent-decoded once, or null when it cannot be. */
    private static String decoded(String path) {
        try {
            return URLDecoder.decode(path.replace("+", "%2B"), UTF_8);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /** A GET /api/status answer with its JSON changed. */
    private static Response status(Request request, Response response, Consumer<ObjectNode> change) {
        if (!request.is("GET", "/api/status") || response.status() != 200) {
            return response;
        }
        try {
            ObjectNode json = (ObjectNode) JSON.readTree(response.body());
            change.accept(json);
            return response.withBody(JSON.writeValueAsBytes(json));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
