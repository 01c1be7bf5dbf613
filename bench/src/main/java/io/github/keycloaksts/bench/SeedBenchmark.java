package io.github.keycloaksts.bench;

import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.github.keycloaksts.policy.arn.RoleArn;
import io.github.keycloaksts.policy.condition.RequestContext;
import io.github.keycloaksts.policy.document.PolicyDocument;
import io.github.keycloaksts.policy.document.PolicyReader;
import io.github.keycloaksts.policy.eval.AssumeRoleEvaluator;
import io.github.keycloaksts.policy.eval.AssumeRoleRequest;
import io.github.keycloaksts.policy.eval.Decision;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * The seed scenario's decision (bob of 12345678 assuming acs:ram::11223344:role/ecs-admin, trusted
 * through acs:ram::12345678:root, granted by an sts.assume-role value): allowed, allowed with two
 * conditions, and denied by the trust policy (another account). Documents parsed once; the
 * request object is built per call.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@State(Scope.Benchmark)
public class SeedBenchmark {

    private static final RoleArn ROLE = RoleArn.parse("acs:ram::11223344:role/ecs-admin");

    private final AssumeRoleEvaluator evaluator = new AssumeRoleEvaluator();
    private List<PolicyDocument> grants;
    private PolicyDocument trust;
    private PolicyDocument trustWithConditions;
    private RequestContext context;

    @Setup(Level.Trial)
    public void setUp() {
        grants = List.of(PolicyDocument.allowAssumeRole(List.of("acs:ram::11223344:role/ecs-admin")));
        trust = PolicyReader.defaults().readTrustPolicy(Fixtures.SEED_TRUST);
        trustWithConditions = PolicyReader.defaults().readTrustPolicy(Fixtures.SEED_TRUST_WITH_CONDITIONS);
        context = RequestContext.builder().externalId("a1b2c3").sourceIp("10.1.2.3").roleSessionName("bob")
                .currentTime(Instant.parse("2026-01-01T00:00:00Z")).mfaPresent(false).sourceClientId("app").build();
        if (!seed().isAllowed() || !seedWithConditions().isAllowed() || seedDenied().isAllowed()) {
            throw new IllegalStateException("benchmark fixtures do not decide as expected");
        }
    }

    @Benchmark
    public Decision seed() {
        return evaluator.evaluate(AssumeRoleRequest.forUser("12345678", "bob", ROLE, context), grants, trust);
    }

    @Benchmark
    public Decision seedWithConditions() {
        return evaluator.evaluate(AssumeRoleRequest.forUser("12345678", "bob", ROLE, context), grants, trustWithConditions);
    }

    @Benchmark
    public Decision seedDenied() {
        return evaluator.evaluate(AssumeRoleRequest.forUser("87654321", "mallory", ROLE, context), grants, trust);
    }
}
