package io.github.keycloaksts.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.keycloaksts.it.support.Admin;
import io.github.keycloaksts.it.support.Await;
import io.github.keycloaksts.it.support.CookieBrowser;
import io.github.keycloaksts.it.support.CookieBrowser.Reply;
import io.github.keycloaksts.it.support.Http;
import io.github.keycloaksts.it.support.KeycloakServer;
import io.github.keycloaksts.it.support.Sts;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Whatever a target-realm administrator's mappers write, the claims
 * keycloak-sts owns or the lifetime model reads are the role session's own. keycloak-sts writes them last, after
 * every protocol mapper and token post-processor; the ID token and userinfo, which Keycloak writes after any
 * extension, are refused when their mappers would rewrite them; and user-session notes written by anyone else
 * never make a session a role session.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ClaimsWrittenLastIT {

    static final String TARGET = "it-claims-target";
    static final String SOURCE = "it-claims-source";
    static final String TARGET_ID = "74700001";
    static final String SOURCE_ID = "74700002";
    static final String ROLE_ARN = "acs:ram::" + TARGET_ID + ":role/ops";
    static final Duration WITHIN = Duration.ofSeconds(1);
    /** Parses a JWT payload and fails on a key that appears twice (a field and a mapper's other claim). */
    static final ObjectMapper STRICT = new ObjectMapper().enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

    final KeycloakServer server = KeycloakServer.shared();
    final Admin admin = new Admin(server);
    final Sts sts = new Sts(server);
    String victimId;
    String clientsInsider;

    String sts(String realm, String page) {
        return server.realmUrl(realm) + "/sts/" + page;
    }

    static void created(Http.Response response) {
        assertThat(response.status()).as(response.toString()).isEqualTo(201);
    }

    @BeforeAll
    void accounts() {
        admin.createAccountRealm(TARGET, TARGET_ID);
        String token = admin.token();
        assertThat(Http.sendJson("PUT", server.adminUrl(TARGET) + "/sts/account", Map.of("accountId", TARGET_ID), token).status())
                .isIn(200, 409);
        created(Http.sendJson("POST", server.adminUrl(TARGET) + "/clients", Map.of("clientId", "api", "publicClient", false,
                "secret", "api-secret-1", "standardFlowEnabled", false), token));
        created(Http.sendJson("POST", server.adminUrl(TARGET) + "/clients/" + admin.clientUuid(TARGET, "api") + "/roles",
                Map.of("name", "operator"), token));
        created(Http.sendJson("POST", server.adminUrl(TARGET) + "/clients", Map.of("clientId", "web", "secret", "web-secret-1",
                "publicClient", false, "redirectUris", List.of(sts(TARGET, "console"))), token));
        created(Http.sendJson("POST", server.adminUrl(TARGET) + "/clients", Map.of("clientId", "gateway", "secret", "gateway-secret-1",
                "publicClient", false, "standardFlowEnabled", false, "attributes", Map.of("sts.assume-role.enabled", "true")), token));
        created(Http.sendJson("POST", server.adminUrl(TARGET) + "/sts/roles", Map.of("roleName", "ops", "trustPolicy",
                Map.of("Version", "1", "Statement", List.of(Map.of("Effect", "Allow", "Action", "sts:AssumeRole",
                        "Principal", Map.of("RAM", List.of("acs:ram::" + SOURCE_ID + ":root")))))), token));
        created(Http.sendJson("POST", server.adminUrl(TARGET) + "/sts/roles/ops/policies", Map.of("policyName", "operator",
                "clientId", "api"), token));
        // An ordinary user of the target account, whom a forged sub would name.
        victimId = admin.createUser(TARGET, "victor", "victor-pass-1", null, List.of());
        admin.createUser(TARGET, "clients-insider", "clients-insider-pass-1", "realm-management", List.of("manage-clients"));
        admin.createUser(TARGET, "idp-insider", "idp-insider-pass-1", "realm-management", List.of("manage-identity-providers"));
        admin.createSourceAccount(SOURCE, SOURCE_ID, "erin", "erin-pass-1", List.of(ROLE_ARN));
        clientsInsider = insiderToken("clients-insider");
    }

    @AfterAll
    void cleanUp() {
        admin.deleteRealmIfExists(TARGET);
        admin.deleteRealmIfExists(SOURCE);
    }

    /** Removes every mapper the insiders added, whatever a test left behind. */
    @AfterEach
    void removeInsiderMappers() {
        for (String clientId : List.of("sts", "gateway", "web")) {
            String mappers = server.adminUrl(TARGET) + "/clients/" + admin.clientUuid(TARGET, clientId) + "/protocol-mappers/models";
            for (JsonNode mapper : Http.get(mappers, admin.token()).json()) {
                if (mapper.get("name").asText().startsWith("insider ")) {
                    Http.delete(mappers + "/" + mapper.get("id").asText(), admin.token());
                }
            }
        }
    }

    String insiderToken(String username) {
        return Http.passwordGrant(server, TARGET, "admin-cli", username, username + "-pass-1").accessToken();
    }

    /** The manage-clients insider's hardcoded-claim mappers on {@code clientId}, one per claim; all into every kind of token. */
    /** The manage-clients insider's hardcoded-claim mappers on {@code clientId}, one per claim, into the tokens named. */
    void forge(String clientId, Map<String, String> claims, boolean accessToken, boolean idToken) {
        forge(clientId, claims, accessToken, idToken, false);
    }

    /** As above; {@code introspection} also writes the claims into Keycloak's introspection answer. */
    void forge(String clientId, Map<String, String> claims, boolean accessToken, boolean idToken, boolean introspection) {
        String mappers = server.adminUrl(TARGET) + "/clients/" + admin.clientUuid(TARGET, clientId) + "/protocol-mappers/models";
        claims.forEach((claim, value) -> {
            Map<String, String> config = new LinkedHashMap<>();
            config.put("claim.name", claim);
            config.put("claim.value", value);
            config.put("jsonType.label", "String");
            config.put("access.token.claim", Boolean.toString(accessToken));
            config.put("id.token.claim", Boolean.toString(idToken));
            config.put("userinfo.token.claim", Boolean.toString(idToken));
            config.put("introspection.token.claim", Boolean.toString(introspection));
            Http.Response added = Http.sendJson("POST", mappers, Map.of("name", "insider " + claim + (idToken ? " id" : ""),
                    "protocol", "openid-connect", "protocolMapper", "oidc-hardcoded-claim-mapper", "config", config), clientsInsider);
            assertThat(added.status()).as("manage-clients may add a mapper for " + claim + ": " + added).isEqualTo(201);
        });
    }

    Map<String, String> lifetimeClaims(String azp) {
        Map<String, String> claims = new LinkedHashMap<>();
        claims.put("sub", victimId);
        claims.put("azp", azp);
        claims.put("acr", "3");
        claims.put("auth_time", "1000");
        return claims;
    }

    static JsonNode strictClaims(String jwt) throws Exception {
        return STRICT.readTree(Base64.getUrlDecoder().decode(jwt.split("\\.")[1]));
    }

    boolean active(String token) {
        Http.Response introspection = sts.introspect(TARGET, "api", "api-secret-1", token);
        assertThat(introspection.status()).as(introspection.toString()).isEqualTo(200);
        return introspection.json().get("active").asBoolean();
    }

    String erin() {
        return sts.signIn(SOURCE, "app", "erin", "erin-pass-1");
    }

    /** The role token's claims are the role session's: checked claim by claim, with no duplicate keys. */
    void assertRoleSessionClaims(JsonNode claims, String azp) {
        assertThat(claims.get("sub").asText()).as(claims.toString()).startsWith("f:").isNotEqualTo(victimId);
        assertThat(claims.get("azp").asText()).isEqualTo(azp);
        assertThat(claims.get("acr").asText()).isIn("0", "1");
        assertThat(claims.has("auth_time") && claims.get("auth_time").asLong() == 1000).as("forged auth_time").isFalse();
        assertThat(claims.has("sid")).as("a role token carries no session ID").isFalse();
        assertThat(claims.get("role_arn").asText()).isEqualTo(ROLE_ARN);
        assertThat(claims.get("source_identity").asText()).isEqualTo("acs:ram::" + SOURCE_ID + ":user/erin");
        assertThat(claims.at("/resource_access/api/roles").toString()).isEqualTo("[\"operator\"]");
    }

    void endAllSessionsAndExpectInactiveWithinOneSecond(String token) {
        assertThat(active(token)).as("live before the revocation").isTrue();
        Http.Response revoked = Http.delete(server.adminUrl(TARGET) + "/sts/roles/ops/sessions", admin.token());
        assertThat(revoked.status()).as(revoked.toString()).isIn(200, 204);
        Await.until("the role token ended within " + WITHIN, WITHIN, () -> !active(token));
    }

    void assertVictimUntouched() {
        JsonNode victim = Http.get(server.adminUrl(TARGET) + "/users/" + victimId, admin.token()).json();
        assertThat(victim.get("username").asText()).isEqualTo("victor");
        assertThat(victim.get("enabled").asBoolean()).isTrue();
    }

    @Test
    void aHardcodedSubMapperOnTheStsClientChangesNoRoleTokenClaim() throws Exception {
        Map<String, String> forged = lifetimeClaims("web");
        forged.put("sid", "00000000-0000-0000-0000-000000000000");
        forged.put("role_arn", "acs:ram::" + TARGET_ID + ":role/admin");
        forged.put("session_tags", "forged");
        forged.put("https://aws\\.amazon\\.com/tags", "forged"); // Keycloak's mapper helper nests claim names at unescaped dots
        forge("sts", forged, true, false);

        Http.Response exchange = sts.assumeRole(TARGET, erin(), ROLE_ARN);
        assertThat(exchange.status()).as(exchange.toString()).isEqualTo(200);
        String token = exchange.accessToken();
        JsonNode claims = strictClaims(token);
        assertRoleSessionClaims(claims, "sts");
        assertThat(claims.has("session_tags")).as("erin has no tags: a mapper cannot give her session any").isFalse();
        assertThat(claims.has("https://aws.amazon.com/tags")).isFalse();
        // Keycloak finds the token's user by sub: the role session's user, whose look-up runs the live checks.
        Http.Response userinfo = sts.userinfo(TARGET, token);
        assertThat(userinfo.status()).as(userinfo.toString()).isEqualTo(200);

        endAllSessionsAndExpectInactiveWithinOneSecond(token);
        assertVictimUntouched();
        assertThat(Http.get(server.adminUrl(TARGET) + "/clients/" + admin.clientUuid(TARGET, "sts") + "/protocol-mappers/models",
                admin.token()).json().findValuesAsText("name")).as("the insider's mappers are still there, neutralised").contains("insider sub");
    }

    @Test
    void anOptedInClientsMappersCannotRewriteTheLifetimeClaims() throws Exception {
        forge("gateway", lifetimeClaims("sts"), true, false);

        Map<String, String> form = sts.form(erin(), ROLE_ARN);
        form.put("client_id", "gateway");
        form.put("client_secret", "gateway-secret-1");
        Http.Response exchange = sts.exchange(TARGET, form);
        assertThat(exchange.status()).as(exchange.toString()).isEqualTo(200);
        String token = exchange.accessToken();
        assertRoleSessionClaims(strictClaims(token), "gateway");

        endAllSessionsAndExpectInactiveWithinOneSecond(token);
        assertVictimUntouched();
    }

    /**
     * Keycloak runs the client's mappers again when it answers introspection and userinfo, after keycloak-sts wrote the
     * token: a mapper there that would rename the subject stops the exchange, and one added later ends the tokens the
     * client obtained (not another client's).
     */
    @Test
    void mappersRewritingTheIntrospectionOrUserinfoAnswerStopTheExchangeAndEndTheClientsTokens() {
        forge("sts", Map.of("sub", victimId), false, false, true);
        Http.Response refused = sts.assumeRole(TARGET, erin(), ROLE_ARN);
        assertThat(refused.status()).as(refused.toString()).isEqualTo(400);
        assertThat(refused.json().get("error").asText()).isEqualTo("unauthorized_client");
        assertThat(refused.json().has("access_token")).isFalse();
        JsonNode events = Http.get(server.adminUrl(TARGET) + "/events?type=TOKEN_EXCHANGE_ERROR&max=1", admin.token()).json();
        assertThat(events.toString()).contains("insider sub").contains("introspection answer");
        removeInsiderMappers();

        String viaSts = sts.assumeRole(TARGET, erin(), ROLE_ARN).accessToken();
        Map<String, String> form = sts.form(erin(), ROLE_ARN);
        form.put("client_id", "gateway");
        form.put("client_secret", "gateway-secret-1");
        String viaGateway = sts.exchange(TARGET, form).accessToken();
        assertThat(active(viaSts)).isTrue();
        forge("sts", Map.of("sub", victimId), false, true, false); // userinfo (and ID token)

        Await.until("the token sts obtained ended within " + WITHIN, WITHIN, () -> !active(viaSts));
        assertThat(sts.userinfo(TARGET, viaSts).status()).as("userinfo of the ended token").isEqualTo(401);
        assertThat(active(viaGateway)).as("a token another client obtained").isTrue();
        assertThat(sts.assumeRole(TARGET, erin(), ROLE_ARN).status()).as("sts while the mapper is there").isEqualTo(400);
        removeInsiderMappers();
        assertThat(sts.assumeRole(TARGET, erin(), ROLE_ARN).status()).as("sts once it is gone").isEqualTo(200);
        assertThat(active(viaSts)).as("the ended token stays ended").isFalse();
        assertVictimUntouched();
    }

    @Test
    void aBrowserRoleSessionAppWhoseMappersRewriteTheIntrospectionAnswerGetsNoToken() {
        CookieBrowser browser = switchToOps();
        forge("web", Map.of("sub", victimId), false, false, true);
        assertRefusedWithEvent(browser, "insider sub", "introspection answer");
        removeInsiderMappers();
        assertThat(webTokens(browser).status()).as("once the mapper is gone").isEqualTo(200);
    }

    /** erin's browser in a role session of ops (Switch Role); returns the browser. */
    CookieBrowser switchToOps() {
        CookieBrowser browser = new CookieBrowser(server);
        browser.switchRole(SOURCE, "erin", "erin-pass-1", TARGET, "ops");
        return browser;
    }

    /** The app web's code flow in {@code browser} (SSO), then its token request. */
    Http.Response webTokens(CookieBrowser browser) {
        return browser.codeFlowTokens(TARGET, "web", "web-secret-1", sts(TARGET, "console"));
    }

    @Test
    void browserRoleSessionAppsGetTheRoleSessionsOwnClaims() throws Exception {
        CookieBrowser browser = switchToOps();
        Map<String, String> forged = lifetimeClaims("sts");
        forged.remove("azp"); // Keycloak copies the access token's azp into the ID token: refused below
        forged.put("sid", "00000000-0000-0000-0000-000000000000");
        forge("web", forged, true, false);

        Http.Response tokens = webTokens(browser);
        assertThat(tokens.status()).as(tokens.toString()).isEqualTo(200);
        JsonNode access = strictClaims(tokens.accessToken());
        assertThat(access.get("sub").asText()).as(access.toString()).startsWith("f:").isNotEqualTo(victimId);
        assertThat(access.get("azp").asText()).isEqualTo("web");
        assertThat(access.get("acr").asText()).isIn("0", "1");
        assertThat(access.has("auth_time") && access.get("auth_time").asLong() == 1000).as("forged auth_time").isFalse();
        assertThat(access.get("role_arn").asText()).isEqualTo(ROLE_ARN);
        JsonNode id = strictClaims(tokens.json().get("id_token").asText());
        assertThat(id.get("sub").asText()).as(id.toString()).isEqualTo(access.get("sub").asText());
        assertThat(id.get("azp").asText()).isEqualTo("web");

        // The ID token and userinfo are written by Keycloak after any extension (the ID token's azp copied from the
        // access token before post-processors run): mappers that would rewrite them stop the token response.
        removeInsiderMappers();
        forge("web", Map.of("azp", "sts"), true, false);
        assertRefusedWithEvent(browser, "insider azp", "writes claim azp");
        removeInsiderMappers();
        forge("web", Map.of("sub", victimId), false, true);
        assertRefusedWithEvent(browser, "insider sub id", "writes claim sub");

        removeInsiderMappers();
        Http.Response again = webTokens(browser);
        assertThat(again.status()).as("once the mappers are gone: " + again).isEqualTo(200);
        endAllSessionsAndExpectInactiveWithinOneSecond(again.accessToken());
        assertVictimUntouched();
    }

    void assertRefusedWithEvent(CookieBrowser browser, String mapper, String reason) {
        long before = System.currentTimeMillis() - 1000;
        Http.Response refused = webTokens(browser);
        assertThat(refused.status()).as(refused.toString()).isEqualTo(400);
        assertThat(refused.json().get("error").asText()).isEqualTo("unauthorized_client");
        assertThat(refused.json().has("access_token")).isFalse();
        assertThat(refused.json().has("id_token")).isFalse();
        JsonNode events = Http.get(server.adminUrl(TARGET) + "/events?type=CODE_TO_TOKEN_ERROR&client=web&max=1", admin.token()).json();
        assertThat(events.toString()).contains(mapper).contains(reason);
        assertThat(events.get(0).get("time").asLong()).isGreaterThanOrEqualTo(before);
    }

    /**
     * A {@code manage-identity-providers} administrator of the target adds an identity provider (here brokering to the
     * source realm; any OpenID provider he controls does the same) with "Hardcoded User Session Attribute" mappers that
     * write the notes of a browser role session. A user signing in through it gets an ordinary session: no role claims,
     * no attached policies, no role console.
     */
    @Test
    void aHardcodedUserSessionAttributeIdpMapperDoesNotMakeARoleSession() throws Exception {
        String token = admin.token();
        created(Http.sendJson("POST", server.adminUrl(SOURCE) + "/clients", Map.of("clientId", "claims-broker", "secret", "broker-secret-1",
                "publicClient", false, "redirectUris", List.of(server.realmUrl(TARGET) + "/broker/forged/endpoint")), token));
        String idpInsider = insiderToken("idp-insider");
        String source = server.realmUrl(SOURCE) + "/protocol/openid-connect";
        Map<String, Object> config = new LinkedHashMap<>();
        config.put("authorizationUrl", source + "/auth");
        config.put("tokenUrl", source + "/token");
        config.put("userInfoUrl", source + "/userinfo");
        config.put("clientId", "claims-broker");
        config.put("clientSecret", "broker-secret-1");
        config.put("clientAuthMethod", "client_secret_post");
        config.put("defaultScope", "openid profile email");
        config.put("syncMode", "IMPORT");
        config.put("validateSignature", "false");
        created(Http.sendJson("POST", server.adminUrl(TARGET) + "/identity-provider/instances", Map.of("alias", "forged",
                "providerId", "oidc", "enabled", true, "config", config), idpInsider));
        Map<String, String> notes = new LinkedHashMap<>();
        notes.put("sts.role-name", "ops");
        notes.put("sts.role-arn", ROLE_ARN);
        notes.put("sts.role-session-name", "erin");
        notes.put("sts.source-identity", "acs:ram::" + SOURCE_ID + ":user/erin");
        notes.put("sts.source-realm", SOURCE);
        notes.put("sts.source-username", "erin");
        notes.put("sts.source-account", SOURCE_ID);
        notes.put("sts.act-sub", "someone");
        notes.put("sts.act-iss", server.realmUrl(SOURCE));
        notes.put("sts.expires-at", Long.toString(System.currentTimeMillis() / 1000 + 3600));
        notes.put("sts.duration", "3600");
        notes.put("sts.source-session", "none");
        notes.forEach((note, value) -> created(Http.sendJson("POST",
                server.adminUrl(TARGET) + "/identity-provider/instances/forged/mappers", Map.of("name", "note " + note,
                        "identityProviderAlias", "forged", "identityProviderMapper", "hardcoded-user-session-attribute-idp-mapper",
                        "config", Map.of("attribute", note, "attribute.value", value, "syncMode", "INHERIT")), idpInsider)));

        // erin of the source realm signs in to the target's app web through the identity provider (first login: a new user).
        CookieBrowser browser = new CookieBrowser(server);
        Reply login = browser.follow(browser.get(server.realmUrl(TARGET) + "/protocol/openid-connect/auth?client_id=web&response_type=code"
                + "&scope=openid&kc_idp_hint=forged&redirect_uri=" + URLEncoder.encode(sts(TARGET, "console"), StandardCharsets.UTF_8)));
        assertThat(login.status()).as("the source realm's login form: " + login).isEqualTo(200);
        Map<String, String> credentials = new LinkedHashMap<>();
        credentials.put("username", "erin");
        credentials.put("password", "erin-pass-1");
        credentials.put("credentialId", "");
        Reply back = browser.postForm(CookieBrowser.formAction(login.body(), "kc-form-login"), credentials);
        for (int i = 0; i < 10 && back.status() >= 300 && back.status() < 400 && !back.header("location").startsWith(sts(TARGET, "console")); i++) {
            back = browser.get(browser.absolute(back.header("location")));
        }
        assertThat(back.status()).as("back at web with a code: " + back).isEqualTo(302);
        String location = back.header("location");
        assertThat(location).startsWith(sts(TARGET, "console")).contains("code=");
        Http.Response tokens = browser.redeemCode(TARGET, "web", "web-secret-1", sts(TARGET, "console"), location);
        assertThat(tokens.status()).as(tokens.toString()).isEqualTo(200);

        JsonNode claims = strictClaims(tokens.accessToken());
        assertThat(claims.has("role_arn")).as(claims.toString()).isFalse();
        assertThat(claims.has("source_identity")).isFalse();
        assertThat(claims.has("act")).isFalse();
        assertThat(claims.at("/resource_access/api").isMissingNode()).as("no attached policy: " + claims).isTrue();
        assertThat(claims.get("sub").asText()).doesNotStartWith("f:");
        // The brokered session does carry the forged notes (the mapper ran), and the role console does not take it as a role session.
        JsonNode sessions = Http.get(server.adminUrl(TARGET) + "/users/" + claims.get("sub").asText() + "/sessions", admin.token()).json();
        assertThat(sessions).as("erin's brokered session in the target").hasSize(1);
        assertThat(browser.get(sts(TARGET, "console")).body()).doesNotContain("ops @ " + TARGET);
        assertThat(Http.get(server.adminUrl(TARGET) + "/sts/roles/ops/sessions", token).json().findValuesAsText("sourceIdentity"))
                .as("no role session listed").doesNotContain("acs:ram::" + SOURCE_ID + ":user/erin");
        Http.delete(server.adminUrl(TARGET) + "/identity-provider/instances/forged", token);
        Http.delete(server.adminUrl(TARGET) + "/users/" + claims.get("sub").asText(), token);
    }
}
