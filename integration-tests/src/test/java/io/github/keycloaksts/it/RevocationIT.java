package io.github.keycloaksts.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;

import io.github.keycloaksts.it.support.Admin;
import io.github.keycloaksts.it.support.Http;
import io.github.keycloaksts.it.support.KeycloakServer;
import io.github.keycloaksts.it.support.Sts;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * An account revokes another: new exchanges fail at once, role tokens already issued to the revoked account turn
 * inactive at introspection and userinfo, and another account's tokens keep working. The accounts and the role are
 * this test's own, so the demo role company-a/ecs-admin is never edited.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RevocationIT {

    static final String TARGET = "it-revocation-a";
    static final String TARGET_ID = "36363636";
    static final String SOURCE_B = "it-revocation-b";
    static final String SOURCE_B_ID = "37373737";
    static final String SOURCE_C = "it-company-c";
    static final String SOURCE_C_ID = "55556666";
    static final String OPS = "acs:ram::" + TARGET_ID + ":role/ops";
    static final String TRUST_B = """
            {"Version":"1","Statement":[{"Effect":"Allow","Action":"sts:AssumeRole","Principal":{"RAM":["acs:ram::37373737:root"]}}]}""";
    static final String TRUST_B_AND_C = """
            {"Version":"1","Statement":[{"Effect":"Allow","Action":"sts:AssumeRole",
             "Principal":{"RAM":["acs:ram::37373737:root","acs:ram::55556666:root"]}}]}""";
    static final String TRUST_C_ONLY = """
            {"Version":"1","Statement":[{"Effect":"Allow","Action":"sts:AssumeRole","Principal":{"RAM":["acs:ram::55556666:root"]}}]}""";

    final KeycloakServer server = KeycloakServer.shared();
    final Admin admin = new Admin(server);
    final Sts sts = new Sts(server);

    @BeforeAll
    void setUp() {
        admin.createAccountRealm(TARGET, TARGET_ID);
        String token = admin.token();
        admin.createRealmRole(TARGET, "Ops");
        Http.Response created = Http.sendJson("POST", server.adminUrl(TARGET) + "/sts/roles",
                "{\"roleName\":\"ops\",\"trustPolicy\":" + TRUST_B + "}", token);
        assertThat(created.status()).as(created.toString()).isEqualTo(201);
        assertThat(Http.sendJson("POST", server.adminUrl(TARGET) + "/sts/roles/ops/policies", Map.of("policyName", "Ops"), token)
                .status()).isEqualTo(201);
        Http.Response introspector = Http.sendJson("POST", server.adminUrl(TARGET) + "/clients", Map.of("clientId", "introspector",
                "publicClient", false, "secret", "introspector-secret", "standardFlowEnabled", false,
                "attributes", Map.of("allow.token.introspection.without.audience.check", "true")), token);
        assertThat(introspector.status()).as(introspector.toString()).isEqualTo(201);

        admin.createSourceAccount(SOURCE_B, SOURCE_B_ID, "bob", "bob-pass-1", List.of(OPS));
        admin.createSourceAccount(SOURCE_C, SOURCE_C_ID, "carol", "carol-pass-1", List.of("acs:ram::" + TARGET_ID + ":role/*"));
    }

    @AfterAll
    void tearDown() {
        for (String realm : List.of(TARGET, SOURCE_B, SOURCE_C)) {
            admin.deleteRealmIfExists(realm);
        }
    }

    String trustPolicyUrl() {
        return server.adminUrl(TARGET) + "/sts/roles/ops/trust-policy";
    }

    String bobToken() {
        return sts.signIn(SOURCE_B, "app", "bob", "bob-pass-1");
    }

    boolean active(String token) {
        Http.Response introspection = sts.introspect(TARGET, "introspector", "introspector-secret", token);
        assertThat(introspection.status()).as(introspection.toString()).isEqualTo(200);
        return introspection.json().get("active").asBoolean();
    }

    @Test
    void removingCompanyBFromTheTrustPolicyRevokesItsTokensAtOnceAndKeepsOthers() {
        assertThat(Http.sendJson("PUT", trustPolicyUrl(), TRUST_B_AND_C, admin.token()).status()).isEqualTo(200);
        String bobRole = sts.assumeRole(TARGET, bobToken(), OPS).accessToken();
        String carolRole = sts.assumeRole(TARGET, sts.signIn(SOURCE_C, "app", "carol", "carol-pass-1"), OPS).accessToken();
        assertThat(active(bobRole)).isTrue();
        assertThat(active(carolRole)).isTrue();
        assertThat(sts.userinfo(TARGET, bobRole).status()).isEqualTo(200);

        Http.Response revoked = Http.sendJson("PUT", trustPolicyUrl(), TRUST_C_ONLY, admin.token());
        assertThat(revoked.status()).as(revoked.toString()).isEqualTo(200);

        // No waiting: the change is committed when the admin call returns.
        assertThat(active(bobRole)).as("bob's role token after revocation").isFalse();
        assertThat(sts.userinfo(TARGET, bobRole).status()).isEqualTo(401);
        Http.Response again = sts.assumeRole(TARGET, bobToken(), OPS);
        assertThat(again.status()).as(again.toString()).isEqualTo(403);
        assertThat(again.json().get("error").asText()).isEqualTo("access_denied");

        assertThat(active(carolRole)).as("carol's (her account is still trusted)").isTrue();
        assertThat(sts.userinfo(TARGET, carolRole).status()).isEqualTo(200);

        // Trusting the account again lets it assume the role again (the revocation ended tokens, not the account).
        assertThat(Http.sendJson("PUT", trustPolicyUrl(), TRUST_B, admin.token()).status()).isEqualTo(200);
        assertThat(sts.assumeRole(TARGET, bobToken(), OPS).status()).as("trust restored").isEqualTo(200);
    }
}
