package io.github.keycloaksts.bench;

import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.github.keycloaksts.policy.arn.RoleArn;
import io.github.keycloaksts.policy.condition.RequestContext;
import io.github.keycloaksts.policy.document.PolicyDocument;
import io.github.keycloaksts.policy.eval.AssumeRoleEvaluator;
import io.github.keycloaksts.policy.eval.AssumeRoleRequest;
import io.github.keycloaksts.policy.eval.Decision;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * One AssumeRole decision over parsed, cached documents (the request object is built per call,
 * as the token exchange will). {@code evaluate}: trust policies of {@code statements} statements
 * of {@code principals} user principals each, the requester being the last principal of the
 * last statement; result ALLOW. See {@link SeedBenchmark} for the seed scenario's documents.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@State(Scope.Benchmark)
public class EvaluationBenchmark {

    private static final RoleArn ROLE = RoleArn.parse("acs:ram::11223344:role/ecs-admin");

    @Param({"1", "100", "2000"})
    public int principals;

    @Param({"1", "50"})
    public int statements;

    private final AssumeRoleEvaluator evaluator = new AssumeRoleEvaluator();
    private List<PolicyDocument> grants;
    private PolicyDocument trust;
    private RequestContext context;

    @Setup(Level.Trial)
    public void setUp() {
        grants = List.of(PolicyDocument.allowAssumeRole(List.of("acs:ram::11223344:role/ecs-admin")));
        trust = Fixtures.trustPolicy(principals, statements);
        context = RequestContext.builder().externalId("a1b2c3").sourceIp("10.1.2.3").roleSessionName("bob")
                .currentTime(Instant.parse("2026-01-01T00:00:00Z")).mfaPresent(false).sourceClientId("app").build();
        if (!evaluate().isAllowed()) {
            throw new IllegalStateException("benchmark fixtures do not decide as expected");
        }
    }

    @Benchmark
    public Decision evaluate() {
        return evaluator.evaluate(AssumeRoleRequest.forUser("12345678", "bob", ROLE, context), grants, trust);
    }
}
