package io.github.keycloaksts.it.support;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Role tokens of one target account, for the tests of their life: sign-in at a source account's app {@code app}
 * (password {@code <username>-pass-1}), the exchange for a role token at the target, and whether the token is live,
 * asked of introspection (as the target's confidential client given here, one in the role token's {@code aud}: only
 * such a client is told {@code active}) and of userinfo.
 */
public final class RoleTokens {

    /** How soon a change must end the role tokens it affects. */
    public static final Duration WITHIN = Duration.ofSeconds(1);

    private final KeycloakServer server;
    private final Admin admin;
    private final Sts sts;
    private final String target;
    private final String clientId;
    private final String clientSecret;

    public RoleTokens(KeycloakServer server, String target, String clientId, String clientSecret) {
        this.server = server;
        this.admin = new Admin(server);
        this.sts = new Sts(server);
        this.target = target;
        this.clientId = clientId;
        this.clientSecret = clientSecret;
    }

    // ---- admin responses ------------------------------------------------------------------------------------------

    public static void created(Http.Response response) {
        assertThat(response.status()).as(response.toString()).isEqualTo(201);
    }

    public static void ok(Http.Response response) {
        assertThat(response.status()).as(response.toString()).isBetween(200, 204);
    }

    // ---- getting role tokens --------------------------------------------------------------------------------------

    /** {@code username}'s access token of the app {@code app} in {@code realm}. */
    public String signIn(String realm, String username) {
        return sts.signIn(realm, "app", username, username + "-pass-1");
    }

    public Http.Response tryExchange(String subjectToken, String roleArn) {
        return sts.exchange(target, sts.form(subjectToken, roleArn));
    }

    /** The exchange of {@code form} at the target; expects 200 and returns the role token. */
    public String exchange(Map<String, String> form) {
        Http.Response exchange = sts.exchange(target, form);
        assertThat(exchange.status()).as(exchange.toString()).isEqualTo(200);
        return exchange.json().get("access_token").asText();
    }

    public String exchange(String subjectToken, String roleArn) {
        return exchange(subjectToken, roleArn, null);
    }

    /** As {@link #exchange(String, String)}, asking for {@code durationSeconds} unless it is null. */
    public String exchange(String subjectToken, String roleArn, Integer durationSeconds) {
        Map<String, String> form = sts.form(subjectToken, roleArn);
        if (durationSeconds != null) {
            form.put("duration_seconds", durationSeconds.toString());
        }
        return exchange(form);
    }

    public String assume(String realm, String username, String roleArn) {
        return exchange(signIn(realm, username), roleArn);
    }

    // ---- whether they live ----------------------------------------------------------------------------------------

    public boolean introspectionActive(String roleToken) {
        Http.Response introspection = sts.introspect(target, clientId, clientSecret, roleToken);
        assertThat(introspection.status()).as(introspection.toString()).isEqualTo(200);
        return introspection.json().get("active").asBoolean();
    }

    /** Active at introspection, and userinfo answers it. */
    public void assertLive(String what, String roleToken) {
        assertThat(introspectionActive(roleToken)).as(what + " is active at introspection").isTrue();
        assertThat(sts.userinfo(target, roleToken).status()).as(what + " is answered by userinfo").isEqualTo(200);
    }

    /** Inactive at introspection within one second, and refused by userinfo. */
    public void assertEndsWithinOneSecond(String what, String roleToken) {
        Await.until(what + " inactive at introspection within " + WITHIN, WITHIN, () -> !introspectionActive(roleToken));
        assertThat(sts.userinfo(target, roleToken).status()).as(what + " refused by userinfo").isEqualTo(401);
    }

    /** Still dead after the change was undone and every node's cache has had time to look again. */
    public void assertStaysDead(String what, String roleToken) {
        sleep(Duration.ofMillis(1200));
        assertThat(introspectionActive(roleToken)).as(what + " stays inactive").isFalse();
        assertThat(sts.userinfo(target, roleToken).status()).as(what + " stays refused by userinfo").isEqualTo(401);
    }

    // ---- admin look-ups -------------------------------------------------------------------------------------------

    public String userId(String realm, String username) {
        JsonNode users = Http.get(server.adminUrl(realm) + "/users?exact=true&username=" + username, admin.token()).json();
        assertThat(users).as(username).hasSize(1);
        return users.get(0).get("id").asText();
    }

    public JsonNode realmRole(String realm, String name) {
        return Http.get(server.adminUrl(realm) + "/roles/" + name, admin.token()).json();
    }

    public static void sleep(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
