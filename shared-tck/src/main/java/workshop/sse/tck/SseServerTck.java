package workshop.sse.tck;

import java.io.File;
import java.util.List;
import java.util.Map;

/**
 * The conformance kit for SPEC.md (at the repository's root). A server module proves itself by extending this class:
 *
 * <pre>{@code
 * class JavalinConformanceTest extends SseServerTck {
 *     protected ServerUnderTest startServer(Map<String, String> settings) {
 *         Settings parsed = Settings.fromEnv(settings);
 *         JavalinServer server = JavalinServer.start(parsed);
 *         return ServerUnderTest.of(URI.create(parsed.urlFor(server.port())), server::close);
 *     }
 *     protected List<String> launchCommand() { return javaCommand(Main.class.getName()); }
 * }
 *
 * class JavalinHttp2ConformanceTest extends JavalinConformanceTest { // the same server over HTTPS, HTTP/2 by ALPN
 *     protected KitProtocol expectedProtocol() { return KitProtocol.HTTP_2; }
 * }
 * }</pre>
 *
 * <p>The checks come in groups, one JUnit test interface per SPEC section, each readable alone, top to bottom:
 * {@link EndpointChecks}, {@link EverySseResponseChecks}, {@link CounterChecks}, {@link BroadcastChecks},
 * {@link PublishChecks}, {@link DisconnectAndStatusChecks}, {@link CrossOriginChecks}, {@link HttpHygieneChecks},
 * {@link TlsChecks} (HTTPS and HTTP/2),
 * {@link ProcessChecks} (the SPEC's "Running"), and {@link UntestedRules}, what it does not check and why. A group
 * reaches the running kit only through {@link TckContext} (the server, its timings, the clients), which {@link
 * TckBase} implements. Every check's display name starts with the numbers of the rules it checks ({@code "3.4 every
 * SSE response: ..."}).
 *
 * <p>One server serves all checks of a test class. The kit starts it with {@link TckBase#kitSettings()} (short
 * timings), but reads the effective timings from {@code GET /api/status}, so the same checks also run against a server
 * with the defaults ({@link RunAgainst}).
 */
public abstract class SseServerTck extends TckBase implements EndpointChecks, EverySseResponseChecks, CounterChecks,
        BroadcastChecks, PublishChecks, DisconnectAndStatusChecks, CrossOriginChecks, HttpHygieneChecks, TlsChecks,
        ProcessChecks, ClusterChecks, UntestedRules {

    /**
     * Starts the server under test in this JVM. {@code settings} uses the SPEC's environment variable names
     * (HOST, PORT, RETRY_MS, HEARTBEAT_MS, HISTORY_SIZE, MAX_STREAMS, ALLOWED_ORIGINS); PORT is "0", meaning
     * any free port: {@link ServerUnderTest#baseUri()} tells which one was bound.
     */
    @Override
    protected abstract ServerUnderTest startServer(Map<String, String> settings) throws Exception;

    /**
     * The command that starts the server as a process of its own, for the checks of start-up (bad settings,
     * the ready line) and SIGTERM. The kit passes settings as environment variables. Empty skips those checks.
     */
    @Override
    protected List<String> launchCommand() {
        return List.of();
    }

    /**
     * A command that runs {@code mainClass} on this JVM's java with this JVM's class path: in a server module's test,
     * that is the module's classes and dependencies.
     */
    protected static List<String> javaCommand(String mainClass) {
        String java = System.getProperty("java.home") + File.separator + "bin" + File.separator + "java";
        // surefire runs tests with a manifest-only jar as class path; it says the real one here
        String classPath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        return List.of(java, "-cp", classPath, mainClass);
    }
}
