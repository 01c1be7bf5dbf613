package io.github.keycloaksts.it;

import static io.github.keycloaksts.it.support.RoleTokens.WITHIN;
import static io.github.keycloaksts.it.support.RoleTokens.created;
import static io.github.keycloaksts.it.support.RoleTokens.ok;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.keycloaksts.it.support.Admin;
import io.github.keycloaksts.it.support.Await;
import io.github.keycloaksts.it.support.Http;
import io.github.keycloaksts.it.support.KeycloakServer;
import io.github.keycloaksts.it.support.RoleTokens;
import io.github.keycloaksts.it.support.Sts;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * A role token lives only while everything that allowed it still holds, on both sides. Each test makes one
 * narrowing change and asserts that the affected token turns inactive at introspection <em>and</em> userinfo within
 * one second of the change returning, and that tokens of other users, accounts and roles stay active.
 *
 * <p>Target account {@value #TARGET} ({@value #TARGET_ID}): roles {@code ops} (policy {@code api/operator}, maximum
 * 7200 s) and {@code audit} (policy {@code api/auditor}), both trusting {@value #SOURCE_ID} and {@value #OTHER_ID}.
 * Source {@value #SOURCE}: sam and sue, each granted both roles through the realm role {@code assumer}. Other
 * account {@value #OTHER}: oscar.
 */
class LiveRoleTokensIT {

    static final String TARGET = "it-live-target";
    static final String SOURCE = "it-live-source";
    static final String OTHER = "it-live-other";
    static final String TARGET_ID = "74100001";
    static final String SOURCE_ID = "74100002";
    static final String OTHER_ID = "74100003";
    static final String OPS = "acs:ram::" + TARGET_ID + ":role/ops";
    static final String AUDIT = "acs:ram::" + TARGET_ID + ":role/audit";

    final KeycloakServer server = KeycloakServer.shared();
    final Admin admin = new Admin(server);
    final Sts sts = new Sts(server);
    final RoleTokens tokens = new RoleTokens(server, TARGET, "api", "api-secret-1");

    @BeforeEach
    void accounts() {
        admin.createAccountRealm(TARGET, TARGET_ID);
        created(Http.sendJson("POST", server.adminUrl(TARGET) + "/clients", Map.of("clientId", "api", "publicClient", false,
                "secret", "api-secret-1", "standardFlowEnabled", false), admin.token()));
        String api = admin.clientUuid(TARGET, "api");
        for (String role : List.of("operator", "auditor")) {
            created(Http.sendJson("POST", server.adminUrl(TARGET) + "/clients/" + api + "/roles", Map.of("name", role), admin.token()));
        }
        createRole("ops", "operator", 7200);
        createRole("audit", "auditor", 3600);
        admin.createSourceAccount(SOURCE, SOURCE_ID, "sam", "sam-pass-1", List.of(OPS, AUDIT));
        admin.createUserWithRealmRole(SOURCE, "sue", "sue-pass-1", "assumer");
        admin.createSourceAccount(OTHER, OTHER_ID, "oscar", "oscar-pass-1", List.of(OPS, AUDIT));
    }

    void createRole(String name, String policy, int maxSessionDuration) {
        Map<String, Object> trust = Map.of("Version", "1", "Statement", List.of(Map.of("Effect", "Allow", "Action", "sts:AssumeRole",
                "Principal", Map.of("RAM", List.of("acs:ram::" + SOURCE_ID + ":root", "acs:ram::" + OTHER_ID + ":root")))));
        created(Http.sendJson("POST", server.adminUrl(TARGET) + "/sts/roles", Map.of("roleName", name, "trustPolicy", trust,
                "maxSessionDuration", maxSessionDuration), admin.token()));
        Http.Response attached = Http.sendJson("POST", server.adminUrl(TARGET) + "/sts/roles/" + name + "/policies",
                Map.of("policyName", policy, "clientId", "api"), admin.token());
        assertThat(attached.status()).as(attached.toString()).isEqualTo(201);
    }

    @AfterEach
    void cleanUp() {
        admin.deleteRealmIfExists(TARGET);
        admin.deleteRealmIfExists(SOURCE);
        admin.deleteRealmIfExists(OTHER);
    }

    // ---- helpers -------------------------------------------------------------------------------------------------

    /** Tokens that no change of a test touches unless it says so: another account's, of both roles. */
    record Bystanders(String oscarOps, String oscarAudit) {
    }

    Bystanders bystanders() {
        String oscar = tokens.signIn(OTHER, "oscar");
        return new Bystanders(tokens.exchange(oscar, OPS, null), tokens.exchange(oscar, AUDIT, null));
    }

    void assertBystandersLive(Bystanders bystanders) {
        tokens.assertLive("another account's ops token", bystanders.oscarOps());
        tokens.assertLive("another account's audit token", bystanders.oscarAudit());
    }

    // ---- company-b: the source side ------------------------------------------------------------------------------

    @Nested
    class SourceSide {

        @Test
        void disablingTheSourceUserEndsOnlyHisTokensAndReEnablingDoesNotBringThemBack() {
            String samOps = tokens.assume(SOURCE, "sam", OPS);
            String samAudit = tokens.assume(SOURCE, "sam", AUDIT);
            String sueOps = tokens.assume(SOURCE, "sue", OPS);
            Bystanders others = bystanders();
            String sam = tokens.userId(SOURCE, "sam");

            ok(Http.sendJson("PUT", server.adminUrl(SOURCE) + "/users/" + sam, Map.of("enabled", false), admin.token()));

            tokens.assertEndsWithinOneSecond("sam's ops token", samOps);
            tokens.assertEndsWithinOneSecond("sam's audit token", samAudit);
            tokens.assertLive("sue's ops token", sueOps);
            assertBystandersLive(others);

            ok(Http.sendJson("PUT", server.adminUrl(SOURCE) + "/users/" + sam, Map.of("enabled", true), admin.token()));
            tokens.assertStaysDead("sam's ops token, revoked, after the user is enabled again", samOps);
            tokens.assertLive("a token sam gets after being enabled again", tokens.assume(SOURCE, "sam", OPS));
        }

        @Test
        void deletingTheSourceUserEndsHisTokens() {
            String samOps = tokens.assume(SOURCE, "sam", OPS);
            String sueOps = tokens.assume(SOURCE, "sue", OPS);
            Bystanders others = bystanders();

            ok(Http.delete(server.adminUrl(SOURCE) + "/users/" + tokens.userId(SOURCE, "sam"), admin.token()));

            tokens.assertEndsWithinOneSecond("sam's ops token", samOps);
            tokens.assertLive("sue's ops token", sueOps);
            assertBystandersLive(others);
        }

        @Test
        void removingTheGrantingRoleMappingEndsHisTokens() {
            String samOps = tokens.assume(SOURCE, "sam", OPS);
            String sueOps = tokens.assume(SOURCE, "sue", OPS);
            Bystanders others = bystanders();

            ok(Http.sendJson("DELETE", server.adminUrl(SOURCE) + "/users/" + tokens.userId(SOURCE, "sam") + "/role-mappings/realm",
                    List.of(tokens.realmRole(SOURCE, "assumer")), admin.token()));

            tokens.assertEndsWithinOneSecond("sam's ops token", samOps);
            tokens.assertLive("sue's ops token", sueOps);
            assertBystandersLive(others);
        }

        @Test
        void leavingTheGroupThatGrantsEndsHisTokens() {
            Http.Response group = Http.sendJson("POST", server.adminUrl(SOURCE) + "/groups", Map.of("name", "assumers"), admin.token());
            created(group);
            String groupId = group.header("Location").substring(group.header("Location").lastIndexOf('/') + 1);
            ok(Http.sendJson("POST", server.adminUrl(SOURCE) + "/groups/" + groupId + "/role-mappings/realm",
                    List.of(tokens.realmRole(SOURCE, "assumer")), admin.token()));
            String gina = admin.createUser(SOURCE, "gina", "gina-pass-1", null, List.of());
            ok(Http.sendJson("PUT", server.adminUrl(SOURCE) + "/users/" + gina + "/groups/" + groupId, Map.of(), admin.token()));
            String ginaOps = tokens.assume(SOURCE, "gina", OPS);
            String sueOps = tokens.assume(SOURCE, "sue", OPS);

            ok(Http.delete(server.adminUrl(SOURCE) + "/users/" + gina + "/groups/" + groupId, admin.token()));

            tokens.assertEndsWithinOneSecond("gina's ops token", ginaOps);
            tokens.assertLive("sue's ops token", sueOps);
        }

        @Test
        void removingTheCompositeThatGrantsEndsTheTokensOfItsHolders() {
            admin.createRealmRole(SOURCE, "engineer");
            JsonNode engineer = tokens.realmRole(SOURCE, "engineer");
            ok(Http.sendJson("POST", server.adminUrl(SOURCE) + "/roles-by-id/" + engineer.get("id").asText() + "/composites",
                    List.of(tokens.realmRole(SOURCE, "assumer")), admin.token()));
            admin.createUserWithRealmRole(SOURCE, "carl", "carl-pass-1", "engineer");
            String carlOps = tokens.assume(SOURCE, "carl", OPS);
            String sueOps = tokens.assume(SOURCE, "sue", OPS);

            ok(Http.sendJson("DELETE", server.adminUrl(SOURCE) + "/roles-by-id/" + engineer.get("id").asText() + "/composites",
                    List.of(tokens.realmRole(SOURCE, "assumer")), admin.token()));

            tokens.assertEndsWithinOneSecond("carl's ops token", carlOps);
            tokens.assertLive("sue's ops token (assumer held directly)", sueOps);
        }

        @Test
        void removingTheStsAssumeRoleValueEndsTokensOfThatRoleOnly() {
            String samOps = tokens.assume(SOURCE, "sam", OPS);
            String samAudit = tokens.assume(SOURCE, "sam", AUDIT);
            Bystanders others = bystanders();

            ok(Http.sendJson("PUT", server.adminUrl(SOURCE) + "/roles/assumer", Map.of("name", "assumer",
                    "attributes", Map.of("sts.assume-role", List.of(AUDIT))), admin.token()));

            tokens.assertEndsWithinOneSecond("sam's ops token", samOps);
            tokens.assertLive("sam's audit token, still granted", samAudit);
            assertBystandersLive(others);
        }

        @Test
        void endingTheSourceSessionEndsTheTokensMintedFromItOnly() {
            String samSubject = tokens.signIn(SOURCE, "sam");
            String fromThisSession = tokens.exchange(samSubject, OPS, null);
            String fromAnotherSession = tokens.exchange(tokens.signIn(SOURCE, "sam"), OPS, null);
            String sid = Http.claims(samSubject).get("sid").asText();

            ok(Http.delete(server.adminUrl(SOURCE) + "/sessions/" + sid, admin.token()));

            tokens.assertEndsWithinOneSecond("the token minted from the ended session", fromThisSession);
            tokens.assertLive("sam's token from his other session", fromAnotherSession);
        }

        @Test
        void theSourceSessionIdlingOutEndsItsTokensWithoutAnyEvent() {
            ok(Http.sendJson("PUT", server.adminUrl(SOURCE), Map.of("ssoSessionIdleTimeout", 3), admin.token()));
            String samSubject = tokens.signIn(SOURCE, "sam");
            long signedIn = System.nanoTime();
            String samOps = tokens.exchange(samSubject, OPS, null);
            tokens.assertLive("sam's ops token while his session is fresh", samOps);

            // The idle deadline is 3 s after sign-in; the token must be inactive within 1 s of it.
            Duration left = Duration.ofSeconds(3).minusNanos(System.nanoTime() - signedIn);
            Await.until("token inactive within 1 s of the source session's idle deadline", left.plus(WITHIN),
                    () -> !tokens.introspectionActive(samOps));
            assertThat(sts.userinfo(TARGET, samOps).status()).isEqualTo(401);
        }
    }

    // ---- company-a: the target side ------------------------------------------------------------------------------

    @Nested
    class TargetSide {

        @Test
        void detachingAPolicyEndsTheRolesTokensAndNoOtherRoles() {
            String samOps = tokens.assume(SOURCE, "sam", OPS);
            String oscarOps = tokens.assume(OTHER, "oscar", OPS);
            String samAudit = tokens.assume(SOURCE, "sam", AUDIT);

            ok(Http.delete(server.adminUrl(TARGET) + "/sts/roles/ops/policies/operator?clientId=api", admin.token()));

            tokens.assertEndsWithinOneSecond("sam's ops token, which carries api/operator", samOps);
            tokens.assertEndsWithinOneSecond("oscar's ops token, which carries api/operator", oscarOps);
            tokens.assertLive("sam's audit token", samAudit);
        }

        @Test
        void loweringTheMaximumDurationEndsTokensLongerThanTheNewMaximumOnly() {
            String samLong = tokens.exchange(tokens.signIn(SOURCE, "sam"), OPS, 7200);
            String sueShort = tokens.exchange(tokens.signIn(SOURCE, "sue"), OPS, 3600);
            Bystanders others = bystanders();

            ok(Http.sendJson("PUT", server.adminUrl(TARGET) + "/sts/roles/ops", Map.of("maxSessionDuration", 3600), admin.token()));

            tokens.assertEndsWithinOneSecond("a 7200 s token under a 3600 s maximum", samLong);
            tokens.assertLive("a 3600 s token", sueShort);
            assertBystandersLive(others);
        }

        @Test
        void endingOneSourceUsersSessionsLeavesHisColleaguesAndLetsHimAssumeAgain() {
            String samOps = tokens.assume(SOURCE, "sam", OPS);
            String samAudit = tokens.assume(SOURCE, "sam", AUDIT);
            String sueOps = tokens.assume(SOURCE, "sue", OPS);
            Bystanders others = bystanders();

            Http.Response revoked = Http.delete(server.adminUrl(TARGET) + "/sts/roles/ops/sessions?sourceUserId=" + tokens.userId(SOURCE, "sam"),
                    admin.token());
            assertThat(revoked.status()).as(revoked.toString()).isEqualTo(200);
            assertThat(revoked.json().get("revokedAccounts").toString()).contains(SOURCE_ID);

            tokens.assertEndsWithinOneSecond("sam's ops token", samOps);
            tokens.assertLive("sam's audit token (another role)", samAudit);
            tokens.assertLive("sue's ops token", sueOps);
            assertBystandersLive(others);
            tokens.assertLive("a token sam gets afterwards", tokens.assume(SOURCE, "sam", OPS));
            assertThat(tokens.introspectionActive(samOps)).as("the revoked one stays revoked").isFalse();
        }

        @Test
        void endingOneRoleSessionEndsThatTokenOnlyAndTheListShowsWhoHoldsWhat() {
            String samSubject = tokens.signIn(SOURCE, "sam");
            String first = tokens.exchange(samSubject, OPS, null);
            String second = tokens.exchange(samSubject, OPS, null);
            String firstId = Http.claims(first).get("jti").asText();
            String secondId = Http.claims(second).get("jti").asText();

            JsonNode listed = Http.get(server.adminUrl(TARGET) + "/sts/roles/ops/sessions", admin.token()).json();
            JsonNode entry = find(listed, firstId);
            assertThat(entry).as(listed.toString()).isNotNull();
            assertThat(entry.get("kind").asText()).isEqualTo("token");
            assertThat(entry.get("sourceUserId").asText()).isEqualTo(tokens.userId(SOURCE, "sam"));
            assertThat(entry.get("sourceSessionId").asText()).isEqualTo(Http.claims(samSubject).get("sid").asText());

            Http.Response ended = Http.delete(server.adminUrl(TARGET) + "/sts/roles/ops/sessions/" + firstId, admin.token());
            assertThat(ended.status()).as(ended.toString()).isEqualTo(204);

            tokens.assertEndsWithinOneSecond("the ended role session", first);
            tokens.assertLive("sam's other role session from the same source session", second);
            JsonNode after = Http.get(server.adminUrl(TARGET) + "/sts/roles/ops/sessions", admin.token()).json();
            assertThat(find(after, firstId)).as(after.toString()).isNull();
            assertThat(find(after, secondId)).as(after.toString()).isNotNull();
        }

        @Test
        void anAdminCannotEndASessionOfAnotherRoleOrRealmByItsId() {
            String samAudit = tokens.assume(SOURCE, "sam", AUDIT);
            String auditId = Http.claims(samAudit).get("jti").asText();

            Http.Response wrongRole = Http.delete(server.adminUrl(TARGET) + "/sts/roles/ops/sessions/" + auditId, admin.token());
            assertThat(wrongRole.status()).as(wrongRole.toString()).isEqualTo(404);
            // The source account's admin names the target's token at his own role list: not his session to end.
            Http.Response otherRealm = Http.delete(server.adminUrl(SOURCE) + "/sts/roles/ops/sessions/" + auditId, admin.token());
            assertThat(otherRealm.status()).as(otherRealm.toString()).isEqualTo(404);
            tokens.assertLive("the audit token nobody could end", samAudit);
        }

        JsonNode find(JsonNode sessions, String sessionId) {
            for (JsonNode session : sessions) {
                if (sessionId.equals(session.path("sessionId").asText())) {
                    return session;
                }
            }
            return null;
        }
    }

    // ---- the role-session store itself ---------------------------------------------------------------------------

    @Nested
    class RoleSessionStore {

        JsonNode component() {
            JsonNode components = Http.get(server.adminUrl(TARGET) + "/components?type=org.keycloak.storage.UserStorageProvider",
                    admin.token()).json();
            List<JsonNode> ours = new ArrayList<>();
            components.forEach(c -> {
                if ("sts-role-sessions".equals(c.path("providerId").asText())) {
                    ours.add(c);
                }
            });
            assertThat(ours).as(components.toString()).hasSize(1);
            return ours.get(0);
        }

        @Test
        void aLongerCacheForRoleSessionsIsRefusedSoNoNodeKeepsAnEndedSession() {
            tokens.assume(SOURCE, "sam", OPS);
            JsonNode component = component();
            for (Map<String, List<String>> config : List.of(Map.of("cachePolicy", List.of("DEFAULT")),
                    Map.of("cachePolicy", List.of("MAX_LIFESPAN"), "maxLifespan", List.of("86400000")),
                    Map.of("cachePolicy", List.of("NO_CACHE")))) {
                Map<String, Object> rep = new LinkedHashMap<>(Http.JSON.convertValue(component, Map.class));
                rep.put("config", config);
                Http.Response update = Http.sendJson("PUT", server.adminUrl(TARGET) + "/components/" + component.get("id").asText(), rep,
                        admin.token());
                assertThat(update.status()).as(config + " → " + update).isEqualTo(400);
            }
            assertThat(component().toString()).contains("MAX_LIFESPAN").contains("\"500\"");
        }

        @Test
        void removingTheStoreFailsClosedAndTheNextAssumptionWorksWithANewOne() {
            String samOps = tokens.assume(SOURCE, "sam", OPS);
            JsonNode component = component();

            ok(Http.delete(server.adminUrl(TARGET) + "/components/" + component.get("id").asText(), admin.token()));

            tokens.assertEndsWithinOneSecond("a token whose store was removed", samOps);
            String again = tokens.assume(SOURCE, "sam", OPS);
            tokens.assertLive("a token from a new store", again);
            assertThat(component().get("id").asText()).isNotEqualTo(component.get("id").asText());
            assertThat(tokens.introspectionActive(samOps)).as("the old token stays dead").isFalse();
        }
    }

}
