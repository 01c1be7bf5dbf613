package io.github.keycloaksts.policy.document;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;

import io.github.keycloaksts.policy.PolicyValidationException;
import io.github.keycloaksts.policy.arn.Arn;
import org.junit.jupiter.api.Test;

class PolicyDocumentTest {

    private static final PolicyReader READER = PolicyReader.defaults();
    private static final PolicyDocument TRUST = READER.readTrustPolicy("""
            {"Version":"1","Statement":[{"Sid":"A","Effect":"Allow","Action":"sts:AssumeRole","Principal":{"RAM":"12345678"}}]}""");
    private static final PolicyDocument SESSION = READER.readSessionPolicy("""
            {"Version":"1","Statement":[{"Effect":"Allow","Action":"sts:AssumeRole","Resource":"AliyunECS*"}]}""");

    @Test
    void assemblingChecksKindAndSids() {
        assertThat(PolicyDocument.of(PolicyKind.TRUST, TRUST.statements())).isEqualTo(TRUST);
        assertThatThrownBy(() -> PolicyDocument.of(PolicyKind.PERMISSION, TRUST.statements()))
                .isInstanceOf(PolicyValidationException.class)
                .hasMessage("Statement[0]: not a permission policy statement");
        assertThatThrownBy(() -> PolicyDocument.of(PolicyKind.TRUST, SESSION.statements()))
                .hasMessage("Statement[0]: not a trust policy statement");
        assertThatThrownBy(() -> PolicyDocument.of(PolicyKind.PERMISSION, SESSION.statements()))
                .hasMessage("Statement[0].Resource[0]: not an ARN pattern: \"AliyunECS*\" (expected acs:ram:... or *)");
        assertThatThrownBy(() -> PolicyDocument.of(PolicyKind.TRUST,
                List.of(TRUST.statements().get(0), TRUST.statements().get(0))))
                .hasMessage("Statement[1].Sid: duplicate Sid \"A\"");
    }

    @Test
    void allowedPrincipalsAreThoseOfAllowStatementsOnceEachInDocumentOrder() {
        PolicyDocument trust = READER.readTrustPolicy("""
                {"Version":"1","Statement":[
                 {"Effect":"Allow","Action":"sts:AssumeRole","Principal":{"RAM":["87654321","acs:ram::12345678:user/alice"]}},
                 {"Effect":"Deny","Action":"sts:AssumeRole","Principal":{"RAM":"11112222"}},
                 {"Effect":"Allow","Action":"sts:AssumeRole","Principal":{"RAM":["acs:ram::87654321:root","33334444"]}}]}""");
        assertThat(trust.allowedPrincipals()).extracting(Object::toString).containsExactly(
                "acs:ram::87654321:root", "acs:ram::12345678:user/alice", "acs:ram::33334444:root");
        assertThat(READER.readTrustPolicy("""
                {"Version":"1","Statement":[{"Effect":"Deny","Action":"sts:AssumeRole","Principal":{"RAM":"11112222"}}]}""")
                .allowedPrincipals()).isEmpty();
    }

    @Test
    void principalsRefuseRoleSessions() {
        assertThatThrownBy(() -> Principals.of(List.of(Arn.parse("acs:ram::12345678:role/ops/bob"))))
                .isInstanceOf(IllegalArgumentException.class);
        Principals p = Principals.of(List.of(Arn.parse("acs:ram::12345678:root"), Arn.parse("acs:ram::12345678:root")));
        assertThat(p.size()).isEqualTo(1);
        assertThat(p.matches(Arn.parse("acs:ram::12345678:user/x"))).isTrue();
        assertThat(p.matches(Arn.parse("acs:ram::12345678:role/r/s1"))).isTrue();
        assertThat(p.matches(Arn.parse("acs:ram::12345679:user/x"))).isFalse();
    }

    @Test
    void statementsMatchResourcesWithGlobs() {
        Statement s = SESSION.statements().get(0);
        assertThat(s.matchesResource("AliyunECSFullAccess")).isTrue();
        assertThat(s.matchesResource("aliyunECSFullAccess")).isFalse();
        assertThat(s.principals().isEmpty()).isTrue();
        assertThat(SESSION.kind()).isEqualTo(PolicyKind.SESSION);
        assertThat(PolicyKind.SESSION.label()).isEqualTo("session policy");
        assertThat(Effect.fromJson("Deny")).contains(Effect.DENY);
        assertThat(Effect.fromJson("deny")).isEmpty();
    }
}
