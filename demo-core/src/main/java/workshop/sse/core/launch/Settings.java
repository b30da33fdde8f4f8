package workshop.sse.core.launch;

import java.util.HashMap;
import java.util.Map;

import io.lettuce.core.RedisURI;
import workshop.sse.core.http.OriginPolicy;

/**
 * The settings of SPEC.md's "Running" table, from environment variables and command-line flags (flags win).
 * A bad value is a {@link BadSetting} whose message names the setting in one line. {@code redis} is null unless
 * {@code REDIS_URL} is set: then the broadcast lives in Redis, shared by every instance (SPEC section 11). {@code tls}
 * is null unless {@code TLS} (or {@code TLS_CERT} and {@code TLS_KEY}) is set: then the server speaks HTTPS on its port
 * (SPEC section 12).
 */
public record Settings(String host, int port, int retryMs, int heartbeatMs, int historySize, int maxStreams,
                       OriginPolicy allowedOrigins, RedisURI redis, ServerCertificate tls) {

    /** Each stream's unsent output the server may hold (SPEC: bounded to 1 MiB); a stream over it is closed. */
    public static final int OUTBOX_BYTES = 1024 * 1024;

    public static final class BadSetting extends IllegalArgumentException {
        public BadSetting(String message) {
            super(message.replace("\r", "\\r").replace("\n", "\\n")); // a value with a line break stays one line
        }
    }

    public static Settings defaults() {
        return fromEnv(Map.of());
    }

    /** From the process: its environment, then {@code --port N}, {@code --host H} (also {@code --port=N}). */
    public static Settings fromCommandLine(String[] args, Map<String, String> env) {
        Map<String, String> values = new HashMap<>(env);
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            String name = arg.contains("=") ? arg.substring(0, arg.indexOf('=')) : arg;
            String setting = switch (name) {
                case "--port" -> "PORT";
                case "--host" -> "HOST";
                default -> throw new BadSetting("unknown argument '" + arg + "': the flags are --port N and --host ADDRESS "
                        + "(the other settings are environment variables)");
            };
            if (arg.contains("=")) {
                values.put(setting, arg.substring(arg.indexOf('=') + 1));
            } else if (i + 1 < args.length) {
                values.put(setting, args[++i]);
            } else {
                throw new BadSetting(name + " needs a value");
            }
        }
        return fromEnv(values);
    }

    /** From environment-style names (HOST, PORT, RETRY_MS, ...); a name that is absent takes its default. */
    public static Settings fromEnv(Map<String, String> env) {
        String host = env.getOrDefault("HOST", "127.0.0.1").trim();
        if (host.isEmpty() || !host.matches("[A-Za-z0-9.:\\-\\[\\]%]+")) {
            throw new BadSetting("HOST must be an address to bind such as 127.0.0.1 or 0.0.0.0 (got '" + host + "')");
        }
        OriginPolicy origins;
        try {
            origins = OriginPolicy.parse(env.getOrDefault("ALLOWED_ORIGINS", OriginPolicy.DEFAULT));
        } catch (IllegalArgumentException e) {
            throw new BadSetting("ALLOWED_ORIGINS: " + e.getMessage());
        }
        return new Settings(host,
                number(env, "PORT", 8080, 0, 65535, "a TCP port (0 picks a free one)"),
                number(env, "RETRY_MS", 3000, 1, 3_600_000, "milliseconds"),
                number(env, "HEARTBEAT_MS", 15000, 100, 3_600_000, "milliseconds"),
                number(env, "HISTORY_SIZE", 1000, 0, 1_000_000, "events"),
                number(env, "MAX_STREAMS", 10000, 1, 1_000_000, "streams"),
                origins,
                redis(env.get("REDIS_URL")),
                ServerCertificate.fromEnv(env));
    }

    /** {@code REDIS_URL}: absent (or blank) keeps everything in memory; else a {@code redis://} URL. */
    private static RedisURI redis(String url) {
        if (url == null || url.isBlank()) {
            return null;
        }
        String text = url.trim();
        if (!text.startsWith("redis://") && !text.startsWith("rediss://")) {
            throw new BadSetting("REDIS_URL must be a redis:// URL such as redis://127.0.0.1:6379 (got '" + text + "')");
        }
        try {
            if (java.net.URI.create(text).getHost() == null) { // RedisURI alone takes "host:port" as a host name
                throw new IllegalArgumentException("no host, or a port that is not a number");
            }
            return RedisURI.create(text);
        } catch (IllegalArgumentException e) {
            throw new BadSetting("REDIS_URL must be a redis:// URL such as redis://127.0.0.1:6379 (got '" + text + "': "
                    + e.getMessage() + ")");
        }
    }

    private static int number(Map<String, String> env, String name, int fallback, int min, int max, String unit) {
        String text = env.get(name);
        if (text == null) {
            return fallback;
        }
        try {
            int value = Integer.parseInt(text.trim());
            if (value >= min && value <= max) {
                return value;
            }
        } catch (NumberFormatException ignored) {
            // falls through to the one clear line below
        }
        throw new BadSetting(name + " must be a whole number from " + min + " to " + max + " (" + unit + "), not '" + text + "'");
    }

    /** The address to print in the ready line: a wildcard bind is opened through loopback. */
    public String urlFor(int boundPort) {
        String shown = host.equals("0.0.0.0") || host.equals("::") || host.equals("[::]") ? "127.0.0.1" : host;
        if (shown.contains(":") && !shown.startsWith("[")) {
            shown = "[" + shown + "]";
        }
        return (tls == null ? "http://" : "https://") + shown + ":" + boundPort + "/";
    }
}
