package io.github.keycloaksts.policy.tags;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;

/** Tag claims of an OIDC provider: the mappings accepted and refused, and the tags a token's claims give. */
class TagClaimsTest {

    private static void refused(Runnable r, String key, String message) {
        assertThatThrownBy(r::run)
                .isInstanceOf(TagValidationException.class)
                .hasMessage(message)
                .satisfies(e -> assertThat(((TagValidationException) e).key().orElse(null)).isEqualTo(key));
    }

    @Test
    void readsMappingsInOrder() {
        TagClaims claims = TagClaims.parse("{\"Repository\":\"repository\",\"Env\":\"https://example.com/env\"}", "tagClaims");
        assertThat(claims.claimByTag()).containsExactly(Map.entry("Repository", "repository"), Map.entry("Env", "https://example.com/env"));
        assertThat(TagClaims.parse(null, "tagClaims").isEmpty()).isTrue();
        assertThat(TagClaims.parse("{}", "tagClaims")).isEqualTo(TagClaims.none());
    }

    @Test
    void refusesBadMappingsNamingTheKey() {
        refused(() -> TagClaims.parse("[\"repository\"]", "tagClaims"), null,
                "tagClaims: must be a JSON object of tag keys to claim names, got a list");
        refused(() -> TagClaims.parse("{\"Repo\":1}", "tagClaims"), "Repo", "tagClaims.\"Repo\": the claim name must be a string, got a number");
        refused(() -> TagClaims.parse("{\"Repo\":\"\"}", "tagClaims"), "Repo", "tagClaims.\"Repo\": the claim name is empty");
        refused(() -> TagClaims.parse("{\"Re#po\":\"repository\"}", "tagClaims"), "Re#po",
                "tagClaims.\"Re#po\": the tag key contains the character \"#\" (allowed: letters, digits, spaces and _ . : / = + - @)");
        refused(() -> TagClaims.parse("{\"aws:x\":\"repository\"}", "tagClaims"), "aws:x",
                "tagClaims.\"aws:x\": the tag key is reserved (keys starting with acs: or aws: are the system's)");
        refused(() -> TagClaims.parse("{\"Repo\":\"a\",\"REPO\":\"b\"}", "tagClaims"), "REPO",
                "tagClaims.\"REPO\": the same tag key as \"Repo\" (keys differing only in case are one key)");
        refused(() -> TagClaims.parse("{\"Repo\":\"a\",\"Repo\":\"b\"}", "tagClaims"), "Repo", "tagClaims: duplicate key \"Repo\"");
        refused(() -> TagClaims.of(Map.of("Repo", "x".repeat(256)), "tagClaims"), "Repo",
                "tagClaims.\"Repo\": the claim name is longer than 255 characters");
        refused(() -> TagClaims.of(Map.of("Repo", "a\nb"), "tagClaims"), "Repo", "tagClaims.\"Repo\": the claim name contains a control character");
        Map<String, String> many = new LinkedHashMap<>();
        IntStream.range(0, 51).forEach(i -> many.put("k" + i, "c" + i));
        refused(() -> TagClaims.of(many, "tagClaims"), null, "tagClaims: at most 50 tag claims (51)");
    }

    @Test
    void givesTagsFromStringNumberAndBooleanClaimsAndSkipsAbsentOnes() {
        TagClaims claims = TagClaims.of(Map.of("Repository", "repository", "Run", "run_number", "Protected", "ref_protected",
                "Missing", "nope", "Null", "null_claim"), "tagClaims");
        Map<String, Object> token = new LinkedHashMap<>();
        token.put("repository", "org/app");
        token.put("run_number", 42);
        token.put("ref_protected", true);
        token.put("null_claim", null);
        assertThat(claims.tagsFrom(token)).containsOnly(Map.entry("Repository", "org/app"), Map.entry("Run", "42"),
                Map.entry("Protected", "true"));
        assertThat(TagClaims.none().tagsFrom(token)).isEmpty();
    }

    @Test
    void refusesClaimsThatAreNotOneValueOrBreakTheTagRules() {
        TagClaims claims = TagClaims.of(Map.of("Groups", "groups"), "tagClaims");
        refused(() -> claims.tagsFrom(Map.of("groups", List.of("a", "b"))), "Groups",
                "principal tag \"Groups\": the claim \"groups\" of the subject token is an array, not a string, number or boolean");
        refused(() -> claims.tagsFrom(Map.of("groups", Map.of("a", "b"))), "Groups",
                "principal tag \"Groups\": the claim \"groups\" of the subject token is an object, not a string, number or boolean");
        refused(() -> claims.tagsFrom(Map.of("groups", "a,b")), "Groups",
                "principal tag \"Groups\": value contains the character \",\" (allowed: letters, digits, spaces and _ . : / = + - @)"
                        + " (from the claim \"groups\" of the subject token)");
        refused(() -> claims.tagsFrom(Map.of("groups", "x".repeat(257))), "Groups",
                "principal tag \"Groups\": value is longer than 256 characters (257) (from the claim \"groups\" of the subject token)");
    }
}
