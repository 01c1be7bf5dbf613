package io.github.keycloaksts.it;

import static io.github.keycloaksts.it.support.RoleTokens.created;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.keycloaksts.it.support.Admin;
import io.github.keycloaksts.it.support.CookieBrowser;
import io.github.keycloaksts.it.support.Http;
import io.github.keycloaksts.it.support.KeycloakServer;
import io.github.keycloaksts.it.support.RoleTokens;
import io.github.keycloaksts.it.support.Sts;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Live-session bookkeeping must not depend on the event store. A target-realm administrator turns
 * events off, clears them or expires them sooner than the sessions; every role session started is still listed by
 * {@code GET …/sessions} and ended by {@code DELETE …/sessions/{id}}, and ending one by ID stays confined to the realm
 * and role that recorded it.
 *
 * <p>Target account {@value #TARGET} ({@value #TARGET_ID}): role {@code ops} (policy {@code api/operator}) and role
 * {@code audit} (policy {@code api/auditor}), both trusting {@value #SOURCE_ID}. Source {@value #SOURCE}: sam and sue,
 * granted both, and its own role {@code ops}, so a wrong-realm request names a role that exists.
 */
class RoleSessionRecordsIT {

    static final String TARGET = "it-records-target";
    static final String SOURCE = "it-records-source";
    static final String TARGET_ID = "74800001";
    static final String SOURCE_ID = "74800002";
    static final String OPS = "acs:ram::" + TARGET_ID + ":role/ops";
    static final String AUDIT = "acs:ram::" + TARGET_ID + ":role/audit";

    final KeycloakServer server = KeycloakServer.shared();
    final Admin admin = new Admin(server);
    final Sts sts = new Sts(server);
    /** Introspection by {@code api}, a client in the role token's {@code aud}: only such a client is told {@code active}. */
    final RoleTokens tokens = new RoleTokens(server, TARGET, "api", "api-secret-1");
    /** The target realm's event configuration as the test found it: put back after each test. */
    JsonNode eventsConfig;

    @BeforeEach
    void accounts() {
        admin.createAccountRealm(TARGET, TARGET_ID);
        created(Http.sendJson("POST", server.adminUrl(TARGET) + "/clients", Map.of("clientId", "api", "publicClient", false,
                "secret", "api-secret-1", "standardFlowEnabled", false), admin.token()));
        created(Http.sendJson("POST", server.adminUrl(TARGET) + "/clients", Map.of("clientId", "web", "secret", "web-secret-1",
                "publicClient", false, "redirectUris", List.of(sts(TARGET, "console"))), admin.token()));
        for (String role : List.of("operator", "auditor")) {
            created(Http.sendJson("POST", server.adminUrl(TARGET) + "/clients/" + admin.clientUuid(TARGET, "api") + "/roles",
                    Map.of("name", role), admin.token()));
        }
        createRole(TARGET, "ops", "operator", "api");
        createRole(TARGET, "audit", "auditor", "api");
        admin.createSourceAccount(SOURCE, SOURCE_ID, "sam", "sam-pass-1", List.of(OPS, AUDIT));
        admin.createUserWithRealmRole(SOURCE, "sue", "sue-pass-1", "assumer");
        Http.Response sourceOps = Http.sendJson("POST", server.adminUrl(SOURCE) + "/sts/roles", Map.of("roleName", "ops",
                "trustPolicy", trust(TARGET_ID)), admin.token());
        created(sourceOps);
        eventsConfig = Http.get(server.adminUrl(TARGET) + "/events/config", admin.token()).json();
        assertThat(eventsConfig.get("eventsEnabled").asBoolean()).as("the target starts with events on").isTrue();
    }

    @AfterEach
    void cleanUp() {
        try {
            if (eventsConfig != null) {
                Http.sendJson("PUT", server.adminUrl(TARGET) + "/events/config", Http.JSON.convertValue(eventsConfig, Map.class), admin.token());
            }
        } finally {
            admin.deleteRealmIfExists(TARGET);
            admin.deleteRealmIfExists(SOURCE);
        }
    }

    // ---- helpers -------------------------------------------------------------------------------------------------

    static Map<String, Object> trust(String accountId) {
        return Map.of("Version", "1", "Statement", List.of(Map.of("Effect", "Allow", "Action", "sts:AssumeRole",
                "Principal", Map.of("RAM", List.of("acs:ram::" + accountId + ":root")))));
    }

    void createRole(String realm, String name, String policy, String clientId) {
        created(Http.sendJson("POST", server.adminUrl(realm) + "/sts/roles", Map.of("roleName", name, "trustPolicy", trust(SOURCE_ID)),
                admin.token()));
        created(Http.sendJson("POST", server.adminUrl(realm) + "/sts/roles/" + name + "/policies",
                Map.of("policyName", policy, "clientId", clientId), admin.token()));
    }

    String sts(String realm, String page) {
        return server.realmUrl(realm) + "/sts/" + page;
    }

    String assume(String username, String roleArn, String sessionName) {
        Map<String, String> form = sts.form(tokens.signIn(SOURCE, username), roleArn);
        form.put("role_session_name", sessionName);
        return tokens.exchange(form);
    }

    static String jti(String token) {
        return Http.claims(token).get("jti").asText();
    }

    JsonNode sessions(String realm, String role) {
        Http.Response listed = Http.get(server.adminUrl(realm) + "/sts/roles/" + role + "/sessions", admin.token());
        assertThat(listed.status()).as(listed.toString()).isEqualTo(200);
        return listed.json();
    }

    static List<String> sessionIds(JsonNode sessions) {
        List<String> ids = new ArrayList<>();
        sessions.forEach(session -> ids.add(session.path("sessionId").asText()));
        return ids;
    }

    static JsonNode find(JsonNode sessions, String sessionId) {
        for (JsonNode session : sessions) {
            if (sessionId.equals(session.path("sessionId").asText())) {
                return session;
            }
        }
        return null;
    }

    Http.Response endById(String realm, String role, String sessionId) {
        return Http.delete(server.adminUrl(realm) + "/sts/roles/" + role + "/sessions/" + sessionId, admin.token());
    }

    void setEvents(Map<String, Object> changes) {
        Map<String, Object> config = new LinkedHashMap<>(Http.JSON.convertValue(eventsConfig, Map.class));
        config.putAll(changes);
        Http.Response put = Http.sendJson("PUT", server.adminUrl(TARGET) + "/events/config", config, admin.token());
        assertThat(put.status()).as(put.toString()).isEqualTo(204);
    }

    JsonNode storedEvents(String realm, String type) {
        return Http.get(server.adminUrl(realm) + "/events?type=" + type + "&max=100", admin.token()).json();
    }

    // ---- tests ---------------------------------------------------------------------------------------------------

    @Test
    void withEventsOffANewRoleSessionIsListedAndEndedById() {
        setEvents(Map.of("eventsEnabled", false));
        String samOps = assume("sam", OPS, "sam-events-off");
        String sueOps = assume("sue", OPS, "sue-events-off");
        String samAudit = assume("sam", AUDIT, "sam-audit");
        assertThat(storedEvents(TARGET, "TOKEN_EXCHANGE")).as("events are really off in the target").isEmpty();

        JsonNode listed = sessions(TARGET, "ops");
        assertThat(sessionIds(listed)).as(listed.toString()).containsExactlyInAnyOrder(jti(samOps), jti(sueOps));
        // The listing's JSON is the external contract (docs/api.md): every field as it was when read from events.
        JsonNode sam = find(listed, jti(samOps));
        JsonNode claims = Http.claims(samOps);
        assertThat(sam.get("kind").asText()).isEqualTo("token");
        assertThat(sam.get("tokenId").asText()).isEqualTo(jti(samOps));
        assertThat(sam.get("sourceAccountId").asText()).isEqualTo(SOURCE_ID);
        assertThat(sam.get("sourceIdentity").asText()).isEqualTo("acs:ram::" + SOURCE_ID + ":user/sam");
        assertThat(sam.get("sourceUserId").asText()).isEqualTo(tokens.userId(SOURCE, "sam"));
        assertThat(sam.get("sourceSessionId").asText()).isNotBlank();
        assertThat(sam.get("roleSessionName").asText()).isEqualTo("sam-events-off");
        assertThat(sam.get("assumedRoleArn").asText()).isEqualTo(OPS + "/sam-events-off");
        assertThat(sam.get("clientId").asText()).isEqualTo("sts");
        assertThat(sam.get("ipAddress").asText()).isNotBlank();
        assertThat(Instant.parse(sam.get("expiresAt").asText()).getEpochSecond()).isEqualTo(claims.get("exp").asLong());
        assertThat(Instant.parse(sam.get("issuedAt").asText()).getEpochSecond()).isBetween(claims.get("iat").asLong() - 1, claims.get("iat").asLong() + 1);
        assertThat(listed.get(0).fieldNames()).toIterable().containsExactly("sessionId", "kind", "sourceAccountId", "sourceIdentity",
                "sourceUserId", "sourceSessionId", "roleSessionName", "assumedRoleArn", "clientId", "ipAddress", "tokenId", "issuedAt", "expiresAt");

        Http.Response ended = endById(TARGET, "ops", jti(samOps));
        assertThat(ended.status()).as(ended.toString()).isEqualTo(204);
        tokens.assertEndsWithinOneSecond("sam's ops token", samOps);

        // Nothing else changed: sue's token of the same role and sam's token of another role stay, and are listed.
        assertThat(tokens.introspectionActive(sueOps)).as("sue's ops token").isTrue();
        assertThat(tokens.introspectionActive(samAudit)).as("sam's audit token").isTrue();
        assertThat(sessionIds(sessions(TARGET, "ops"))).containsExactly(jti(sueOps));
        assertThat(sessionIds(sessions(TARGET, "audit"))).containsExactly(jti(samAudit));
        assertThat(endById(TARGET, "ops", jti(samOps)).status()).as("an ended session is not live: 404").isEqualTo(404);
        assertThat(Http.get(server.adminUrl(TARGET) + "/events/config", admin.token()).json().get("eventsEnabled").asBoolean())
                .as("the realm's event configuration is the administrator's, untouched").isFalse();
    }

    @Test
    void eventsExpiringSoonerHideNoSession() {
        // Events kept for one second, then cleared outright (the scheduled clean-up of expired events runs every 15 min).
        setEvents(Map.of("eventsExpiration", 1));
        String samOps = assume("sam", OPS, "sam-expiring");
        String sueOps = assume("sue", OPS, "sue-expiring");
        assertThat(storedEvents(TARGET, "TOKEN_EXCHANGE")).as("the exchanges were audited").isNotEmpty();
        Http.Response cleared = Http.delete(server.adminUrl(TARGET) + "/events", admin.token());
        assertThat(cleared.status()).as(cleared.toString()).isEqualTo(204);
        assertThat(storedEvents(TARGET, "TOKEN_EXCHANGE")).as("no event left").isEmpty();

        assertThat(sessionIds(sessions(TARGET, "ops"))).containsExactlyInAnyOrder(jti(samOps), jti(sueOps));
        Http.Response ended = endById(TARGET, "ops", jti(samOps));
        assertThat(ended.status()).as(ended.toString()).isEqualTo(204);
        tokens.assertEndsWithinOneSecond("sam's ops token", samOps);
        assertThat(tokens.introspectionActive(sueOps)).as("sue's ops token").isTrue();
        assertThat(sessionIds(sessions(TARGET, "ops"))).containsExactly(jti(sueOps));
    }

    @Test
    void withEventsOffABrowserRoleSessionIsListedAndEndedById() {
        setEvents(Map.of("eventsEnabled", false));
        String samToken = switchToOps("sam");
        String sueToken = switchToOps("sue");
        assertThat(storedEvents(TARGET, "LOGIN")).as("events are really off in the target").isEmpty();

        JsonNode listed = sessions(TARGET, "ops");
        assertThat(listed).as(listed.toString()).hasSize(2);
        String samSession = null;
        for (JsonNode session : listed) {
            assertThat(session.get("kind").asText()).isEqualTo("browser");
            assertThat(session.get("tokenId").isNull()).isTrue();
            if (session.get("sourceIdentity").asText().endsWith(":user/sam")) {
                assertThat(session.get("sourceUserId").asText()).isEqualTo(tokens.userId(SOURCE, "sam"));
                samSession = session.get("sessionId").asText();
            }
        }
        assertThat(samSession).as(listed.toString()).isNotNull();
        String sid = Http.claims(samToken).path("sid").asText(null);
        if (sid != null) {
            assertThat(samSession).as("the listed ID is the browser role session's").isEqualTo(sid);
        }

        Http.Response ended = endById(TARGET, "ops", samSession);
        assertThat(ended.status()).as(ended.toString()).isEqualTo(204);
        tokens.assertEndsWithinOneSecond("sam's browser role session", samToken);
        assertThat(tokens.introspectionActive(sueToken)).as("sue's browser role session").isTrue();
        assertThat(sessions(TARGET, "ops").findValuesAsText("sourceIdentity")).containsExactly("acs:ram::" + SOURCE_ID + ":user/sue");
    }

    @Test
    void anAdminCannotEndASessionOfAnotherRoleOrRealmByItsId() {
        setEvents(Map.of("eventsEnabled", false));
        String samOps = assume("sam", OPS, "sam-not-yours");

        // The same realm, another role: the record names ops, not audit.
        assertThat(endById(TARGET, "audit", jti(samOps)).status()).isEqualTo(404);
        // The source account's administrator names the target's token at his own role ops, which exists.
        assertThat(sessions(SOURCE, "ops")).isEmpty();
        Http.Response otherRealm = endById(SOURCE, "ops", jti(samOps));
        assertThat(otherRealm.status()).as(otherRealm.toString()).isEqualTo(404);
        assertThat(otherRealm.json().get("error").asText()).isEqualTo("EntityNotExist.RoleSession");
        // An ID that was never a session, and a look-alike of one.
        assertThat(endById(TARGET, "ops", "no-such-session").status()).isEqualTo(404);
        assertThat(endById(TARGET, "ops", jti(samOps).toUpperCase()).status()).isEqualTo(404);

        assertThat(tokens.introspectionActive(samOps)).as("the token nobody could end").isTrue();
        assertThat(sessionIds(sessions(TARGET, "ops"))).containsExactly(jti(samOps));
    }

    /** {@code username} switches to ops in a browser; returns the access token of the target's app {@code web}. */
    String switchToOps(String username) {
        CookieBrowser browser = new CookieBrowser(server);
        browser.switchRole(SOURCE, username, username + "-pass-1", TARGET, "ops");
        Http.Response web = browser.codeFlowTokens(TARGET, "web", "web-secret-1", sts(TARGET, "console"));
        assertThat(web.status()).as(web.toString()).isEqualTo(200);
        return web.accessToken();
    }
}
