package io.github.keycloaksts.policy.analysis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.tuple;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import io.github.keycloaksts.policy.document.PolicyReader;
import io.github.keycloaksts.policy.document.Statement;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The trust analyzer: each finding listed by a faulty input and gone once it is fixed; edges; views; robustness. */
class TrustAnalyzerTest {

    static final Instant NOW = Instant.parse("2026-06-01T00:00:00Z");
    static final String A = "11111111"; // alpha, organization acme
    static final String B = "22222222"; // beta, organization acme
    static final String C = "33333333"; // gamma, no organization: a third party to all
    static final String RETIRED = "44444444";
    static final String UNKNOWN = "55555555";
    static final String GITHUB = "acs:ram::" + A + ":oidc-provider/github";
    static final String ROLE = "acs:ram::" + A + ":role/ops";
    static final String EXTERNAL_ID = "{\"StringEquals\":{\"sts:ExternalId\":\"s3cret\"}}";
    static final List<AccountFacts> ACCOUNTS = List.of(new AccountFacts(A, "alpha", "acme"),
            new AccountFacts(B, "beta", "acme"), new AccountFacts(C, "gamma", null));
    static final TrustAnalyzer ANALYZER = new TrustAnalyzer();
    static final AnalysisOptions OPTIONS = AnalysisOptions.at(NOW);

    static String statement(String principal, String condition) {
        return "{\"Effect\":\"Allow\",\"Action\":\"sts:AssumeRole\",\"Principal\":" + principal
                + (condition == null ? "" : ",\"Condition\":" + condition) + "}";
    }

    static String trust(String... statements) {
        return "{\"Version\":\"1\",\"Statement\":[" + String.join(",", statements) + "]}";
    }

    static String ram(String... principals) {
        return "{\"RAM\":[\"" + String.join("\",\"", principals) + "\"]}";
    }

    static RoleFacts role(String json) {
        return new RoleFacts(A, "ops", json, false, null);
    }

    static TrustAnalysis analyze(RoleFacts... roles) {
        return analyze(PlatformSnapshot.of(ACCOUNTS, List.of(roles), List.of()), OPTIONS);
    }

    static TrustAnalysis analyze(PlatformSnapshot snapshot, AnalysisOptions options) {
        return ANALYZER.analyze(snapshot, options);
    }

    static PlatformSnapshot withRetired(RoleFacts role) {
        return new PlatformSnapshot(ACCOUNTS, List.of(role), List.of(), null, null, Map.of(RETIRED, "delta-old"));
    }

    static List<FindingKind> kinds(TrustAnalysis a) {
        return a.findings().stream().map(Finding::kind).toList();
    }

    static Finding only(TrustAnalysis a, FindingKind kind) {
        List<Finding> f = a.findings().stream().filter(x -> x.kind() == kind).toList();
        assertThat(f).hasSize(1);
        return f.get(0);
    }

    // --- UNKNOWN_ACCOUNT / RETIRED_ACCOUNT

    @ParameterizedTest
    @ValueSource(strings = {UNKNOWN, "acs:ram::" + UNKNOWN + ":root", "acs:ram::" + UNKNOWN + ":user/bob",
            "acs:ram::" + UNKNOWN + ":role/ci"})
    void aTrustOfAnIdNoAccountHoldsIsListed(String principal) {
        TrustAnalysis a = analyze(role(trust(statement(ram(B, principal), EXTERNAL_ID))));
        Finding f = only(a, FindingKind.UNKNOWN_ACCOUNT);
        assertThat(f.severity()).isEqualTo(Severity.HIGH);
        assertThat(f.accountId()).isEqualTo(A);
        assertThat(f.role()).isEqualTo(ROLE);
        assertThat(f.path()).isEqualTo("Statement[0].Principal.RAM[1]");
        assertThat(f.message()).contains(UNKNOWN).contains("no account holds");
        assertThat(a.edges()).filteredOn(e -> e.path().endsWith("RAM[1]")).singleElement()
                .satisfies(e -> assertThat(e.severity()).isEqualTo(Severity.HIGH));
        assertThat(a.edges()).filteredOn(e -> e.path().endsWith("RAM[0]")).singleElement()
                .satisfies(e -> assertThat(e.severity()).isNull());

        List<AccountFacts> fixed = new ArrayList<>(ACCOUNTS);
        fixed.add(new AccountFacts(UNKNOWN, "new", "acme"));
        TrustAnalysis after = analyze(PlatformSnapshot.of(fixed, List.of(role(trust(statement(ram(B, principal),
                EXTERNAL_ID)))), List.of()), OPTIONS);
        assertThat(kinds(after)).doesNotContain(FindingKind.UNKNOWN_ACCOUNT);
    }

    @Test
    void aTrustOfARetiredIdNamesTheDeletedRealm() {
        Finding f = only(analyze(withRetired(role(trust(statement(ram(RETIRED), EXTERNAL_ID)))), OPTIONS),
                FindingKind.RETIRED_ACCOUNT);
        assertThat(f.severity()).isEqualTo(Severity.HIGH);
        assertThat(f.message()).contains(RETIRED).contains("\"delta-old\"");
        assertThat(f.principal()).isEqualTo("acs:ram::" + RETIRED + ":root");
        assertThat(f.path()).isEqualTo("Statement[0].Principal.RAM[0]");
        assertThat(kinds(analyze(withRetired(role(trust(statement(ram(C), EXTERNAL_ID)))), OPTIONS))).isEmpty();
    }

    // --- documents the reader refuses

    @Test
    void aStoredWildcardPrincipalIsListedWithItsPath() {
        TrustAnalysis a = analyze(role(trust(statement("{\"RAM\":[\"" + B + "\",\"*\"]}", null))));
        Finding f = only(a, FindingKind.WILDCARD_PRINCIPAL);
        assertThat(f.severity()).isEqualTo(Severity.HIGH);
        assertThat(f.path()).isEqualTo("Statement[0].Principal.RAM[1]");
        assertThat(f.message()).contains(ROLE).contains("refuses every assumption until it is fixed");
        assertThat(a.edges()).isEmpty();
        assertThat(only(analyze(role(trust(statement("\"*\"", null)))), FindingKind.WILDCARD_PRINCIPAL).path())
                .isEqualTo("Statement[0].Principal");
        assertThat(kinds(analyze(role(trust(statement(ram(B), null)))))).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "{\"StringEquals\":{\"oidc:aud\":\"sts\"}}", "{\"StringLike\":{\"oidc:sub\":\"*\"}}",
            "{\"StringLike\":{\"oidc:sub\":[\"repo:org/app:*\",\"repo:*\"]}}",
            "{\"StringNotEquals\":{\"oidc:sub\":\"repo:evil/x:ref:refs/heads/main\"}}"})
    void aFederatedTrustWithoutAPinnedSubjectIsListed(String condition) {
        TrustAnalysis a = analyze(role(trust(statement("{\"Federated\":\"" + GITHUB + "\"}",
                condition.isEmpty() ? null : condition))));
        Finding f = only(a, FindingKind.BROAD_OIDC_SUB);
        assertThat(f.severity()).isEqualTo(Severity.HIGH);
        assertThat(f.path()).startsWith("Statement[0]");
        assertThat(f.message()).contains("refuses every assumption");
        assertThat(a.edges()).isEmpty();
    }

    @Test
    void aFederatedTrustPinnedToAnOwnerDrawsAnEdgeWithoutSourceAccount() {
        TrustAnalysis a = analyze(role(trust(statement("{\"Federated\":\"" + GITHUB + "\"}",
                "{\"StringLike\":{\"oidc:sub\":\"repo:org/app:*\"}}"))));
        assertThat(kinds(a)).doesNotContain(FindingKind.BROAD_OIDC_SUB);
        TrustEdge e = a.edges().get(0);
        assertThat(e.principalKind()).isEqualTo(PrincipalKind.OIDC_PROVIDER);
        assertThat(e.sourceAccountId()).isNull();
        assertThat(e.sourceKey()).isEqualTo(GITHUB);
        assertThat(e.crossAccount()).isFalse();
        assertThat(e.external()).isTrue();
        assertThat(e.path()).isEqualTo("Statement[0].Principal.Federated");
        assertThat(e.key()).isEqualTo(new EdgeKey(ROLE, GITHUB));
    }

    @ParameterizedTest
    @ValueSource(strings = {"{", "[]", "null", "{\"Version\":\"1\",\"Statement\":[{\"Effect\":\"Allow\"}]}",
            "{\"Version\":\"1\",\"Statement\":[],\"Id\":1}"})
    void anUnreadableTrustPolicyIsListed(String json) {
        Finding f = only(analyze(role(json)), FindingKind.UNREADABLE_TRUST_POLICY);
        assertThat(f.severity()).isEqualTo(Severity.HIGH);
        assertThat(f.path()).isNotEmpty();
        assertThat(f.message()).contains(ROLE).contains("refuses every assumption");
        assertThat(kinds(analyze(role(trust(statement(ram(A), null)))))).isEmpty();
    }

    @Test
    void noTrustPolicyIsNoFinding() {
        assertThat(analyze(role(null)).findings()).isEmpty();
        assertThat(analyze(role("  ")).findings()).isEmpty();
    }

    // --- NO_EXTERNAL_ID

    @Test
    void aThirdPartyTrustedWithoutExternalIdIsListed() {
        Finding f = only(analyze(role(trust(statement(ram("acs:ram::" + C + ":user/eve"), null)))),
                FindingKind.NO_EXTERNAL_ID);
        assertThat(f.severity()).isEqualTo(Severity.MEDIUM);
        assertThat(f.message()).contains(C).contains("\"gamma\"").contains("third party");
        assertThat(f.principal()).isEqualTo("acs:ram::" + C + ":user/eve");
        assertThat(kinds(analyze(role(trust(statement(ram(C), EXTERNAL_ID)))))).isEmpty();
        assertThat(kinds(analyze(role(trust(statement(ram(C),
                "{\"StringEqualsIgnoreCase\":{\"sts:ExternalId\":\"x\"}}")))))).isEmpty();
    }

    @Test
    void anAccountOfTheSameOrganizationNeedsNoExternalId() {
        assertThat(kinds(analyze(role(trust(statement(ram(B, "acs:ram::" + B + ":role/ci"), null)))))).isEmpty();
        // without an organization on the role's side, every other account is a third party
        RoleFacts inGamma = new RoleFacts(C, "ops", trust(statement(ram(B), null)), false, null);
        assertThat(kinds(analyze(inGamma))).containsExactly(FindingKind.NO_EXTERNAL_ID);
    }

    @ParameterizedTest
    @ValueSource(strings = {"{\"StringLike\":{\"sts:ExternalId\":\"*\"}}",
            "{\"StringLike\":{\"sts:ExternalId\":[\"abc*\",\"?*\"]}}",
            "{\"StringNotEquals\":{\"sts:ExternalId\":\"x\"}}", "{\"StringEquals\":{\"sts:RoleSessionName\":\"x\"}}"})
    void anExternalIdConditionAnyCallerMeetsIsNone(String condition) {
        TrustAnalysis a = analyze(role(trust(statement(ram(C), condition))));
        assertThat(kinds(a)).containsExactly(FindingKind.NO_EXTERNAL_ID);
        assertThat(a.edges().get(0).externalId()).isFalse();
    }

    // --- ADMIN_ROLE_TRUSTED_CROSS_ACCOUNT

    @Test
    void anAdminRoleTrustedByAnotherAccountOrAProviderIsListed() {
        String doc = trust(statement(ram(B), null), statement("{\"Federated\":\"" + GITHUB + "\"}",
                "{\"StringEquals\":{\"oidc:sub\":\"repo:org/app:ref:refs/heads/main\"}}"));
        TrustAnalysis a = analyze(new RoleFacts(A, "ops", doc, true, null));
        assertThat(a.findings()).extracting(Finding::kind, Finding::severity, Finding::path).containsExactly(
                tuple(FindingKind.ADMIN_ROLE_TRUSTED_CROSS_ACCOUNT, Severity.HIGH,
                        "Statement[0].Principal.RAM[0]"),
                tuple(FindingKind.ADMIN_ROLE_TRUSTED_CROSS_ACCOUNT, Severity.HIGH,
                        "Statement[1].Principal.Federated"));
        assertThat(kinds(analyze(new RoleFacts(A, "ops", trust(statement(ram(A, "acs:ram::" + A + ":user/bob"), null)),
                true, null)))).isEmpty();
    }

    // --- UNUSED_TRUST

    static PlatformSnapshot used(Instant trustSince, Usage usage, Integer live) {
        EdgeKey key = new EdgeKey(ROLE, B);
        return new PlatformSnapshot(ACCOUNTS, List.of(new RoleFacts(A, "ops", trust(statement(ram(B), null)), false,
                trustSince)), List.of(), usage == null ? Map.of() : Map.of(key, usage),
                live == null ? Map.of() : Map.of(key, live), Map.of());
    }

    @Test
    void aTrustNotUsedForLongIsListed() {
        Instant longAgo = NOW.minus(Duration.ofDays(100));
        Finding f = only(analyze(used(null, new Usage(longAgo, NOW), null), OPTIONS), FindingKind.UNUSED_TRUST);
        assertThat(f.severity()).isEqualTo(Severity.LOW);
        assertThat(f.message()).contains("not used since " + longAgo).contains("100 days");
        assertThat(analyze(used(null, new Usage(NOW.minus(Duration.ofDays(10)), null), null), OPTIONS).findings())
                .isEmpty();
        assertThat(analyze(used(null, new Usage(longAgo, null), 2), OPTIONS).findings()).isEmpty();
        TrustAnalysis shorter = analyze(used(null, new Usage(longAgo, null), null),
                new AnalysisOptions(NOW, Duration.ofDays(365), null, null));
        assertThat(shorter.findings()).isEmpty();
    }

    @Test
    void aTrustNeverUsedIsListedFromTheLaterOfItsSettingAndTrackingStart() {
        Instant set = NOW.minus(Duration.ofDays(200));
        Finding f = only(analyze(used(set, null, null), OPTIONS), FindingKind.UNUSED_TRUST);
        assertThat(f.message()).contains("never used since " + set);
        assertThat(analyze(used(NOW.minus(Duration.ofDays(10)), null, null), OPTIONS).findings()).isEmpty();
        // unknown setting: tracking start stands in; neither known: not judged
        Instant tracking = NOW.minus(Duration.ofDays(120));
        assertThat(only(analyze(used(null, null, null), new AnalysisOptions(NOW, null, null, tracking)),
                FindingKind.UNUSED_TRUST).message()).contains("never used since " + tracking);
        assertThat(analyze(used(null, null, null), OPTIONS).findings()).isEmpty();
        // tracking started recently: nothing is known to be unused yet
        assertThat(analyze(used(set, null, null), new AnalysisOptions(NOW, null, null, NOW.minus(Duration.ofDays(5))))
                .findings()).isEmpty();
    }

    @Test
    void usageAndLiveSessionsLandOnTheEdge() {
        Usage u = new Usage(NOW.minusSeconds(60), NOW.minusSeconds(30));
        TrustEdge e = analyze(used(null, u, 3), OPTIONS).edges().get(0);
        assertThat(e.lastAllowed()).isEqualTo(u.lastAllowed());
        assertThat(e.lastRefused()).isEqualTo(u.lastRefused());
        assertThat(e.liveSessions()).isEqualTo(3);
        assertThat(e.crossAccount()).isTrue();
        assertThat(e.sourceAccountId()).isEqualTo(B);
    }

    // --- terms

    static String term(String operator, String... dates) {
        return "{\"" + operator + "\":{\"acs:CurrentTime\":[\"" + String.join("\",\"", dates) + "\"]}}";
    }

    @Test
    void anExpiredTrustIsListedAndNothingElseOnIt() {
        String ended = NOW.minus(Duration.ofDays(1)).toString();
        TrustAnalysis a = analyze(role(trust(statement(ram(C), term("DateLessThan", ended)))));
        assertThat(kinds(a)).containsExactly(FindingKind.TRUST_EXPIRED);
        assertThat(a.findings().get(0).severity()).isEqualTo(Severity.LOW);
        assertThat(a.edges().get(0).expires()).isEqualTo(Instant.parse(ended));
        assertThat(a.edges().get(0).severity()).isEqualTo(Severity.LOW);
        String later = NOW.plus(Duration.ofDays(100)).toString();
        assertThat(kinds(analyze(role(trust(statement(ram(B), term("DateLessThan", later))))))).isEmpty();
    }

    @Test
    void aTrustEndingSoonIsListed() {
        String soon = NOW.plus(Duration.ofDays(5)).toString();
        Finding f = only(analyze(role(trust(statement(ram(B), term("DateLessThanEquals", soon))))),
                FindingKind.TRUST_EXPIRING);
        assertThat(f.severity()).isEqualTo(Severity.INFO);
        assertThat(f.message()).contains(soon).contains("5 days");
        assertThat(analyze(role(trust(statement(ram(B), term("DateLessThanEquals", soon))))).edges().get(0)
                .severity()).isEqualTo(Severity.INFO);
        assertThat(kinds(analyze(PlatformSnapshot.of(ACCOUNTS, List.of(role(trust(statement(ram(B),
                term("DateLessThanEquals", soon))))), List.of()), new AnalysisOptions(NOW, null, Duration.ofDays(2), null))))
                .isEmpty();
    }

    @Test
    void theTermIsTheEarliestConditionsLatestValue() {
        String doc = trust(statement(ram(B), "{\"DateLessThan\":{\"acs:CurrentTime\":[\"2026-01-01T00:00:00Z\","
                + "\"2027-01-01T00:00:00+01:00\"]},\"DateLessThanEquals\":{\"acs:CurrentTime\":\"2027-06-01T00:00:00Z\"},"
                + "\"DateGreaterThan\":{\"acs:CurrentTime\":\"2020-01-01T00:00:00Z\"}}"));
        Statement s = PolicyReader.defaults().readTrustPolicy(doc).statements().get(0);
        assertThat(TrustTerms.expiryOf(s)).contains(Instant.parse("2026-12-31T23:00:00Z"));
        assertThat(TrustTerms.expiryOf(PolicyReader.defaults().readTrustPolicy(trust(statement(ram(B), null)))
                .statements().get(0))).isEmpty();
        assertThat(TrustTerms.expiryOf(null)).isEmpty();
        assertThat(TrustTerms.isExpired(NOW, NOW)).isTrue();
        assertThat(TrustTerms.isExpired(NOW.plusNanos(1), NOW)).isFalse();
        assertThat(TrustTerms.isExpired(null, NOW)).isFalse();
    }

    // --- grants

    static TrustAnalysis grants(String... patterns) {
        return analyze(PlatformSnapshot.of(ACCOUNTS, List.of(), List.of(new GrantFacts(A, "deployers",
                Arrays.asList(patterns)))), OPTIONS);
    }

    @ParameterizedTest
    @ValueSource(strings = {"*", "acs:ram::*:role/admin", "acs:ram:*", "acs:ram::2222222?:role/ops",
            "acs:ram::" + B + ":role/*", "acs:ram::" + B + ":*", "acs:ram:*:" + B + ":role/**", "acs:ram::" + B + ":ro*"})
    void aGrantOfManyAccountsOrEveryRoleOfAnotherIsListed(String pattern) {
        Finding f = only(grants("acs:ram::" + B + ":role/ops", pattern), FindingKind.BROAD_GRANT);
        assertThat(f.severity()).isEqualTo(Severity.MEDIUM);
        assertThat(f.accountId()).isEqualTo(A);
        assertThat(f.role()).isEqualTo("deployers");
        assertThat(f.path()).isEqualTo("sts.assume-role[1]");
        assertThat(f.message()).contains("\"deployers\"").contains(pattern);
        assertThat(grants("acs:ram::" + B + ":role/ops", "acs:ram::" + B + ":role/ecs-*").findings()).isEmpty();
    }

    @Test
    void aGrantOfEveryRoleOfTheOwnAccountIsLow() {
        Finding f = only(grants("acs:ram::" + A + ":role/*"), FindingKind.BROAD_GRANT);
        assertThat(f.severity()).isEqualTo(Severity.LOW);
        assertThat(f.message()).contains("its own account");
        assertThat(grants("acs:ram::" + A + ":role/app-*").findings()).isEmpty();
    }

    @Test
    void aGrantValueThatIsNoPatternIsListed() {
        TrustAnalysis a = grants("bogus", null, "acs:ram::" + B + ":user/bob");
        assertThat(a.findings()).extracting(Finding::kind).containsOnly(FindingKind.UNREADABLE_GRANT);
        assertThat(a.findings()).extracting(Finding::path)
                .containsExactly("sts.assume-role[0]", "sts.assume-role[1]", "sts.assume-role[2]");
        assertThat(grants("acs:ram::" + B + ":role/bob").findings()).isEmpty();
    }

    // --- edges and views

    @Test
    void edgesCarryTheirPrincipalsPathsAndSkipDenyAndDuplicates() {
        String doc = "{\"Version\":\"1\",\"Statement\":[" + statement(ram(B, "acs:ram::" + B + ":root",
                "acs:ram::" + C + ":user/Bob"), EXTERNAL_ID) + ",{\"Effect\":\"Deny\",\"Action\":\"sts:AssumeRole\","
                + "\"Principal\":{\"RAM\":\"" + C + "\"}}," + "{\"Effect\":\"Allow\",\"Action\":\"sts:TagSession\","
                + "\"Principal\":{\"RAM\":\"" + C + "\"}}]}";
        TrustAnalysis a = analyze(role(doc));
        assertThat(a.edges()).extracting(TrustEdge::principal, TrustEdge::principalKind, TrustEdge::path)
                .containsExactly(
                        tuple("acs:ram::" + B + ":root", PrincipalKind.ACCOUNT,
                                "Statement[0].Principal.RAM[0]"),
                        tuple("acs:ram::" + C + ":user/bob", PrincipalKind.USER, // user names compare ignoring case
                                "Statement[0].Principal.RAM[2]"));
        assertThat(a.edges()).allSatisfy(e -> assertThat(e.externalId()).isTrue());
        TrustEdge single = analyze(role("{\"Version\":\"1\",\"Statement\":" + statement("{\"RAM\":\"acs:ram::" + A
                + ":role/ci\"}", null) + "}")).edges().get(0);
        assertThat(single.path()).isEqualTo("Statement.Principal.RAM");
        assertThat(single.principalKind()).isEqualTo(PrincipalKind.ROLE);
        assertThat(single.crossAccount()).isFalse();
    }

    @Test
    void intoAndOutOfGiveAnAccountsViews() {
        PlatformSnapshot s = PlatformSnapshot.of(ACCOUNTS, List.of(
                role(trust(statement(ram(C), null))),
                new RoleFacts(B, "reader", trust(statement(ram(A), null)), false, null),
                new RoleFacts(C, "x", "{", false, null)),
                List.of(new GrantFacts(A, "g", List.of("*")), new GrantFacts(C, "h", List.of("*"))));
        TrustAnalysis all = analyze(s, OPTIONS);
        TrustAnalysis into = all.into(A);
        assertThat(into.edges()).extracting(TrustEdge::roleArn).containsOnly(ROLE);
        assertThat(into.findings()).extracting(Finding::kind).containsExactly(FindingKind.NO_EXTERNAL_ID);
        assertThat(into.accounts()).extracting(AccountFacts::accountId).containsExactly(A, C);
        TrustAnalysis out = all.outOf(A);
        assertThat(out.edges()).extracting(TrustEdge::roleArn).containsExactly("acs:ram::" + B + ":role/reader");
        assertThat(out.findings()).extracting(Finding::kind, Finding::accountId)
                .containsExactly(tuple(FindingKind.BROAD_GRANT, A));
        assertThat(all.into(C).findings()).extracting(Finding::kind)
                .containsExactly(FindingKind.UNREADABLE_TRUST_POLICY);
        assertThat(all.countBySeverity()).containsEntry(Severity.HIGH, 1).containsEntry(Severity.MEDIUM, 3);
    }

    // --- determinism and robustness

    @Test
    void theSameFactsInAnyOrderGiveTheSameAnalysis() {
        List<RoleFacts> roles = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            String acct = List.of(A, B, C).get(i % 3);
            roles.add(new RoleFacts(acct, "r" + i, trust(statement(ram(B, C, UNKNOWN), i % 2 == 0 ? EXTERNAL_ID : null),
                    statement(ram(RETIRED), term("DateLessThan", NOW.plus(Duration.ofDays(i)).toString()))), i % 5 == 0,
                    NOW.minus(Duration.ofDays(10L * i))));
        }
        List<GrantFacts> grants = List.of(new GrantFacts(A, "a", List.of("*", "acs:ram::" + B + ":role/*")),
                new GrantFacts(B, "b", List.of("acs:ram::" + B + ":role/*")));
        Map<EdgeKey, Usage> usage = new HashMap<>();
        usage.put(new EdgeKey("acs:ram::" + A + ":role/r0", B), new Usage(NOW.minus(Duration.ofDays(300)), null));
        TrustAnalysis first = analyze(new PlatformSnapshot(ACCOUNTS, roles, grants, usage, Map.of(),
                Map.of(RETIRED, "old")), OPTIONS);
        Random random = new Random(42);
        for (int round = 0; round < 5; round++) {
            List<RoleFacts> r = new ArrayList<>(roles);
            Collections.shuffle(r, random);
            List<AccountFacts> acc = new ArrayList<>(ACCOUNTS);
            Collections.shuffle(acc, random);
            List<GrantFacts> g = new ArrayList<>(grants);
            Collections.shuffle(g, random);
            TrustAnalysis again = analyze(new PlatformSnapshot(acc, r, g, usage, Map.of(), Map.of(RETIRED, "old")),
                    OPTIONS);
            assertThat(again.edges()).isEqualTo(first.edges());
            assertThat(again.findings()).isEqualTo(first.findings());
            assertThat(again.accounts()).isEqualTo(first.accounts());
        }
        assertThat(first.findings()).isSortedAccordingTo(Finding.ORDER);
        assertThat(first.edges()).isSortedAccordingTo(TrustEdge.ORDER);
        assertThat(kinds(first)).contains(FindingKind.UNKNOWN_ACCOUNT, FindingKind.RETIRED_ACCOUNT,
                FindingKind.NO_EXTERNAL_ID, FindingKind.ADMIN_ROLE_TRUSTED_CROSS_ACCOUNT, FindingKind.UNUSED_TRUST,
                FindingKind.TRUST_EXPIRED, FindingKind.TRUST_EXPIRING, FindingKind.BROAD_GRANT);
    }

    @Test
    void garbageNeverThrows() {
        List<RoleFacts> roles = new ArrayList<>();
        roles.add(new RoleFacts(null, null, null, false, null));
        roles.add(new RoleFacts(A, null, "{", true, null));
        roles.add(new RoleFacts("not-an-id", "bad name!", trust(statement(ram(B), null)), true, null));
        roles.add(null);
        for (String junk : List.of("{", "[", "\"x\"", "1e999999", "{\"Version\":\"1\",\"Statement\":[null]}",
                "{".repeat(5000), "x".repeat(200_000), "{\"Version\":\"1\",\"Statement\":{}}", "\u0000")) {
            roles.add(new RoleFacts(A, "j" + roles.size(), junk, true, null));
        }
        List<GrantFacts> grants = new ArrayList<>();
        grants.add(new GrantFacts(null, null, null));
        grants.add(new GrantFacts(A, null, Arrays.asList(null, "", "acs:ram::", "*")));
        grants.add(null);
        List<AccountFacts> accounts = new ArrayList<>(ACCOUNTS);
        accounts.add(new AccountFacts(null, null, null));
        accounts.add(null);
        Map<EdgeKey, Usage> usage = new HashMap<>();
        usage.put(new EdgeKey(null, null), new Usage(null, null));
        usage.put(null, null);
        PlatformSnapshot junk = new PlatformSnapshot(accounts, roles, grants, usage, null, null);
        assertThatCode(() -> {
            TrustAnalysis a = analyze(junk, new AnalysisOptions(NOW, Duration.ofDays(-1), null,
                    NOW.minus(Duration.ofDays(999))));
            TrustGraphReport.html(a, null);
            a.into(null);
            a.outOf(null);
            analyze(null, OPTIONS);
            analyze(new PlatformSnapshot(null, null, null, null, null, null), OPTIONS);
        }).doesNotThrowAnyException();
        TrustAnalysis a = analyze(junk, OPTIONS);
        assertThat(a.findings()).extracting(Finding::kind).contains(FindingKind.UNREADABLE_TRUST_POLICY,
                FindingKind.UNREADABLE_GRANT, FindingKind.BROAD_GRANT);
    }
}
