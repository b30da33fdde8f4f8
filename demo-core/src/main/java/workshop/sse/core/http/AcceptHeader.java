package workshop.sse.core.http;

import java.util.Locale;

/**
 * Does a request's {@code Accept} header allow {@code text/event-stream}? Read with its HTTP meaning: the most
 * specific media range that matches decides, and {@code q=0} rules a type out.
 */
public final class AcceptHeader {

    private AcceptHeader() {
    }

    public static boolean allowsEventStream(String accept) {
        if (accept == null || accept.isBlank()) {
            return true; // no Accept: the client takes anything
        }
        int bestSpecificity = -1;
        double bestQuality = 0;
        for (String range : accept.split(",")) {
            String[] parts = range.split(";");
            String mediaRange = parts[0].trim().toLowerCase(Locale.ROOT);
            int specificity = switch (mediaRange) {
                case "text/event-stream" -> 2;
                case "text/*" -> 1;
                case "*/*" -> 0;
                default -> -1;
            };
            if (specificity > bestSpecificity) {
                bestSpecificity = specificity;
                bestQuality = quality(parts);
            }
        }
        return bestSpecificity >= 0 && bestQuality > 0;
    }

    private static double quality(String[] parameters) {
        for (int i = 1; i < parameters.length; i++) {
            String[] nameValue = parameters[i].split("=", 2);
            if (nameValue.length == 2 && nameValue[0].trim().equalsIgnoreCase("q")) {
                try {
                    double q = Double.parseDouble(nameValue[1].trim());
                    return q >= 0 && q <= 1 ? q : 0;
                } catch (NumberFormatException e) {
                    return 0; // a q we cannot read is no acceptance
                }
            }
        }
        return 1;
    }
}
