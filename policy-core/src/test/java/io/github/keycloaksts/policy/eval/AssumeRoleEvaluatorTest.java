package io.github.keycloaksts.policy.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.AbstractList;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import io.github.keycloaksts.policy.PolicyValidationException;
import io.github.keycloaksts.policy.arn.AccountArn;
import io.github.keycloaksts.policy.arn.RoleArn;
import io.github.keycloaksts.policy.condition.RequestContext;
import io.github.keycloaksts.policy.document.PolicyDocument;
import io.github.keycloaksts.policy.document.PolicyReader;
import org.junit.jupiter.api.Test;

class AssumeRoleEvaluatorTest {

    private static final PolicyReader READER = PolicyReader.defaults();
    private static final AssumeRoleEvaluator EVALUATOR = new AssumeRoleEvaluator();
    private static final RoleArn ECS_ADMIN = RoleArn.parse("acs:ram::11223344:role/ecs-admin");
    private static final PolicyDocument SEED_TRUST = READER.readTrustPolicy("""
            {"Version":"1","Statement":[{"Action":"sts:AssumeRole","Effect":"Allow",
             "Principal":{"RAM":["acs:ram::12345678:root"]}}]}""");
    private static final PolicyDocument BOB_GRANT = PolicyDocument.allowAssumeRole(List.of("acs:ram::11223344:role/ecs-admin"));
    private static final AssumeRoleRequest BOB = AssumeRoleRequest.forUser("12345678", "bob", ECS_ADMIN, RequestContext.empty());

    @Test
    void seedScenario() {
        Decision allow = EVALUATOR.evaluate(BOB, List.of(BOB_GRANT), SEED_TRUST);
        assertThat(allow.isAllowed()).isTrue();
        assertThat(allow.outcome()).isEqualTo(Outcome.ALLOW);
        assertThat(allow.side()).isEqualTo(DecisionSide.NONE);
        assertThat(allow.decidingStatements()).containsExactly(
                new StatementRef(DecisionSide.SOURCE_GRANT, 0, 0, null), new StatementRef(DecisionSide.TRUST_POLICY, 0, 0, null));

        Decision noGrant = EVALUATOR.evaluate(BOB, List.of(), SEED_TRUST);
        assertThat(noGrant.outcome()).isEqualTo(Outcome.IMPLICIT_DENY);
        assertThat(noGrant.side()).isEqualTo(DecisionSide.SOURCE_GRANT);

        AssumeRoleRequest other = AssumeRoleRequest.forUser("87654321", "bob", ECS_ADMIN, RequestContext.empty());
        Decision otherAccount = EVALUATOR.evaluate(other, List.of(BOB_GRANT), SEED_TRUST);
        assertThat(otherAccount.outcome()).isEqualTo(Outcome.IMPLICIT_DENY);
        assertThat(otherAccount.side()).isEqualTo(DecisionSide.TRUST_POLICY);
        assertThat(otherAccount.reason()).isEqualTo("trust policy of acs:ram::11223344:role/ecs-admin does not trust "
                + "acs:ram::87654321:user/bob (no statement matched principal)");

        PolicyDocument withDeny = READER.readTrustPolicy("""
                {"Version":"1","Statement":[
                  {"Action":"sts:AssumeRole","Effect":"Allow","Principal":{"RAM":["acs:ram::12345678:root"]}},
                  {"Sid":"NoBob","Action":"sts:AssumeRole","Effect":"Deny","Principal":{"RAM":["acs:ram::12345678:user/bob"]}}]}""");
        Decision denied = EVALUATOR.evaluate(BOB, List.of(BOB_GRANT), withDeny);
        assertThat(denied.outcome()).isEqualTo(Outcome.EXPLICIT_DENY);
        assertThat(denied.side()).isEqualTo(DecisionSide.TRUST_POLICY);
        assertThat(denied.decidingStatements()).containsExactly(new StatementRef(DecisionSide.TRUST_POLICY, 0, 1, "NoBob"));
        assertThat(denied.reason()).isEqualTo("explicit Deny in trust policy Statement[1] (Sid \"NoBob\")");
        assertThat(denied.toString()).isEqualTo("EXPLICIT_DENY (trust policy): explicit Deny in trust policy Statement[1] (Sid \"NoBob\")");
    }

    @Test
    void failsClosedOnBadArguments() {
        assertThat(EVALUATOR.evaluate(null, List.of(BOB_GRANT), SEED_TRUST))
                .satisfies(d -> {
                    assertThat(d.outcome()).isEqualTo(Outcome.IMPLICIT_DENY);
                    assertThat(d.side()).isEqualTo(DecisionSide.NONE);
                    assertThat(d.reason()).isEqualTo("evaluation error: NullPointerException: request is null");
                });
        assertThat(EVALUATOR.evaluate(BOB, null, SEED_TRUST).reason())
                .isEqualTo("evaluation error: NullPointerException: source identity policies are null");
        Decision nullTrust = EVALUATOR.evaluate(BOB, List.of(BOB_GRANT), null);
        assertThat(nullTrust.outcome()).isEqualTo(Outcome.IMPLICIT_DENY);
        assertThat(nullTrust.side()).isEqualTo(DecisionSide.TRUST_POLICY);
        assertThat(nullTrust.reason()).isEqualTo("evaluation error: NullPointerException: trust policy is null");

        Decision swapped = EVALUATOR.evaluate(BOB, List.of(SEED_TRUST), BOB_GRANT);
        assertThat(swapped.outcome()).isEqualTo(Outcome.IMPLICIT_DENY);
        assertThat(swapped.side()).isEqualTo(DecisionSide.SOURCE_GRANT);
        assertThat(swapped.reason()).isEqualTo("evaluation error: IllegalArgumentException: "
                + "source grant #0 is a trust policy, expected a permission policy");

        Decision wrongTrust = EVALUATOR.evaluate(BOB, List.of(BOB_GRANT), BOB_GRANT);
        assertThat(wrongTrust.reason()).isEqualTo("evaluation error: IllegalArgumentException: "
                + "trust policy is a permission policy, expected a trust policy");
        assertThat(wrongTrust.side()).isEqualTo(DecisionSide.TRUST_POLICY);
    }

    @Test
    void failsClosedOnInternalErrors() {
        List<PolicyDocument> exploding = new AbstractList<>() {
            @Override
            public PolicyDocument get(int index) {
                throw new IllegalStateException("boom");
            }

            @Override
            public int size() {
                return 1;
            }
        };
        Decision d = EVALUATOR.evaluate(BOB, exploding, SEED_TRUST);
        assertThat(d.isAllowed()).isFalse();
        assertThat(d.outcome()).isEqualTo(Outcome.IMPLICIT_DENY);
        assertThat(d.reason()).isEqualTo("evaluation error: IllegalStateException: boom");
        assertThat(d.decidingStatements()).isEmpty();
    }

    @Test
    void requestsComeFromUsersOrRoleSessions() {
        assertThatThrownBy(() -> AssumeRoleRequest.of(AccountArn.of("12345678"), ECS_ADMIN, RequestContext.empty()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("the source must be a user, a role session or an OIDC provider: acs:ram::12345678:root");
        assertThatThrownBy(() -> AssumeRoleRequest.forUser("123", "bob", ECS_ADMIN, RequestContext.empty()))
                .isInstanceOf(PolicyValidationException.class);
        assertThat(BOB.source().toString()).isEqualTo("acs:ram::12345678:user/bob");
        assertThat(BOB.role()).isEqualTo(ECS_ADMIN);
        assertThat(BOB.principalKey().user()).isEqualTo("12345678/bob");
    }

    @Test
    void sourceGrantsNameTheInvalidValue() {
        assertThatThrownBy(() -> PolicyDocument.allowAssumeRole(List.of("acs:ram::11223344:role/ecs-admin", "ecs-admin")))
                .isInstanceOf(PolicyValidationException.class)
                .hasMessage("Statement[0].Resource[1]: not an ARN pattern: \"ecs-admin\" (expected acs:ram:... or *)");
        assertThatThrownBy(() -> PolicyDocument.allowAssumeRole(Arrays.asList((String) null)))
                .hasMessage("Statement[0].Resource[0]: must be a string");
        assertThatThrownBy(() -> PolicyDocument.allowAssumeRole(null)).hasMessage("Statement[0].Resource: patterns are null");
        assertThatThrownBy(() -> PolicyDocument.allowAssumeRole(List.of("acs:ram::11223344:user/bob")))
                .hasMessage("Statement[0].Resource[0]: not a role ARN: \"acs:ram::11223344:user/bob\"");
        PolicyDocument grant = PolicyDocument.allowAssumeRole(List.of("acs:ram::11223344:role/*", "*"));
        assertThat(grant).isEqualTo(PolicyDocument.allowAssumeRole(List.of("acs:ram::11223344:role/*", "*")));
        assertThat(grant.toString()).isEqualTo("{\"Version\":\"1\",\"Statement\":[{\"Effect\":\"Allow\","
                + "\"Action\":[\"sts:AssumeRole\"],\"Resource\":[\"acs:ram::11223344:role/*\",\"*\"]}]}");
        assertThat(READER.readPermissionPolicy(grant.toString())).isEqualTo(grant);
        assertThat(PolicyDocument.allowAssumeRole(List.of()).statements()).isEmpty();
    }

    @Test
    void principalLookupDoesNotDependOnPosition() {
        String principals = IntStream.range(0, 2_000).mapToObj(i -> "\"acs:ram::" + (10_000_000 + i) + ":user/u" + i + "\"")
                .collect(Collectors.joining(","));
        PolicyDocument trust = READER.readTrustPolicy("{\"Version\":\"1\",\"Statement\":[{\"Effect\":\"Allow\","
                + "\"Action\":\"sts:AssumeRole\",\"Principal\":{\"RAM\":[" + principals + "]}}]}");
        assertThat(trust.statements().get(0).principals().size()).isEqualTo(2_000);
        AssumeRoleRequest last = AssumeRoleRequest.forUser("10001999", "U1999", ECS_ADMIN, RequestContext.empty());
        assertThat(EVALUATOR.evaluate(last, List.of(BOB_GRANT), trust).isAllowed()).isTrue();
        AssumeRoleRequest wrongUser = AssumeRoleRequest.forUser("10001999", "u1998", ECS_ADMIN, RequestContext.empty());
        assertThat(EVALUATOR.evaluate(wrongUser, List.of(BOB_GRANT), trust).side()).isEqualTo(DecisionSide.TRUST_POLICY);
    }

    @Test
    void isThreadSafe() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<Boolean>> results = new ArrayList<>();
            for (int i = 0; i < 2_000; i++) {
                boolean allowed = i % 2 == 0;
                AssumeRoleRequest r = AssumeRoleRequest.forUser(allowed ? "12345678" : "87654321", "u" + i, ECS_ADMIN,
                        RequestContext.empty());
                results.add(pool.submit(() -> EVALUATOR.evaluate(r, List.of(BOB_GRANT), SEED_TRUST).isAllowed() == allowed));
            }
            for (Future<Boolean> f : results) {
                assertThat(f.get()).isTrue();
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
