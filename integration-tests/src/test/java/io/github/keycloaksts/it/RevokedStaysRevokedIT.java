package io.github.keycloaksts.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.github.keycloaksts.it.support.Admin;
import io.github.keycloaksts.it.support.CookieBrowser;
import io.github.keycloaksts.it.support.Http;
import io.github.keycloaksts.it.support.KeycloakServer;
import io.github.keycloaksts.it.support.Sts;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A revoked role token stays revoked, whatever happens later: neither a colleague assuming the role again (which
 * re-creates the account's principal) nor a user who takes the principal's username (as self-registration could)
 * brings it back. Keycloak looks the user of a stateless token up by {@code sub}, then by {@code preferred_username};
 * role tokens carry no username, so a deleted principal stays deleted.
 */
class RevokedStaysRevokedIT {

    static final String TARGET = "it-rsr-target";
    static final String SOURCE = "it-rsr-source";
    static final String ROLE_ARN = "acs:ram::73000001:role/ops";

    final KeycloakServer server = KeycloakServer.shared();
    final Admin admin = new Admin(server);
    final Sts sts = new Sts(server);

    @BeforeEach
    void accounts() {
        admin.createAccountRealm(TARGET, "73000001");
        Http.Response registration = Http.sendJson("PUT", server.adminUrl(TARGET), Map.of("registrationAllowed", true), admin.token());
        assertThat(registration.status()).isEqualTo(204);
        // A confidential API whose client role is the attached policy: role tokens are issued for it (aud), so it may introspect them.
        Http.Response api = Http.sendJson("POST", server.adminUrl(TARGET) + "/clients", Map.of("clientId", "api", "publicClient", false,
                "secret", "api-secret-1", "standardFlowEnabled", false), admin.token());
        assertThat(api.status()).isEqualTo(201);
        String apiUuid = admin.clientUuid(TARGET, "api");
        assertThat(Http.sendJson("POST", server.adminUrl(TARGET) + "/clients/" + apiUuid + "/roles", Map.of("name", "operator"),
                admin.token()).status()).isEqualTo(201);
        Http.Response role = Http.sendJson("POST", server.adminUrl(TARGET) + "/sts/roles", Map.of("roleName", "ops",
                "trustPolicy", Map.of("Version", "1", "Statement", List.of(Map.of("Effect", "Allow", "Action", "sts:AssumeRole",
                        "Principal", Map.of("RAM", List.of("acs:ram::73000002:root")))))), admin.token());
        assertThat(role.status()).as(role.toString()).isEqualTo(201);
        Http.Response attached = Http.sendJson("POST", server.adminUrl(TARGET) + "/sts/roles/ops/policies",
                Map.of("policyName", "operator", "clientId", "api"), admin.token());
        assertThat(attached.status()).as(attached.toString()).isEqualTo(201);

        admin.createSourceAccount(SOURCE, "73000002", "sam", "sam-pass-1", List.of("*"));
        admin.createUserWithRealmRole(SOURCE, "sue", "sue-pass-1", "assumer");
    }

    @AfterEach
    void cleanUp() {
        admin.deleteRealmIfExists(TARGET);
        admin.deleteRealmIfExists(SOURCE);
    }

    boolean active(String roleToken) {
        Http.Response introspection = sts.introspect(TARGET, "api", "api-secret-1", roleToken);
        assertThat(introspection.status()).as(introspection.toString()).isEqualTo(200);
        boolean active = introspection.json().get("active").asBoolean();
        int userinfo = sts.userinfo(TARGET, roleToken).status();
        assertThat(userinfo).as("userinfo agrees with introspection").isEqualTo(active ? 200 : 401);
        return active;
    }

    String assume(String username, String password) {
        Http.Response exchange = sts.assumeRole(TARGET, sts.signIn(SOURCE, "app", username, password), ROLE_ARN);
        assertThat(exchange.status()).as(exchange.toString()).isEqualTo(200);
        return exchange.json().get("access_token").asText();
    }

    void revokeAll() {
        Http.Response revoked = Http.delete(server.adminUrl(TARGET) + "/sts/roles/ops/sessions", admin.token());
        assertThat(revoked.status()).as(revoked.toString()).isLessThan(300);
    }

    @Test
    void aColleagueAssumingTheRoleAgainDoesNotReviveARevokedToken() {
        String samsToken = assume("sam", "sam-pass-1");
        assertThat(Http.claims(samsToken).has("preferred_username")).as("role tokens carry no username").isFalse();
        assertThat(active(samsToken)).isTrue();

        revokeAll();
        assertThat(active(samsToken)).as("right after revocation").isFalse();

        String suesToken = assume("sue", "sue-pass-1");
        assertThat(active(suesToken)).as("a new token after revocation").isTrue();
        assertThat(active(samsToken)).as("the revoked token after a colleague re-assumed the role").isFalse();
        String samAgain = assume("sam", "sam-pass-1");
        assertThat(active(samAgain)).isTrue();
        assertThat(active(samsToken)).as("the revoked token after its own user re-assumed the role").isFalse();
    }

    @Test
    void aUserTakingThePrincipalsUsernameDoesNotReviveARevokedToken() {
        String samsToken = assume("sam", "sam-pass-1");
        // The principal's username is no secret: userinfo of the role token tells the role session's, which is the
        // principal's plus a suffix of its own.
        String sessionUsername = sts.userinfo(TARGET, samsToken).json().get("preferred_username").asText();
        String principalUsername = sessionUsername.substring(0, sessionUsername.lastIndexOf('.'));
        assertThat(principalUsername).startsWith("sts-role-session.");
        revokeAll();
        assertThat(active(samsToken)).isFalse();

        // Anyone registers with the principal's username on the target realm's own registration page (allowed here).
        selfRegister(principalUsername);
        assertThat(Http.get(server.adminUrl(TARGET) + "/users?exact=true&username=" + principalUsername, admin.token()).json())
                .as("the self-registered user exists").hasSize(1);
        assertThat(active(samsToken)).as("the revoked token after a user took its principal's username").isFalse();

        // Nor does that user become the principal of the account's next role tokens: the exchange fails closed.
        Http.Response squatted = sts.assumeRole(TARGET, sts.signIn(SOURCE, "app", "sam", "sam-pass-1"), ROLE_ARN);
        assertThat(squatted.status()).as(squatted.toString()).isEqualTo(403);
        assertThat(squatted.json().has("access_token")).isFalse();
        assertThat(Http.get(server.adminUrl(TARGET) + "/events?type=TOKEN_EXCHANGE_ERROR&max=1", admin.token()).json()
                .get(0).get("details").get("reason").asText()).contains("is not a principal");
    }

    /** Registers {@code username} through the target realm's registration form, as any visitor can. */
    void selfRegister(String username) {
        String redirect = "http://localhost/registered";
        Http.Response web = Http.sendJson("POST", server.adminUrl(TARGET) + "/clients", Map.of("clientId", "web", "publicClient", true,
                "redirectUris", List.of(redirect)), admin.token());
        assertThat(web.status()).as(web.toString()).isEqualTo(201);
        CookieBrowser visitor = new CookieBrowser(server);
        CookieBrowser.Reply page = visitor.follow(visitor.get(server.realmUrl(TARGET) + "/protocol/openid-connect/registrations?client_id=web"
                + "&response_type=code&scope=openid&redirect_uri=" + URLEncoder.encode(redirect, StandardCharsets.UTF_8)));
        assertThat(page.status()).as(page.toString()).isEqualTo(200);
        Map<String, String> form = new LinkedHashMap<>();
        form.put("username", username);
        form.put("email", "squatter@example.org");
        form.put("firstName", "Squat");
        form.put("lastName", "Ter");
        form.put("password", "squatter-pass-1");
        form.put("password-confirm", "squatter-pass-1");
        CookieBrowser.Reply registered = visitor.postForm(CookieBrowser.formAction(page.body(), "kc-register-form"), form);
        assertThat(registered.status()).as("registration accepted: " + registered).isEqualTo(302);
        assertThat(registered.header("location")).startsWith(redirect);
    }
}
