package io.github.keycloaksts.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.keycloaksts.it.support.Admin;
import io.github.keycloaksts.it.support.Await;
import io.github.keycloaksts.it.support.CookieBrowser;
import io.github.keycloaksts.it.support.CookieBrowser.Reply;
import io.github.keycloaksts.it.support.Http;
import io.github.keycloaksts.it.support.KeycloakServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Browser role sessions (Switch Role): a real SSO session of the target realm must not outlive the role
 * session. When what allowed it stops holding, within one second its access tokens are refused, its refresh token
 * no longer refreshes, {@code prompt=none} answers {@code login_required}, and it leaves {@code GET …/sessions};
 * a colleague's browser role session is untouched.
 */
class LiveBrowserRoleSessionIT {

    static final String TARGET = "it-livebr-target";
    static final String SOURCE = "it-livebr-source";
    static final String TARGET_ID = "74200001";
    static final String SOURCE_ID = "74200002";
    static final Duration WITHIN = Duration.ofSeconds(1);

    final KeycloakServer server = KeycloakServer.shared();
    final Admin admin = new Admin(server);

    String sts(String realm, String page) {
        return server.realmUrl(realm) + "/sts/" + page;
    }

    @BeforeEach
    void accounts() {
        admin.createAccountRealm(TARGET, TARGET_ID);
        created(Http.sendJson("POST", server.adminUrl(TARGET) + "/clients", Map.of("clientId", "api", "publicClient", false,
                "secret", "api-secret-1", "standardFlowEnabled", false), admin.token()));
        created(Http.sendJson("POST", server.adminUrl(TARGET) + "/clients/" + admin.clientUuid(TARGET, "api") + "/roles",
                Map.of("name", "operator"), admin.token()));
        created(Http.sendJson("POST", server.adminUrl(TARGET) + "/clients", Map.of("clientId", "web", "secret", "web-secret-1",
                "publicClient", false, "redirectUris", List.of(sts(TARGET, "console"))), admin.token()));
        created(Http.sendJson("POST", server.adminUrl(TARGET) + "/sts/roles", Map.of("roleName", "ops", "trustPolicy",
                Map.of("Version", "1", "Statement", List.of(Map.of("Effect", "Allow", "Action", "sts:AssumeRole",
                        "Principal", Map.of("RAM", List.of("acs:ram::" + SOURCE_ID + ":root")))))), admin.token()));
        created(Http.sendJson("POST", server.adminUrl(TARGET) + "/sts/roles/ops/policies", Map.of("policyName", "operator",
                "clientId", "api"), admin.token()));
        admin.createSourceAccount(SOURCE, SOURCE_ID, "erin", "erin-pass-1", List.of("acs:ram::" + TARGET_ID + ":role/ops"));
        admin.createUserWithRealmRole(SOURCE, "frank", "frank-pass-1", "assumer");
    }

    @AfterEach
    void cleanUp() {
        admin.deleteRealmIfExists(TARGET);
        admin.deleteRealmIfExists(SOURCE);
    }

    static void created(Http.Response response) {
        assertThat(response.status()).as(response.toString()).isEqualTo(201);
    }

    /** {@code username}'s browser, in a role session of ops in the target account, with the tokens of the app web. */
    record RoleSessionBrowser(CookieBrowser browser, String accessToken, String refreshToken) {
    }

    RoleSessionBrowser switchToOps(String username) {
        CookieBrowser browser = new CookieBrowser(server);
        browser.switchRole(SOURCE, username, username + "-pass-1", TARGET, "ops");
        Http.Response tokens = browser.codeFlowTokens(TARGET, "web", "web-secret-1", sts(TARGET, "console"));
        assertThat(tokens.status()).as(tokens.toString()).isEqualTo(200);
        return new RoleSessionBrowser(browser, tokens.accessToken(), tokens.json().get("refresh_token").asText());
    }

    Reply authorize(CookieBrowser browser, String extra) {
        return browser.get(server.realmUrl(TARGET) + "/protocol/openid-connect/auth?client_id=web&response_type=code&scope=openid"
                + "&redirect_uri=" + URLEncoder.encode(sts(TARGET, "console"), StandardCharsets.UTF_8) + extra);
    }

    boolean accessTokenActive(String accessToken) {
        Map<String, String> form = new LinkedHashMap<>();
        form.put("client_id", "api");
        form.put("client_secret", "api-secret-1");
        form.put("token", accessToken);
        Http.Response introspection = Http.postForm(server.realmUrl(TARGET) + "/protocol/openid-connect/token/introspect", form);
        assertThat(introspection.status()).as(introspection.toString()).isEqualTo(200);
        return introspection.json().get("active").asBoolean();
    }

    int refresh(String refreshToken) {
        Map<String, String> form = new LinkedHashMap<>();
        form.put("grant_type", "refresh_token");
        form.put("refresh_token", refreshToken);
        form.put("client_id", "web");
        form.put("client_secret", "web-secret-1");
        return Http.postForm(server.realmUrl(TARGET) + "/protocol/openid-connect/token", form).status();
    }

    String promptNone(CookieBrowser browser) {
        Reply reply = authorize(browser, "&prompt=none");
        assertThat(reply.status()).as(reply.toString()).isEqualTo(302);
        return reply.header("location");
    }

    JsonNode sessions() {
        return Http.get(server.adminUrl(TARGET) + "/sts/roles/ops/sessions", admin.token()).json();
    }

    void assertLive(String who, RoleSessionBrowser session) {
        assertThat(accessTokenActive(session.accessToken())).as(who + "'s access token").isTrue();
        assertThat(Http.get(server.realmUrl(TARGET) + "/protocol/openid-connect/userinfo", session.accessToken()).status())
                .as(who + "'s userinfo").isEqualTo(200);
        assertThat(promptNone(session.browser())).as(who + "'s prompt=none").contains("code=");
    }

    void assertEndsWithinOneSecond(String who, RoleSessionBrowser session) {
        Await.until(who + "'s browser role session ended within " + WITHIN, WITHIN, () -> !accessTokenActive(session.accessToken()));
        assertThat(Http.get(server.realmUrl(TARGET) + "/protocol/openid-connect/userinfo", session.accessToken()).status())
                .as(who + "'s userinfo").isEqualTo(401);
        assertThat(refresh(session.refreshToken())).as(who + "'s refresh").isEqualTo(400);
        assertThat(promptNone(session.browser())).as(who + "'s prompt=none").contains("error=login_required").doesNotContain("code=");
    }

    String userId(String realm, String username) {
        return Http.get(server.adminUrl(realm) + "/users?exact=true&username=" + username, admin.token()).json().get(0).get("id").asText();
    }

    @Test
    void signingOutOfTheSourceAccountEndsTheBrowserRoleSessionEverywhere() {
        RoleSessionBrowser erin = switchToOps("erin");
        RoleSessionBrowser frank = switchToOps("frank");
        assertLive("erin", erin);
        assertThat(sessions().findValuesAsText("kind")).as(sessions().toString()).contains("browser");
        assertThat(refresh(erin.refreshToken())).as("erin refreshes while her role session holds").isEqualTo(200);

        Http.Response logout = Http.sendJson("POST", server.adminUrl(SOURCE) + "/users/" + userId(SOURCE, "erin") + "/logout",
                Map.of(), admin.token());
        assertThat(logout.status()).as(logout.toString()).isEqualTo(204);

        assertEndsWithinOneSecond("erin", erin);
        assertLive("frank", frank);
        JsonNode listed = sessions();
        assertThat(listed.findValuesAsText("sourceIdentity")).as(listed.toString())
                .contains("acs:ram::" + SOURCE_ID + ":user/frank").doesNotContain("acs:ram::" + SOURCE_ID + ":user/erin");
    }

    @Test
    void theTargetAdminEndsOneBrowserRoleSessionFromTheList() {
        RoleSessionBrowser erin = switchToOps("erin");
        RoleSessionBrowser frank = switchToOps("frank");
        String erinsSession = null;
        for (JsonNode session : sessions()) {
            if (session.get("sourceIdentity").asText().endsWith(":user/erin")) {
                assertThat(session.get("kind").asText()).isEqualTo("browser");
                assertThat(session.get("sourceUserId").asText()).isEqualTo(userId(SOURCE, "erin"));
                erinsSession = session.get("sessionId").asText();
            }
        }
        assertThat(erinsSession).as(sessions().toString()).isNotNull();

        Http.Response ended = Http.delete(server.adminUrl(TARGET) + "/sts/roles/ops/sessions/" + erinsSession, admin.token());
        assertThat(ended.status()).as(ended.toString()).isEqualTo(204);

        assertEndsWithinOneSecond("erin", erin);
        assertLive("frank", frank);
    }

    @Test
    void disablingTheSourceUserEndsHisBrowserRoleSession() {
        RoleSessionBrowser erin = switchToOps("erin");
        RoleSessionBrowser frank = switchToOps("frank");

        Http.Response disabled = Http.sendJson("PUT", server.adminUrl(SOURCE) + "/users/" + userId(SOURCE, "erin"),
                Map.of("enabled", false), admin.token());
        assertThat(disabled.status()).as(disabled.toString()).isEqualTo(204);

        assertEndsWithinOneSecond("erin", erin);
        assertLive("frank", frank);
    }
}
