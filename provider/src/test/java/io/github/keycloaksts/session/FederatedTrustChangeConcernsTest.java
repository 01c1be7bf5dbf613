package io.github.keycloaksts.session;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.keycloaksts.policy.document.PolicyDocument;
import io.github.keycloaksts.policy.document.PolicyReader;
import org.junit.jupiter.api.Test;

/**
 * Which OIDC providers a trust-policy change concerns ({@link RoleSessionRevocation#concerningProvider}): a provider's
 * live role sessions end when the statements naming it, or any Deny, differ between before and after.
 */
class FederatedTrustChangeConcernsTest {

    static final String GITHUB = "acs:ram::11223344:oidc-provider/github";
    static final String K8S = "acs:ram::11223344:oidc-provider/k8s";

    static PolicyDocument trust(String statements) {
        return PolicyReader.defaults().readTrustPolicy("{\"Version\":\"1\",\"Statement\":[" + statements + "]}");
    }

    static String allow(String provider, String sub) {
        return "{\"Effect\":\"Allow\",\"Action\":\"sts:AssumeRole\",\"Principal\":{\"Federated\":\"" + provider + "\"},"
                + "\"Condition\":{\"StringLike\":{\"oidc:sub\":\"" + sub + "\"}}}";
    }

    static boolean concerns(PolicyDocument before, PolicyDocument after, String provider) {
        return !RoleSessionRevocation.concerningProvider(before, provider).equals(RoleSessionRevocation.concerningProvider(after, provider));
    }

    @Test
    void removingAProviderConcernsItAndNotTheOther() {
        PolicyDocument before = trust(allow(GITHUB, "repo:org/*") + "," + allow(K8S, "system:serviceaccount:prod:*"));
        PolicyDocument after = trust(allow(K8S, "system:serviceaccount:prod:*"));

        assertThat(concerns(before, after, GITHUB)).isTrue();
        assertThat(concerns(before, after, K8S)).isFalse();
    }

    @Test
    void narrowingTheSubjectConditionConcernsTheProvider() {
        assertThat(concerns(trust(allow(GITHUB, "repo:org/*")), trust(allow(GITHUB, "repo:org/app:*")), GITHUB)).isTrue();
    }

    @Test
    void aNewDenyConcernsEveryProviderAndAnAccountChangeNone() {
        PolicyDocument before = trust(allow(GITHUB, "repo:org/*"));
        PolicyDocument withDeny = trust(allow(GITHUB, "repo:org/*") + ",{\"Effect\":\"Deny\",\"Action\":\"sts:AssumeRole\","
                + "\"Principal\":{\"RAM\":\"12345678\"}}");
        PolicyDocument withAccount = trust(allow(GITHUB, "repo:org/*") + ",{\"Effect\":\"Allow\",\"Action\":\"sts:AssumeRole\","
                + "\"Principal\":{\"RAM\":\"12345678\"}}");

        assertThat(concerns(before, withDeny, GITHUB)).isTrue();
        assertThat(concerns(before, withAccount, GITHUB)).isFalse();
    }
}
