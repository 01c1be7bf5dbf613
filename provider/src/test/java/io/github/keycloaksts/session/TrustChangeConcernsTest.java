package io.github.keycloaksts.session;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.keycloaksts.policy.document.PolicyDocument;
import io.github.keycloaksts.policy.document.PolicyReader;
import org.junit.jupiter.api.Test;

/**
 * Which accounts a trust-policy change concerns ({@link RoleSessionRevocation#concerning}): an account's live role
 * sessions end when the part of the policy that can concern it differs between before and after.
 */
class TrustChangeConcernsTest {

    static final String B = "12345678";
    static final String C = "55556666";

    static PolicyDocument trust(String statements) {
        return PolicyReader.defaults().readTrustPolicy("{\"Version\":\"1\",\"Statement\":[" + statements + "]}");
    }

    static String allow(String... principals) {
        return "{\"Effect\":\"Allow\",\"Action\":\"sts:AssumeRole\",\"Principal\":{\"RAM\":[\"" + String.join("\",\"", principals) + "\"]}}";
    }

    static boolean concerns(PolicyDocument before, PolicyDocument after, String account) {
        return !RoleSessionRevocation.concerning(before, account).equals(RoleSessionRevocation.concerning(after, account));
    }

    @Test
    void removingAnAccountConcernsItAndNotTheOthersOfTheSameStatement() {
        PolicyDocument before = trust(allow("acs:ram::" + B + ":root", "acs:ram::" + C + ":root"));
        PolicyDocument after = trust(allow("acs:ram::" + C + ":root"));

        assertThat(concerns(before, after, B)).isTrue();
        assertThat(concerns(before, after, C)).isFalse();
    }

    @Test
    void aBareAccountIdAndItsRootArnAreTheSamePrincipal() {
        assertThat(concerns(trust(allow(B)), trust(allow("acs:ram::" + B + ":root")), B)).isFalse();
    }

    @Test
    void changingAUserOfAnAccountConcernsThatAccountOnly() {
        PolicyDocument before = trust(allow("acs:ram::" + B + ":user/bob", "acs:ram::" + C + ":root"));
        PolicyDocument after = trust(allow("acs:ram::" + B + ":user/alice", "acs:ram::" + C + ":root"));

        assertThat(concerns(before, after, B)).isTrue();
        assertThat(concerns(before, after, C)).isFalse();
    }

    @Test
    void anyChangeOfADenyConcernsEveryAccount() {
        String deny = "{\"Effect\":\"Deny\",\"Action\":\"sts:AssumeRole\",\"Principal\":{\"RAM\":[\"acs:ram::99999999:root\"]}}";
        PolicyDocument before = trust(allow(B, C));
        PolicyDocument after = trust(allow(B, C) + "," + deny);

        assertThat(concerns(before, after, B)).isTrue();
        assertThat(concerns(before, after, C)).isTrue();
    }

    @Test
    void aNewConditionOnAnAccountsStatementConcernsIt() {
        PolicyDocument before = trust(allow(B));
        PolicyDocument after = trust("{\"Effect\":\"Allow\",\"Action\":\"sts:AssumeRole\",\"Principal\":{\"RAM\":[\"" + B + "\"]},"
                + "\"Condition\":{\"StringEquals\":{\"sts:ExternalId\":\"a1b2c3\"}}}");

        assertThat(concerns(before, after, B)).isTrue();
    }

    @Test
    void reorderingStatementsOrPrincipalsOrRenamingSidsConcernsNobody() {
        PolicyDocument before = trust("{\"Sid\":\"one\"," + allow(B, C).substring(1) + "," + allow("acs:ram::" + C + ":user/carol"));
        PolicyDocument after = trust(allow("acs:ram::" + C + ":user/carol") + ",{\"Sid\":\"two\"," + allow(C, B).substring(1));

        assertThat(concerns(before, after, B)).isFalse();
        assertThat(concerns(before, after, C)).isFalse();
    }

    @Test
    void addingAnotherAccountConcernsOnlyTheNewOne() {
        PolicyDocument before = trust(allow(B));
        PolicyDocument after = trust(allow(B, C));

        assertThat(concerns(before, after, B)).isFalse();
        assertThat(concerns(before, after, C)).isTrue();
    }
}
