package io.github.keycloaksts.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.keycloaksts.it.support.Admin;
import io.github.keycloaksts.it.support.Http;
import io.github.keycloaksts.it.support.KeycloakServer;
import io.github.keycloaksts.it.support.Sts;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * A role token is a token of the target realm like any other: Keycloak's Authorization Services decide on it
 * from its roles (the attached policies), granting a permission to one role and refusing it to another.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AuthorizationServicesIT {

    static final String TARGET = "it-authz-tgt";
    static final String SOURCE = "it-authz-src";

    final KeycloakServer server = KeycloakServer.shared();
    final Admin admin = new Admin(server);
    final Sts sts = new Sts(server);
    String subject;

    @BeforeAll
    void setUp() {
        admin.createAccountRealm(TARGET, "44445555");
        String token = admin.token();
        assertThat(Http.sendJson("PUT", server.adminUrl(TARGET) + "/sts/account", Map.of("accountId", "44445555"), token).status()).isEqualTo(200);
        admin.createRealmRole(TARGET, "Reader");
        Http.Response client = Http.sendJson("POST", server.adminUrl(TARGET) + "/clients", Map.of(
                "clientId", "ecs-api", "publicClient", false, "secret", "ecs-api-secret", "serviceAccountsEnabled", true,
                "authorizationServicesEnabled", true, "standardFlowEnabled", false,
                "authorizationSettings", Map.of("policyEnforcementMode", "ENFORCING", "decisionStrategy", "UNANIMOUS",
                        "resources", List.of(Map.of("name", "ecs-instances", "uris", List.of("/ecs/*"))),
                        "policies", List.of(
                                Map.of("name", "needs-reader", "type", "role", "logic", "POSITIVE",
                                        "config", Map.of("roles", "[{\"id\":\"Reader\",\"required\":true}]")),
                                Map.of("name", "ecs-permission", "type", "resource", "logic", "POSITIVE", "decisionStrategy", "UNANIMOUS",
                                        "config", Map.of("resources", "[\"ecs-instances\"]", "applyPolicies", "[\"needs-reader\"]"))))), token);
        assertThat(client.status()).as(client.toString()).isEqualTo(201);
        String trust = "{\"Version\":\"1\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"sts:AssumeRole\",\"Principal\":{\"RAM\":[\"44446666\"]}}]}";
        for (String role : List.of("reader", "nobody")) {
            Http.Response created = Http.sendJson("POST", server.adminUrl(TARGET) + "/sts/roles",
                    "{\"roleName\":\"" + role + "\",\"trustPolicy\":" + trust + "}", token);
            assertThat(created.status()).as(created.toString()).isEqualTo(201);
        }
        assertThat(Http.sendJson("POST", server.adminUrl(TARGET) + "/sts/roles/reader/policies", Map.of("policyName", "Reader"), token)
                .status()).isEqualTo(201);
        admin.createSourceAccount(SOURCE, "44446666", "olga", "olga-pass-1", List.of("acs:ram::44445555:role/*"));
        subject = sts.signIn(SOURCE, "app", "olga", "olga-pass-1");
    }

    @AfterAll
    void tearDown() {
        admin.deleteRealmIfExists(TARGET);
        admin.deleteRealmIfExists(SOURCE);
    }

    Http.Response permissionsFor(String roleToken) {
        return Http.postForm(server.realmUrl(TARGET) + "/protocol/openid-connect/token", Map.of(
                "grant_type", "urn:ietf:params:oauth:grant-type:uma-ticket", "audience", "ecs-api",
                "response_mode", "permissions"), roleToken);
    }

    @Test
    void theReaderRoleIsGrantedThePermission() {
        String roleToken = sts.assumeRole(TARGET, subject, "acs:ram::44445555:role/reader").accessToken();

        Http.Response response = permissionsFor(roleToken);

        assertThat(response.status()).as(response.toString()).isEqualTo(200);
        JsonNode permissions = response.json();
        assertThat(permissions.findValuesAsText("rsname")).containsExactly("ecs-instances");
    }

    @Test
    void aRoleWithoutThePolicyIsRefused() {
        String roleToken = sts.assumeRole(TARGET, subject, "acs:ram::44445555:role/nobody").accessToken();

        Http.Response response = permissionsFor(roleToken);

        assertThat(response.status()).as(response.toString()).isEqualTo(403);
        assertThat(response.json().get("error").asText()).isEqualTo("access_denied");
    }
}
