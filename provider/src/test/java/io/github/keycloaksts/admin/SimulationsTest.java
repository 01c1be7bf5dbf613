package io.github.keycloaksts.admin;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import io.github.keycloaksts.admin.representation.SimulationRepresentation;
import io.github.keycloaksts.admin.representation.SimulationRepresentation.StatementResult;
import io.github.keycloaksts.platform.PlatformGuardrails;
import io.github.keycloaksts.policy.arn.RoleArn;
import io.github.keycloaksts.policy.arn.UserArn;
import io.github.keycloaksts.policy.condition.ConditionKey;
import io.github.keycloaksts.policy.condition.RequestContext;
import io.github.keycloaksts.policy.document.PolicyDocument;
import io.github.keycloaksts.policy.document.PolicyReader;
import io.github.keycloaksts.policy.eval.AssumeRoleEvaluator;
import io.github.keycloaksts.policy.eval.AssumeRoleRequest;
import io.github.keycloaksts.policy.eval.Explanation;
import io.github.keycloaksts.policy.eval.Outcome;
import org.junit.jupiter.api.Test;

/** How the simulators turn the policy core's explanation and context into their answer. */
class SimulationsTest {

    static final RoleArn ROLE = RoleArn.of("11223344", "ecs-admin");
    static final UserArn BOB = UserArn.of("99887766", "bob");

    /** Statement[0] names bob but wants an external ID; Statement[1] names another account. */
    static final PolicyDocument TRUST = PolicyReader.defaults().readTrustPolicy("""
            {"Version":"1","Statement":[
              {"Sid":"bob-with-id","Effect":"Allow","Action":"sts:AssumeRole","Principal":{"RAM":["acs:ram::99887766:user/bob"]},
               "Condition":{"StringEquals":{"sts:ExternalId":"a1b2c3"}}},
              {"Effect":"Allow","Action":"sts:AssumeRole","Principal":{"RAM":["55556666"]}}]}""");

    static Explanation explain(RequestContext context) {
        return new AssumeRoleEvaluator().explainTrust(AssumeRoleRequest.of(BOB, ROLE, context), TRUST);
    }

    @Test
    void eachOutcomeHasTheNameTheApiDocuments() {
        assertThat(Simulations.decision(Outcome.ALLOW)).isEqualTo("Allow");
        assertThat(Simulations.decision(Outcome.IMPLICIT_DENY)).isEqualTo("ImplicitDeny");
        assertThat(Simulations.decision(Outcome.EXPLICIT_DENY)).isEqualTo("ExplicitDeny");
    }

    @Test
    void anUnmatchedStatementSaysWhereItIsAndWhatFailedFirst() {
        Explanation explanation = explain(RequestContext.builder().externalId("wrong").build());

        SimulationRepresentation answer = Simulations.representation(explanation, BOB.toString(), ROLE.toString(), "stored",
                Map.of(), null, List.of("a note"));

        assertThat(answer.decision()).isEqualTo("ImplicitDeny");
        assertThat(answer.reason()).isEqualTo(explanation.decision().reason());
        assertThat(answer.principal()).isEqualTo("acs:ram::99887766:user/bob");
        assertThat(answer.roleArn()).isEqualTo("acs:ram::11223344:role/ecs-admin");
        assertThat(answer.policySource()).isEqualTo("stored");
        assertThat(answer.matchedStatements()).isEmpty();
        assertThat(answer.unmatchedStatements()).hasSize(2);
        StatementResult first = answer.unmatchedStatements().get(0);
        assertThat(first.statement()).isEqualTo("Statement[0]");
        assertThat(first.sid()).isEqualTo("bob-with-id");
        assertThat(first.effect()).isEqualTo("Allow");
        // The kind in lower case, the path and detail as the core gives them.
        assertThat(first.failed()).isEqualTo("condition");
        assertThat(first.path()).isEqualTo(explanation.unmatched().get(0).failure().orElseThrow().path());
        assertThat(first.path()).startsWith("Statement[0].Condition");
        assertThat(first.detail()).isEqualTo(explanation.unmatched().get(0).failure().orElseThrow().detail());
        StatementResult second = answer.unmatchedStatements().get(1);
        assertThat(second.statement()).isEqualTo("Statement[1]");
        assertThat(second.sid()).as("no Sid: absent, not empty").isNull();
        assertThat(second.failed()).isEqualTo("principal");
        // A target-side statement is backed by no grant.
        assertThat(first.grantRole()).isNull();
        assertThat(first.grantValue()).isNull();
        assertThat(answer.notes()).containsExactly("a note");
    }

    @Test
    void aMatchedStatementCarriesNoFailure() {
        Explanation explanation = explain(RequestContext.builder().externalId("a1b2c3").build());

        SimulationRepresentation answer = Simulations.representation(explanation, BOB.toString(), ROLE.toString(), "request",
                null, null, List.of());

        assertThat(answer.decision()).isEqualTo("Allow");
        assertThat(answer.matchedStatements()).singleElement().satisfies(s -> {
            assertThat(s.statement()).isEqualTo("Statement[0]");
            assertThat(s.failed()).isNull();
            assertThat(s.path()).isNull();
            assertThat(s.detail()).isNull();
        });
        assertThat(answer.unmatchedStatements()).extracting(StatementResult::statement).containsExactly("Statement[1]");
    }

    @Test
    void theGrantBehindAStatementIsNamedWhenTheCallerKnowsIt() {
        SimulationRepresentation answer = Simulations.representation(explain(RequestContext.empty()), "p", "r", "stored", null, null,
                List.of(), ref -> ref.statementIndex() == 1 ? new String[] {"ecs-console/admin", "acs:ram::11223344:role/*"} : null);

        assertThat(answer.unmatchedStatements().get(0).grantRole()).isNull();
        assertThat(answer.unmatchedStatements().get(1).grantRole()).isEqualTo("ecs-console/admin");
        assertThat(answer.unmatchedStatements().get(1).grantValue()).isEqualTo("acs:ram::11223344:role/*");
    }

    @Test
    void theContextShownUsesCanonicalKeyNamesAndPlainValues() {
        RequestContext context = RequestContext.builder().externalId("e").roleSessionName("bob").sourceClientId("c")
                .durationSeconds(900L).sourceIp("::1").currentTime(Instant.parse("2026-01-01T00:00:00Z"))
                .mfaPresent(true).oidcIssuer("https://issuer").oidcAudiences(List.of("a", "b")).oidcSubject("s")
                .sourceIdentity("acs:ram::12345678:user/bob").requestTags(Map.of("project", "apollo"))
                .principalTags(Map.of("team", "blue")).build();

        Map<String, Object> shown = RoleSimulationResource.contextShown(context);

        // In a fixed order, every key spelled as policies write it; a tag key once per tag.
        assertThat(shown).containsExactly(
                Map.entry("sts:ExternalId", "e"),
                Map.entry("sts:RoleSessionName", "bob"),
                Map.entry("sts:SourceClientId", "c"),
                Map.entry("sts:DurationSeconds", 900L),
                Map.entry("acs:SourceIp", "0:0:0:0:0:0:0:1"), // the address as evaluated, in Java's full form
                Map.entry("acs:CurrentTime", "2026-01-01T00:00:00Z"),
                Map.entry("acs:MFAPresent", true),
                Map.entry("oidc:iss", "https://issuer"),
                Map.entry("oidc:aud", List.of("a", "b")),
                Map.entry("oidc:sub", "s"),
                Map.entry("sts:SourceIdentity", "acs:ram::12345678:user/bob"),
                Map.entry("acs:RequestTag/project", "apollo"),
                Map.entry("acs:TagKeys", List.of("project")),
                Map.entry("acs:PrincipalTag/team", "blue"));
        assertThat(shown.keySet().stream().map(name -> ConditionKey.fromName(name).orElseThrow()).distinct())
                .as("every condition key a caller gives has its entry")
                .hasSize(ConditionKey.values().length - PlatformGuardrails.COMPUTED_KEYS.size());
    }

    @Test
    void anAbsentKeyIsNotShown() {
        assertThat(RoleSimulationResource.contextShown(RequestContext.builder().sourceIp("203.0.113.7").build()))
                .containsExactly(Map.entry("acs:SourceIp", "203.0.113.7"));
        assertThat(RoleSimulationResource.contextShown(RequestContext.empty())).isEmpty();
    }
}
