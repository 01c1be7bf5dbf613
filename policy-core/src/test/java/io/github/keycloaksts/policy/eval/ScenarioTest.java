package io.github.keycloaksts.policy.eval;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.keycloaksts.policy.arn.Arn;
import io.github.keycloaksts.policy.arn.RoleArn;
import io.github.keycloaksts.policy.condition.RequestContext;
import io.github.keycloaksts.policy.document.PolicyDocument;
import io.github.keycloaksts.policy.document.PolicyReader;
import io.github.keycloaksts.policy.document.Statement;
import org.junit.jupiter.api.DynamicContainer;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Decisions driven by the JSON files in {@code src/test/resources/scenarios}: each file holds a
 * trust policy, default source grants (ARN patterns of {@code sts.assume-role}) and cases with a
 * request and the expected outcome, deciding side, statements and reason (and, under
 * {@code expectTagSession}, those of {@code evaluateTagSession}); or session-policy
 * narrowing cases with the attached policies and the expected subset. Add a file to add cases.
 */
class ScenarioTest {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final PolicyReader READER = PolicyReader.defaults();
    private static final AssumeRoleEvaluator EVALUATOR = new AssumeRoleEvaluator();

    @TestFactory
    Stream<DynamicNode> scenarios() throws IOException, URISyntaxException {
        Path dir = Path.of(ScenarioTest.class.getResource("/scenarios").toURI());
        List<Path> files;
        try (Stream<Path> s = Files.list(dir)) {
            files = s.filter(p -> p.toString().endsWith(".json")).sorted().toList();
        }
        assertThat(files).isNotEmpty();
        return files.stream().map(ScenarioTest::file);
    }

    private static DynamicNode file(Path file) {
        JsonNode root;
        try {
            root = MAPPER.readTree(file.toFile());
        } catch (IOException e) {
            throw new IllegalStateException(file.toString(), e);
        }
        List<DynamicNode> tests = new ArrayList<>();
        for (JsonNode c : root.path("cases")) {
            tests.add(DynamicTest.dynamicTest(c.get("name").asText(), () -> decision(root, c)));
        }
        for (JsonNode c : root.path("narrowing")) {
            tests.add(DynamicTest.dynamicTest(c.get("name").asText(), () -> narrowing(c)));
        }
        return DynamicContainer.dynamicContainer(file.getFileName().toString(), tests);
    }

    private static void decision(JsonNode file, JsonNode c) {
        PolicyDocument trust = READER.readTrustPolicy(c.has("trustPolicy") ? c.get("trustPolicy") : file.get("trustPolicy"));
        JsonNode grantsNode = c.has("sourceGrants") ? c.get("sourceGrants") : file.path("sourceGrants");
        List<String> grants = new ArrayList<>();
        grantsNode.forEach(g -> grants.add(g.asText()));
        List<PolicyDocument> sources = new ArrayList<>();
        if (!grants.isEmpty()) {
            sources.add(PolicyDocument.allowAssumeRole(grants));
        }
        for (JsonNode p : c.path("sourcePolicies")) {
            sources.add(READER.readPermissionPolicy(p));
        }
        AssumeRoleRequest request = AssumeRoleRequest.of(Arn.parse(c.get("source").asText()),
                RoleArn.parse(c.get("role").asText()), context(c.path("context")));

        expect(EVALUATOR.evaluate(request, sources, trust), c.get("expect"));
        if (c.has("expectTagSession")) {
            expect(EVALUATOR.evaluateTagSession(request, trust), c.get("expectTagSession"));
            Decision reversed = EVALUATOR.evaluateTagSession(request, reverse(trust));
            assertThat(reversed.outcome()).isEqualTo(EVALUATOR.evaluateTagSession(request, trust).outcome());
        }
        Decision d = EVALUATOR.evaluate(request, sources, trust);
        // the outcome does not depend on the order of statements or of source documents
        Decision reversed = EVALUATOR.evaluate(request, reverse(sources), reverse(trust));
        assertThat(reversed.outcome()).isEqualTo(d.outcome());
        assertThat(reversed.side()).isEqualTo(d.side());
    }

    private static void expect(Decision d, JsonNode expect) {
        assertThat(d.outcome()).as("outcome; reason: %s", d.reason()).isEqualTo(Outcome.valueOf(expect.get("outcome").asText()));
        assertThat(d.isAllowed()).isEqualTo(d.outcome() == Outcome.ALLOW);
        if (expect.has("side")) {
            assertThat(d.side()).isEqualTo(DecisionSide.valueOf(expect.get("side").asText()));
        }
        if (expect.has("reason")) {
            assertThat(d.reason()).isEqualTo(expect.get("reason").asText());
        }
        if (expect.has("reasonContains")) {
            assertThat(d.reason()).contains(expect.get("reasonContains").asText());
        }
        if (expect.has("statements")) {
            List<String> refs = new ArrayList<>();
            expect.get("statements").forEach(s -> refs.add(s.asText()));
            assertThat(d.decidingStatements()).map(StatementRef::toString).containsExactlyElementsOf(refs);
        }
    }

    private static void narrowing(JsonNode c) {
        PolicyDocument session = READER.readSessionPolicy(c.get("sessionPolicy"));
        List<String> attached = new ArrayList<>();
        c.get("attached").forEach(a -> attached.add(a.asText()));
        SessionPolicyNarrowing.Result r = SessionPolicyNarrowing.narrow(session, attached, context(c.path("context")));
        List<String> allowed = new ArrayList<>();
        c.get("allowed").forEach(a -> allowed.add(a.asText()));
        assertThat(r.allowed()).containsExactlyElementsOf(allowed);
        assertThat(attached).containsAll(r.allowed());
        assertThat(r.failed()).isFalse();
        if (c.has("reasons")) {
            List<String> reasons = new ArrayList<>();
            c.get("reasons").forEach(a -> reasons.add(a.asText()));
            assertThat(r.reasons()).containsExactlyElementsOf(reasons);
        }
    }

    static RequestContext context(JsonNode ctx) {
        RequestContext.Builder b = RequestContext.builder();
        if (ctx.has("externalId")) {
            b.externalId(ctx.get("externalId").asText());
        }
        if (ctx.has("roleSessionName")) {
            b.roleSessionName(ctx.get("roleSessionName").asText());
        }
        if (ctx.has("sourceClientId")) {
            b.sourceClientId(ctx.get("sourceClientId").asText());
        }
        if (ctx.has("sourceIp")) {
            b.sourceIp(ctx.get("sourceIp").asText());
        }
        if (ctx.has("currentTime")) {
            b.currentTime(Instant.parse(ctx.get("currentTime").asText()));
        }
        if (ctx.has("mfaPresent")) {
            b.mfaPresent(ctx.get("mfaPresent").asBoolean());
        }
        if (ctx.has("durationSeconds")) {
            b.durationSeconds(ctx.get("durationSeconds").asLong());
        }
        if (ctx.has("sourceIdentity")) {
            b.sourceIdentity(ctx.get("sourceIdentity").asText());
        }
        if (ctx.has("requestTags")) {
            b.requestTags(tags(ctx.get("requestTags")));
        }
        if (ctx.has("principalTags")) {
            b.principalTags(tags(ctx.get("principalTags")));
        }
        return b.build();
    }

    private static Map<String, String> tags(JsonNode node) {
        Map<String, String> out = new LinkedHashMap<>();
        node.fields().forEachRemaining(e -> out.put(e.getKey(), e.getValue().asText()));
        return out;
    }

    private static List<PolicyDocument> reverse(List<PolicyDocument> docs) {
        List<PolicyDocument> out = new ArrayList<>();
        for (int i = docs.size() - 1; i >= 0; i--) {
            out.add(reverse(docs.get(i)));
        }
        return out;
    }

    private static PolicyDocument reverse(PolicyDocument doc) {
        List<Statement> s = new ArrayList<>(doc.statements());
        Collections.reverse(s);
        return PolicyDocument.of(doc.kind(), s);
    }
}
