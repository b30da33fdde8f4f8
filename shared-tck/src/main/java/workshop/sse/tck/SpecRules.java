package workshop.sse.tck;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The rules of SPEC.md as the kit names them: every check's display name starts with the numbers of the rules it
 * checks ({@code "5.3, 5.4 GET /api/broadcast: ..."}), and a rule's section is the number before its dot.
 */
public final class SpecRules {

    /** The sections of SPEC.md, by number. */
    public static final Map<Integer, String> SECTIONS = Map.ofEntries(Map.entry(1, "Running"),
            Map.entry(2, "Endpoints"), Map.entry(3, "Every SSE response"), Map.entry(4, "GET /api/counter"),
            Map.entry(5, "GET /api/broadcast"), Map.entry(6, "POST /api/broadcast"), Map.entry(7, "POST /api/disconnect"),
            Map.entry(8, "GET /api/status"), Map.entry(9, "Cross-origin"), Map.entry(10, "HTTP hygiene"),
            Map.entry(11, "Several instances"), Map.entry(12, "HTTPS and HTTP/2"));

    private static final Pattern CITED = Pattern.compile("^(\\d+\\.\\d+(?:, \\d+\\.\\d+)*) ");
    private static final Pattern SELECTOR = Pattern.compile("\\d+(\\.\\d+)?(,\\s*\\d+(\\.\\d+)?)*");

    private SpecRules() {
    }

    /** The rules a check's display name cites, first the main one; empty when it cites none. */
    public static List<String> cited(String displayName) {
        Matcher m = CITED.matcher(displayName);
        return m.find() ? List.of(m.group(1).split(", ")) : List.of();
    }

    /** The section of a rule: {@code 3} for {@code "3.4"}. */
    public static int section(String rule) {
        return Integer.parseInt(rule.substring(0, rule.indexOf('.')));
    }

    /** True when {@code --only} names rules or sections ({@code 3.4}, {@code 3}, {@code 3.4,5.2}), not a pattern. */
    public static boolean isSelector(String only) {
        return SELECTOR.matcher(only.strip()).matches();
    }

    /** True when a check citing {@code rules} is selected by {@code selector} ({@code 3.4}, or a whole section). */
    public static boolean selects(String selector, List<String> rules) {
        for (String wanted : selector.split(",")) {
            String w = wanted.strip();
            if (rules.stream().anyMatch(r -> w.contains(".") ? r.equals(w) : String.valueOf(section(r)).equals(w))) {
                return true;
            }
        }
        return false;
    }

    static String describe(int section) {
        return section + " " + SECTIONS.getOrDefault(section, "?");
    }

    static List<Integer> sectionNumbers() {
        return Arrays.stream(SECTIONS.keySet().toArray(Integer[]::new)).sorted().toList();
    }
}
