package io.github.keycloaksts.bench;

import java.util.StringJoiner;

import io.github.keycloaksts.policy.PolicyLimits;
import io.github.keycloaksts.policy.document.PolicyDocument;
import io.github.keycloaksts.policy.document.PolicyReader;

/** Documents shared by the benchmarks. */
final class Fixtures {

    /** The trust policy of the seed scenario (README, "The seed scenario, step by step"). */
    static final String SEED_TRUST = "{\"Version\":\"1\",\"Statement\":[{\"Action\":\"sts:AssumeRole\",\"Effect\":\"Allow\","
            + "\"Principal\":{\"RAM\":[\"acs:ram::12345678:root\"]}}]}";

    /** The seed trust policy with an external ID and a source network. */
    static final String SEED_TRUST_WITH_CONDITIONS = "{\"Version\":\"1\",\"Statement\":[{\"Action\":\"sts:AssumeRole\","
            + "\"Effect\":\"Allow\",\"Principal\":{\"RAM\":[\"acs:ram::12345678:root\"]},\"Condition\":{"
            + "\"StringEquals\":{\"sts:ExternalId\":\"a1b2c3\"},\"IpAddress\":{\"acs:SourceIp\":\"10.0.0.0/8\"}}}]}";

    /** Big enough for 50 statements of 2,000 principals; the defaults would refuse such a document. */
    static final PolicyReader BIG_READER = new PolicyReader(new PolicyLimits(10_000_000, 100, 5_000, 5_000, 1_024, 16));

    private Fixtures() {
    }

    /**
     * A trust policy of {@code statements} Allow statements of {@code principals} user principals
     * each. Only the last principal of the last statement names the requester
     * ({@code acs:ram::12345678:user/bob}); all others are users of other accounts, so a scanning
     * implementation would have to look at every entry.
     */
    static PolicyDocument trustPolicy(int principals, int statements) {
        StringJoiner st = new StringJoiner(",", "{\"Version\":\"1\",\"Statement\":[", "]}");
        int n = 0;
        for (int s = 0; s < statements; s++) {
            StringJoiner ram = new StringJoiner(",", "[", "]");
            for (int p = 0; p < principals; p++) {
                boolean last = s == statements - 1 && p == principals - 1;
                ram.add(last ? "\"acs:ram::12345678:user/bob\"" : "\"acs:ram::" + (20_000_000 + n++) + ":user/u" + p + "\"");
            }
            st.add("{\"Effect\":\"Allow\",\"Action\":\"sts:AssumeRole\",\"Principal\":{\"RAM\":" + ram + "}}");
        }
        return BIG_READER.readTrustPolicy(st.toString());
    }
}
