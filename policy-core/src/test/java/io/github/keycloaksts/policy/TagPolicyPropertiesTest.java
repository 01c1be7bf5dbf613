package io.github.keycloaksts.policy;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Collectors;

import io.github.keycloaksts.policy.arn.Arn;
import io.github.keycloaksts.policy.arn.RoleArn;
import io.github.keycloaksts.policy.condition.RequestContext;
import io.github.keycloaksts.policy.document.PolicyDocument;
import io.github.keycloaksts.policy.document.PolicyKind;
import io.github.keycloaksts.policy.document.PolicyReader;
import io.github.keycloaksts.policy.document.Statement;
import io.github.keycloaksts.policy.eval.AssumeRoleEvaluator;
import io.github.keycloaksts.policy.eval.AssumeRoleRequest;
import io.github.keycloaksts.policy.eval.Decision;
import io.github.keycloaksts.policy.eval.Explanation;
import io.github.keycloaksts.policy.eval.Outcome;
import io.github.keycloaksts.policy.tags.SessionTags;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Assume;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.Tuple.Tuple2;
import net.jqwik.api.statistics.Statistics;

/**
 * Invariants of session tags in policies ({@code acs:RequestTag/*}, {@code acs:PrincipalTag/*}, {@code acs:TagKeys},
 * {@code sts:SourceIdentity}, the action {@code sts:TagSession}), over generated trust policies and requests drawn
 * from a small universe (the generators of {@link PolicyPropertiesTest} for documents without them).
 */
class TagPolicyPropertiesTest {

    private static final PolicyReader READER = PolicyReader.defaults();
    private static final AssumeRoleEvaluator EVALUATOR = new AssumeRoleEvaluator();
    private static final PolicyDocument GRANTS_EVERYTHING = PolicyDocument.allowAssumeRole(List.of("*"));
    private static final PolicyPropertiesTest PLAIN = new PolicyPropertiesTest();

    /** Operator and {@code "key":value}; several of one operator are merged into one block. */
    private static final List<Tuple2<String, String>> TAG_CONDITIONS = List.of(
            Tuple.of("StringEquals", "\"acs:RequestTag/Project\":[\"apollo\",\"gemini\"]"),
            Tuple.of("StringNotEquals", "\"acs:requesttag/project\":\"apollo\""),
            Tuple.of("StringEqualsIgnoreCase", "\"acs:PrincipalTag/Dept\":\"OPS\""),
            Tuple.of("StringLike", "\"acs:TagKeys\":\"Cost*\""),
            Tuple.of("StringNotEqualsIgnoreCase", "\"acs:TagKeys\":\"project\""),
            Tuple.of("StringLike", "\"sts:SourceIdentity\":\"acs:ram::11111111:user/*\""),
            Tuple.of("StringEquals", "\"sts:ExternalId\":[\"x\"]"),
            Tuple.of("IpAddress", "\"acs:SourceIp\":[\"10.0.0.0/8\"]"),
            Tuple.of("Bool", "\"acs:MFAPresent\":true"));
    private static final List<Map<String, String>> REQUEST_TAGS = List.of(Map.of(), Map.of("Project", "apollo"),
            Map.of("project", "gemini", "CostCenter", "1"), Map.of("PROJECT", "mercury"), Map.of("Stage", "prod", "costcenter", "2"));
    private static final List<Map<String, String>> PRINCIPAL_TAGS = List.of(Map.of(), Map.of("Dept", "ops"),
            Map.of("dept", "dev"), Map.of("DEPT", "Ops", "Team", "a"));

    // ---------------------------------------------------------------- generators

    private static Arbitrary<String> tagCondition() {
        Arbitrary<String> some = Arbitraries.of(TAG_CONDITIONS).set().ofMinSize(1).ofMaxSize(3).map(set -> {
            Map<String, List<String>> byOperator = new LinkedHashMap<>();
            set.forEach(t -> byOperator.computeIfAbsent(t.get1(), k -> new ArrayList<>()).add(t.get2()));
            return ",\"Condition\":{" + byOperator.entrySet().stream()
                    .map(e -> "\"" + e.getKey() + "\":{" + String.join(",", e.getValue()) + "}")
                    .collect(Collectors.joining(",")) + "}";
        });
        return Arbitraries.frequencyOf(Tuple.of(1, Arbitraries.just("")), Tuple.of(3, some));
    }

    private static Arbitrary<String> statement(Arbitrary<String> effect, Arbitrary<String> action) {
        return Combinators.combine(effect, action, PolicyPropertiesTest.principal().list().ofMinSize(1).ofMaxSize(3), tagCondition())
                .as((e, a, p, c) -> "{\"Effect\":\"" + e + "\",\"Action\":" + a + ",\"Principal\":{\"RAM\":"
                        + p.stream().map(s -> "\"" + s + "\"").collect(Collectors.joining(",", "[", "]")) + "}" + c + "}");
    }

    private static Arbitrary<String> anyAction() {
        return Arbitraries.of("\"sts:AssumeRole\"", "\"sts:TagSession\"", "[\"sts:AssumeRole\",\"sts:TagSession\"]", "\"sts:*\"",
                "\"sts:Tag*\"", "\"*\"");
    }

    @Provide
    Arbitrary<PolicyDocument> tagTrustPolicies() {
        return Combinators.combine(statement(PolicyPropertiesTest.effect(), anyAction()).list().ofMaxSize(6), Arbitraries.of(true, false))
                .as((s, sids) -> READER.readTrustPolicy(PolicyPropertiesTest.document(s, sids)));
    }

    /** Trust policies whose every action is a wildcard naming both actions. */
    @Provide
    Arbitrary<PolicyDocument> wildcardTrustPolicies() {
        return statement(PolicyPropertiesTest.effect(), Arbitraries.of("\"sts:*\"", "\"*\"", "[\"sts:AssumeRole\",\"sts:TagSession\"]"))
                .list().ofMaxSize(6).map(s -> READER.readTrustPolicy(PolicyPropertiesTest.document(s, false)));
    }

    @Provide
    Arbitrary<List<Statement>> tagSessionOnlyStatements() {
        return statement(PolicyPropertiesTest.effect(), Arbitraries.of("\"sts:TagSession\"", "\"sts:Tag*\"")).list().ofMinSize(1).ofMaxSize(3)
                .map(s -> READER.readTrustPolicy(PolicyPropertiesTest.document(s, false)).statements());
    }

    @Provide
    Arbitrary<PolicyDocument> trustPolicies() {
        return PLAIN.trustPolicies();
    }

    @Provide
    Arbitrary<PolicyDocument> sourcePolicies() {
        return PLAIN.sourcePolicies();
    }

    @Provide
    Arbitrary<AssumeRoleRequest> requests() {
        return PLAIN.requests();
    }

    @Provide
    Arbitrary<Tags> tags() {
        return Combinators.combine(Arbitraries.of(REQUEST_TAGS), Arbitraries.of(PRINCIPAL_TAGS),
                Arbitraries.of("", "acs:ram::11111111:user/alice", "acs:ram::22222222:user/bob")).as(Tags::new);
    }

    @Provide
    Arbitrary<AssumeRoleRequest> tagRequests() {
        return Combinators.combine(requests(), tags()).as((r, t) -> AssumeRoleRequest.of(r.source(), r.role(), t.on(r.context())));
    }

    /** Request tags, principal tags and source identity to add to a context. */
    record Tags(Map<String, String> request, Map<String, String> principal, String sourceIdentity) {

        RequestContext on(RequestContext c) {
            return RequestContext.builder()
                    .externalId(c.externalId().orElse(null))
                    .roleSessionName(c.roleSessionName().orElse(null))
                    .sourceClientId(c.sourceClientId().orElse(null))
                    .durationSeconds(c.durationSeconds().orElse(null))
                    .sourceIp(c.sourceIp().orElse(null))
                    .currentTime(c.currentTime().orElse(null))
                    .mfaPresent(c.mfaPresent().orElse(null))
                    .requestTags(request)
                    .principalTags(principal)
                    .sourceIdentity(sourceIdentity.isEmpty() ? null : sourceIdentity)
                    .build();
        }
    }

    // ---------------------------------------------------------------- properties

    @Property
    void decisionsDoNotDependOnStatementOrderWithTags(@ForAll("tagRequests") AssumeRoleRequest request,
                                                      @ForAll("tagTrustPolicies") PolicyDocument trust,
                                                      @ForAll long seed) {
        PolicyDocument shuffled = PolicyPropertiesTest.shuffle(trust, new Random(seed));
        Decision assume = EVALUATOR.evaluate(request, List.of(GRANTS_EVERYTHING), trust);
        Decision assumeShuffled = EVALUATOR.evaluate(request, List.of(GRANTS_EVERYTHING), shuffled);
        Decision tag = EVALUATOR.evaluateTagSession(request, trust);
        Decision tagShuffled = EVALUATOR.evaluateTagSession(request, shuffled);
        PolicyPropertiesTest.assertNoErrors(assume, assumeShuffled, tag, tagShuffled);
        Statistics.label("tag session").collect(tag.outcome());
        Statistics.label("tag session").coverage(c -> {
            c.check(Outcome.ALLOW).percentage(p -> p > 2);
            c.check(Outcome.EXPLICIT_DENY).percentage(p -> p > 2);
            c.check(Outcome.IMPLICIT_DENY).percentage(p -> p > 2);
        });
        Statistics.label("assume role").collect(assume.outcome());
        Statistics.label("assume role").coverage(c -> c.check(Outcome.ALLOW).percentage(p -> p > 2));
        for (Decision[] pair : new Decision[][] {{assume, assumeShuffled}, {tag, tagShuffled}}) {
            assertThat(pair[1].outcome()).isEqualTo(pair[0].outcome());
            assertThat(pair[1].side()).isEqualTo(pair[0].side());
            assertThat(pair[1].decidingStatements()).hasSameSizeAs(pair[0].decidingStatements());
        }
    }

    /** Documents without tag keys or tagging statements decide a request the same with or without tags. */
    @Property
    void tagsDoNotMatterToDocumentsWithoutThem(@ForAll("requests") AssumeRoleRequest request,
                                               @ForAll("sourcePolicies") PolicyDocument source,
                                               @ForAll("trustPolicies") PolicyDocument trust,
                                               @ForAll("tags") Tags tags) {
        AssumeRoleRequest tagged = AssumeRoleRequest.of(request.source(), request.role(), tags.on(request.context()));
        Decision plain = EVALUATOR.evaluate(request, List.of(source), trust);
        Decision withTags = EVALUATOR.evaluate(tagged, List.of(source), trust);
        PolicyPropertiesTest.assertNoErrors(plain, withTags);
        Statistics.label("outcome").collect(plain.outcome());
        assertSame(withTags, plain);
        assertSame(EVALUATOR.explain(tagged, List.of(source), trust).decision(), plain);
    }

    /** A statement about sts:TagSession alone, whatever it says, never changes whether the role may be assumed. */
    @Property
    void taggingStatementsDoNotDecideAssumeRole(@ForAll("tagRequests") AssumeRoleRequest request,
                                                @ForAll("tagTrustPolicies") PolicyDocument trust,
                                                @ForAll("tagSessionOnlyStatements") List<Statement> tagging) {
        List<Statement> statements = new ArrayList<>(trust.statements());
        statements.addAll(tagging);
        PolicyDocument more = PolicyDocument.of(PolicyKind.TRUST, statements);
        Decision before = EVALUATOR.evaluate(request, List.of(GRANTS_EVERYTHING), trust);
        Decision after = EVALUATOR.evaluate(request, List.of(GRANTS_EVERYTHING), more);
        PolicyPropertiesTest.assertNoErrors(before, after);
        Statistics.label("outcome").collect(before.outcome());
        assertThat(after.outcome()).isEqualTo(before.outcome());
        assertThat(after.side()).isEqualTo(before.side());
        assertThat(after.decidingStatements()).isEqualTo(before.decidingStatements());
        if (!trust.statements().isEmpty()) {
            assertThat(after.reason()).isEqualTo(before.reason());
        }
        assertThat(EVALUATOR.explainTrust(request, more).decision().outcome())
                .isEqualTo(EVALUATOR.explainTrust(request, trust).decision().outcome());
    }

    /** A statement naming both actions decides tagging as it decides assuming. */
    @Property
    void wildcardsDecideTaggingAsAssuming(@ForAll("tagRequests") AssumeRoleRequest request,
                                          @ForAll("wildcardTrustPolicies") PolicyDocument trust) {
        Decision tag = EVALUATOR.evaluateTagSession(request, trust);
        Decision assume = EVALUATOR.explainTrust(request, trust).decision();
        Statistics.label("outcome").collect(tag.outcome());
        assertThat(tag.outcome()).isEqualTo(assume.outcome());
        assertThat(tag.side()).isEqualTo(assume.side());
        assertThat(tag.decidingStatements()).isEqualTo(assume.decidingStatements());
    }

    /** The tagging simulator decides as the exchange, and explains every statement once. */
    @Property
    void theTaggingExplanationDecidesAsTheExchange(@ForAll("tagRequests") AssumeRoleRequest request,
                                                   @ForAll("tagTrustPolicies") PolicyDocument trust) {
        Decision exchange = EVALUATOR.evaluateTagSession(request, trust);
        Explanation explained = EVALUATOR.explainTagSession(request, trust);
        PolicyPropertiesTest.assertNoErrors(exchange, explained.decision());
        assertSame(explained.decision(), exchange);
        PolicyPropertiesTest.assertConsistent(explained, trust.statements().size());
    }

    @Provide
    Arbitrary<String> tagKeys() {
        return Arbitraries.strings().withChars("abcXYZ019 _.:/=+-@éÉßΩωжЖ").ofMinLength(1).ofMaxLength(20)
                .filter(k -> SessionTags.keyProblem(k) == null);
    }

    /** The tag-key part of acs:RequestTag/acs:PrincipalTag and the key name itself match ignoring case. */
    @Property
    void tagKeysMatchIgnoringCase(@ForAll("tagKeys") String key, @ForAll boolean principal, @ForAll long seed) {
        Random random = new Random(seed);
        String inPolicy = recase(key, random);
        String inRequest = recase(key, random);
        Assume.that(SessionTags.foldKey(inPolicy).equals(SessionTags.foldKey(key))
                && SessionTags.foldKey(inRequest).equals(SessionTags.foldKey(key)));
        String name = recase(principal ? "acs:PrincipalTag/" : "acs:RequestTag/", random) + inPolicy;
        PolicyDocument trust = READER.readTrustPolicy("{\"Version\":\"1\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"*\","
                + "\"Principal\":{\"RAM\":\"11111111\"},\"Condition\":{\"StringEquals\":{\"" + name + "\":\"v\"}}}]}");
        assertThat(trust.statements().get(0).conditions().get(0).tagKey()).contains(inPolicy);
        assertThat(allowed(trust, principal, Map.of(inRequest, "v"))).isTrue();
        assertThat(allowed(trust, principal, Map.of(inRequest, "V"))).isFalse();
        assertThat(allowed(trust, principal, Map.of(inRequest + "x", "v"))).isFalse();
        assertThat(allowed(trust, !principal, Map.of(inRequest, "v"))).isFalse();
        PolicyDocument again = READER.readTrustPolicy(trust.toString());
        assertThat(again).isEqualTo(trust);
    }

    private static boolean allowed(PolicyDocument trust, boolean principal, Map<String, String> tags) {
        RequestContext.Builder b = RequestContext.builder();
        RequestContext ctx = (principal ? b.principalTags(tags) : b.requestTags(tags)).build();
        AssumeRoleRequest request = AssumeRoleRequest.of(Arn.parse("acs:ram::11111111:user/alice"),
                RoleArn.parse(PolicyPropertiesTest.TARGETS.get(0)), ctx);
        boolean tag = EVALUATOR.evaluateTagSession(request, trust).isAllowed();
        assertThat(EVALUATOR.evaluate(request, List.of(GRANTS_EVERYTHING), trust).isAllowed()).isEqualTo(tag);
        return tag;
    }

    private static String recase(String s, Random random) {
        StringBuilder sb = new StringBuilder();
        s.codePoints().forEach(c -> sb.appendCodePoint(random.nextBoolean() ? Character.toUpperCase(c) : Character.toLowerCase(c)));
        return sb.toString();
    }

    private static void assertSame(Decision actual, Decision expected) {
        assertThat(actual.outcome()).isEqualTo(expected.outcome());
        assertThat(actual.side()).isEqualTo(expected.side());
        assertThat(actual.decidingStatements()).isEqualTo(expected.decidingStatements());
        assertThat(actual.reason()).isEqualTo(expected.reason());
    }
}
