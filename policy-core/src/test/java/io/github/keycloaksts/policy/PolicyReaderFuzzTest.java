package io.github.keycloaksts.policy;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.keycloaksts.policy.arn.Arn;
import io.github.keycloaksts.policy.arn.ArnPattern;
import io.github.keycloaksts.policy.arn.RoleArn;
import io.github.keycloaksts.policy.condition.RequestContext;
import io.github.keycloaksts.policy.document.PolicyDocument;
import io.github.keycloaksts.policy.document.PolicyKind;
import io.github.keycloaksts.policy.document.PolicyReader;
import io.github.keycloaksts.policy.document.PolicyWriter;
import io.github.keycloaksts.policy.eval.AssumeRoleEvaluator;
import io.github.keycloaksts.policy.eval.AssumeRoleRequest;
import io.github.keycloaksts.policy.eval.Decision;
import io.github.keycloaksts.policy.eval.Guardrail;
import io.github.keycloaksts.policy.eval.GuardrailSet;
import io.github.keycloaksts.policy.eval.SessionPolicyNarrowing;
import io.github.keycloaksts.policy.tags.SessionTags;
import io.github.keycloaksts.policy.tags.TagValidationException;

/**
 * Coverage-guided fuzz test (Jazzer) of every parser entry point: the only exception they may
 * throw for any input is {@link PolicyValidationException}, never its "internal error" safety
 * net; documents that parse must round-trip through canonical JSON and evaluate without
 * throwing.
 *
 * <p>How it runs: {@code mvn test} runs this class in a separate surefire execution
 * ({@code fuzz}, see the module pom) with {@code JAZZER_FUZZ=1}, so Jazzer really fuzzes for
 * {@code maxDuration} (10 s; hundreds of thousands of inputs on 2 cores), starting from the seed
 * documents in {@code src/test/resources/io/github/keycloaksts/policy/PolicyReaderFuzzTestInputs}.
 * Any other exception, a timeout or a failed round trip fails the build; Jazzer writes the
 * reproducer to {@code target/jazzer/crash-<sha1>} (the execution's working directory, which also
 * holds the generated corpus). After fixing, copy it into the seed directory so that it is
 * replayed from then on. Run the class without {@code JAZZER_FUZZ} (e.g. from an IDE) and it only
 * replays the seeds. Skip the fuzz run with {@code -Djazzer.skip=true}.
 *
 * <p>Input layout: the first byte chooses the entry point (policy kind, text vs. Jackson tree,
 * ARN/pattern parsers, or with bit 3 set the session tag parameters, which may throw only
 * {@link TagValidationException}) and how the remaining bytes become a Java string (UTF-8,
 * Latin-1, or raw UTF-16 so that unpaired surrogates occur).
 */
class PolicyReaderFuzzTest {

    private static final PolicyReader READER = PolicyReader.defaults();
    private static final ObjectMapper LENIENT = new ObjectMapper();
    private static final AssumeRoleEvaluator EVALUATOR = new AssumeRoleEvaluator();
    private static final PolicyDocument ANY_SOURCE = PolicyDocument.allowAssumeRole(List.of("*"));
    private static final RequestContext CONTEXT = RequestContext.builder()
            .externalId("a1b2c3").roleSessionName("bob").sourceIp("10.1.2.3").currentTime(Instant.EPOCH)
            .mfaPresent(true).sourceClientId("app").durationSeconds(3600L).sourceIdentity("acs:ram::12345678:user/bob")
            .requestTags(Map.of("Project", "apollo", "Cost Center", "12")).principalTags(Map.of("Dept", "ops")).build();
    private static final RoleArn ROLE = RoleArn.parse("acs:ram::11223344:role/ecs-admin");
    private static final List<AssumeRoleRequest> REQUESTS = List.of(
            AssumeRoleRequest.forUser("12345678", "bob", ROLE, CONTEXT),
            AssumeRoleRequest.of(Arn.parse("acs:ram::12345678:role/ops/bob"), ROLE, RequestContext.empty()));
    private static final PolicyDocument TRUST_ALL = READER.readTrustPolicy("{\"Version\":\"1\",\"Statement\":"
            + "[{\"Effect\":\"Allow\",\"Action\":\"sts:AssumeRole\",\"Principal\":{\"RAM\":\"12345678\"}}]}");

    @FuzzTest(maxDuration = "10s")
    void parsersOnlyThrowPolicyValidationException(byte[] input) {
        if (input.length == 0) {
            return;
        }
        int mode = input[0] & 0xff;
        String text = decode(Arrays.copyOfRange(input, 1, input.length), (mode >> 4) % 3);
        try {
            switch (mode % 8) {
                case 0, 1, 2 -> checkDocument(READER.read(PolicyKind.values()[mode % 8], text));
                case 3, 4, 5 -> {
                    JsonNode node;
                    try {
                        node = LENIENT.readTree(text);
                    } catch (Exception notJson) {
                        return; // the tree entry point needs a tree
                    }
                    checkDocument(READER.read(PolicyKind.values()[mode % 8 - 3], node));
                }
                case 6 -> PolicyDocument.allowAssumeRole(Arrays.asList(text.split("\n", -1)));
                default -> {
                    if ((mode & 0x08) != 0) {
                        parseTags(text);
                        return;
                    }
                    try {
                        Arn.parsePrincipal(text);
                    } finally {
                        ArnPattern.parse(text).matches("acs:ram::11223344:role/ecs-admin");
                    }
                }
            }
        } catch (PolicyValidationException e) {
            if (e.detail().startsWith("internal error")) {
                throw new AssertionError("safety net hit: " + e.getMessage(), e);
            }
        }
    }

    private static void parseTags(String text) {
        try {
            Map<String, String> tags = SessionTags.parseRequestTags(text);
            SessionTags.next(SessionTags.none(), Map.of("Dept", "ops"), tags, List.copyOf(tags.keySet()));
        } catch (TagValidationException expected) {
            // the documented refusal
        }
        try {
            SessionTags.parseTransitiveKeys(text);
        } catch (TagValidationException expected) {
            // the documented refusal
        }
    }

    private static void checkDocument(PolicyDocument doc) {
        String json = PolicyWriter.toJson(doc);
        PolicyDocument again = READER.read(doc.kind(), json);
        if (!again.equals(doc) || !PolicyWriter.toJson(again).equals(json)) {
            throw new AssertionError("round trip changed the document: " + json);
        }
        for (AssumeRoleRequest request : REQUESTS) {
            Decision d = switch (doc.kind()) {
                case TRUST -> EVALUATOR.evaluate(request, List.of(ANY_SOURCE), doc);
                case PERMISSION -> EVALUATOR.evaluate(request, List.of(doc), TRUST_ALL);
                case SESSION -> null;
                case GUARDRAIL -> EVALUATOR.evaluateGuardrails(request, TRUST_ALL,
                        EVALUATOR.evaluate(request, List.of(ANY_SOURCE), TRUST_ALL),
                        GuardrailSet.of(List.of(new Guardrail("fuzz", doc))));
            };
            if (d != null && d.reason().startsWith("evaluation error")) {
                throw new AssertionError("evaluation error for " + json + ": " + d.reason());
            }
            if (doc.kind() == PolicyKind.TRUST && EVALUATOR.evaluateTagSession(request, doc).reason().startsWith("evaluation error")) {
                throw new AssertionError("evaluation error (sts:TagSession) for " + json);
            }
        }
        if (doc.kind() == PolicyKind.SESSION) {
            SessionPolicyNarrowing.Result r = SessionPolicyNarrowing.narrow(doc,
                    List.of("AliyunECSFullAccess", "app/admin", ""), CONTEXT);
            if (r.failed()) {
                throw new AssertionError("narrowing failed for " + json + ": " + r.reasons());
            }
        }
    }

    private static String decode(byte[] bytes, int how) {
        return switch (how) {
            case 0 -> new String(bytes, StandardCharsets.UTF_8);
            case 1 -> new String(bytes, StandardCharsets.ISO_8859_1);
            default -> {
                char[] chars = new char[bytes.length / 2];
                for (int i = 0; i < chars.length; i++) {
                    chars[i] = (char) (((bytes[2 * i] & 0xff) << 8) | (bytes[2 * i + 1] & 0xff));
                }
                yield new String(chars);
            }
        };
    }
}
