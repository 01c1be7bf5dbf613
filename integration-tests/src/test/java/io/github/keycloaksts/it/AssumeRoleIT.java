package io.github.keycloaksts.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.keycloaksts.it.support.Http;
import io.github.keycloaksts.it.support.KeycloakServer;
import io.github.keycloaksts.it.support.Sts;
import org.junit.jupiter.api.Test;

/** The seed scenario through token exchange, on the demo accounts of realm-config/. */
class AssumeRoleIT {

    static final String ECS_ADMIN = "acs:ram::11223344:role/ecs-admin";

    final KeycloakServer server = KeycloakServer.shared();
    final Sts sts = new Sts(server);

    @Test
    void bobAssumesEcsAdminAndGetsACompanyATokenWithExactlyTheAttachedPolicy() {
        String bob = sts.bobToken();
        JsonNode bobClaims = Http.claims(bob);

        Http.Response response = sts.assumeRole("company-a", bob, ECS_ADMIN);

        assertThat(response.status()).as(response.toString()).isEqualTo(200);
        JsonNode body = response.json();
        assertThat(body.get("issued_token_type").asText()).isEqualTo(Sts.ACCESS_TOKEN_TYPE);
        assertThat(body.get("token_type").asText()).isEqualTo("Bearer");
        assertThat(body.get("expires_in").asInt()).isBetween(3590, 3600);
        assertThat(body.has("refresh_token")).isFalse();
        assertThat(body.has("id_token")).isFalse();
        assertThat(body.at("/assumed_role_user/arn").asText()).isEqualTo(ECS_ADMIN + "/bob");
        assertThat(body.at("/assumed_role_user/assumed_role_id").asText()).endsWith(":bob");

        JsonNode claims = Http.claims(body.get("access_token").asText());
        assertThat(claims.get("iss").asText()).isEqualTo(server.realmUrl("company-a"));
        assertThat(claims.get("azp").asText()).isEqualTo("sts");
        assertThat(claims.get("role_arn").asText()).isEqualTo(ECS_ADMIN);
        assertThat(claims.get("role_session_name").asText()).isEqualTo("bob");
        assertThat(claims.get("source_identity").asText()).isEqualTo("acs:ram::12345678:user/bob");
        assertThat(claims.at("/act/sub").asText()).isEqualTo(bobClaims.get("sub").asText());
        assertThat(claims.at("/act/iss").asText()).isEqualTo(server.realmUrl("company-b"));
        assertThat(claims.get("sub").asText()).isNotEqualTo(bobClaims.get("sub").asText());
        assertThat(claims.has("sid")).isFalse();
        assertThat(claims.get("exp").asLong() - claims.get("iat").asLong()).isEqualTo(3600);
        List<String> realmRoles = new ArrayList<>();
        claims.at("/realm_access/roles").forEach(r -> realmRoles.add(r.asText()));
        assertThat(realmRoles).containsExactly("AliyunECSFullAccess");
        assertThat(claims.has("resource_access")).isFalse();
    }

    @Test
    void theRoleTokenWorksAtCompanyAsUserinfo() {
        String token = sts.assumeRole("company-a", sts.bobToken(), ECS_ADMIN).accessToken();

        Http.Response userinfo = sts.userinfo("company-a", token);

        assertThat(userinfo.status()).as(userinfo.toString()).isEqualTo(200);
        assertThat(userinfo.json().get("sub").asText()).isEqualTo(Http.claims(token).get("sub").asText());
    }

    @Test
    void aUserWithoutTheGrantIsDenied() {
        String alice = sts.signIn("company-b", "ops-cli", "alice", "alice-pass-1");

        Http.Response response = sts.assumeRole("company-a", alice, ECS_ADMIN);

        assertThat(response.status()).as(response.toString()).isEqualTo(403);
        assertThat(response.json().get("error").asText()).isEqualTo("access_denied");
        assertThat(response.json().has("access_token")).isFalse();
    }
}
