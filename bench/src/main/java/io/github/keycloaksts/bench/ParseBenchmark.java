package io.github.keycloaksts.bench;

import java.util.List;
import java.util.concurrent.TimeUnit;

import io.github.keycloaksts.policy.document.PolicyDocument;
import io.github.keycloaksts.policy.document.PolicyReader;
import io.github.keycloaksts.policy.document.PolicyWriter;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;

/** Cost of reading documents (what a cache of parsed documents saves per request). */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@State(Scope.Benchmark)
public class ParseBenchmark {

    private final PolicyReader reader = PolicyReader.defaults();
    private final PolicyDocument seed = reader.readTrustPolicy(Fixtures.SEED_TRUST);
    private final List<String> grantValues = List.of("acs:ram::11223344:role/ecs-admin", "acs:ram:*:11223344:role/ecs-*");

    @Benchmark
    public PolicyDocument parseSeedTrustPolicy() {
        return reader.readTrustPolicy(Fixtures.SEED_TRUST);
    }

    @Benchmark
    public PolicyDocument parseSeedTrustPolicyWithConditions() {
        return reader.readTrustPolicy(Fixtures.SEED_TRUST_WITH_CONDITIONS);
    }

    @Benchmark
    public PolicyDocument sourceGrantsFromAttributeValues() {
        return PolicyDocument.allowAssumeRole(grantValues);
    }

    @Benchmark
    public String writeSeedTrustPolicy() {
        return PolicyWriter.toJson(seed);
    }
}
