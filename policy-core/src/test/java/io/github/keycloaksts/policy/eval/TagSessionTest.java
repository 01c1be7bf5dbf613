package io.github.keycloaksts.policy.eval;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;

import io.github.keycloaksts.policy.arn.Arn;
import io.github.keycloaksts.policy.arn.RoleArn;
import io.github.keycloaksts.policy.condition.RequestContext;
import io.github.keycloaksts.policy.document.PolicyDocument;
import io.github.keycloaksts.policy.document.PolicyReader;
import io.github.keycloaksts.policy.document.StsAction;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@code sts:TagSession}: statements apply only to the actions they name; the trust policy alone decides whether a
 * request may tag its session, with tag conditions, for users, role sessions and federated subjects.
 */
class TagSessionTest {

    private static final PolicyReader READER = PolicyReader.defaults();
    private static final AssumeRoleEvaluator EVALUATOR = new AssumeRoleEvaluator();
    private static final RoleArn ROLE = RoleArn.parse("acs:ram::11223344:role/ecs-admin");
    private static final PolicyDocument GRANT = PolicyDocument.allowAssumeRole(List.of("*"));

    private static PolicyDocument trust(String statements) {
        return READER.readTrustPolicy("{\"Version\":\"1\",\"Statement\":[" + statements + "]}");
    }

    private static AssumeRoleRequest bob(RequestContext context) {
        return AssumeRoleRequest.forUser("12345678", "bob", ROLE, context);
    }

    private static final PolicyDocument TAGGING = trust("""
            {"Sid":"Assume","Effect":"Allow","Action":"sts:AssumeRole","Principal":{"RAM":"12345678"}},
            {"Sid":"Tag","Effect":"Allow","Action":"sts:TagSession","Principal":{"RAM":"12345678"},
             "Condition":{"StringEquals":{"acs:RequestTag/Project":["apollo","gemini"]},
                          "StringEqualsIgnoreCase":{"acs:PrincipalTag/Dept":"ops"}}},
            {"Sid":"NoCostCenter","Effect":"Deny","Action":"sts:TagSession","Principal":{"RAM":"12345678"},
             "Condition":{"StringEqualsIgnoreCase":{"acs:TagKeys":"CostCenter"}}}""");

    @Test
    void aTagSessionStatementDoesNotDecideAssumeRole() {
        PolicyDocument tagOnly = trust("""
                {"Effect":"Allow","Action":"sts:TagSession","Principal":{"RAM":"12345678"}}""");
        Decision d = EVALUATOR.evaluate(bob(RequestContext.empty()), List.of(GRANT), tagOnly);
        assertThat(d.outcome()).isEqualTo(Outcome.IMPLICIT_DENY);
        assertThat(d.side()).isEqualTo(DecisionSide.TRUST_POLICY);
        assertThat(d.reason()).isEqualTo("trust policy of acs:ram::11223344:role/ecs-admin does not trust "
                + "acs:ram::12345678:user/bob (no statement names sts:AssumeRole)");
        assertThat(EVALUATOR.explainTrust(bob(RequestContext.empty()), tagOnly).decision().outcome())
                .isEqualTo(Outcome.IMPLICIT_DENY);

        // nor does a Deny about tagging deny the role
        PolicyDocument denyTagging = trust("""
                {"Effect":"Allow","Action":"sts:AssumeRole","Principal":{"RAM":"12345678"}},
                {"Effect":"Deny","Action":["sts:TagSession"],"Principal":{"RAM":"12345678"}}""");
        assertThat(EVALUATOR.evaluate(bob(RequestContext.empty()), List.of(GRANT), denyTagging).isAllowed()).isTrue();
        assertThat(EVALUATOR.evaluateTagSession(bob(RequestContext.empty()), denyTagging).outcome())
                .isEqualTo(Outcome.EXPLICIT_DENY);
    }

    @Test
    void anAssumeRoleStatementDoesNotAllowTagging() {
        PolicyDocument assumeOnly = trust("""
                {"Effect":"Allow","Action":"sts:AssumeRole","Principal":{"RAM":"12345678"}}""");
        Decision d = EVALUATOR.evaluateTagSession(bob(RequestContext.builder().requestTags(Map.of("Project", "x")).build()),
                assumeOnly);
        assertThat(d.outcome()).isEqualTo(Outcome.IMPLICIT_DENY);
        assertThat(d.side()).isEqualTo(DecisionSide.TRUST_POLICY);
        assertThat(d.reason()).isEqualTo("trust policy of acs:ram::11223344:role/ecs-admin does not allow sts:TagSession"
                + " for acs:ram::12345678:user/bob (no statement names sts:TagSession)");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            "sts:*"                             | true | true
            "*"                                 | true | true
            "STS:tagsession"                    | false | true
            "sts:Tag*"                          | false | true
            ["sts:AssumeRole","sts:TagSession"] | true | true
            "sts:Assume*"                       | true | false
            "sts:*Role"                         | true | false
            """)
    void wildcardsNameBothActions(String action, boolean assume, boolean tag) {
        PolicyDocument doc = trust("{\"Effect\":\"Allow\",\"Action\":" + action + ",\"Principal\":{\"RAM\":\"12345678\"}}");
        assertThat(doc.statements().get(0).covers(StsAction.ASSUME_ROLE)).isEqualTo(assume);
        assertThat(doc.statements().get(0).covers(StsAction.TAG_SESSION)).isEqualTo(tag);
        assertThat(EVALUATOR.evaluate(bob(RequestContext.empty()), List.of(GRANT), doc).isAllowed()).isEqualTo(assume);
        assertThat(EVALUATOR.evaluateTagSession(bob(RequestContext.empty()), doc).isAllowed()).isEqualTo(tag);
    }

    @Test
    void tagConditionsDecide() {
        RequestContext good = RequestContext.builder().requestTags(Map.of("project", "apollo"))
                .principalTags(Map.of("DEPT", "OPS")).build();
        Decision allowed = EVALUATOR.evaluateTagSession(bob(good), TAGGING);
        assertThat(allowed.isAllowed()).isTrue();
        assertThat(allowed.decidingStatements()).containsExactly(new StatementRef(DecisionSide.TRUST_POLICY, 0, 1, "Tag"));
        assertThat(allowed.reason()).isEqualTo("allowed: trust policy Statement[1] (Sid \"Tag\") allows sts:TagSession"
                + " for acs:ram::12345678:user/bob");

        Decision wrongValue = EVALUATOR.evaluateTagSession(bob(RequestContext.builder()
                .requestTags(Map.of("Project", "mercury")).principalTags(Map.of("Dept", "ops")).build()), TAGGING);
        assertThat(wrongValue.outcome()).isEqualTo(Outcome.IMPLICIT_DENY);
        assertThat(wrongValue.reason()).isEqualTo("trust policy of acs:ram::11223344:role/ecs-admin does not allow"
                + " sts:TagSession for acs:ram::12345678:user/bob (condition StringEquals acs:RequestTag/Project not met"
                + " in trust policy Statement[1] (Sid \"Tag\"))");

        Decision noPrincipalTag = EVALUATOR.evaluateTagSession(bob(RequestContext.builder()
                .requestTags(Map.of("Project", "apollo")).build()), TAGGING);
        assertThat(noPrincipalTag.reason()).endsWith("(condition StringEqualsIgnoreCase acs:PrincipalTag/Dept not met"
                + " (acs:PrincipalTag/Dept absent) in trust policy Statement[1] (Sid \"Tag\"))");

        Decision denied = EVALUATOR.evaluateTagSession(bob(RequestContext.builder()
                .requestTags(Map.of("Project", "apollo", "costcenter", "12")).principalTags(Map.of("Dept", "ops")).build()),
                TAGGING);
        assertThat(denied.outcome()).isEqualTo(Outcome.EXPLICIT_DENY);
        assertThat(denied.decidingStatements()).containsExactly(new StatementRef(DecisionSide.TRUST_POLICY, 0, 2, "NoCostCenter"));

        // the role itself is still assumed by the AssumeRole statement, tags or not
        assertThat(EVALUATOR.evaluate(bob(RequestContext.empty()), List.of(GRANT), TAGGING).isAllowed()).isTrue();
    }

    @Test
    void aRoleSessionIsMatchedByItsRoleAndSourceIdentity() {
        PolicyDocument doc = trust("""
                {"Effect":"Allow","Action":["sts:AssumeRole","sts:TagSession"],"Principal":{"RAM":"acs:ram::12345678:role/ops"},
                 "Condition":{"StringLike":{"sts:SourceIdentity":"acs:ram::12345678:user/*"}}}""");
        AssumeRoleRequest chained = AssumeRoleRequest.of(Arn.parse("acs:ram::12345678:role/ops/s1"), ROLE,
                RequestContext.builder().sourceIdentity("acs:ram::12345678:user/bob").requestTags(Map.of("a", "b")).build());
        assertThat(EVALUATOR.evaluate(chained, List.of(GRANT), doc).isAllowed()).isTrue();
        assertThat(EVALUATOR.evaluateTagSession(chained, doc).isAllowed()).isTrue();
        AssumeRoleRequest noSource = AssumeRoleRequest.of(Arn.parse("acs:ram::12345678:role/ops/s1"), ROLE,
                RequestContext.builder().requestTags(Map.of("a", "b")).build());
        assertThat(EVALUATOR.evaluateTagSession(noSource, doc).isAllowed()).isFalse();
    }

    @Test
    void federatedRequestsMayTagToo() {
        PolicyDocument doc = trust("""
                {"Effect":"Allow","Action":"sts:AssumeRole","Principal":{"Federated":"acs:ram::11223344:oidc-provider/gh"},
                 "Condition":{"StringEquals":{"oidc:sub":"repo:org/app:ref:refs/heads/main"}}},
                {"Effect":"Allow","Action":"sts:TagSession","Principal":{"Federated":"acs:ram::11223344:oidc-provider/gh"},
                 "Condition":{"StringEquals":{"oidc:sub":"repo:org/app:ref:refs/heads/main"},
                              "StringLike":{"acs:RequestTag/Repo":"org/*"}}}""");
        Arn provider = Arn.parse("acs:ram::11223344:oidc-provider/gh");
        RequestContext main = RequestContext.builder().oidcSubject("repo:org/app:ref:refs/heads/main")
                .requestTags(Map.of("Repo", "org/app")).build();
        assertThat(EVALUATOR.evaluateFederated(AssumeRoleRequest.of(provider, ROLE, main), doc).isAllowed()).isTrue();
        assertThat(EVALUATOR.evaluateTagSession(AssumeRoleRequest.of(provider, ROLE, main), doc).isAllowed()).isTrue();
        RequestContext otherRepo = RequestContext.builder().oidcSubject("repo:org/app:ref:refs/heads/main")
                .requestTags(Map.of("Repo", "evil/app")).build();
        assertThat(EVALUATOR.evaluateTagSession(AssumeRoleRequest.of(provider, ROLE, otherRepo), doc).outcome())
                .isEqualTo(Outcome.IMPLICIT_DENY);

        // evaluateFederated ignores a statement about tagging alone
        PolicyDocument tagOnly = trust("""
                {"Effect":"Allow","Action":"sts:TagSession","Principal":{"Federated":"acs:ram::11223344:oidc-provider/gh"},
                 "Condition":{"StringEquals":{"oidc:sub":"repo:org/app:ref:refs/heads/main"}}}""");
        Decision d = EVALUATOR.evaluateFederated(AssumeRoleRequest.of(provider, ROLE, main), tagOnly);
        assertThat(d.outcome()).isEqualTo(Outcome.IMPLICIT_DENY);
        assertThat(d.reason()).endsWith("(no statement names sts:AssumeRole)");
    }

    @Test
    void theExplanationNamesStatementsAboutAnotherAction() {
        RequestContext good = RequestContext.builder().requestTags(Map.of("Project", "apollo"))
                .principalTags(Map.of("Dept", "ops")).build();
        Explanation tagging = EVALUATOR.explainTagSession(bob(good), TAGGING);
        assertThat(tagging.decision()).usingRecursiveComparison().isEqualTo(EVALUATOR.evaluateTagSession(bob(good), TAGGING));
        assertThat(tagging.matched()).extracting(s -> s.ref().statementIndex()).containsExactly(1);
        StatementExplanation.Failure action = tagging.unmatched().get(0).failure().orElseThrow();
        assertThat(action.kind()).isEqualTo(StatementExplanation.FailureKind.ACTION);
        assertThat(action.path()).isEqualTo("Statement[0].Action");
        assertThat(action.detail()).isEqualTo("does not name sts:TagSession");
        StatementExplanation.Failure tagKeys = tagging.unmatched().get(1).failure().orElseThrow();
        assertThat(tagKeys.path()).isEqualTo("Statement[2].Condition.StringEqualsIgnoreCase.acs:TagKeys");

        Explanation assuming = EVALUATOR.explainTrust(bob(good), TAGGING);
        assertThat(assuming.matched()).extracting(s -> s.ref().statementIndex()).containsExactly(0);
        assertThat(assuming.unmatched()).extracting(s -> s.failure().orElseThrow().path())
                .containsExactly("Statement[1].Action", "Statement[2].Action");

        Explanation unmet = EVALUATOR.explainTagSession(bob(RequestContext.empty()), TAGGING);
        assertThat(unmet.unmatched().get(1).failure().orElseThrow().path())
                .isEqualTo("Statement[1].Condition.StringEquals.acs:RequestTag/Project");
        assertThat(unmet.unmatched().get(1).failure().orElseThrow().detail())
                .isEqualTo("condition StringEquals acs:RequestTag/Project not met (acs:RequestTag/Project absent)");
    }

    @Test
    void aDocumentKnowsWhetherEveryStatementNamesAnAction() {
        PolicyDocument assumeOnly = trust("""
                {"Effect":"Allow","Action":"sts:AssumeRole","Principal":{"RAM":"12345678"}},
                {"Effect":"Deny","Action":"*","Principal":{"RAM":"87654321"}}""");
        assertThat(assumeOnly.everyStatementCovers(StsAction.ASSUME_ROLE)).isTrue();
        assertThat(assumeOnly.everyStatementCovers(StsAction.TAG_SESSION)).isFalse();
        assertThat(TAGGING.everyStatementCovers(StsAction.ASSUME_ROLE)).isFalse();
        assertThat(TAGGING.everyStatementCovers(StsAction.TAG_SESSION)).isFalse();
        assertThat(trust("").everyStatementCovers(StsAction.TAG_SESSION)).isTrue();
        assertThat(GRANT.everyStatementCovers(StsAction.ASSUME_ROLE)).isTrue();
        assertThat(EVALUATOR.evaluate(bob(RequestContext.empty()), List.of(GRANT), trust("")).reason())
                .endsWith("(no statement matched principal)");
    }

    @Test
    void failsClosed() {
        assertThat(EVALUATOR.evaluateTagSession(null, TAGGING).reason())
                .isEqualTo("evaluation error: NullPointerException: request is null");
        Decision noTrust = EVALUATOR.evaluateTagSession(bob(RequestContext.empty()), null);
        assertThat(noTrust.outcome()).isEqualTo(Outcome.IMPLICIT_DENY);
        assertThat(noTrust.reason()).isEqualTo("evaluation error: NullPointerException: trust policy is null");
        assertThat(EVALUATOR.evaluateTagSession(bob(RequestContext.empty()), GRANT).reason())
                .isEqualTo("evaluation error: IllegalArgumentException: trust policy is a permission policy, expected a trust policy");
        assertThat(EVALUATOR.explainTagSession(bob(RequestContext.empty()), GRANT).statements()).isEmpty();
    }
}
