package io.github.keycloaksts.policy.tags;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import org.assertj.core.api.AbstractThrowableAssert;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Every rule of session tags: each accepted form, and each refusal with the key it names. */
class SessionTagsTest {

    private static final String ALLOWED = "(allowed: letters, digits, spaces and _ . : / = + - @)";

    private static AbstractThrowableAssert<?, ? extends Throwable> refused(Runnable r, String key, String message) {
        return assertThatThrownBy(r::run)
                .isInstanceOf(TagValidationException.class)
                .hasMessage(message)
                .satisfies(e -> assertThat(((TagValidationException) e).key().orElse(null)).isEqualTo(key));
    }

    private static Map<String, String> tags(int n, String prefix) {
        Map<String, String> out = new LinkedHashMap<>();
        IntStream.range(0, n).forEach(i -> out.put(prefix + i, "v" + i));
        return out;
    }

    // ---------------------------------------------------------------- tags

    @Test
    void readsRequestTagsInOrder() {
        Map<String, String> tags = SessionTags.parseRequestTags("{\"Project\":\"apollo\",\"Cost Center\":\"12-34\","
                + "\"empty\":\"\",\"Équipe\":\"météo\",\"部门\":\"研发\",\"a_b.c:d/e=f+g-h@i\":\"x y\"}");
        assertThat(tags).containsExactly(Map.entry("Project", "apollo"), Map.entry("Cost Center", "12-34"),
                Map.entry("empty", ""), Map.entry("Équipe", "météo"), Map.entry("部门", "研发"),
                Map.entry("a_b.c:d/e=f+g-h@i", "x y"));
        assertThat(SessionTags.parseRequestTags("{}")).isEmpty();
        assertThat(SessionTags.parseRequestTags(" { } ")).isEmpty();
        assertThat(SessionTags.parseRequestTags(null)).isEmpty();
        assertThatThrownBy(() -> tags.put("x", "y")).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void acceptsTheLimits() {
        String key = "k".repeat(SessionTags.MAX_KEY_LENGTH);
        String value = "v".repeat(SessionTags.MAX_VALUE_LENGTH);
        assertThat(SessionTags.parseRequestTags("{\"" + key + "\":\"" + value + "\"}")).containsEntry(key, value);
        // characters, not UTF-16 units: a letter outside the BMP counts once
        String wide = "\ud835\udc9c".repeat(SessionTags.MAX_KEY_LENGTH);
        assertThat(SessionTags.keyProblem(wide)).isNull();
        String fifty = tags(50, "k").entrySet().stream().map(e -> "\"" + e.getKey() + "\":\"" + e.getValue() + "\"")
                .collect(Collectors.joining(",", "{", "}"));
        assertThat(SessionTags.parseRequestTags(fifty)).hasSize(50);
    }

    @ParameterizedTest(name = "[{index}] {1}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', textBlock = """
            []                                 |          | tags: must be a JSON object of string values, got a list
            "x"                                |          | tags: must be a JSON object of string values, got a string
            null                               |          | tags: must be a JSON object of string values, got null
            {"Project":5}                      | Project  | tags: the value of "Project" must be a string, got a number
            {"Project":true}                   | Project  | tags: the value of "Project" must be a string, got a boolean
            {"Project":null}                   | Project  | tags: the value of "Project" must be a string, got null
            {"Project":{"a":"b"}}              | Project  | tags: the value of "Project" must be a string, got an object
            {"Project":["a"]}                  | Project  | tags: the value of "Project" must be a string, got a list
            {"Project":"a","Project":"b"}      | Project  | tags: duplicate key "Project"
            {"Project":"a","project":"b"}      | project  | request tags "Project" and "project" differ only in case
            {"Project":"a"} x                  |          | tags: malformed JSON at line 1, column 17: Unrecognized token 'x': was expecting (JSON String, Number, Array, Object or token 'null', 'true' or 'false')
            {"Project":"a"}{}                  |          | tags: malformed JSON at line 1, column 16: Trailing token (of type START_OBJECT) found after value (bound as `com.fasterxml.jackson.databind.JsonNode`): not allowed as per `DeserializationFeature.FAIL_ON_TRAILING_TOKENS`
            {"Project":"a",}                   |          | tags: malformed JSON at line 1, column 16: Unexpected character ('}' (code 125)): was expecting double-quote to start field name
            `  `                               |          | tags: is empty
            {"":"a"}                           | ``       | request tag "": key is empty
            {"a#b":"c"}                        | a#b      | request tag "a#b": key contains the character "#" (allowed: letters, digits, spaces and _ . : / = + - @)
            {"a\\tb":"c"}                      | `a\tb`   | request tag "a\\u0009b": key contains the character "\\u0009" (allowed: letters, digits, spaces and _ . : / = + - @)
            {"Project":"a,b"}                  | Project  | request tag "Project": value contains the character "," (allowed: letters, digits, spaces and _ . : / = + - @)
            {"Project":"a\\u00a0b"}            | Project  | request tag "Project": value contains the character "\u00a0" (allowed: letters, digits, spaces and _ . : / = + - @)
            {"acs:Project":"a"}                | acs:Project | request tag "acs:Project": key is reserved (keys starting with acs: or aws: are the system's)
            {"AWS:Project":"a"}                | AWS:Project | request tag "AWS:Project": key is reserved (keys starting with acs: or aws: are the system's)
            """)
    void refusesBadRequestTags(String json, String key, String message) {
        String expectedKey = key == null ? null : key.replace("\\t", "\t");
        refused(() -> SessionTags.parseRequestTags(json), expectedKey, message);
    }

    @Test
    void refusesBeyondTheLimits() {
        String key = "k".repeat(SessionTags.MAX_KEY_LENGTH + 1);
        refused(() -> SessionTags.parseRequestTags("{\"" + key + "\":\"v\"}"), key,
                "request tag \"" + "k".repeat(80) + "...\": key is longer than 128 characters (129)");
        String value = "v".repeat(SessionTags.MAX_VALUE_LENGTH + 1);
        refused(() -> SessionTags.parseRequestTags("{\"Project\":\"" + value + "\"}"), "Project",
                "request tag \"Project\": value is longer than 256 characters (257)");
        String many = tags(51, "k").entrySet().stream().map(e -> "\"" + e.getKey() + "\":\"" + e.getValue() + "\"")
                .collect(Collectors.joining(",", "{", "}"));
        refused(() -> SessionTags.parseRequestTags(many), null, "too many request tags (51 > 50)");
        String huge = "{\"a\":\"" + " ".repeat(SessionTags.MAX_PARAMETER_CHARS) + "\"}";
        refused(() -> SessionTags.parseRequestTags(huge), null, "tags: too long (131080 > 131072 characters)");
        refused(() -> SessionTags.parseRequestTags("[".repeat(20) + "]".repeat(20)), null,
                "tags: exceeds parser limits: Document nesting depth (9) exceeds the maximum allowed (8, from "
                        + "`StreamReadConstraints.getMaxNestingDepth()`)");
    }

    // ---------------------------------------------------------------- transitive keys

    @Test
    void readsTransitiveKeys() {
        assertThat(SessionTags.parseTransitiveKeys("[\"Project\",\"Cost Center\"]")).containsExactly("Project", "Cost Center");
        assertThat(SessionTags.parseTransitiveKeys("[]")).isEmpty();
        assertThat(SessionTags.parseTransitiveKeys(null)).isEmpty();
        String fifty = IntStream.range(0, 50).mapToObj(i -> "\"k" + i + "\"").collect(Collectors.joining(",", "[", "]"));
        assertThat(SessionTags.parseTransitiveKeys(fifty)).hasSize(50);
    }

    @ParameterizedTest(name = "[{index}] {1}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', textBlock = """
            {"Project":"a"}           |          | transitive_tag_keys: must be a JSON array of strings, got an object
            "Project"                 |          | transitive_tag_keys: must be a JSON array of strings, got a string
            ["Project",5]             |          | transitive_tag_keys[1]: must be a string, got a number
            ["Project",["x"]]         |          | transitive_tag_keys[1]: must be a string, got a list
            ["Project","Project"]     | Project  | duplicate transitive tag key "Project"
            ["Project","PROJECT"]     | PROJECT  | transitive tag keys "Project" and "PROJECT" differ only in case
            ["a#b"]                   | a#b      | transitive tag key "a#b": contains the character "#" (allowed: letters, digits, spaces and _ . : / = + - @)
            ["aws:x"]                 | aws:x    | transitive tag key "aws:x": is reserved (keys starting with acs: or aws: are the system's)
            [""]                      | ``       | transitive tag key "": is empty
            ["a"] ["b"]               |          | transitive_tag_keys: malformed JSON at line 1, column 7: Trailing token (of type START_ARRAY) found after value (bound as `com.fasterxml.jackson.databind.JsonNode`): not allowed as per `DeserializationFeature.FAIL_ON_TRAILING_TOKENS`
            ``                        |          | transitive_tag_keys: is empty
            """)
    void refusesBadTransitiveKeys(String json, String key, String message) {
        refused(() -> SessionTags.parseTransitiveKeys(json == null ? "" : json), key, message);
    }

    @Test
    void refusesTooManyTransitiveKeys() {
        String many = IntStream.range(0, 51).mapToObj(i -> "\"k" + i + "\"").collect(Collectors.joining(",", "[", "]"));
        refused(() -> SessionTags.parseTransitiveKeys(many), null, "too many transitive tag keys (51 > 50)");
    }

    // ---------------------------------------------------------------- principal tags

    @Test
    void principalTagsFollowTheSameRules() {
        assertThat(SessionTags.validatePrincipalTags(Map.of("Dept", "ops"))).containsExactly(Map.entry("Dept", "ops"));
        assertThat(SessionTags.validatePrincipalTags(null)).isEmpty();
        refused(() -> SessionTags.validatePrincipalTags(Map.of("De pt!", "ops")), "De pt!",
                "principal tag \"De pt!\": key contains the character \"!\" " + ALLOWED);
        Map<String, String> nullValue = new HashMap<>();
        nullValue.put("Dept", null);
        refused(() -> SessionTags.validatePrincipalTags(nullValue), "Dept", "principal tag \"Dept\": value is null");
        refused(() -> SessionTags.validatePrincipalTags(tags(51, "p")), null, "too many principal tags (51 > 50)");
        Map<String, String> twice = new LinkedHashMap<>();
        twice.put("dept", "a");
        twice.put("Dept", "a");
        refused(() -> SessionTags.validatePrincipalTags(twice), "Dept", "principal tags \"dept\" and \"Dept\" differ only in case");
        refused(() -> SessionTags.next(SessionTags.none(), Map.of("acs:dept", "x"), null, null), "acs:dept",
                "principal tag \"acs:dept\": key is reserved (keys starting with acs: or aws: are the system's)");
    }

    // ---------------------------------------------------------------- one hop

    private static final SessionTags FIRST = SessionTags.next(SessionTags.none(), Map.of("Dept", "ops"),
            new LinkedHashMap<>(Map.of("Project", "apollo")), List.of("project"));

    @Test
    void theFirstHopJoinsPrincipalAndRequestTags() {
        assertThat(FIRST.tags()).containsExactly(Map.entry("Dept", "ops"), Map.entry("Project", "apollo"));
        assertThat(FIRST.transitiveKeys()).containsExactly("Project"); // spelled as the tag it names
        assertThat(FIRST.transitiveTags()).containsExactly(Map.entry("Project", "apollo"));
        assertThat(FIRST.get("PROJECT")).contains("apollo");
        assertThat(FIRST.get("dept")).contains("ops");
        assertThat(FIRST.get("other")).isEmpty();
        assertThat(FIRST.isTransitive("pRoJeCt")).isTrue();
        assertThat(FIRST.isTransitive("Dept")).isFalse();
        assertThat(FIRST.size()).isEqualTo(2);
        assertThat(SessionTags.next(SessionTags.none(), null, null, null)).isEqualTo(SessionTags.none());
        assertThat(SessionTags.none().isEmpty()).isTrue();
    }

    @Test
    void aLaterHopCarriesOnlyTheTransitiveTags() {
        SessionTags second = SessionTags.next(FIRST, Map.of(), Map.of("Stage", "prod", "Dept", "dev"), List.of("Stage"));
        assertThat(second.tags()).containsEntry("Project", "apollo").containsEntry("Stage", "prod")
                .containsEntry("Dept", "dev").hasSize(3); // the first session's Dept was not transitive
        assertThat(second.transitiveKeys()).containsExactly("Project", "Stage"); // incoming stays transitive, first
        SessionTags third = SessionTags.next(second, null, null, List.of("PROJECT"));
        assertThat(third.tags()).containsExactly(Map.entry("Project", "apollo"), Map.entry("Stage", "prod"));
        assertThat(third.transitiveKeys()).containsExactly("Project", "Stage");
    }

    @Test
    void aRequestTagCannotOverrideATransitiveTag() {
        refused(() -> SessionTags.next(FIRST, null, Map.of("PROJECT", "gemini"), null), "PROJECT",
                "transitive tag \"Project\" cannot be overridden: it comes from the previous session of the chain"
                        + " (request tag \"PROJECT\")");
        refused(() -> SessionTags.next(FIRST, null, Map.of("Project", "apollo"), null), "Project",
                "transitive tag \"Project\" cannot be overridden: it comes from the previous session of the chain"
                        + " (request tag \"Project\")");
    }

    @Test
    void aRequestTagCannotOverrideAPrincipalTag() {
        refused(() -> SessionTags.next(SessionTags.none(), Map.of("Dept", "ops"), Map.of("dept", "finance"), null), "dept",
                "principal tag \"Dept\" cannot be overridden: the source account's administrators set it"
                        + " (request tag \"dept\")");
    }

    @Test
    void aPrincipalTagMayRepeatButNotContradictATransitiveTag() {
        SessionTags same = SessionTags.next(FIRST, Map.of("project", "apollo"), null, null);
        assertThat(same.tags()).containsExactly(Map.entry("Project", "apollo"));
        assertThat(same.transitiveKeys()).containsExactly("Project");
        refused(() -> SessionTags.next(FIRST, Map.of("project", "gemini"), null, null), "project",
                "principal tag \"project\" contradicts the transitive tag \"Project\" of the session chain (the values differ)");
    }

    @Test
    void aTransitiveKeyMustNameATagOfTheSession() {
        refused(() -> SessionTags.next(SessionTags.none(), Map.of("Dept", "ops"), Map.of("Project", "a"), List.of("Stage")),
                "Stage", "transitive tag key \"Stage\" names no tag of the session");
        // a principal tag may be made transitive
        assertThat(SessionTags.next(SessionTags.none(), Map.of("Dept", "ops"), null, List.of("DEPT")).transitiveKeys())
                .containsExactly("Dept");
        refused(() -> SessionTags.next(SessionTags.none(), null, Map.of("a", "b"), List.of("a", "A")), "A",
                "transitive tag keys \"a\" and \"A\" differ only in case");
    }

    @Test
    void atMostFiftyTagsInAll() {
        SessionTags twenty = SessionTags.next(SessionTags.none(), null, tags(20, "t"), tags(20, "t").keySet());
        assertThat(SessionTags.next(twenty, tags(10, "p"), tags(20, "r"), null).size()).isEqualTo(50);
        refused(() -> SessionTags.next(twenty, tags(11, "p"), tags(20, "r"), null), null,
                "too many session tags (51 > 50: 20 transitive, 11 principal, 20 request)");
        refused(() -> SessionTags.next(SessionTags.none(), null, tags(51, "r"), null), null, "too many request tags (51 > 50)");
    }

    @Test
    void rebuildsAStoredSession() {
        SessionTags again = SessionTags.of(FIRST.tags(), List.of("PROJECT"));
        assertThat(again).isEqualTo(FIRST).hasSameHashCodeAs(FIRST);
        assertThat(again.transitiveKeys()).containsExactly("Project");
        assertThat(again.toString()).isEqualTo("SessionTags{Dept=ops, Project=apollo} transitive [Project]");
        refused(() -> SessionTags.of(Map.of("a", "b"), List.of("c")), "c", "transitive tag key \"c\" names no tag of the session");
        refused(() -> SessionTags.of(Map.of("a", "b}"), List.of()), "a",
                "session tag \"a\": value contains the character \"}\" " + ALLOWED);
    }
}
