package io.github.keycloaksts.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import io.github.keycloaksts.it.support.Admin;
import io.github.keycloaksts.it.support.Http;
import io.github.keycloaksts.it.support.KeycloakServer;
import io.github.keycloaksts.it.support.Sts;
import org.junit.jupiter.api.Test;

/**
 * company-a revokes company-b: new exchanges fail at once, role tokens already issued to company-b turn inactive
 * at introspection and userinfo, and another account's tokens keep working.
 */
class RevocationIT {

    static final String ECS_ADMIN = "acs:ram::11223344:role/ecs-admin";
    static final String SEED_TRUST = """
            {"Version":"1","Statement":[{"Effect":"Allow","Action":"sts:AssumeRole","Principal":{"RAM":["acs:ram::12345678:root"]}}]}""";
    static final String TRUST_B_AND_C = """
            {"Version":"1","Statement":[{"Effect":"Allow","Action":"sts:AssumeRole",
             "Principal":{"RAM":["acs:ram::12345678:root","acs:ram::55556666:root"]}}]}""";
    static final String TRUST_C_ONLY = """
            {"Version":"1","Statement":[{"Effect":"Allow","Action":"sts:AssumeRole","Principal":{"RAM":["acs:ram::55556666:root"]}}]}""";

    final KeycloakServer server = KeycloakServer.shared();
    final Admin admin = new Admin(server);
    final Sts sts = new Sts(server);

    String trustPolicyUrl() {
        return server.adminUrl("company-a") + "/sts/roles/ecs-admin/trust-policy";
    }

    boolean active(String token) {
        Http.Response introspection = sts.introspect("company-a", "ecs-console", "ecs-console-secret", token);
        assertThat(introspection.status()).as(introspection.toString()).isEqualTo(200);
        return introspection.json().get("active").asBoolean();
    }

    @Test
    void removingCompanyBFromTheTrustPolicyRevokesItsTokensAtOnceAndKeepsOthers() {
        admin.createSourceAccount("it-company-c", "55556666", "carol", "carol-pass-1", List.of("acs:ram::11223344:role/*"));
        try {
            assertThat(Http.sendJson("PUT", trustPolicyUrl(), TRUST_B_AND_C, admin.token()).status()).isEqualTo(200);
            String bobRole = sts.assumeRole("company-a", sts.bobToken(), ECS_ADMIN).accessToken();
            String carolRole = sts.assumeRole("company-a", sts.signIn("it-company-c", "app", "carol", "carol-pass-1"), ECS_ADMIN).accessToken();
            assertThat(active(bobRole)).isTrue();
            assertThat(active(carolRole)).isTrue();
            assertThat(sts.userinfo("company-a", bobRole).status()).isEqualTo(200);

            Http.Response revoked = Http.sendJson("PUT", trustPolicyUrl(), TRUST_C_ONLY, admin.token());
            assertThat(revoked.status()).as(revoked.toString()).isEqualTo(200);

            // No waiting: the change is committed when the admin call returns.
            assertThat(active(bobRole)).as("bob's role token after revocation").isFalse();
            assertThat(sts.userinfo("company-a", bobRole).status()).isEqualTo(401);
            Http.Response again = sts.assumeRole("company-a", sts.bobToken(), ECS_ADMIN);
            assertThat(again.status()).as(again.toString()).isEqualTo(403);
            assertThat(again.json().get("error").asText()).isEqualTo("access_denied");

            assertThat(active(carolRole)).as("carol's (company-c is still trusted)").isTrue();
            assertThat(sts.userinfo("company-a", carolRole).status()).isEqualTo(200);
        } finally {
            assertThat(Http.sendJson("PUT", trustPolicyUrl(), SEED_TRUST, admin.token()).status()).isEqualTo(200);
            admin.deleteRealmIfExists("it-company-c");
        }
        assertThat(sts.assumeRole("company-a", sts.bobToken(), ECS_ADMIN).status()).as("trust restored").isEqualTo(200);
    }
}
