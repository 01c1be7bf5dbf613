package io.github.keycloaksts.it;

import static io.github.keycloaksts.it.support.Accounts.trusting;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.keycloaksts.it.support.Accounts;
import io.github.keycloaksts.it.support.Admin;
import io.github.keycloaksts.it.support.Browser;
import io.github.keycloaksts.it.support.Http;
import io.github.keycloaksts.it.support.KeycloakServer;
import io.github.keycloaksts.it.support.RoleTokens;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;

/**
 * The platform view: every finding of the analyzer listed for this class's accounts, then cleared by its fix; the
 * accounts' own views without the other side's users, roles or policies; who may read what; the HTML report in
 * Chromium; and the end of live sessions when a trust's term ends. Accounts: P ({@value #P_ID}, roles), Q
 * ({@value #Q_ID}, user bob, in organization {@value #ORG} with P), R ({@value #R_ID}, in no organization).
 */
class PlatformViewIT {

    static final String P = "it-view-p";
    static final String Q = "it-view-q";
    static final String R = "it-view-r";
    static final String GONE = "it-view-gone";
    static final String IMPORTED = "it-view-imported";
    static final String P_ID = "76200001";
    static final String Q_ID = "76200002";
    static final String R_ID = "76200003";
    static final String GONE_ID = "76200009";
    static final String IMPORTED_ID = "76200008";
    static final String UNHELD_ID = "76209999";
    static final String ORG = "it-view-org";
    static final Set<String> MINE = Set.of(P_ID, Q_ID, R_ID, IMPORTED_ID);

    static final KeycloakServer SERVER = KeycloakServer.shared();
    static final Admin ADMIN = new Admin(SERVER);
    static Accounts.Account p;

    final RoleTokens atP = new RoleTokens(SERVER, P, "api", "api-secret-1");

    static String root(String id) {
        return "acs:ram::" + id + ":root";
    }

    @BeforeAll
    static void accounts() {
        ADMIN.deleteRealmIfExists(GONE);
        ADMIN.createAccountRealm(GONE, GONE_ID);
        ADMIN.deleteRealmIfExists(GONE); // its ID is now retired
        p = new Accounts(SERVER).account(P, P_ID);
        p.api("api", "api-secret-1", "reader")
                .role("dangling", trusting(List.of(root(UNHELD_ID))), 3600).attachClientRole("dangling", "api", "reader")
                .role("retired", trusting(List.of(root(GONE_ID))), 3600).attachClientRole("retired", "api", "reader")
                .role("third", trusting(List.of(root(R_ID))), 3600).attachClientRole("third", "api", "reader")
                .role("partner", trusting(List.of(root(Q_ID))), 3600).attachClientRole("partner", "api", "reader")
                .role("admin", trusting(List.of(root(Q_ID))), 3600).attachClientRole("admin", "realm-management", "view-users")
                .role("term", term(Instant.now().plus(Duration.ofDays(10))), 3600).attachClientRole("term", "api", "reader")
                .role("old-term", term(Instant.now().minus(Duration.ofDays(1))), 3600).attachClientRole("old-term", "api", "reader");
        ADMIN.createSourceAccount(Q, Q_ID, "bob", "bob-pass-1", List.of("acs:ram::" + P_ID + ":role/*"));
        ADMIN.createSourceAccount(R, R_ID, "rita", "rita-pass-1", List.of(p.roleArn("third")));
        ADMIN.createUser(P, "it-view-p-admin", "it-view-p-admin-pass-1", "realm-management", List.of("view-realm"));
        ADMIN.createUser(Q, "it-view-q-admin", "it-view-q-admin-pass-1", "realm-management", List.of("view-realm"));
        RoleTokens.ok(Http.sendJson("PUT", platform("/organizations/" + ORG), Map.of("accounts", List.of(P_ID, Q_ID)), ADMIN.token()));
    }

    @AfterAll
    static void tearDown() {
        Http.delete(platform("/organizations/" + ORG), ADMIN.token());
        for (String realm : List.of(P, Q, R, IMPORTED)) {
            ADMIN.deleteRealmIfExists(realm);
        }
    }

    static Map<String, Object> term(Instant until) {
        return trusting(List.of(root(Q_ID)), Map.of("DateLessThan", Map.of("acs:CurrentTime", until.toString())));
    }

    static String platform(String path) {
        return SERVER.adminUrl("master") + "/sts/platform" + path;
    }

    /** The findings of this class's accounts, from the platform's list. */
    static List<JsonNode> findings(String query) {
        Http.Response listed = Http.get(platform("/trust-graph/findings" + query), ADMIN.token());
        assertThat(listed.status()).as(listed.toString()).isEqualTo(200);
        List<JsonNode> mine = new ArrayList<>();
        listed.json().forEach(f -> {
            if (MINE.contains(f.path("accountId").asText())) {
                mine.add(f);
            }
        });
        return mine;
    }

    static List<JsonNode> findings(String kind, String role) {
        return findings("").stream().filter(f -> f.path("kind").asText().equals(kind) && f.path("role").asText().equals(role)).toList();
    }

    static void putTrust(String role, Map<String, Object> trust) {
        RoleTokens.ok(Http.sendJson("PUT", SERVER.adminUrl(P) + "/sts/roles/" + role + "/trust-policy", trust, ADMIN.token()));
    }

    @Test
    void aTrustInAnAccountIdNobodyHoldsOrADeletedAccountHeldIsHighUntilFixed() {
        assertThat(findings("UNKNOWN_ACCOUNT", p.roleArn("dangling"))).singleElement().satisfies(f -> {
            assertThat(f.path("severity").asText()).isEqualTo("HIGH");
            assertThat(f.path("principal").asText()).isEqualTo(root(UNHELD_ID));
            assertThat(f.path("path").asText()).isEqualTo("Statement[0].Principal.RAM[0]");
            assertThat(f.path("fix").asText()).isNotBlank();
        });
        assertThat(findings("RETIRED_ACCOUNT", p.roleArn("retired"))).singleElement()
                .satisfies(f -> assertThat(f.path("message").asText()).contains(GONE));
        putTrust("dangling", trusting(List.of(root(Q_ID))));
        putTrust("retired", trusting(List.of(root(Q_ID))));
        assertThat(findings("UNKNOWN_ACCOUNT", p.roleArn("dangling"))).isEmpty();
        assertThat(findings("RETIRED_ACCOUNT", p.roleArn("retired"))).isEmpty();
    }

    @Test
    void aWildcardPrincipalOrABroadSubjectArrivingWithARealmImportIsReportedWithItsPath() {
        ADMIN.deleteRealmIfExists(IMPORTED);
        String wildcard = "{\"Version\":\"1\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"sts:AssumeRole\",\"Principal\":{\"RAM\":\"*\"}}]}";
        String broad = "{\"Version\":\"1\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"sts:AssumeRole\",\"Principal\":{\"Federated\":"
                + "\"acs:ram::" + IMPORTED_ID + ":oidc-provider/ci\"},\"Condition\":{\"StringLike\":{\"oidc:sub\":\"*\"}}}]}";
        Http.Response imported = ADMIN.createRealm(Map.of("realm", IMPORTED, "enabled", true,
                "attributes", Map.of("sts.account-id", IMPORTED_ID), "clients", List.of(
                        roleClient("open", wildcard), roleClient("any-repo", broad))));
        assertThat(imported.status()).as(imported.toString()).isEqualTo(201);
        String open = "acs:ram::" + IMPORTED_ID + ":role/open";
        String anyRepo = "acs:ram::" + IMPORTED_ID + ":role/any-repo";
        assertThat(findings("WILDCARD_PRINCIPAL", open)).singleElement().satisfies(f -> {
            assertThat(f.path("severity").asText()).isEqualTo("HIGH");
            assertThat(f.path("path").asText()).startsWith("Statement[0].Principal.RAM");
        });
        assertThat(findings("BROAD_OIDC_SUB", anyRepo)).singleElement()
                .satisfies(f -> assertThat(f.path("path").asText()).contains("oidc:sub"));

        RoleTokens.ok(Http.sendJson("PUT", SERVER.adminUrl(IMPORTED) + "/sts/roles/open/trust-policy", trusting(List.of(root(Q_ID))),
                ADMIN.token()));
        RoleTokens.ok(Http.sendJson("PUT", SERVER.adminUrl(IMPORTED) + "/sts/roles/any-repo/trust-policy", trusting(List.of(root(Q_ID))),
                ADMIN.token()));
        assertThat(findings("WILDCARD_PRINCIPAL", open)).isEmpty();
        assertThat(findings("BROAD_OIDC_SUB", anyRepo)).isEmpty();
        ADMIN.deleteRealmIfExists(IMPORTED);
    }

    static Map<String, Object> roleClient(String name, String trust) {
        return Map.of("clientId", "sts-role:" + name, "serviceAccountsEnabled", true, "publicClient", false,
                "attributes", Map.of("sts.role-name", name, "sts.trust-policy", trust));
    }

    @Test
    void aThirdPartyTrustedWithoutAnExternalIdIsMediumAndAnOrganizationMemberIsNotAThirdParty() {
        assertThat(findings("NO_EXTERNAL_ID", p.roleArn("third"))).singleElement()
                .satisfies(f -> assertThat(f.path("severity").asText()).isEqualTo("MEDIUM"));
        assertThat(findings("NO_EXTERNAL_ID", p.roleArn("partner"))).as("Q is in P's organization").isEmpty();
        putTrust("third", trusting(List.of(root(R_ID)), Map.of("StringEquals", Map.of("sts:ExternalId", "it-view-secret-1"))));
        assertThat(findings("NO_EXTERNAL_ID", p.roleArn("third"))).isEmpty();
    }

    @Test
    void anAdminGradeRoleTrustedCrossAccountIsHighUntilItsAdminPolicyIsDetached() {
        assertThat(findings("ADMIN_ROLE_TRUSTED_CROSS_ACCOUNT", p.roleArn("admin"))).singleElement()
                .satisfies(f -> assertThat(f.path("severity").asText()).isEqualTo("HIGH"));
        RoleTokens.ok(Http.delete(SERVER.adminUrl(P) + "/sts/roles/admin/policies/view-users?clientId=realm-management", ADMIN.token()));
        assertThat(findings("ADMIN_ROLE_TRUSTED_CROSS_ACCOUNT", p.roleArn("admin"))).isEmpty();
    }

    @Test
    void anUnusedTrustIsListedUntilItIsUsed() throws InterruptedException {
        p.role("idle", trusting(List.of(root(Q_ID))), 3600).attachClientRole("idle", "api", "reader");
        String query = "?unusedDays=0.00004"; // 3.5 s
        Thread.sleep(3_600);
        assertThat(findings(query).stream().filter(f -> f.path("kind").asText().equals("UNUSED_TRUST")
                && f.path("role").asText().equals(p.roleArn("idle")))).singleElement()
                .satisfies(f -> assertThat(f.path("severity").asText()).isEqualTo("LOW"));
        atP.exchange(atP.signIn(Q, "bob"), p.roleArn("idle"));
        assertThat(findings(query).stream().filter(f -> f.path("kind").asText().equals("UNUSED_TRUST")
                && f.path("role").asText().equals(p.roleArn("idle")))).isEmpty();
        JsonNode edge = edge(p.roleArn("idle"), root(Q_ID));
        assertThat(edge.path("lastAllowed").asText()).isNotEmpty();
        assertThat(edge.path("liveSessions").asInt()).isGreaterThanOrEqualTo(1);

        Http.Response refused = atP.tryExchange(atP.signIn(Q, "bob"), p.roleArn("third"));
        assertThat(refused.status()).isEqualTo(403);
        assertThat(edge(p.roleArn("third"), root(R_ID)).path("lastRefused").isTextual()).as("the refusal was bob's, of Q").isFalse();
        assertThat(Http.get(platform("/trust-graph?unusedDays=-1"), ADMIN.token()).status()).isEqualTo(400);
    }

    static JsonNode edge(String roleArn, String principal) {
        JsonNode graph = Http.get(platform("/trust-graph"), ADMIN.token()).json();
        for (JsonNode e : graph.get("edges")) {
            if (e.path("roleArn").asText().equals(roleArn) && e.path("principal").asText().equals(principal)) {
                return e;
            }
        }
        throw new AssertionError("no edge " + roleArn + " <- " + principal + " in " + graph);
    }

    @Test
    void aBroadGrantIsListedOnTheSourceSideUntilNarrowed() {
        assertThat(findings("").stream().filter(f -> f.path("kind").asText().equals("BROAD_GRANT")
                && f.path("accountId").asText().equals(Q_ID))).singleElement().satisfies(f -> {
                    assertThat(f.path("role").asText()).isEqualTo("assumer");
                    assertThat(f.path("severity").asText()).isEqualTo("MEDIUM");
                });
        JsonNode assumer = Http.get(SERVER.adminUrl(Q) + "/roles/assumer", ADMIN.token()).json();
        ((ObjectNode) assumer).set("attributes", Http.JSON.valueToTree(Map.of("sts.assume-role",
                List.of(p.roleArn("partner"), p.roleArn("term")))));
        RoleTokens.ok(Http.sendJson("PUT", SERVER.adminUrl(Q) + "/roles/assumer", assumer, ADMIN.token()));
        assertThat(findings("").stream().filter(f -> f.path("kind").asText().equals("BROAD_GRANT")
                && f.path("accountId").asText().equals(Q_ID))).isEmpty();
        JsonNode restore = Http.get(SERVER.adminUrl(Q) + "/roles/assumer", ADMIN.token()).json();
        ((ObjectNode) restore).set("attributes", Http.JSON.valueToTree(Map.of("sts.assume-role", List.of("acs:ram::" + P_ID + ":role/*"))));
        RoleTokens.ok(Http.sendJson("PUT", SERVER.adminUrl(Q) + "/roles/assumer", restore, ADMIN.token()));
    }

    @Test
    void aTrustWithATermIsListedBeforeItEndsAndAnEndedTermEndsItsSessions() throws InterruptedException {
        assertThat(findings("TRUST_EXPIRING", p.roleArn("term"))).singleElement()
                .satisfies(f -> assertThat(f.path("severity").asText()).isEqualTo("INFO"));
        assertThat(findings("?expiringDays=5").stream().filter(f -> f.path("kind").asText().equals("TRUST_EXPIRING")
                && f.path("role").asText().equals(p.roleArn("term")))).as("ten days is beyond five").isEmpty();
        assertThat(findings("TRUST_EXPIRED", p.roleArn("old-term"))).singleElement();
        putTrust("old-term", term(Instant.now().plus(Duration.ofDays(400))));
        assertThat(findings("TRUST_EXPIRED", p.roleArn("old-term"))).isEmpty();

        p.role("short-term", term(Instant.now().plus(Duration.ofSeconds(4))), 3600).attachClientRole("short-term", "api", "reader");
        String token = atP.exchange(atP.signIn(Q, "bob"), p.roleArn("short-term"));
        atP.assertLive("a session within the trust's term", token);
        JsonNode edge = edge(p.roleArn("short-term"), root(Q_ID));
        Instant ends = Instant.parse(edge.path("expires").asText());
        Thread.sleep(Math.max(0, Duration.between(Instant.now(), ends).toMillis()));
        atP.assertEndsWithinOneSecond("the session when the trust's term ended", token);
        assertThat(atP.tryExchange(atP.signIn(Q, "bob"), p.roleArn("short-term")).status()).isEqualTo(403);
    }

    @Test
    void anAccountSeesItsOwnSideOnlyAndThePlatformViewIsThePlatformsOnly() {
        String pAdmin = Http.passwordGrant(SERVER, P, "admin-cli", "it-view-p-admin", "it-view-p-admin-pass-1").accessToken();
        String qAdmin = Http.passwordGrant(SERVER, Q, "admin-cli", "it-view-q-admin", "it-view-q-admin-pass-1").accessToken();
        atP.exchange(atP.signIn(Q, "bob"), p.roleArn("partner"));

        Http.Response inbound = Http.get(SERVER.adminUrl(P) + "/sts/external-access", pAdmin);
        assertThat(inbound.status()).as(inbound.toString()).isEqualTo(200);
        assertThat(inbound.json().get("edges")).isNotEmpty().allSatisfy(e -> assertThat(e.path("roleAccountId").asText()).isEqualTo(P_ID));
        assertThat(inbound.body()).as("no user or grant of Q").doesNotContain("bob").doesNotContain("assumer")
                .doesNotContain(":role/*");

        Http.Response outbound = Http.get(SERVER.adminUrl(Q) + "/sts/external-access/outbound", qAdmin);
        assertThat(outbound.status()).as(outbound.toString()).isEqualTo(200);
        assertThat(outbound.json().get("grants")).singleElement().satisfies(g -> {
            assertThat(g.path("value").asText()).isEqualTo("acs:ram::" + P_ID + ":role/*");
            assertThat(g.path("targetAccountId").asText()).isEqualTo(P_ID);
            assertThat(g.path("targetAccountExists").asBoolean()).isTrue();
        });
        assertThat(outbound.json().get("used")).anySatisfy(u -> assertThat(u.path("roleArn").asText()).isEqualTo(p.roleArn("partner")));
        assertThat(outbound.body()).as("no trust policy of P: its other roles, conditions or principals")
                .doesNotContain("dangling").doesNotContain("third").doesNotContain("Statement").doesNotContain("DateLessThan")
                .doesNotContain(R_ID).doesNotContain(UNHELD_ID);

        assertThat(Http.get(SERVER.adminUrl(P) + "/sts/external-access", qAdmin).status()).as("Q's admin on P").isIn(401, 403);
        assertThat(Http.get(platform("/trust-graph"), pAdmin).status()).as("an account admin on the platform view").isIn(401, 403);
        assertThat(Http.get(SERVER.adminUrl(P) + "/sts/platform/trust-graph", ADMIN.token()).status()).isEqualTo(404);
    }

    @Test
    void theReportDrawsTheGraphAndListsTheFindingsInChromium() throws Exception {
        Http.Response report = Http.get(platform("/trust-graph/report"), ADMIN.token());
        assertThat(report.status()).as(report.toString()).isEqualTo(200);
        assertThat(report.body()).contains("<svg").contains("id=\"node-" + P_ID + "\"").contains("id=\"findings\"");
        Path file = Browser.screenshotDir().resolve("platform-report.html");
        Files.createDirectories(file.getParent());
        Files.writeString(file, report.body(), StandardCharsets.UTF_8);
        try (Browser browser = Browser.open()) {
            browser.get(file.toUri().toString());
            assertThat(browser.find(By.id("node-" + P_ID)).isDisplayed()).isTrue();
            assertThat(browser.all(By.cssSelector("[id^=edge-][data-role='" + p.roleArn("term") + "']")))
                    .as("P's trust in Q is drawn").isNotEmpty();
            assertThat(browser.all(By.cssSelector("#findings [data-kind='TRUST_EXPIRING']"))).isNotEmpty();
            browser.screenshot("platform-report");
        }
    }
}
