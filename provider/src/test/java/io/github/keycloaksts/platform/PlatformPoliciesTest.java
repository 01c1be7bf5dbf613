package io.github.keycloaksts.platform;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The platform's stored policies are validated on read: whatever the master realm's generic realm update wrote, an
 * unreadable value is a problem naming where it is, and nothing of it is in force (the exchange then refuses all).
 */
class PlatformPoliciesTest {

    static final String GUARDRAILS = """
            {"org-only":{"description":"d","document":{"Version":"1","Statement":[{"Effect":"Deny","Action":"sts:AssumeRole",
             "Resource":"*","Condition":{"StringNotEquals":{"acs:PrincipalOrgId":"acme"}}}]}}}""";
    static final String ORGANIZATIONS = """
            {"acme":{"description":"","accounts":["12345678","11223344"]}}""";

    @Test
    void readableValuesAreInForce() {
        PlatformPolicies.InForce inForce = PlatformPolicies.parse(GUARDRAILS, ORGANIZATIONS);
        assertThat(inForce.problem()).isNull();
        assertThat(inForce.guardrailSet().guardrails()).extracting(g -> g.name()).containsExactly("org-only");
        assertThat(inForce.organizationOf("12345678")).contains("acme");
        assertThat(inForce.organizations().get("acme").accounts()).containsExactly("11223344", "12345678");
        assertThat(PlatformPolicies.parse(null, "  ").guardrailSet().isEmpty()).isTrue();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "not JSON          | {                                                              | sts.platform.guardrails: not JSON",
            "not an object     | []                                                             | must be a JSON object",
            "bad name          | {\"a b\":{\"document\":{}}}                                     | sts.platform.guardrails.a b: not a guardrail name",
            "no document       | {\"g\":{}}                                                      | sts.platform.guardrails.g: must be an object with a \"document\"",
            "an Allow          | {\"g\":{\"document\":{\"Version\":\"1\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"sts:AssumeRole\",\"Resource\":\"*\"}]}}} | sts.platform.guardrails.g.document.Statement[0].Effect",
    })
    void anUnreadableGuardrailValueIsAProblemAndNothingIsInForce(String what, String stored, String problem) {
        PlatformPolicies.InForce inForce = PlatformPolicies.parse(stored, ORGANIZATIONS);
        assertThat(inForce.problem()).as(what).contains(problem);
        assertThat(inForce.guardrailSet().isEmpty()).isTrue();
        assertThat(inForce.organizations()).isEmpty();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "bad ID            | {\"Acme\":{\"accounts\":[]}}                                      | not an organization ID",
            "no accounts       | {\"acme\":{}}                                                     | must be an object with an \"accounts\" array",
            "not an account ID | {\"acme\":{\"accounts\":[\"12\"]}}                                | sts.platform.organizations.acme.accounts[0]: not an account ID",
            "in two            | {\"a\":{\"accounts\":[\"12345678\"]},\"b\":{\"accounts\":[\"12345678\"]}} | account 12345678 is in both a and b",
    })
    void anUnreadableOrganizationValueIsAProblem(String what, String stored, String problem) {
        PlatformPolicies.InForce inForce = PlatformPolicies.parse(GUARDRAILS, stored);
        assertThat(inForce.problem()).as(what).contains(problem);
        assertThat(inForce.guardrailSet().isEmpty()).as("nothing half-read is in force").isTrue();
    }
}
