package io.github.keycloaksts.policy.eval;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.List;

import io.github.keycloaksts.policy.condition.RequestContext;
import io.github.keycloaksts.policy.document.PolicyDocument;
import io.github.keycloaksts.policy.document.PolicyReader;
import org.junit.jupiter.api.Test;

class SessionPolicyNarrowingTest {

    private static final PolicyDocument READ_ONLY = PolicyReader.defaults().readSessionPolicy("""
            {"Version":"1","Statement":[{"Effect":"Allow","Action":"sts:AssumeRole","Resource":"*ReadOnly*"}]}""");

    @Test
    void keepsOnlyAllowedNamesInInputOrder() {
        SessionPolicyNarrowing.Result r = SessionPolicyNarrowing.narrow(READ_ONLY,
                List.of("AliyunRDSReadOnlyAccess", "AliyunECSFullAccess", "AliyunECSReadOnlyAccess"), RequestContext.empty());
        assertThat(r.allowed()).containsExactly("AliyunRDSReadOnlyAccess", "AliyunECSReadOnlyAccess");
        assertThat(r.denied()).containsExactly("AliyunECSFullAccess");
        assertThat(r.decisions()).hasSize(3);
        assertThat(r.decisions().get("AliyunECSFullAccess").side()).isEqualTo(DecisionSide.SESSION_POLICY);
        assertThat(r.decisions().get("AliyunECSFullAccess").outcome()).isEqualTo(Outcome.IMPLICIT_DENY);
        assertThat(r.failed()).isFalse();
    }

    @Test
    void failsClosed() {
        PolicyDocument trust = PolicyReader.defaults().readTrustPolicy("""
                {"Version":"1","Statement":[{"Effect":"Allow","Action":"sts:AssumeRole","Principal":{"RAM":"12345678"}}]}""");
        SessionPolicyNarrowing.Result wrongKind = SessionPolicyNarrowing.narrow(trust, List.of("A"), RequestContext.empty());
        assertThat(wrongKind.allowed()).isEmpty();
        assertThat(wrongKind.denied()).containsExactly("A");
        assertThat(wrongKind.failed()).isTrue();
        assertThat(wrongKind.reasons()).containsExactly(
                "evaluation error: IllegalArgumentException: expected a session policy, got a trust policy");

        SessionPolicyNarrowing.Result nullPolicy = SessionPolicyNarrowing.narrow(null, List.of("A"), RequestContext.empty());
        assertThat(nullPolicy.allowed()).isEmpty();
        assertThat(nullPolicy.failed()).isTrue();

        SessionPolicyNarrowing.Result nullName = SessionPolicyNarrowing.narrow(READ_ONLY,
                Arrays.asList("ReadOnly", null), RequestContext.empty());
        assertThat(nullName.allowed()).isEmpty();
        assertThat(nullName.failed()).isTrue();

        SessionPolicyNarrowing.Result nullNames = SessionPolicyNarrowing.narrow(READ_ONLY, null, RequestContext.empty());
        assertThat(nullNames.allowed()).isEmpty();
        assertThat(nullNames.failed()).isTrue();

        SessionPolicyNarrowing.Result nullContext = SessionPolicyNarrowing.narrow(READ_ONLY, List.of("ReadOnly"), null);
        assertThat(nullContext.allowed()).isEmpty();
        assertThat(nullContext.failed()).isTrue();
    }
}
