package io.github.keycloaksts.policy.eval;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import io.github.keycloaksts.policy.arn.AccountArn;
import io.github.keycloaksts.policy.arn.Arn;
import io.github.keycloaksts.policy.arn.RoleArn;
import io.github.keycloaksts.policy.condition.RequestContext;
import io.github.keycloaksts.policy.document.PolicyDocument;
import io.github.keycloaksts.policy.document.PolicyReader;
import org.junit.jupiter.api.Test;

/** The simulators' explanations: what matched, and for each statement that did not, the first failure and its path. */
class ExplanationTest {

    private static final PolicyReader READER = PolicyReader.defaults();
    private static final AssumeRoleEvaluator EVALUATOR = new AssumeRoleEvaluator();
    private static final RoleArn ROLE = RoleArn.parse("acs:ram::11223344:role/ecs-admin");
    private static final PolicyDocument TRUST = READER.readTrustPolicy("""
            {"Version":"1","Statement":[
              {"Sid":"Alice","Effect":"Allow","Action":"sts:AssumeRole","Principal":{"RAM":"acs:ram::12345678:user/alice"}},
              {"Sid":"WithExternalId","Effect":"Allow","Action":"sts:AssumeRole","Principal":{"RAM":"12345678"},
               "Condition":{"StringEquals":{"sts:ExternalId":"a1b2c3"}}},
              {"Sid":"NoNightShift","Effect":"Deny","Action":"sts:AssumeRole","Principal":{"RAM":"acs:ram::12345678:user/night"}}]}""");

    private static AssumeRoleRequest bob(RequestContext context) {
        return AssumeRoleRequest.of(Arn.parse("acs:ram::12345678:user/bob"), ROLE, context);
    }

    @Test
    void anUnmetConditionIsNamedWithItsPathAndWithoutItsValues() {
        Explanation e = EVALUATOR.explainTrust(bob(RequestContext.builder().externalId("wrong").build()), TRUST);

        assertThat(e.decision().outcome()).isEqualTo(Outcome.IMPLICIT_DENY);
        assertThat(e.matched()).isEmpty();
        assertThat(e.unmatched()).hasSize(3);
        StatementExplanation.Failure principal = e.unmatched().get(0).failure().orElseThrow();
        assertThat(principal.kind()).isEqualTo(StatementExplanation.FailureKind.PRINCIPAL);
        assertThat(principal.path()).isEqualTo("Statement[0].Principal.RAM");
        StatementExplanation.Failure condition = e.unmatched().get(1).failure().orElseThrow();
        assertThat(condition.kind()).isEqualTo(StatementExplanation.FailureKind.CONDITION);
        assertThat(condition.path()).isEqualTo("Statement[1].Condition.StringEquals.sts:ExternalId");
        assertThat(condition.detail()).doesNotContain("a1b2c3").doesNotContain("wrong");
        assertThat(e.unmatched().get(1).ref().sid()).contains("WithExternalId");
    }

    @Test
    void anAllowNamesTheMatchingStatement() {
        Explanation e = EVALUATOR.explainTrust(bob(RequestContext.builder().externalId("a1b2c3").build()), TRUST);

        assertThat(e.decision().outcome()).isEqualTo(Outcome.ALLOW);
        assertThat(e.matched()).extracting(s -> s.ref().statementIndex()).containsExactly(1);
    }

    @Test
    void anExplicitDenyWins() {
        Explanation e = EVALUATOR.explainTrust(AssumeRoleRequest.of(Arn.parse("acs:ram::12345678:user/night"), ROLE,
                RequestContext.builder().externalId("a1b2c3").build()), TRUST);

        assertThat(e.decision().outcome()).isEqualTo(Outcome.EXPLICIT_DENY);
        assertThat(e.matched()).extracting(s -> s.ref().statementIndex()).containsExactly(1, 2);
    }

    @Test
    void anAccountMatchesOnlyStatementsNamingTheAccount() {
        Explanation e = EVALUATOR.explainTrust(AssumeRoleRequest.forAnyUserOf(AccountArn.of("12345678"), ROLE,
                RequestContext.builder().externalId("a1b2c3").build()), TRUST);

        assertThat(e.decision().outcome()).isEqualTo(Outcome.ALLOW);
        assertThat(e.matched()).extracting(s -> s.ref().statementIndex()).containsExactly(1);
    }

    @Test
    void theSourceSideExplainsResourcesThatDoNotMatch() {
        Explanation e = EVALUATOR.explainSource(bob(RequestContext.empty()),
                List.of(PolicyDocument.allowAssumeRole(List.of("acs:ram::11223344:role/rds-*"))));

        assertThat(e.decision().outcome()).isEqualTo(Outcome.IMPLICIT_DENY);
        assertThat(e.decision().side()).isEqualTo(DecisionSide.SOURCE_GRANT);
        assertThat(e.unmatched().get(0).failure().orElseThrow().path()).isEqualTo("Statement[0].Resource");
    }

    @Test
    void anEvaluationErrorExplainsNothingAndDenies() {
        Explanation e = EVALUATOR.explainTrust(bob(RequestContext.empty()), PolicyDocument.allowAssumeRole(List.of("*")));

        assertThat(e.decision().outcome()).isEqualTo(Outcome.IMPLICIT_DENY);
        assertThat(e.decision().reason()).startsWith("evaluation error");
        assertThat(e.statements()).isEmpty();
    }
}
