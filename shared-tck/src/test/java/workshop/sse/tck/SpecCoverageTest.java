package workshop.sse.tck;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Every rule of SPEC.md is checked by the kit or listed as untested, and every check cites rules that exist. */
class SpecCoverageTest {

    private static final Path SPEC = Path.of("..", "SPEC.md");

    private static Set<String> specRules() throws IOException {
        Matcher anchor = Pattern.compile("<a id=\"(\\d+\\.\\d+)\"></a>\\*\\*\\1\\*\\*")
                .matcher(Files.readString(SPEC, StandardCharsets.UTF_8));
        Set<String> rules = new TreeSet<>();
        while (anchor.find()) {
            rules.add(anchor.group(1));
        }
        return rules;
    }

    /** The display names of every check of the kit, the untested ones included: its classes' and its groups'. */
    private static List<String> checks() {
        List<String> names = new ArrayList<>();
        for (Class<?> c : kitTypes()) {
            for (Method method : c.getDeclaredMethods()) {
                DisplayName name = method.getAnnotation(DisplayName.class);
                if (name != null) {
                    names.add(name.value());
                }
            }
        }
        return names;
    }

    /** SseServerTck, its superclasses, and the interfaces (the groups of checks) they implement, each once. */
    private static Set<Class<?>> kitTypes() {
        Set<Class<?>> types = new LinkedHashSet<>();
        Deque<Class<?>> next = new ArrayDeque<>(List.of(SseServerTck.class));
        while (!next.isEmpty()) {
            Class<?> c = next.removeFirst();
            if (c != Object.class && types.add(c)) {
                if (c.getSuperclass() != null) {
                    next.addLast(c.getSuperclass());
                }
                next.addAll(List.of(c.getInterfaces()));
            }
        }
        return types;
    }

    @Test
    void theSpecNumbersItsRulesInOrderFromOne() throws IOException {
        Set<String> rules = specRules();
        assertTrue(rules.size() > 40, "rules found in SPEC.md: " + rules);
        for (int section : SpecRules.SECTIONS.keySet()) {
            assertTrue(rules.contains(section + ".1"), "section " + section + " has no rule " + section + ".1");
        }
    }

    @Test
    void everyCheckCitesRulesThatExist() throws IOException {
        Set<String> rules = specRules();
        for (String check : checks()) {
            List<String> cited = SpecRules.cited(check);
            assertFalse(cited.isEmpty(), "a check that cites no rule: " + check);
            for (String rule : cited) {
                assertTrue(rules.contains(rule), "a check cites " + rule + ", which SPEC.md does not have: " + check);
            }
        }
    }

    @Test
    void everyRuleIsCheckedOrListedAsUntested() throws IOException {
        Set<String> unchecked = specRules();
        for (String check : checks()) {
            unchecked.removeAll(SpecRules.cited(check)); // a rule in UntestedRules is listed, with why
        }
        assertEquals(Set.of(), unchecked, "rules no check cites: add a check, or say in UntestedRules why there is none");
    }

    @Test
    void aSelectorPicksTheChecksOfARuleOrASection() {
        List<String> cited = SpecRules.cited("5.3, 5.4 GET /api/broadcast: order after connecting");
        assertEquals(List.of("5.3", "5.4"), cited);
        assertTrue(SpecRules.isSelector("5.4") && SpecRules.selects("5.4", cited));
        assertTrue(SpecRules.selects("5", cited));
        assertTrue(SpecRules.selects("3.4,5.3", cited));
        assertFalse(SpecRules.selects("5.1", cited));
        assertFalse(SpecRules.selects("3", cited));
        assertFalse(SpecRules.selects("5.30", List.of("5.3")), "5.30 is not 5.3");
        assertFalse(SpecRules.isSelector("cross-origin"));
    }
}
