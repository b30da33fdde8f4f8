package workshop.sse.tck;

import java.net.URI;
import java.util.List;
import java.util.Map;

/**
 * The kit against a server that is already running somewhere (in any language): the base URL comes from the system
 * property {@value #BASE_URI}, the optional launch command for the "Running" checks from {@value #COMMAND}.
 * {@link RunAgainst} sets both. Its name does not end in "Test", so build tools do not pick it up by themselves.
 */
public class RemoteServerTck extends SseServerTck {

    public static final String BASE_URI = "workshop.sse.tck.baseUri";
    public static final String COMMAND = "workshop.sse.tck.command";
    /** "true": trust any certificate ({@code --insecure}); else what the JDK trusts. */
    public static final String INSECURE = "workshop.sse.tck.insecure";

    @Override
    protected ServerUnderTest startServer(Map<String, String> settings) {
        String uri = System.getProperty(BASE_URI);
        if (uri == null || uri.isBlank()) {
            throw new IllegalStateException("no server to check: set the system property " + BASE_URI
                    + " (RunAgainst does, from its first argument)");
        }
        return ServerUnderTest.of(URI.create(uri), () -> { }); // someone else started it; they stop it
    }

    @Override
    protected List<String> launchCommand() {
        String command = System.getProperty(COMMAND, "");
        // exec: SIGTERM must reach the server itself, not a shell waiting for it
        return command.isBlank() ? List.of() : List.of("sh", "-c", "exec " + command);
    }

    /** Over https, the processes of the "Running" checks serve TLS too, with a certificate of their own. */
    @Override
    protected Map<String, String> extraSettings() {
        return System.getProperty(BASE_URI, "").startsWith("https:") ? Map.of("TLS", "self-signed") : Map.of();
    }

    @Override
    protected KitTls trust() {
        return Boolean.getBoolean(INSECURE) ? KitTls.insecure() : KitTls.verifying();
    }

    @Override
    protected boolean startedWithKitSettings() {
        return false;
    }
}
