package workshop.sse.core.http;

import java.io.IOException;
import java.io.InputStream;
import java.net.JarURLConnection;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;

/** The files of {@code static/}, which travel in this module's jar under {@code static/}. */
public final class StaticFiles {

    private static final Map<String, String> TYPES = Map.of(
            "html", "text/html;charset=utf-8",
            "css", "text/css;charset=utf-8",
            "js", "text/javascript;charset=utf-8",
            "json", "application/json",
            "svg", "image/svg+xml",
            "png", "image/png",
            "ico", "image/x-icon",
            "txt", "text/plain;charset=utf-8");

    /** The methods a file answers; any other is 405 with this as {@code Allow}. */
    public static final String METHODS = "GET, HEAD";

    /** A file to answer with: its bytes and its Content-Type. */
    public record File(byte[] bytes, String contentType) {
    }

    private StaticFiles() {
    }

    /**
     * The file {@code GET} or {@code HEAD} of {@code path} answers with; 404 when there is none, and 405 for any
     * other method on a file that exists. Reads the file: a server whose threads must not block calls it elsewhere.
     */
    public static File get(String method, String path) throws IOException {
        URL file = find(path);
        if (file == null) {
            throw ApiError.notFound(path);
        }
        if (!method.equals("GET") && !method.equals("HEAD")) {
            throw ApiError.methodNotAllowed(method, path, METHODS);
        }
        try (InputStream in = file.openStream()) {
            return new File(in.readAllBytes(), contentType(file.getPath()));
        }
    }

    /**
     * The resource a decoded request path names ({@code /} is {@code index.html}), or null when there is none.
     * A path with a {@code ..} segment, a backslash or a NUL never names a file: nothing may leave static/.
     * A folder of static/ ({@code /bench}) is no file either: the class loader would answer it with a listing.
     */
    public static URL find(String path) {
        if (path == null || !path.startsWith("/") || path.contains("\\") || path.indexOf('\0') >= 0) {
            return null;
        }
        String name = path.equals("/") ? "index.html" : path.substring(1);
        for (String segment : name.split("/", -1)) {
            if (segment.isEmpty() || segment.equals(".") || segment.equals("..")) {
                return null;
            }
        }
        URL file = StaticFiles.class.getClassLoader().getResource("static/" + name);
        return file == null || isFolder(file) ? null : file;
    }

    /** Whether a resource is a folder: in the classes folder (tests, an IDE) or in the jar. */
    private static boolean isFolder(URL resource) {
        try {
            return switch (resource.getProtocol()) {
                case "file" -> Files.isDirectory(Path.of(resource.toURI()));
                case "jar" -> ((JarURLConnection) resource.openConnection()).getJarEntry().isDirectory();
                default -> false;
            };
        } catch (IOException | URISyntaxException e) {
            return true; // what cannot be looked at is not served
        }
    }

    public static String contentType(String name) {
        String extension = name.substring(name.lastIndexOf('.') + 1).toLowerCase(Locale.ROOT);
        return TYPES.getOrDefault(extension, "application/octet-stream");
    }
}
