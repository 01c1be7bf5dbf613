package io.github.keycloaksts.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.util.List;
import java.util.Random;

import io.github.keycloaksts.policy.document.PolicyDocument;
import io.github.keycloaksts.policy.document.PolicyKind;
import io.github.keycloaksts.policy.document.PolicyReader;
import io.github.keycloaksts.policy.document.PolicyWriter;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Mutation fuzzing with jqwik, running with the regular tests (the coverage-guided Jazzer run is
 * {@link PolicyReaderFuzzTest}): valid documents are damaged with byte flips, truncations,
 * deletions, duplicated slices and injected tokens (nesting bombs, huge numbers, control
 * characters, unpaired surrogates, non-ASCII text, hostile ARNs), then read as every kind of
 * policy. The reader may only throw {@link PolicyValidationException} (never its internal-error
 * safety net), and whatever it accepts must round-trip.
 */
class PolicyReaderMutationTest {

    private static final PolicyReader READER = PolicyReader.defaults();

    private static final List<String> SEEDS = List.of(
            "{\"Version\":\"1\",\"Statement\":[{\"Action\":\"sts:AssumeRole\",\"Effect\":\"Allow\",\"Principal\":{\"RAM\":[\"acs:ram::12345678:root\"]}}]}",
            "{\"Version\":\"1\",\"Statement\":[{\"Sid\":\"A\",\"Effect\":\"Allow\",\"Action\":[\"sts:AssumeRole\",\"sts:*\"],"
                    + "\"Principal\":{\"RAM\":[\"12345678\",\"acs:ram::87654321:user/alice\",\"acs:ram::12345678:role/ops\"]},"
                    + "\"Condition\":{\"StringEquals\":{\"sts:ExternalId\":\"a1b2c3\"},\"IpAddress\":{\"acs:SourceIp\":[\"10.0.0.0/8\",\"2001:db8::/32\"]},"
                    + "\"DateLessThan\":{\"acs:CurrentTime\":\"2030-01-01T00:00:00Z\"},\"Bool\":{\"acs:MFAPresent\":true},"
                    + "\"NumericLessThanEquals\":{\"sts:DurationSeconds\":3600}}},"
                    + "{\"Sid\":\"B\",\"Effect\":\"Deny\",\"Action\":\"sts:AssumeRole\",\"Principal\":{\"RAM\":\"acs:ram::12345678:user/eve\"}}]}",
            "{\"Version\":\"1\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"sts:AssumeRole\",\"Resource\":[\"acs:ram::11223344:role/ecs-admin\","
                    + "\"acs:ram:*:11223344:role/ecs-*\",\"*\"],\"Condition\":{\"StringLike\":{\"sts:SourceClientId\":\"ops-*\"}}}]}",
            "{\"Version\":\"1\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":[\"sts:AssumeRole\",\"sts:TagSession\"],"
                    + "\"Principal\":{\"RAM\":\"12345678\"},\"Condition\":{\"StringEquals\":{\"acs:RequestTag/Project\":[\"apollo\"],"
                    + "\"acs:PrincipalTag/Cost Center\":\"12\",\"sts:SourceIdentity\":\"acs:ram::12345678:user/bob\"},"
                    + "\"StringNotEqualsIgnoreCase\":{\"acs:TagKeys\":\"Admin\"}}},"
                    + "{\"Effect\":\"Deny\",\"Action\":\"sts:Tag*\",\"Principal\":{\"RAM\":\"acs:ram::12345678:role/ops\"}}]}",
            "{\"Version\":\"1\",\"Statement\":{\"Effect\":\"Deny\",\"Action\":\"*\",\"Resource\":[\"AliyunECS*\",\"app/??\"],"
                    + "\"Condition\":{\"NotIpAddress\":{\"acs:SourceIp\":\"::ffff:10.0.0.1\"},\"DateGreaterThanEquals\":{\"acs:CurrentTime\":\"2019-08-12T17:00:00+08:00\"}}}}");

    private static final List<String> TOKENS = List.of("{", "}", "[", "]", "\"", ":", ",", "null", "true", "1", "-0.0",
            "\"Statement\"", "\"Version\"", "\"Effect\"", "\"Principal\"", "\"RAM\"", "\"Resource\"", "\"Condition\"",
            "\"*\"", "\"acs:ram::12345678:root\"", "\"acs:ram::12345678:role/x/y\"", "\"acs:ram:*:*:*\"",
            "\\u0000", "\\ud800", "\\udfff", "\u00e9", "\ud83d\ude00", "\u0000", "\ud800", "9".repeat(300), "1e999999999",
            "[".repeat(40), "{\"a\":".repeat(30), "\"" + "x".repeat(2_000) + "\"", "\"StringEquals\"", "\"IpAddress\"",
            "\"10.0.0.0/99\"", "\"2025-02-30T00:00:00Z\"", "\"*a*a*a*a*a*a*b\"", "\"Deny\"", "\"Allow\"",
            "\"acs:RequestTag/\"", "\"acs:PrincipalTag/x\"", "\"acs:TagKeys\"", "\"sts:TagSession\"", "/", "acs:", "#");

    @Provide
    Arbitrary<String> mutants() {
        return Arbitraries.randomValue(PolicyReaderMutationTest::mutate);
    }

    static String mutate(Random random) {
        StringBuilder sb = new StringBuilder(SEEDS.get(random.nextInt(SEEDS.size())));
        int rounds = 1 + random.nextInt(5);
        for (int r = 0; r < rounds && sb.length() > 0; r++) {
            int pos = random.nextInt(sb.length());
            switch (random.nextInt(6)) {
                case 0 -> sb.setCharAt(pos, (char) (sb.charAt(pos) ^ (1 << random.nextInt(16))));
                case 1 -> sb.setLength(pos);
                case 2 -> sb.delete(pos, Math.min(sb.length(), pos + 1 + random.nextInt(20)));
                case 3 -> sb.insert(pos, TOKENS.get(random.nextInt(TOKENS.size())));
                case 4 -> {
                    int end = Math.min(sb.length(), pos + 1 + random.nextInt(60));
                    sb.insert(end, sb.substring(pos, end));
                }
                default -> sb.setCharAt(pos, (char) random.nextInt(0x80));
            }
        }
        return sb.toString();
    }

    @Property(tries = 4000)
    void readersOnlyThrowTheDocumentedException(@ForAll("mutants") String json) {
        for (PolicyKind kind : PolicyKind.values()) {
            try {
                PolicyDocument doc = READER.read(kind, json);
                String canonical = PolicyWriter.toJson(doc);
                assertThat(READER.read(kind, canonical)).isEqualTo(doc);
            } catch (PolicyValidationException e) {
                assertThat(e.detail()).doesNotStartWith("internal error");
                assertThat(e.getMessage()).isEqualTo(e.path().isEmpty() ? e.detail() : e.path() + ": " + e.detail());
            } catch (RuntimeException | Error e) {
                fail("undocumented exception for " + json, e);
            }
        }
    }
}
