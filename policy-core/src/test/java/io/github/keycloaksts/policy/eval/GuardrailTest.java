package io.github.keycloaksts.policy.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;

import io.github.keycloaksts.policy.PolicyValidationException;
import io.github.keycloaksts.policy.arn.OidcProviderArn;
import io.github.keycloaksts.policy.arn.RoleArn;
import io.github.keycloaksts.policy.condition.RequestContext;
import io.github.keycloaksts.policy.document.PolicyDocument;
import io.github.keycloaksts.policy.document.PolicyReader;
import org.junit.jupiter.api.Test;

/**
 * Platform guardrails: Deny only, after both accounts, citing the guardrail by name; the three examples of the docs
 * (no trust outside the organization, no long sessions of admin-grade roles, no Federated trust without oidc:aud).
 */
class GuardrailTest {

    private static final PolicyReader READER = PolicyReader.defaults();
    private static final AssumeRoleEvaluator EVALUATOR = new AssumeRoleEvaluator();
    private static final RoleArn ROLE = RoleArn.parse("acs:ram::11223344:role/ecs-admin");
    private static final PolicyDocument GRANT = PolicyDocument.allowAssumeRole(List.of("*"));
    private static final PolicyDocument TRUST = READER.readTrustPolicy("""
            {"Version":"1","Statement":[{"Effect":"Allow","Action":"sts:AssumeRole","Principal":{"RAM":"12345678"}}]}""");

    static final String ORG_ONLY = """
            {"Version":"1","Statement":[{"Sid":"OrgOnly","Effect":"Deny","Action":"sts:AssumeRole",
              "Resource":"acs:ram::*:role/*",
              "Condition":{"StringEquals":{"acs:ResourceOrgId":"acme"},"StringNotEquals":{"acs:PrincipalOrgId":"acme"}}}]}""";
    static final String SHORT_ADMIN = """
            {"Version":"1","Statement":[{"Effect":"Deny","Action":"sts:AssumeRole","Resource":"*",
              "Condition":{"Bool":{"sts:RoleAdminGrade":"true"},"NumericGreaterThan":{"sts:DurationSeconds":"3600"}}}]}""";
    static final String FEDERATED_AUD = """
            {"Version":"1","Statement":[{"Effect":"Deny","Action":"sts:AssumeRole","Resource":"*",
              "Condition":{"StringEquals":{"acs:PrincipalType":"WebIdentity"},
                           "StringNotEquals":{"sts:TrustConditionKeys":"oidc:aud"}}}]}""";

    private static GuardrailSet set(String... namesAndJson) {
        List<Guardrail> list = new ArrayList<>();
        for (int i = 0; i < namesAndJson.length; i += 2) {
            list.add(new Guardrail(namesAndJson[i], READER.readGuardrail(namesAndJson[i + 1])));
        }
        return GuardrailSet.of(list);
    }

    private static AssumeRoleRequest bob(String principalOrg, String resourceOrg, long duration, boolean admin) {
        return AssumeRoleRequest.forUser("12345678", "bob", ROLE, RequestContext.builder()
                .principalAccount("12345678").principalOrgId(principalOrg)
                .resourceAccount("11223344").resourceOrgId(resourceOrg)
                .principalType("User").durationSeconds(duration).roleAdminGrade(admin).build());
    }

    private static Decision decide(AssumeRoleRequest request, GuardrailSet guardrails) {
        Decision accounts = EVALUATOR.evaluate(request, List.of(GRANT), TRUST);
        return EVALUATOR.evaluateGuardrails(request, TRUST, accounts, guardrails);
    }

    @Test
    void aGuardrailNeverGrants() {
        assertThatThrownBy(() -> READER.readGuardrail("""
                {"Version":"1","Statement":[{"Effect":"Allow","Action":"sts:AssumeRole","Resource":"*"}]}"""))
                .isInstanceOf(PolicyValidationException.class)
                .hasMessageContaining("Statement[0].Effect").hasMessageContaining("a guardrail never grants");
        assertThatThrownBy(() -> READER.readGuardrail("""
                {"Version":"1","Statement":[{"Effect":"Deny","Action":"sts:AssumeRole","Principal":{"RAM":"12345678"},
                 "Resource":"*"}]}""")).isInstanceOf(PolicyValidationException.class).hasMessageContaining("Principal");
        assertThatThrownBy(() -> READER.readGuardrail("""
                {"Version":"1","Statement":[{"Effect":"Deny","Action":"sts:AssumeRole","Resource":"acs:ram::1:user/x"}]}"""))
                .isInstanceOf(PolicyValidationException.class).hasMessageContaining("Statement[0].Resource");
        // and it is not allowed where only grants count
        Decision refused = EVALUATOR.evaluate(bob("acme", "acme", 900, false), List.of(GRANT), TRUST);
        Decision kept = EVALUATOR.evaluateGuardrails(bob("acme", "acme", 900, false), TRUST, refused, set("org-only", ORG_ONLY));
        assertThat(kept).isSameAs(refused);
    }

    @Test
    void outsideTheOrganizationIsRefusedByName() {
        GuardrailSet guardrails = set("org-only", ORG_ONLY);
        assertThat(decide(bob("acme", "acme", 900, false), guardrails).isAllowed()).isTrue();
        Decision outside = decide(bob(null, "acme", 900, false), guardrails);
        assertThat(outside.outcome()).isEqualTo(Outcome.EXPLICIT_DENY);
        assertThat(outside.side()).isEqualTo(DecisionSide.GUARDRAIL);
        assertThat(outside.reason()).isEqualTo("explicit Deny in platform guardrail \"org-only\" Statement[0] (Sid \"OrgOnly\")");
        assertThat(outside.decidingStatements().get(0).policyName()).contains("org-only");
        assertThat(decide(bob("other", "acme", 900, false), guardrails).isAllowed()).isFalse();
        // a role outside the organization is not the guardrail's business
        assertThat(decide(bob(null, null, 900, false), guardrails).isAllowed()).isTrue();
    }

    @Test
    void adminGradeRolesGetShortSessionsOnly() {
        GuardrailSet guardrails = set("short-admin", SHORT_ADMIN);
        assertThat(decide(bob(null, null, 3600, true), guardrails).isAllowed()).isTrue();
        assertThat(decide(bob(null, null, 3601, true), guardrails).side()).isEqualTo(DecisionSide.GUARDRAIL);
        assertThat(decide(bob(null, null, 43200, false), guardrails).isAllowed()).isTrue();
    }

    @Test
    void aFederatedTrustMustPinTheAudience() {
        GuardrailSet guardrails = set("federated-aud", FEDERATED_AUD);
        OidcProviderArn ci = OidcProviderArn.parse("acs:ram::11223344:oidc-provider/ci");
        PolicyDocument withAud = READER.readTrustPolicy("""
                {"Version":"1","Statement":[{"Effect":"Allow","Action":"sts:AssumeRole",
                 "Principal":{"Federated":"acs:ram::11223344:oidc-provider/ci"},
                 "Condition":{"StringEquals":{"oidc:sub":"repo:acme/app:ref:refs/heads/main","oidc:aud":"sts"}}}]}""");
        PolicyDocument withoutAud = READER.readTrustPolicy("""
                {"Version":"1","Statement":[{"Effect":"Allow","Action":"sts:AssumeRole",
                 "Principal":{"Federated":"acs:ram::11223344:oidc-provider/ci"},
                 "Condition":{"StringEquals":{"oidc:sub":"repo:acme/app:ref:refs/heads/main"}}}]}""");
        AssumeRoleRequest request = AssumeRoleRequest.of(ci, ROLE, RequestContext.builder()
                .oidcSubject("repo:acme/app:ref:refs/heads/main").oidcAudiences(List.of("sts"))
                .principalType("WebIdentity").principalAccount("11223344").resourceAccount("11223344").build());
        Decision pinned = EVALUATOR.evaluateFederated(request, withAud);
        assertThat(EVALUATOR.evaluateGuardrails(request, withAud, pinned, guardrails).isAllowed()).isTrue();
        Decision unpinned = EVALUATOR.evaluateFederated(request, withoutAud);
        assertThat(unpinned.isAllowed()).isTrue();
        Decision refused = EVALUATOR.evaluateGuardrails(request, withoutAud, unpinned, guardrails);
        assertThat(refused.reason()).isEqualTo("explicit Deny in platform guardrail \"federated-aud\" Statement[0]");
        // users are not federated subjects
        assertThat(decide(bob(null, null, 900, false), guardrails).isAllowed()).isTrue();
    }

    @Test
    void theExplanationShowsEveryGuardrailStatementInNameOrder() {
        GuardrailSet guardrails = set("short-admin", SHORT_ADMIN, "org-only", ORG_ONLY);
        assertThat(guardrails.guardrails()).extracting(Guardrail::name).containsExactly("org-only", "short-admin");
        AssumeRoleRequest request = bob(null, "acme", 7200, false);
        Decision accounts = EVALUATOR.evaluate(request, List.of(GRANT), TRUST);
        Explanation e = EVALUATOR.explainGuardrails(request, TRUST, accounts, guardrails);
        assertThat(e.decision().side()).isEqualTo(DecisionSide.GUARDRAIL);
        assertThat(e.matched()).extracting(m -> m.ref().toString())
                .containsExactly("platform guardrail \"org-only\" Statement[0] (Sid \"OrgOnly\")");
        assertThat(e.unmatched()).singleElement().satisfies(u -> {
            assertThat(u.ref().policyName()).contains("short-admin");
            assertThat(u.failure().orElseThrow().path()).isEqualTo("Statement[0].Condition.Bool.sts:RoleAdminGrade");
        });
        // the decision the exchange takes is the same
        assertThat(EVALUATOR.evaluateGuardrails(request, TRUST, accounts, guardrails).reason()).isEqualTo(e.decision().reason());
    }

    @Test
    void aResourceOutsideTheGuardrailIsNotItsBusiness() {
        GuardrailSet guardrails = set("prod", """
                {"Version":"1","Statement":[{"Effect":"Deny","Action":"sts:*","Resource":"acs:ram::99999999:role/*"}]}""");
        assertThat(decide(bob(null, null, 900, false), guardrails).isAllowed()).isTrue();
        Explanation e = EVALUATOR.explainGuardrails(bob(null, null, 900, false), TRUST,
                EVALUATOR.evaluate(bob(null, null, 900, false), List.of(GRANT), TRUST), guardrails);
        assertThat(e.unmatched()).singleElement().satisfies(u ->
                assertThat(u.failure().orElseThrow().path()).isEqualTo("Statement[0].Resource"));
    }

    @Test
    void namesAreCheckedAndUnique() {
        PolicyDocument doc = READER.readGuardrail(ORG_ONLY);
        assertThatThrownBy(() -> new Guardrail("bad name", doc)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Guardrail("x", TRUST)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> GuardrailSet.of(List.of(new Guardrail("a", doc), new Guardrail("a", doc))))
                .hasMessageContaining("two guardrails are named a");
        assertThat(GuardrailSet.of(List.of())).isSameAs(GuardrailSet.none());
    }

    @Test
    void aLiveSessionIsJudgedOnlyByWhatItRecords() {
        GuardrailSet guardrails = set("org-only", ORG_ONLY, "ip", """
                {"Version":"1","Statement":[{"Effect":"Deny","Action":"sts:AssumeRole","Resource":"*",
                  "Condition":{"NotIpAddress":{"acs:SourceIp":"10.0.0.0/8"}}}]}""");
        // the session does not record its IP: the IP statement must not end it
        assertThat(EVALUATOR.evaluateGuardrailsForLiveSession(bob("acme", "acme", 900, false), guardrails).isAllowed()).isTrue();
        Decision ended = EVALUATOR.evaluateGuardrailsForLiveSession(bob(null, "acme", 900, false), guardrails);
        assertThat(ended.reason()).isEqualTo("explicit Deny in platform guardrail \"org-only\" Statement[0] (Sid \"OrgOnly\")");
        // while a new request without the IP is refused
        assertThat(decide(bob("acme", "acme", 900, false), guardrails).reason()).contains("\"ip\"");
    }
}
