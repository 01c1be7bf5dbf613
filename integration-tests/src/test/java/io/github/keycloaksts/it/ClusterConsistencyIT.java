package io.github.keycloaksts.it;

import static io.github.keycloaksts.it.ClusterAccounts.active;
import static io.github.keycloaksts.it.ClusterAccounts.arn;
import static io.github.keycloaksts.it.ClusterAccounts.within;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import io.github.keycloaksts.it.support.Admin;
import io.github.keycloaksts.it.support.CookieBrowser;
import io.github.keycloaksts.it.support.CookieBrowser.Reply;
import io.github.keycloaksts.it.support.Http;
import io.github.keycloaksts.it.support.KeycloakCluster;
import io.github.keycloaksts.it.support.KeycloakServer;
import io.github.keycloaksts.it.support.Sts;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * keycloak-sts keeps no JVM-local truth: on a two-node cluster (production mode, PostgreSQL, Infinispan), every
 * write made on one node is what the other node decides on, at once. Each test writes on one node and checks on the
 * other; revocations must end live role tokens at the other node's introspection within 1 s (polled).
 */
class ClusterConsistencyIT {

    static final String TARGET = "cl-target";
    static final String TARGET_ID = "73000001";
    static final String SOURCE = "cl-source";
    static final String SOURCE_ID = "73000002";
    static final String OTHER = "cl-other";
    static final String OTHER_ID = "73000003";
    static final Duration ONE_SECOND = Duration.ofSeconds(1);

    static final KeycloakCluster cluster = KeycloakCluster.shared();
    static final KeycloakServer node1 = cluster.node(1);
    static final KeycloakServer node2 = cluster.node(2);

    /** Once for the class (realm creation is the slow part); each test uses roles of its own. */
    @BeforeAll
    static void accounts() {
        ClusterAccounts.createTarget(node1, TARGET, TARGET_ID);
        new Admin(node1).createSourceAccount(SOURCE, SOURCE_ID, "sam", "sam-pass-1", List.of(arn(TARGET_ID, "*")));
        new Admin(node1).createSourceAccount(OTHER, OTHER_ID, "olga", "olga-pass-1", List.of(arn(TARGET_ID, "*")));
    }

    @AfterAll
    static void cleanUp() {
        ClusterAccounts.cleanUp(node1, TARGET, SOURCE, OTHER);
    }

    /** Gives the account back the ID it had, after a test renumbered it (its own old IDs stay reserved for it). */
    static void renumber(String realm, String accountId) {
        Http.Response put = Http.sendJson("PUT", node1.adminUrl(realm) + "/sts/account", Map.of("accountId", accountId), node1.adminToken());
        assertThat(put.status()).as(put.toString()).isEqualTo(200);
    }

    String sam(KeycloakServer node) {
        return new Sts(node).signIn(SOURCE, "app", "sam", "sam-pass-1");
    }

    String olga(KeycloakServer node) {
        return new Sts(node).signIn(OTHER, "app", "olga", "olga-pass-1");
    }

    String assume(KeycloakServer node, String subject, String role) {
        return new Sts(node).assumeRole(TARGET, subject, arn(TARGET_ID, role)).accessToken();
    }

    /** A role token of sam issued by {@code issuer}, live at both nodes' introspection. */
    String liveToken(KeycloakServer issuer, String role) {
        String token = assume(issuer, sam(issuer), role);
        assertThat(active(node1, TARGET, token)).as("active at node 1").isTrue();
        assertThat(active(node2, TARGET, token)).as("active at node 2").isTrue();
        return token;
    }

    void assertInactiveWithinOneSecond(KeycloakServer node, String token, String what) {
        Duration took = within(ONE_SECOND, () -> !active(node, TARGET, token));
        assertThat(took).as(what + ": inactive at the other node within 1 s").isNotNull();
        System.out.printf("%s: inactive at the other node after %d ms%n", what, took.toMillis());
    }

    // ---- revocation on one node ends live tokens at the other ---------------------------------------------

    @Test
    void aTrustPolicyChangeOnNode1EndsLiveRoleTokensAtNode2() {
        ClusterAccounts.createRole(node1, TARGET, "tp", SOURCE_ID, OTHER_ID);
        String samToken = liveToken(node2, "tp");
        String olgaToken = assume(node2, olga(node2), "tp");

        Http.Response changed = Http.sendJson("PUT", node1.adminUrl(TARGET) + "/sts/roles/tp/trust-policy",
                ClusterAccounts.trust(OTHER_ID), node1.adminToken());
        assertThat(changed.status()).as(changed.toString()).isEqualTo(200);

        assertInactiveWithinOneSecond(node2, samToken, "trust-policy change");
        assertThat(active(node2, TARGET, olgaToken)).as("the still trusted account's token").isTrue();
        Http.Response again = new Sts(node2).assumeRole(TARGET, sam(node2), arn(TARGET_ID, "tp"));
        assertThat(again.status()).as("a new exchange at node 2: " + again).isEqualTo(403);
    }

    @Test
    void deletingARoleOnNode2EndsItsLiveTokensAtNode1() {
        ClusterAccounts.createRole(node1, TARGET, "doomed", SOURCE_ID);
        String token = liveToken(node1, "doomed");

        String admin = node2.adminToken();
        assertThat(Http.delete(node2.adminUrl(TARGET) + "/sts/roles/doomed/policies/" + ClusterAccounts.POLICY, admin).status()).isEqualTo(204);
        Http.Response deleted = Http.delete(node2.adminUrl(TARGET) + "/sts/roles/doomed", admin);
        assertThat(deleted.status()).as(deleted.toString()).isEqualTo(204);

        assertInactiveWithinOneSecond(node1, token, "role deletion");
        assertThat(new Sts(node1).assumeRole(TARGET, sam(node1), arn(TARGET_ID, "doomed")).status()).isEqualTo(403);
    }

    @Test
    void revokingSessionsOnNode1EndsLiveTokensAtNode2() {
        ClusterAccounts.createRole(node1, TARGET, "rs", SOURCE_ID, OTHER_ID);
        String samToken = liveToken(node2, "rs");
        String olgaToken = assume(node2, olga(node2), "rs");

        Http.Response revoked = Http.delete(node1.adminUrl(TARGET) + "/sts/roles/rs/sessions?sourceAccountId=" + SOURCE_ID, node1.adminToken());
        assertThat(revoked.status()).as(revoked.toString()).isBetween(200, 204);

        assertInactiveWithinOneSecond(node2, samToken, "DELETE sessions");
        assertThat(active(node2, TARGET, olgaToken)).as("another account's session of the role").isTrue();
        // Not a ban: sam assumes the role again, at either node.
        assertThat(active(node1, TARGET, assume(node2, sam(node2), "rs"))).isTrue();
    }

    @Test
    void aSourceSignOutOnNode1EndsTheTokensMintedFromThatSessionAtNode2() {
        ClusterAccounts.createRole(node1, TARGET, "src-out", SOURCE_ID, OTHER_ID);
        String samSubject = sam(node2);
        String samToken = assume(node2, samSubject, "src-out");
        String olgaToken = assume(node2, olga(node2), "src-out");
        assertThat(active(node2, TARGET, samToken)).isTrue();
        assertThat(active(node1, TARGET, samToken)).isTrue();

        String sid = Http.claims(samSubject).get("sid").asText();
        Http.Response out = Http.delete(node1.adminUrl(SOURCE) + "/sessions/" + sid, node1.adminToken());
        assertThat(out.status()).as(out.toString()).isEqualTo(204);

        assertInactiveWithinOneSecond(node2, samToken, "source sign-out (no event reaches the target realm)");
        assertThat(active(node2, TARGET, olgaToken)).as("another account's token").isTrue();
    }

    @Test
    void aDetachOnTheServiceAccountRolesTabOfNode1EndsLiveTokensAtNode2() {
        ClusterAccounts.createRole(node1, TARGET, "tab-detach", SOURCE_ID);
        ClusterAccounts.createRole(node1, TARGET, "tab-bystander", SOURCE_ID);
        String token = liveToken(node2, "tab-detach");
        String bystander = liveToken(node2, "tab-bystander");
        String admin = node1.adminToken();
        String roleClient = Http.get(node1.adminUrl(TARGET) + "/clients?clientId=sts-role:tab-detach", admin).json().get(0).get("id").asText();
        String principal = Http.get(node1.adminUrl(TARGET) + "/clients/" + roleClient + "/service-account-user", admin).json().get("id").asText();
        Object reader = Http.get(node1.adminUrl(TARGET) + "/roles/" + ClusterAccounts.POLICY, admin).json();

        // Keycloak's own role-mapping endpoint, not /sts.
        Http.Response removed = Http.sendJson("DELETE", node1.adminUrl(TARGET) + "/users/" + principal + "/role-mappings/realm",
                List.of(reader), admin);
        assertThat(removed.status()).as(removed.toString()).isEqualTo(204);

        assertInactiveWithinOneSecond(node2, token, "detach on the Service account roles tab");
        assertThat(active(node2, TARGET, bystander)).as("another role's token").isTrue();
    }

    @Test
    void suspendingTheSourceAccountOnNode1EndsItsTokensAtNode2ForGood() {
        ClusterAccounts.createRole(node1, TARGET, "suspended", SOURCE_ID, OTHER_ID);
        String samToken = liveToken(node2, "suspended");
        String olgaToken = assume(node2, olga(node2), "suspended");
        try {
            Http.Response disabled = Http.sendJson("PUT", node1.adminUrl(SOURCE), Map.of("enabled", false), node1.adminToken());
            assertThat(disabled.status()).as(disabled.toString()).isEqualTo(204);
            assertInactiveWithinOneSecond(node2, samToken, "source realm disabled");
            assertThat(active(node2, TARGET, olgaToken)).as("another account's token").isTrue();
        } finally {
            Http.Response enabled = Http.sendJson("PUT", node1.adminUrl(SOURCE), Map.of("enabled", true), node1.adminToken());
            assertThat(enabled.status()).as(enabled.toString()).isEqualTo(204);
        }
        try {
            Thread.sleep(1200);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        assertThat(active(node2, TARGET, samToken)).as("stays ended at node 2 after the account is enabled again").isFalse();
        assertThat(active(node1, TARGET, samToken)).as("and at node 1").isFalse();
    }

    @Test
    void endingOneSessionOnNode2EndsThatTokenAtNode1() {
        ClusterAccounts.createRole(node1, TARGET, "one-session", SOURCE_ID);
        String first = liveToken(node1, "one-session");
        String second = liveToken(node1, "one-session");

        Http.Response ended = Http.delete(node2.adminUrl(TARGET) + "/sts/roles/one-session/sessions/"
                + Http.claims(first).get("jti").asText(), node2.adminToken());
        assertThat(ended.status()).as(ended.toString()).isEqualTo(204);

        assertInactiveWithinOneSecond(node1, first, "one session ended");
        assertThat(active(node1, TARGET, second)).as("the other session").isTrue();
    }

    /**
     * Role chaining: sam's session of {@code hop1} (whose attached policy grants {@code hop2} onward) assumes
     * {@code hop2}, which trusts that role; ending the {@code hop1} session on node 1 ends the chained one at node 2.
     */
    @Test
    void endingASessionOnNode1EndsTheSessionChainedFromItAtNode2() {
        String admin = node1.adminToken();
        Http.Response grant = Http.sendJson("POST", node1.adminUrl(TARGET) + "/roles", Map.of("name", "chainer",
                "attributes", Map.of("sts.assume-role", List.of(arn(TARGET_ID, "hop2")))), admin);
        assertThat(grant.status()).as(grant.toString()).isEqualTo(201);
        ClusterAccounts.createRole(node1, TARGET, "hop1", SOURCE_ID);
        assertThat(Http.sendJson("POST", node1.adminUrl(TARGET) + "/sts/roles/hop1/policies", Map.of("policyName", "chainer"), admin)
                .status()).isBetween(200, 204);
        Http.Response hop2 = Http.sendJson("POST", node1.adminUrl(TARGET) + "/sts/roles", Map.of("roleName", "hop2", "trustPolicy",
                Map.of("Version", "1", "Statement", List.of(Map.of("Effect", "Allow", "Action", "sts:AssumeRole",
                        "Principal", Map.of("RAM", List.of(arn(TARGET_ID, "hop1"))))))), admin);
        assertThat(hop2.status()).as(hop2.toString()).isEqualTo(201);
        assertThat(Http.sendJson("POST", node1.adminUrl(TARGET) + "/sts/roles/hop2/policies", Map.of("policyName", ClusterAccounts.POLICY),
                admin).status()).isBetween(200, 204);
        String first = liveToken(node1, "hop1");
        String chained = new Sts(node2).assumeRole(TARGET, first, arn(TARGET_ID, "hop2")).accessToken();
        assertThat(active(node2, TARGET, chained)).as("the chained token at node 2").isTrue();

        Http.Response ended = Http.delete(node1.adminUrl(TARGET) + "/sts/roles/hop1/sessions/"
                + Http.claims(first).get("jti").asText(), admin);
        assertThat(ended.status()).as(ended.toString()).isEqualTo(204);

        assertInactiveWithinOneSecond(node2, chained, "the session chained from an ended one");
    }

    // ---- what is written on one node is what the other decides on -------------------------------------------

    @Test
    void aNewRoleItsPolicyAndANewGrantWrittenOnNode1AreUsableOnNode2AtOnce() {
        // A grant that does not cover the role yet: refused at node 2 on the source side.
        Admin admin = new Admin(node1);
        String assumer = node1.adminUrl(SOURCE) + "/roles/assumer";
        Http.Response narrowed = Http.sendJson("PUT", assumer, Map.of("name", "assumer",
                "attributes", Map.of("sts.assume-role", List.of(arn(TARGET_ID, "other-role")))), admin.token());
        assertThat(narrowed.status()).as(narrowed.toString()).isEqualTo(204);
        try {
            grantThenExchange(admin, assumer);
        } finally {
            Http.sendJson("PUT", assumer, Map.of("name", "assumer",
                    "attributes", Map.of("sts.assume-role", List.of(arn(TARGET_ID, "*")))), admin.token());
        }
    }

    void grantThenExchange(Admin admin, String assumer) {
        ClusterAccounts.createRole(node1, TARGET, "fresh", SOURCE_ID);
        Http.Response refused = new Sts(node2).assumeRole(TARGET, sam(node2), arn(TARGET_ID, "fresh"));
        assertThat(refused.status()).as("no grant yet: " + refused).isEqualTo(403);

        // The grant, written on node 1, is what node 2 decides on with the very next request.
        Http.Response granted = Http.sendJson("PUT", assumer, Map.of("name", "assumer",
                "attributes", Map.of("sts.assume-role", List.of(arn(TARGET_ID, "fresh")))), admin.token());
        assertThat(granted.status()).as(granted.toString()).isEqualTo(204);
        Http.Response exchanged = new Sts(node2).assumeRole(TARGET, sam(node2), arn(TARGET_ID, "fresh"));
        assertThat(exchanged.status()).as(exchanged.toString()).isEqualTo(200);
        List<String> roles = new ArrayList<>();
        Http.claims(exchanged.accessToken()).at("/realm_access/roles").forEach(r -> roles.add(r.asText()));
        assertThat(roles).as("the policy attached on node 1").containsExactly(ClusterAccounts.POLICY);
    }

    @Test
    void aNewAccountIdAssignedOnNode1IsTheIdentityNode2Trusts() {
        ClusterAccounts.createRole(node1, TARGET, "renumbered", "73000099");
        assertThat(new Sts(node2).assumeRole(TARGET, sam(node2), arn(TARGET_ID, "renumbered")).status()).isEqualTo(403);

        renumber(SOURCE, "73000099");
        try {
            assertThat(Http.get(node2.realmUrl(SOURCE) + "/sts/account").json().get("accountId").asText()).isEqualTo("73000099");
            Http.Response exchanged = new Sts(node2).assumeRole(TARGET, sam(node2), arn(TARGET_ID, "renumbered"));
            assertThat(exchanged.status()).as(exchanged.toString()).isEqualTo(200);
            assertThat(Http.claims(exchanged.accessToken()).get("source_identity").asText()).isEqualTo("acs:ram::73000099:user/sam");
        } finally {
            renumber(SOURCE, SOURCE_ID);
        }
    }

    // ---- Switch Role tickets ----------------------------------------------------------------------------------

    @Test
    void aSwitchRoleTicketIssuedOnNode1IsRedeemedOnNode2ExactlyOnce() {
        CookieBrowser atNode1 = new CookieBrowser(node1);
        Reply page = atNode1.signInThrough(node1.realmUrl("company-b") + "/sts/switch-role", "bob", "123456");
        Map<String, String> form = new LinkedHashMap<>();
        form.put("csrf", CookieBrowser.inputValue(page.body(), "csrf"));
        form.put("account", "company-a");
        form.put("role", "ecs-admin");
        Reply ticket = atNode1.postForm(node1.realmUrl("company-b") + "/sts/switch-role", form);
        assertThat(ticket.status()).as(ticket.toString()).isEqualTo(303);
        String ticketUrl = atNode1.absolute(ticket.header("location"));
        assertThat(ticketUrl).contains("/realms/company-a/sts/enter?ticket=");

        // The load balancer sends the same browser (same cookies) to node 2.
        CookieBrowser atNode2 = atNode1.via(node2);
        Reply entered = atNode2.get(ticketUrl);
        assertThat(entered.status()).as("redeemed at node 2: " + entered).isEqualTo(303);
        assertThat(entered.header("location")).endsWith("/realms/company-a/sts/console");
        assertThat(entered.settingCookie("KEYCLOAK_IDENTITY")).as("the role session's SSO cookie").isNotNull();
        assertThat(atNode2.follow(entered).body()).contains("ecs-admin @ company-a (11223344)");

        // Replayed, with the browser's cookies, on either node: refused, no session.
        for (CookieBrowser replay : List.of(atNode1, atNode2)) {
            Reply again = replay.get(ticketUrl);
            assertThat(again.status()).as("replay: " + again).isEqualTo(400);
            assertThat(again.settingCookie("KEYCLOAK_IDENTITY")).isNull();
        }
    }

    // ---- concurrent writes on both nodes ----------------------------------------------------------------------

    @Test
    void concurrentAssignmentsOfOneNewAccountIdOnBothNodesLeaveExactlyOneOwner() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            for (int trial = 0; trial < 10; trial++) {
                String id = "7300010" + trial;
                String token = node1.adminToken();
                CountDownLatch start = new CountDownLatch(1);
                Future<Integer> onNode1 = pool.submit(() -> {
                    start.await();
                    return Http.sendJson("PUT", node1.adminUrl(SOURCE) + "/sts/account", Map.of("accountId", id), token).status();
                });
                Future<Integer> onNode2 = pool.submit(() -> {
                    start.await();
                    return Http.sendJson("PUT", node2.adminUrl(OTHER) + "/sts/account", Map.of("accountId", id), token).status();
                });
                start.countDown();
                List<Integer> statuses = List.of(onNode1.get(), onNode2.get());
                assertThat(statuses).as("trial " + trial + ": statuses").containsExactlyInAnyOrder(200, 409);
                long holders = 0;
                for (KeycloakServer node : List.of(node1, node2)) {
                    for (String realm : List.of(SOURCE, OTHER)) {
                        holders += id.equals(Http.get(node.realmUrl(realm) + "/sts/account").json().path("accountId").asText()) ? 1 : 0;
                    }
                }
                assertThat(holders).as("trial " + trial + ": one realm holds " + id + ", seen the same from both nodes").isEqualTo(2);
            }
        } finally {
            pool.shutdownNow();
            renumber(SOURCE, SOURCE_ID);
            renumber(OTHER, OTHER_ID);
        }
    }

    @Test
    void concurrentFirstExchangesOfANewRoleAccountPairOnBothNodesBothSucceedWithOnePrincipal() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            for (int trial = 0; trial < 5; trial++) {
                String role = "first-" + trial;
                ClusterAccounts.createRole(node1, TARGET, role, SOURCE_ID);
                String subject1 = sam(node1);
                String subject2 = sam(node2);
                CountDownLatch start = new CountDownLatch(1);
                Future<Http.Response> onNode1 = pool.submit(() -> {
                    start.await();
                    return new Sts(node1).assumeRole(TARGET, subject1, arn(TARGET_ID, role));
                });
                Future<Http.Response> onNode2 = pool.submit(() -> {
                    start.await();
                    return new Sts(node2).assumeRole(TARGET, subject2, arn(TARGET_ID, role));
                });
                start.countDown();
                Http.Response first = onNode1.get();
                Http.Response second = onNode2.get();
                assertThat(first.status()).as("trial " + trial + " node 1: " + first).isEqualTo(200);
                assertThat(second.status()).as("trial " + trial + " node 2: " + second).isEqualTo(200);
                // Each token has a role session of its own (sub); both hang on the one principal of (role, account).
                String principal = first.json().at("/assumed_role_user/assumed_role_id").asText().split(":")[0];
                assertThat(principal).isNotEmpty();
                assertThat(second.json().at("/assumed_role_user/assumed_role_id").asText().split(":")[0]).as("one principal")
                        .isEqualTo(principal);
                assertThat(Http.claims(second.accessToken()).get("sub").asText()).isNotEqualTo(Http.claims(first.accessToken()).get("sub").asText());
                assertThat(active(node2, TARGET, first.accessToken())).isTrue();
                assertThat(active(node1, TARGET, second.accessToken())).isTrue();
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
