package io.github.keycloaksts.adminui;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.List;
import java.util.Map;

import io.github.keycloaksts.policy.document.PolicyReader;
import io.github.keycloaksts.role.AttachedPolicy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PageEntryTest {

    static final List<String> FIELDS = List.of("roleName", "description", "trustPolicy", "maxSessionDuration");

    @Test
    void aFormBecomesTheRestBodyShape() {
        var body = PageEntry.body(Map.of(
                "roleName", List.of("ops"),
                "description", Arrays.asList("", null),
                "trustPolicy", List.of("{\"Version\":\"1\"}"),
                "maxSessionDuration", List.of(" 7200 "),
                "realm", List.of("noise from the admin console")), FIELDS);

        assertThat(body.toString()).isEqualTo("{\"roleName\":\"ops\",\"trustPolicy\":\"{\\\"Version\\\":\\\"1\\\"}\",\"maxSessionDuration\":7200}");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            an hour    | "an hour"
            3600.5     | "3600.5"
            -1         | -1
            99999999999999999999 | "99999999999999999999"
            """)
    void aDurationThatIsNoWholeNumberStaysTextSoTheValidationNamesIt(String value, String json) {
        assertThat(PageEntry.body(Map.of("maxSessionDuration", List.of(value)), FIELDS).get("maxSessionDuration").toString())
                .isEqualTo(json);
    }

    @Test
    void severalValuesOfASingleFieldBecomeAnArray() {
        assertThat(PageEntry.body(Map.of("roleName", List.of("a", "b")), FIELDS).toString()).isEqualTo("{\"roleName\":[\"a\",\"b\"]}");
    }

    @Test
    void anEntryShowsTheCanonicalPolicyIndentedAndItsTrustedPrincipals() {
        var trust = PolicyReader.defaults().readTrustPolicy("""
                {"Statement":[{"Action":"sts:AssumeRole","Effect":"Allow","Principal":{"RAM":["12345678","acs:ram::87654321:user/alice"]}},
                              {"Effect":"Deny","Action":"sts:AssumeRole","Principal":{"RAM":["acs:ram::99999999:root"]}}],"Version":"1"}""");

        var config = PageEntry.config("ops", " ", trust, null, 3600,
                List.of(new AttachedPolicy("viewer", "billing"), new AttachedPolicy("AliyunECSFullAccess", null)));

        assertThat(config.getFirst("roleName")).isEqualTo("ops");
        assertThat(config.containsKey("description")).isFalse();
        assertThat(config.getFirst("trustPolicy")).startsWith("{\n  \"Version\" : \"1\",");
        assertThat(config.getFirst("trustedPrincipals")).isEqualTo("acs:ram::12345678:root, acs:ram::87654321:user/alice");
        assertThat(config.get("attachedPolicies")).containsExactly("AliyunECSFullAccess", "billing/viewer");
        assertThat(config.getFirst("maxSessionDuration")).isEqualTo("3600");
    }

    @Test
    void sameIgnoresTheOrderOfAttachedPoliciesAndBlankValues() {
        assertThat(PageEntry.same(
                Map.of("roleName", List.of("ops"), "attachedPolicies", List.of("b", "a")),
                Map.of("roleName", List.of("ops"), "attachedPolicies", List.of("a", "b"), "description", List.of(""))))
                .isTrue();
        assertThat(PageEntry.same(Map.of("roleName", List.of("ops")), Map.of("roleName", List.of("ops"), "description", List.of("x"))))
                .isFalse();
    }
}
