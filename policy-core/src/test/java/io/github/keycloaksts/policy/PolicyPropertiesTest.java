package io.github.keycloaksts.policy;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.stream.Collectors;

import io.github.keycloaksts.policy.arn.AccountArn;
import io.github.keycloaksts.policy.arn.Arn;
import io.github.keycloaksts.policy.arn.RoleArn;
import io.github.keycloaksts.policy.condition.RequestContext;
import io.github.keycloaksts.policy.document.Effect;
import io.github.keycloaksts.policy.document.PolicyDocument;
import io.github.keycloaksts.policy.document.PolicyKind;
import io.github.keycloaksts.policy.document.PolicyReader;
import io.github.keycloaksts.policy.document.PolicyWriter;
import io.github.keycloaksts.policy.document.Statement;
import io.github.keycloaksts.policy.eval.AssumeRoleEvaluator;
import io.github.keycloaksts.policy.eval.AssumeRoleRequest;
import io.github.keycloaksts.policy.eval.Decision;
import io.github.keycloaksts.policy.eval.DecisionSide;
import io.github.keycloaksts.policy.eval.Explanation;
import io.github.keycloaksts.policy.eval.Outcome;
import io.github.keycloaksts.policy.eval.SessionPolicyNarrowing;
import io.github.keycloaksts.policy.eval.StatementExplanation;
import io.github.keycloaksts.policy.eval.StatementRef;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.statistics.Statistics;

/**
 * Invariants of the language, over generated documents and requests drawn from a small universe
 * (so that principals, resources and conditions really match). Tries are bounded (see
 * {@code junit-platform.properties}) to keep the module's tests well under a minute.
 */
class PolicyPropertiesTest {

    private static final PolicyReader READER = PolicyReader.defaults();
    private static final AssumeRoleEvaluator EVALUATOR = new AssumeRoleEvaluator();

    static final List<String> ACCOUNTS = List.of("11111111", "22222222", "33333333");
    static final List<String> USERS = List.of("alice", "bob");
    static final List<String> ROLES = List.of("ops", "dev");
    static final List<String> TARGETS = List.of("acs:ram::11223344:role/ecs-admin", "acs:ram::11223344:role/rds-admin");
    static final List<String> CONDITIONS = List.of(
            "\"StringEquals\":{\"sts:ExternalId\":[\"x\"]}",
            "\"StringNotEquals\":{\"sts:ExternalId\":\"x\"}",
            "\"StringLike\":{\"sts:RoleSessionName\":\"b*\"}",
            "\"StringNotLike\":{\"sts:RoleSessionName\":[\"a?ice\"]}",
            "\"IpAddress\":{\"acs:SourceIp\":[\"10.0.0.0/8\",\"2001:db8::/32\"]}",
            "\"NotIpAddress\":{\"acs:SourceIp\":\"10.1.2.3\"}",
            "\"Bool\":{\"acs:MFAPresent\":true}",
            "\"NumericLessThan\":{\"sts:DurationSeconds\":3600}",
            "\"DateGreaterThan\":{\"acs:CurrentTime\":\"2025-01-01T00:00:00Z\"}");

    // ---------------------------------------------------------------- generators

    static Arbitrary<String> principal() {
        Arbitrary<String> account = Arbitraries.of(ACCOUNTS);
        return Arbitraries.oneOf(
                account,
                account.map(a -> "acs:ram::" + a + ":root"),
                Combinators.combine(account, Arbitraries.of(USERS)).as((a, u) -> "acs:ram::" + a + ":user/" + u),
                Combinators.combine(account, Arbitraries.of(ROLES)).as((a, r) -> "acs:ram::" + a + ":role/" + r));
    }

    static Arbitrary<String> resourcePattern() {
        return Arbitraries.of("*", "acs:ram::11223344:role/*", "acs:ram::11223344:role/ecs-admin",
                "acs:ram:*:11223344:role/ecs-*", "acs:ram::11223344:role/???-admin", "acs:ram::99999999:role/*");
    }

    static Arbitrary<String> action() {
        return Arbitraries.of("\"sts:AssumeRole\"", "\"sts:*\"", "\"*\"", "[\"sts:AssumeRole\",\"sts:Assume*\"]");
    }

    static Arbitrary<String> condition() {
        Arbitrary<String> some = Arbitraries.of(CONDITIONS).set().ofMinSize(1).ofMaxSize(2)
                .map(set -> ",\"Condition\":{" + String.join(",", set) + "}");
        return Arbitraries.frequencyOf(Tuple.of(3, Arbitraries.just("")), Tuple.of(2, some));
    }

    static Arbitrary<String> effect() {
        return Arbitraries.of("Allow", "Allow", "Allow", "Deny");
    }

    static Arbitrary<String> trustStatement(Arbitrary<String> effect) {
        return Combinators.combine(effect, action(), principal().list().ofMinSize(1).ofMaxSize(4), condition())
                .as((e, a, p, c) -> "{\"Effect\":\"" + e + "\",\"Action\":" + a + ",\"Principal\":{\"RAM\":"
                        + p.stream().map(s -> "\"" + s + "\"").collect(Collectors.joining(",", "[", "]")) + "}" + c + "}");
    }

    private static Arbitrary<String> resourceStatement(Arbitrary<String> effect, Arbitrary<String> resource) {
        return Combinators.combine(effect, action(), resource.list().ofMinSize(1).ofMaxSize(3), condition())
                .as((e, a, r, c) -> "{\"Effect\":\"" + e + "\",\"Action\":" + a + ",\"Resource\":"
                        + r.stream().map(s -> "\"" + s + "\"").collect(Collectors.joining(",", "[", "]")) + c + "}");
    }

    static String document(List<String> statements, boolean sids) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < statements.size(); i++) {
            out.add(sids ? "{\"Sid\":\"S" + i + "\"," + statements.get(i).substring(1) : statements.get(i));
        }
        return "{\"Version\":\"1\",\"Statement\":[" + String.join(",", out) + "]}";
    }

    @Provide
    Arbitrary<PolicyDocument> trustPolicies() {
        return Combinators.combine(trustStatement(effect()).list().ofMaxSize(6), Arbitraries.of(true, false))
                .as((s, sids) -> READER.readTrustPolicy(document(s, sids)));
    }

    @Provide
    Arbitrary<PolicyDocument> sourcePolicies() {
        return Combinators.combine(resourceStatement(effect(), resourcePattern()).list().ofMaxSize(4), Arbitraries.of(true, false))
                .as((s, sids) -> READER.readPermissionPolicy(document(s, sids)));
    }

    @Provide
    Arbitrary<PolicyDocument> sessionPolicies() {
        Arbitrary<String> names = Arbitraries.of("*", "Aliyun*", "*ReadOnly*", "app/*", "AliyunECSFullAccess", "app/??", "x");
        return resourceStatement(effect(), names).list().ofMaxSize(4).map(s -> READER.readSessionPolicy(document(s, false)));
    }

    @Provide
    Arbitrary<PolicyDocument> anyPolicies() {
        return Arbitraries.oneOf(trustPolicies(), sourcePolicies(), sessionPolicies());
    }

    @Provide
    Arbitrary<AssumeRoleRequest> requests() {
        Arbitrary<String> account = Arbitraries.of(ACCOUNTS);
        Arbitrary<Arn> source = Arbitraries.oneOf(
                Combinators.combine(account, Arbitraries.of(USERS)).as((a, u) -> Arn.parse("acs:ram::" + a + ":user/" + u)),
                Combinators.combine(account, Arbitraries.of(ROLES)).as((a, r) -> Arn.parse("acs:ram::" + a + ":role/" + r + "/s1")));
        return Combinators.combine(source, Arbitraries.of(TARGETS), contexts())
                .as((s, t, c) -> AssumeRoleRequest.of(s, RoleArn.parse(t), c));
    }

    @Provide
    Arbitrary<RequestContext> contexts() {
        return Combinators.combine(
                Arbitraries.of("", "x", "y"),
                Arbitraries.of("", "10.1.2.3", "10.9.9.9", "192.168.0.1", "2001:db8::1"),
                Arbitraries.of(0, 1, 2),
                Arbitraries.of(0L, 900L, 7200L),
                Arbitraries.of("", "2024-06-01T00:00:00Z", "2026-06-01T00:00:00Z"),
                Arbitraries.of("", "bob", "alice"))
                .as((ext, ip, mfa, dur, time, session) -> RequestContext.builder()
                        .externalId(ext.isEmpty() ? null : ext)
                        .sourceIp(ip.isEmpty() ? null : ip)
                        .mfaPresent(mfa == 0 ? null : mfa == 1)
                        .durationSeconds(dur == 0 ? null : dur)
                        .currentTime(time.isEmpty() ? null : Instant.parse(time))
                        .roleSessionName(session.isEmpty() ? null : session)
                        .build());
    }

    // ---------------------------------------------------------------- properties

    @Property
    void addingATrustDenyNeverTurnsADenyIntoAnAllow(@ForAll("requests") AssumeRoleRequest request,
                                                    @ForAll("sourcePolicies") PolicyDocument source,
                                                    @ForAll("trustPolicies") PolicyDocument trust,
                                                    @ForAll("trustDenies") Statement deny) {
        Decision before = EVALUATOR.evaluate(request, List.of(source), trust);
        Statistics.label("before").collect(before.outcome());
        Statistics.label("before").coverage(c -> c.check(Outcome.ALLOW).percentage(p -> p > 2));
        List<Statement> statements = new ArrayList<>(trust.statements());
        statements.add(deny);
        Decision after = EVALUATOR.evaluate(request, List.of(source), PolicyDocument.of(PolicyKind.TRUST, statements));
        assertNoErrors(before, after);
        if (!before.isAllowed()) {
            assertThat(after.isAllowed()).as("%s then %s", before, after).isFalse();
        } else if (!after.isAllowed()) {
            assertThat(after.outcome()).isEqualTo(Outcome.EXPLICIT_DENY);
        }
    }

    @Property
    void addingASourceDenyNeverTurnsADenyIntoAnAllow(@ForAll("requests") AssumeRoleRequest request,
                                                     @ForAll("sourcePolicies") PolicyDocument source,
                                                     @ForAll("trustPolicies") PolicyDocument trust,
                                                     @ForAll("sourceDenies") PolicyDocument deny) {
        Decision before = EVALUATOR.evaluate(request, List.of(source), trust);
        Decision after = EVALUATOR.evaluate(request, List.of(source, deny), trust);
        assertNoErrors(before, after);
        if (!before.isAllowed()) {
            assertThat(after.isAllowed()).as("%s then %s", before, after).isFalse();
        } else if (!after.isAllowed()) {
            assertThat(after.outcome()).isEqualTo(Outcome.EXPLICIT_DENY);
        }
    }

    @Provide
    Arbitrary<Statement> trustDenies() {
        return trustStatement(Arbitraries.just("Deny")).map(s -> READER.readTrustPolicy(document(List.of(s), false))
                .statements().get(0));
    }

    @Provide
    Arbitrary<PolicyDocument> sourceDenies() {
        return resourceStatement(Arbitraries.just("Deny"), resourcePattern())
                .map(s -> READER.readPermissionPolicy(document(List.of(s), false)));
    }

    @Property
    void statementOrderDoesNotMatter(@ForAll("requests") AssumeRoleRequest request,
                                     @ForAll("sourcePolicies") PolicyDocument source1,
                                     @ForAll("sourcePolicies") PolicyDocument source2,
                                     @ForAll("trustPolicies") PolicyDocument trust,
                                     @ForAll long seed) {
        Decision before = EVALUATOR.evaluate(request, List.of(source1, source2), trust);
        Random random = new Random(seed);
        Decision after = EVALUATOR.evaluate(request, List.of(shuffle(source2, random), shuffle(source1, random)),
                shuffle(trust, random));
        assertNoErrors(before, after);
        // the generators must exercise every outcome, or the property proves little
        Statistics.label("outcome").collect(before.outcome());
        Statistics.label("outcome").coverage(c -> {
            c.check(Outcome.ALLOW).percentage(p -> p > 2);
            c.check(Outcome.EXPLICIT_DENY).percentage(p -> p > 2);
            c.check(Outcome.IMPLICIT_DENY).percentage(p -> p > 2);
        });
        assertThat(after.outcome()).isEqualTo(before.outcome());
        assertThat(after.side()).isEqualTo(before.side());
        assertThat(after.decidingStatements()).hasSameSizeAs(before.decidingStatements());
    }

    @Property
    void parsePrintRoundTrips(@ForAll("anyPolicies") PolicyDocument doc) {
        String json = PolicyWriter.toJson(doc);
        PolicyDocument again = READER.read(doc.kind(), json);
        assertThat(again).isEqualTo(doc);
        assertThat(PolicyWriter.toJson(again)).isEqualTo(json);
        assertThat(READER.read(doc.kind(), PolicyWriter.toJsonNode(doc))).isEqualTo(doc);
    }

    @Property
    void sessionNarrowingOnlyNarrows(@ForAll("sessionPolicies") PolicyDocument session,
                                     @ForAll("attachedNames") List<String> attached,
                                     @ForAll("contexts") RequestContext context,
                                     @ForAll("sessionDenies") Statement deny) {
        SessionPolicyNarrowing.Result r = SessionPolicyNarrowing.narrow(session, attached, context);
        assertThat(r.failed()).isFalse();
        Statistics.label("kept some").collect(!r.allowed().isEmpty());
        Statistics.label("kept some").coverage(c -> c.check(true).percentage(p -> p > 2));
        assertThat(attached).containsAll(r.allowed());
        assertThat(r.allowed()).doesNotHaveDuplicates();
        // a Deny added to the session policy can only remove policies
        List<Statement> statements = new ArrayList<>(session.statements());
        statements.add(deny);
        SessionPolicyNarrowing.Result narrower = SessionPolicyNarrowing.narrow(
                PolicyDocument.of(PolicyKind.SESSION, statements), attached, context);
        assertThat(r.allowed()).containsAll(narrower.allowed());
    }

    @Provide
    Arbitrary<List<String>> attachedNames() {
        return Arbitraries.of("AliyunECSFullAccess", "AliyunECSReadOnlyAccess", "AliyunRDSReadOnlyAccess", "app/ab",
                "app/viewer", "x", "other").list().ofMaxSize(5);
    }

    @Provide
    Arbitrary<Statement> sessionDenies() {
        return resourceStatement(Arbitraries.just("Deny"), Arbitraries.of("*", "Aliyun*", "app/*", "x"))
                .map(s -> READER.readSessionPolicy(document(List.of(s), false)).statements().get(0));
    }

    // ---------------------------------------------------------------- the simulators

    private static final PolicyDocument GRANTS_EVERYTHING = PolicyDocument.allowAssumeRole(List.of("*"));

    /** The simulator's full explanation decides exactly as the exchange, and explains every statement once. */
    @Property
    void theExplanationDecidesAsTheExchange(@ForAll("requests") AssumeRoleRequest request,
                                            @ForAll("sourcePolicies") PolicyDocument source,
                                            @ForAll("trustPolicies") PolicyDocument trust) {
        Decision exchange = EVALUATOR.evaluate(request, List.of(source), trust);
        Explanation explained = EVALUATOR.explain(request, List.of(source), trust);
        assertNoErrors(exchange, explained.decision());
        Statistics.label("outcome").collect(exchange.outcome());
        assertThat(explained.decision().outcome()).isEqualTo(exchange.outcome());
        assertThat(explained.decision().side()).isEqualTo(exchange.side());
        assertThat(explained.decision().decidingStatements()).isEqualTo(exchange.decidingStatements());
        assertThat(explained.decision().reason()).isEqualTo(exchange.reason());
        assertConsistent(explained, source.statements().size() + trust.statements().size());
    }

    /** Target side: the trust policy alone decides as the exchange does for a caller whom the source grants the role. */
    @Property
    void theTrustSimulatorDecidesAsTheExchangeWhenTheSourceGrants(@ForAll("requests") AssumeRoleRequest request,
                                                                  @ForAll("trustPolicies") PolicyDocument trust) {
        Decision exchange = EVALUATOR.evaluate(request, List.of(GRANTS_EVERYTHING), trust);
        Explanation simulated = EVALUATOR.explainTrust(request, trust);
        assertNoErrors(exchange, simulated.decision());
        Statistics.label("outcome").collect(exchange.outcome());
        Statistics.label("outcome").coverage(c -> {
            c.check(Outcome.ALLOW).percentage(p -> p > 2);
            c.check(Outcome.EXPLICIT_DENY).percentage(p -> p > 2);
            c.check(Outcome.IMPLICIT_DENY).percentage(p -> p > 2);
        });
        assertThat(simulated.decision().outcome()).isEqualTo(exchange.outcome());
        if (!exchange.isAllowed()) {
            assertThat(simulated.decision().side()).isEqualTo(DecisionSide.TRUST_POLICY).isEqualTo(exchange.side());
        }
        assertConsistent(simulated, trust.statements().size());
    }

    /** Source side: the grants alone decide as the exchange does for a role that trusts the caller's account. */
    @Property
    void theSourceSimulatorDecidesAsTheExchangeWhenTheRoleTrusts(@ForAll("requests") AssumeRoleRequest request,
                                                                 @ForAll("sourcePolicies") PolicyDocument source1,
                                                                 @ForAll("sourcePolicies") PolicyDocument source2) {
        PolicyDocument trustsTheAccount = READER.readTrustPolicy("{\"Version\":\"1\",\"Statement\":[{\"Effect\":\"Allow\","
                + "\"Action\":\"sts:AssumeRole\",\"Principal\":{\"RAM\":\"" + request.source().accountId() + "\"}}]}");
        Decision exchange = EVALUATOR.evaluate(request, List.of(source1, source2), trustsTheAccount);
        Explanation simulated = EVALUATOR.explainSource(request, List.of(source1, source2));
        assertNoErrors(exchange, simulated.decision());
        Statistics.label("outcome").collect(exchange.outcome());
        assertThat(simulated.decision().outcome()).isEqualTo(exchange.outcome());
        assertThat(simulated.decision().side()).isEqualTo(exchange.side());
        assertConsistent(simulated, source1.statements().size() + source2.statements().size());
    }

    /** An account principal stands for its users whom no statement names: the exchange decides the same for one. */
    @Property
    void anAccountIsTrustedAsAnUnnamedUserOfItIs(@ForAll("trustPolicies") PolicyDocument trust,
                                                 @ForAll("contexts") RequestContext context) {
        for (String account : ACCOUNTS) {
            RoleArn role = RoleArn.parse(TARGETS.get(0));
            Decision unnamedUser = EVALUATOR.evaluate(AssumeRoleRequest.of(Arn.parse("acs:ram::" + account + ":user/zed"), role, context),
                    List.of(GRANTS_EVERYTHING), trust);
            Explanation asAccount = EVALUATOR.explainTrust(
                    AssumeRoleRequest.forAnyUserOf(AccountArn.of(account), role, context), trust);
            assertThat(asAccount.decision().outcome()).isEqualTo(unnamedUser.outcome());
        }
    }

    /**
     * Every statement is explained once; a statement matched iff it has no failure; the deciding statements matched;
     * an explicit deny iff a Deny matched; each failure's path points into its own statement.
     */
    static void assertConsistent(Explanation explanation, int statementCount) {
        assertThat(explanation.statements()).hasSize(statementCount);
        assertThat(explanation.statements().stream().map(StatementExplanation::ref).distinct().count()).isEqualTo(statementCount);
        List<StatementRef> matched = explanation.matched().stream().map(StatementExplanation::ref).toList();
        assertThat(matched).containsAll(explanation.decision().decidingStatements());
        boolean denyMatched = explanation.matched().stream().anyMatch(s -> s.effect() == Effect.DENY);
        assertThat(explanation.decision().outcome() == Outcome.EXPLICIT_DENY).isEqualTo(denyMatched);
        for (StatementExplanation s : explanation.unmatched()) {
            StatementExplanation.Failure failure = s.failure().orElseThrow();
            assertThat(failure.path()).startsWith("Statement[" + s.ref().statementIndex() + "].");
            switch (failure.kind()) {
                case ACTION -> assertThat(failure.path()).endsWith(".Action");
                case PRINCIPAL -> assertThat(failure.path()).endsWith(".Principal.RAM");
                case RESOURCE -> assertThat(failure.path()).endsWith(".Resource");
                case CONDITION -> assertThat(failure.path()).contains(".Condition.");
                default -> throw new AssertionError(failure);
            }
        }
    }

    static PolicyDocument shuffle(PolicyDocument doc, Random random) {
        List<Statement> s = new ArrayList<>(doc.statements());
        Collections.shuffle(s, random);
        return PolicyDocument.of(doc.kind(), s);
    }

    static void assertNoErrors(Decision... decisions) {
        for (Decision d : decisions) {
            assertThat(d.reason()).doesNotStartWith("evaluation error");
        }
    }
}
