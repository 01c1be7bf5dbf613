package io.github.keycloaksts.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.keycloaksts.it.support.Http;
import io.github.keycloaksts.it.support.KeycloakServer;
import io.github.keycloaksts.it.support.Sts;
import org.junit.jupiter.api.Test;

/**
 * The trust setup is Keycloak data like any other: it survives a restart, and Keycloak's realm export carries it
 * into a fresh server, where exchange and revocation work on the imported data.
 */
class PersistenceIT {

    static final String ROLE = "acs:ram::11223344:role/persisted";

    @Test
    void survivesARestartAndARealmExportImportIntoAFreshServer() throws Exception {
        KeycloakServer first = KeycloakServer.isolated("keycloak-persistence-1");
        KeycloakServer fresh = KeycloakServer.isolated("keycloak-persistence-2");
        try {
            first.startIsolated();
            String admin = first.adminToken();
            String roles = first.adminUrl("company-a") + "/sts/roles";
            Http.Response created = Http.sendJson("POST", roles, Map.of("roleName", "persisted", "description", "kept",
                    "maxSessionDuration", 7200, "trustPolicy", Map.of("Version", "1", "Statement", List.of(Map.of(
                            "Effect", "Allow", "Action", "sts:AssumeRole", "Principal", Map.of("RAM", List.of("acs:ram::12345678:root")),
                            "Condition", Map.of("StringEquals", Map.of("sts:ExternalId", "ext-123")))))), admin);
            assertThat(created.status()).as(created.toString()).isEqualTo(201);
            assertThat(Http.sendJson("POST", roles + "/persisted/policies", Map.of("policyName", "AliyunECSFullAccess"), admin).status())
                    .isEqualTo(201);
            grantBob(first, admin);
            JsonNode before = Http.get(roles + "/persisted", admin).json();

            first.close();
            first.startIsolated();

            JsonNode afterRestart = Http.get(first.adminUrl("company-a") + "/sts/roles/persisted", first.adminToken()).json();
            assertThat(afterRestart).isEqualTo(before);
            String issuedByFirst = assume(first);

            first.close();
            Path export = first.home().resolve("company-a-export.json");
            first.kc(List.of("export", "--realm", "company-a", "--file", export.toString(), "--users", "same_file"));
            assertThat(export).isRegularFile();
            // The fresh server imports the export as company-a, and company-b from realm-config (bob's grant is set again below).
            fresh.startIsolatedWith(export, "company-a.json");

            String freshAdmin = fresh.adminToken();
            JsonNode imported = Http.get(fresh.adminUrl("company-a") + "/sts/roles/persisted", freshAdmin).json();
            assertThat(imported).isEqualTo(before);
            assertThat(Http.get(fresh.adminUrl("company-a") + "/sts/account", freshAdmin).json().get("accountId").asText()).isEqualTo("11223344");
            grantBob(fresh, freshAdmin);
            // The principal of company-b's sessions came with the export (an unlinked user, as exports cannot name a
            // link to no client): the fresh server takes it over, and revocation still finds it.
            JsonNode principals = Http.get(fresh.adminUrl("company-a") + "/users?q=sts.source-account:12345678&briefRepresentation=true",
                    freshAdmin).json();
            assertThat(principals).as("imported principal").isNotEmpty();
            assertThat(Http.get(fresh.adminUrl("company-a") + "/users?search=sts-role-session", freshAdmin).json())
                    .as("imported unlinked: visible until the next exchange links it").isNotEmpty();
            String issuedByFresh = assume(fresh);
            Sts freshSts = new Sts(fresh);
            assertThat(freshSts.introspect("company-a", "ecs-console", "ecs-console-secret", issuedByFresh).json().get("active").asBoolean()).isTrue();
            assertThat(Http.get(fresh.adminUrl("company-a") + "/users?search=sts-role-session", freshAdmin).json())
                    .as("linked again: hidden from user lists").isEmpty();
            assertThat(Http.delete(fresh.adminUrl("company-a") + "/sts/roles/persisted/sessions?sourceAccountId=12345678", freshAdmin)
                    .json().get("revokedAccounts").toString()).isEqualTo("[\"12345678\"]");
            assertThat(freshSts.introspect("company-a", "ecs-console", "ecs-console-secret", issuedByFresh).json().get("active").asBoolean()).isFalse();
            assertThat(issuedByFirst).isNotBlank();
        } finally {
            first.close();
            fresh.close();
        }
    }

    static String assume(KeycloakServer server) {
        Sts sts = new Sts(server);
        Map<String, String> form = sts.form(sts.bobToken(), ROLE);
        form.put("external_id", "ext-123");
        Http.Response response = sts.exchange("company-a", form);
        assertThat(response.status()).as(response.toString()).isEqualTo(200);
        assertThat(Http.claims(response.accessToken()).at("/realm_access/roles/0").asText()).isEqualTo("AliyunECSFullAccess");
        return response.accessToken();
    }

    static void grantBob(KeycloakServer server, String admin) {
        String realm = server.adminUrl("company-b");
        Http.Response role = Http.sendJson("PUT", realm + "/roles/ecs-operator", Map.of("name", "ecs-operator",
                "attributes", Map.of("sts.assume-role", List.of("acs:ram::11223344:role/ecs-admin", ROLE))), admin);
        assertThat(role.status()).as(role.toString()).isEqualTo(204);
    }
}
