package io.github.keycloaksts.policy.document;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.stream.Collectors;
import java.util.stream.IntStream;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.keycloaksts.policy.PolicyLimits;
import io.github.keycloaksts.policy.PolicyValidationException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/** Hostile and oversized documents are refused by the documented limits, with the documented messages. */
class PolicyLimitsTest {

    private static final PolicyReader READER = PolicyReader.defaults();

    private static String trust(String statements) {
        return "{\"Version\":\"1\",\"Statement\":[" + statements + "]}";
    }

    private static String allowFrom(String principals) {
        return "{\"Effect\":\"Allow\",\"Action\":\"sts:AssumeRole\",\"Principal\":{\"RAM\":" + principals + "}}";
    }

    /**
     * Refused with the message of the limit that stops it. No wall-clock assertion (speed is for benchmarks): the
     * message shows the limit acted before the whole input was read (size before parsing, depth and number length
     * inside the parser).
     */
    private static void refused(Executable read, String messageStart) {
        assertThatThrownBy(read::execute).isInstanceOf(PolicyValidationException.class).hasMessageStartingWith(messageStart);
    }

    @Test
    void defaultsAreDocumented() {
        assertThat(PolicyLimits.DEFAULTS).isEqualTo(new PolicyLimits(131_072, 100, 5_000, 5_000, 1_024, 16));
        assertThat(READER.limits()).isEqualTo(PolicyLimits.DEFAULTS);
        assertThatThrownBy(() -> new PolicyLimits(0, 1, 1, 1, 1, 16)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("maxDocumentChars must be positive: 0");
        assertThatThrownBy(() -> new PolicyLimits(1, 1, 1, 1, 1, 5)).hasMessage("maxDepth must be at least 6: 5");
    }

    @Test
    void documentSizeIsCheckedBeforeParsing() {
        String huge = "[".repeat(131_073);
        refused(() -> READER.readTrustPolicy(huge), "$: document too large (131073 > 131072 characters)");
    }

    @Test
    void nestingBombIsRefusedByTheParser() {
        String bomb = "{\"Version\":\"1\",\"Statement\":" + "[".repeat(100_000) + "]".repeat(20_000);
        refused(() -> READER.readTrustPolicy(bomb), "$: document exceeds parser limits: Document nesting depth (17)");
        String inCondition = trust("{\"Effect\":\"Allow\",\"Action\":\"sts:AssumeRole\",\"Principal\":{\"RAM\":\"12345678\"},"
                + "\"Condition\":{\"StringEquals\":{\"sts:ExternalId\":" + "[".repeat(12) + "\"x\"" + "]".repeat(12) + "}}}");
        refused(() -> READER.readTrustPolicy(inCondition), "$: document exceeds parser limits: Document nesting depth (17)");
    }

    @Test
    void hugeNumbersAreRefused() {
        String json = trust("{\"Effect\":\"Allow\",\"Action\":\"sts:AssumeRole\",\"Principal\":{\"RAM\":\"12345678\"},"
                + "\"Condition\":{\"NumericEquals\":{\"sts:DurationSeconds\":" + "9".repeat(5_000) + "}}}");
        refused(() -> READER.readTrustPolicy(json), "$: document exceeds parser limits: Number value length (5000)");
        String big = trust("{\"Effect\":\"Allow\",\"Action\":\"sts:AssumeRole\",\"Principal\":{\"RAM\":\"12345678\"},"
                + "\"Condition\":{\"NumericEquals\":{\"sts:DurationSeconds\":1e999999999}}}");
        refused(() -> READER.readTrustPolicy(big),
                "Statement[0].Condition.NumericEquals.sts:DurationSeconds: number out of range");
    }

    @Test
    void tooManyStatements() {
        String statements = IntStream.range(0, 101).mapToObj(i -> allowFrom("\"12345678\"")).collect(Collectors.joining(","));
        refused(() -> READER.readTrustPolicy(trust(statements)), "Statement: too many statements (101 > 100)");
    }

    @Test
    void tooManyPrincipals() {
        String principals = IntStream.range(0, 5_001).mapToObj(i -> "\"" + (10_000_000 + i) + "\"")
                .collect(Collectors.joining(",", "[", "]"));
        refused(() -> READER.readTrustPolicy(trust(allowFrom(principals))),
                "Statement[0].Principal.RAM: too many principals (5001 > 5000)");
    }

    @Test
    void tooManyValues() {
        String actions = IntStream.range(0, 5_001).mapToObj(i -> "\"*\"").collect(Collectors.joining(",", "[", "]"));
        String json = trust("{\"Effect\":\"Allow\",\"Action\":" + actions + ",\"Principal\":{\"RAM\":\"12345678\"}}");
        refused(() -> READER.readTrustPolicy(json), "Statement[0].Action: too many values (5001 > 5000)");
    }

    @Test
    void tooLongStrings() {
        String json = "{\"Version\":\"1\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"sts:AssumeRole\",\"Resource\":\""
                + "a".repeat(1_025) + "\"}]}";
        refused(() -> READER.readSessionPolicy(json), "Statement[0].Resource: too long (1025 > 1024 characters)");
        String longName = "{\"Version\":\"1\",\"Statement\":[],\"" + "N".repeat(5_000) + "\":1}";
        refused(() -> READER.readSessionPolicy(longName), "$: document exceeds parser limits: Name length (5000)");
    }

    @Test
    void canonicalFormMustAlsoFitTheLimit() {
        PolicyReader small = new PolicyReader(new PolicyLimits(2_000, 100, 5_000, 5_000, 1_024, 16));
        String principals = IntStream.range(0, 100).mapToObj(i -> "\"" + (10_000_000 + i) + "\"")
                .collect(Collectors.joining(",", "[", "]"));
        String json = trust(allowFrom(principals));
        assertThat(json.length()).isLessThan(2_000);
        assertThatThrownBy(() -> small.readTrustPolicy(json))
                .hasMessageMatching("\\$: document too large in canonical form \\(\\d+ > 2000 characters\\)");
    }

    @Test
    void treesAreChargedForTheirStrings() {
        PolicyReader small = new PolicyReader(new PolicyLimits(1_000, 100, 5_000, 5_000, 1_024, 16));
        ObjectNode root = new ObjectMapper().createObjectNode();
        root.put("Version", "1");
        ObjectNode st = root.putArray("Statement").addObject();
        st.put("Effect", "Allow").put("Action", "sts:AssumeRole");
        ArrayNode ram = st.putObject("Principal").putArray("RAM");
        for (int i = 0; i < 50; i++) {
            ram.add("acs:ram::" + (10_000_000 + i) + ":root");
        }
        assertThatThrownBy(() -> small.readTrustPolicy(root))
                .hasMessage("$: document too large (more than 1000 characters of values)");
    }
}
