package io.github.keycloaksts.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Base64;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.keycloaksts.it.support.Admin;
import io.github.keycloaksts.it.support.Http;
import io.github.keycloaksts.it.support.KeycloakServer;
import io.github.keycloaksts.it.support.Sts;
import org.junit.jupiter.api.Test;

/**
 * A role token is exactly what it was before minting moved onto a request-only session: every claim of the
 * JWT, its header, the exchange answer and the userinfo answer, with only the values that differ per token (IDs,
 * times, the per-session user) replaced by their kind. The expected shapes were taken from tokens minted through
 * Keycloak's authentication session and transient user session, before that change.
 */
class RoleTokenShapeIT {

    static final String ECS_ADMIN = "acs:ram::11223344:role/ecs-admin";
    static final ObjectMapper JSON = new ObjectMapper();

    final KeycloakServer server = KeycloakServer.shared();
    final Sts sts = new Sts(server);

    @Test
    void theDefaultRoleTokenHasExactlyTheseClaims() throws Exception {
        Http.Response response = sts.assumeRole("company-a", sts.bobToken(), ECS_ADMIN);
        assertThat(response.status()).as(response.toString()).isEqualTo(200);
        String token = response.accessToken();

        assertThat(shape(response.json())).isEqualTo("{access_token=<access_token>, assumed_role_user={arn=\"acs:ram::11223344:role/ecs-admin/bob\", "
                + "assumed_role_id=<assumed_role_id>}, expires_in=<expires_in>, issued_token_type=\"urn:ietf:params:oauth:token-type:access_token\", "
                + "request_id=<request_id>, scope=[email, openid, profile], token_type=\"Bearer\"}");
        assertThat(shape(header(token))).isEqualTo("{alg=\"RS256\", kid=<kid>, typ=\"JWT\"}");
        assertThat(shape(Http.claims(token))).isEqualTo("{acr=\"1\", act={iss=\"<server>/realms/company-b\", sub=<sub>}, azp=\"sts\", "
                + "email=<email>, email_verified=true, exp=<exp>, family_name=\"via bob @ company-b\", given_name=\"ecs-admin @ company-a\", iat=<iat>, "
                + "iss=\"<server>/realms/company-a\", jti=<jti>, name=\"ecs-admin @ company-a via bob @ company-b\", "
                + "realm_access={roles=[\"AliyunECSFullAccess\"]}, role_arn=\"acs:ram::11223344:role/ecs-admin\", role_session_name=\"bob\", "
                + "scope=[email, openid, profile], source_identity=\"acs:ram::12345678:user/bob\", sub=<sub>, typ=\"Bearer\"}");
        JsonNode claims = Http.claims(token);
        // Keycloak's token ID says: transient session, regular token, token exchange (TokenContextEncoderProvider)
        assertThat(claims.get("jti").asText()).startsWith("trrtte:");
        assertThat(claims.get("sub").asText()).startsWith("f:");
        assertThat(claims.get("email").asText()).endsWith("@role-session.invalid");
        assertThat(claims.get("exp").asLong() - claims.get("iat").asLong()).isEqualTo(3600);

        Http.Response userinfo = sts.userinfo("company-a", token);
        assertThat(userinfo.status()).as(userinfo.toString()).isEqualTo(200);
        assertThat(shape(userinfo.json())).isEqualTo("{email=<email>, email_verified=true, family_name=\"via bob @ company-b\", "
                + "given_name=\"ecs-admin @ company-a\", name=\"ecs-admin @ company-a via bob @ company-b\", preferred_username=<preferred_username>, sub=<sub>}");
        assertThat(userinfo.json().get("sub").asText()).isEqualTo(claims.get("sub").asText());
    }

    @Test
    void optionalScopesOfTheStsClientAddTheirClaims() throws Exception {
        Map<String, String> form = sts.form(sts.bobToken(), ECS_ADMIN);
        form.put("scope", "phone address microprofile-jwt");
        Http.Response response = sts.exchange("company-a", form);
        assertThat(response.status()).as(response.toString()).isEqualTo(200);

        JsonNode claims = Http.claims(response.accessToken());
        assertThat(shape(claims)).isEqualTo("{acr=\"1\", act={iss=\"<server>/realms/company-b\", sub=<sub>}, azp=\"sts\", "
                + "email=<email>, email_verified=true, exp=<exp>, family_name=\"via bob @ company-b\", given_name=\"ecs-admin @ company-a\", iat=<iat>, "
                + "iss=\"<server>/realms/company-a\", jti=<jti>, name=\"ecs-admin @ company-a via bob @ company-b\", "
                + "realm_access={roles=[\"AliyunECSFullAccess\"]}, role_arn=\"acs:ram::11223344:role/ecs-admin\", role_session_name=\"bob\", "
                + "scope=[address, email, microprofile-jwt, openid, phone, profile], source_identity=\"acs:ram::12345678:user/bob\", "
                + "sub=<sub>, typ=\"Bearer\", upn=<upn>}");
        assertThat(shape(response.json())).contains("scope=[address, email, microprofile-jwt, openid, phone, profile]");
        // the microprofile-jwt scope's user-name mapper: the role session's user name, as Keycloak's mappers see it
        assertThat(claims.get("upn").asText()).startsWith("sts-role-session.").contains(".12345678.");
    }

    @Test
    void introspectionAnswersWithTheseClaims() throws Exception {
        String token = sts.assumeRole("company-a", sts.bobToken(), ECS_ADMIN).accessToken();
        Http.Response introspection = sts.introspect("company-a", "ecs-console", "ecs-console-secret", token);
        assertThat(introspection.status()).as(introspection.toString()).isEqualTo(200);
        assertThat(shape(introspection.json())).isEqualTo("{acr=\"1\", active=true, azp=\"sts\", client_id=\"sts\", email=<email>, "
                + "email_verified=true, exp=<exp>, family_name=\"via bob @ company-b\", given_name=\"ecs-admin @ company-a\", iat=<iat>, "
                + "iss=\"<server>/realms/company-a\", jti=<jti>, name=\"ecs-admin @ company-a via bob @ company-b\", preferred_username=<preferred_username>, "
                + "scope=[email, openid, profile], sub=<sub>, token_type=\"Bearer\", typ=\"Bearer\", username=<username>}");
    }

    /**
     * The {@code sts} client is an ordinary Keycloak client: an insider with only {@code manage-clients} in the target
     * realm can put Keycloak's role mappers back on it (made without them since the performance work) and add mappers of his own. The
     * role token's roles and audience are still exactly the attached policies: keycloak-sts writes them last.
     */
    @Test
    void aManageClientsInsiderPuttingRoleMappersOnStsAddsNoRoleAndNoAudience() {
        Admin admin = new Admin(server);
        String realm = server.adminUrl("company-a");
        String insiderId = admin.createUser("company-a", "sts-scopes-insider", "sts-scopes-insider-pass-1", "realm-management", List.of("manage-clients"));
        String insider = Http.passwordGrant(server, "company-a", "admin-cli", "sts-scopes-insider", "sts-scopes-insider-pass-1").accessToken();
        String stsClient = admin.clientUuid("company-a", "sts");
        String rolesScope = null;
        for (JsonNode scope : Http.get(realm + "/client-scopes", insider).json()) {
            if (scope.get("name").asText().equals("roles")) {
                rolesScope = scope.get("id").asText();
            }
        }
        assertThat(rolesScope).isNotNull();
        String mappers = realm + "/clients/" + stsClient + "/protocol-mappers/models";
        try {
            Http.Response added = Http.sendJson("PUT", realm + "/clients/" + stsClient + "/default-client-scopes/" + rolesScope, null, insider);
            assertThat(added.status()).as(added.toString()).isEqualTo(204);
            // Into the access token only, where keycloak-sts writes roles and audience last.
            Map<String, String> accessTokenOnly = Map.of("access.token.claim", "true", "introspection.token.claim", "false",
                    "userinfo.token.claim", "false");
            Map<String, String> audienceConfig = new LinkedHashMap<>(accessTokenOnly);
            audienceConfig.put("included.client.audience", "realm-management");
            Http.Response audience = Http.sendJson("POST", mappers, Map.of("name", "insider-audience", "protocol", "openid-connect",
                    "protocolMapper", "oidc-audience-mapper", "config", audienceConfig), insider);
            assertThat(audience.status()).as(audience.toString()).isEqualTo(201);

            Http.Response response = sts.assumeRole("company-a", sts.bobToken(), ECS_ADMIN);
            assertThat(response.status()).as(response.toString()).isEqualTo(200);
            JsonNode claims = Http.claims(response.accessToken());
            assertThat(claims.at("/realm_access/roles").toString()).isEqualTo("[\"AliyunECSFullAccess\"]");
            assertThat(claims.has("resource_access")).as(claims.toString()).isFalse();
            assertThat(claims.has("aud")).as(claims.toString()).isFalse();

            // A hardcoded realm-admin role: the roles scope's audience resolver would name realm-management in Keycloak's
            // introspection answer, which it writes after keycloak-sts by running the mappers again: no role token.
            Map<String, String> role = new LinkedHashMap<>(accessTokenOnly);
            role.put("role", "realm-management.realm-admin");
            Http.Response mapper = Http.sendJson("POST", mappers, Map.of("name", "insider-admin-role", "protocol", "openid-connect",
                    "protocolMapper", "oidc-hardcoded-role-mapper", "config", role), insider);
            assertThat(mapper.status()).as(mapper.toString()).isEqualTo(201);
            assertRefused("a hardcoded realm-admin role");
            deleteMapper(mappers, "insider-admin-role", insider);

            // The audience mapper into the introspection answer too.
            for (JsonNode m : Http.get(mappers, insider).json()) {
                if (m.get("name").asText().equals("insider-audience")) {
                    Map<String, Object> updated = new LinkedHashMap<>(Http.JSON.convertValue(m, Map.class));
                    Map<String, Object> config = new LinkedHashMap<>(Http.JSON.convertValue(m.get("config"), Map.class));
                    config.put("introspection.token.claim", "true");
                    updated.put("config", config);
                    assertThat(Http.sendJson("PUT", mappers + "/" + m.get("id").asText(), updated, insider).status()).isEqualTo(204);
                }
            }
            assertRefused("an audience in the introspection answer");
            deleteMapper(mappers, "insider-audience", insider);
            assertThat(sts.assumeRole("company-a", sts.bobToken(), ECS_ADMIN).status()).as("once they are gone").isEqualTo(200);
        } finally {
            String master = admin.token();
            for (JsonNode m : Http.get(mappers, master).json()) {
                if (m.get("name").asText().startsWith("insider-")) {
                    Http.delete(mappers + "/" + m.get("id").asText(), master);
                }
            }
            Http.delete(realm + "/clients/" + stsClient + "/default-client-scopes/" + rolesScope, master);
            Http.delete(realm + "/users/" + insiderId, master);
        }
    }

    void assertRefused(String what) {
        Http.Response refused = sts.assumeRole("company-a", sts.bobToken(), ECS_ADMIN);
        assertThat(refused.status()).as(what + ": " + refused).isEqualTo(400);
        assertThat(refused.json().get("error").asText()).isEqualTo("unauthorized_client");
        assertThat(refused.json().has("access_token")).isFalse();
    }

    static void deleteMapper(String mappers, String name, String token) {
        for (JsonNode m : Http.get(mappers, token).json()) {
            if (m.get("name").asText().equals(name)) {
                Http.delete(mappers + "/" + m.get("id").asText(), token);
            }
        }
    }

    static JsonNode header(String jwt) throws Exception {
        return JSON.readTree(Base64.getUrlDecoder().decode(jwt.split("\\.")[0]));
    }

    /** The JSON with volatile values replaced by their kind, keys sorted, scopes sorted, the server's URL named. */
    String shape(JsonNode node) {
        Map<String, Object> out = new TreeMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            out.put(e.getKey(), switch (e.getKey()) {
                case "jti", "iat", "exp", "sub", "kid", "access_token", "request_id", "auth_time", "expires_in", "email",
                     "preferred_username", "assumed_role_id", "nbf", "upn", "username" -> "<" + e.getKey() + ">";
                case "scope" -> new TreeSet<>(List.of(e.getValue().asText().split(" "))).toString();
                default -> e.getValue().isObject() ? shape(e.getValue())
                        : e.getValue().toString().replace(server.realmUrl("company-a").replace("/realms/company-a", ""), "<server>");
            });
        }
        return out.toString();
    }
}
