package io.github.keycloaksts.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.keycloaksts.it.support.Http;
import io.github.keycloaksts.it.support.KeycloakServer;
import io.github.keycloaksts.it.support.Sts;
import org.junit.jupiter.api.Test;

/**
 * The admin console page's entries exist only while Keycloak's {@code declarative-ui} feature is on: with it off
 * nothing is mirrored (every entry is a component of the realm, which makes role changes of large realms slower),
 * page writes are refused, roles and AssumeRole work as ever; turning the feature on again rebuilds every entry.
 */
class ConsolePageFeatureIT {

    static final String PAGE_TYPE = "org.keycloak.services.ui.extend.UiPageProvider";
    static final String PAGE = "Assumable roles";

    @Test
    void entriesFollowTheFeature() {
        KeycloakServer server = KeycloakServer.isolated("keycloak-page-feature");
        try {
            server.startIsolated();
            assertThat(entryNames(server)).containsExactlyInAnyOrder("ecs-admin", "ci-deployer");

            server.close();
            server.declarativeUi(false).startIsolated();
            String admin = server.adminToken();
            assertThat(entryNames(server)).as("removed at startup with the page off").isEmpty();
            Http.Response created = Http.sendJson("POST", server.adminUrl("company-a") + "/sts/roles", Map.of("roleName", "made-while-off",
                    "trustPolicy", Map.of("Version", "1", "Statement", List.of(Map.of("Effect", "Allow", "Action", "sts:AssumeRole",
                            "Principal", Map.of("RAM", List.of("acs:ram::12345678:root")))))), admin);
            assertThat(created.status()).as(created.toString()).isEqualTo(201);
            assertThat(entryNames(server)).as("nothing mirrored with the page off").isEmpty();
            Http.Response pageWrite = Http.sendJson("POST", server.adminUrl("company-a") + "/components", Map.of(
                    "providerId", PAGE, "providerType", PAGE_TYPE, "parentId", realmId(server, admin),
                    "config", Map.of("roleName", List.of("page-while-off"), "trustPolicy", List.of("{}"))), admin);
            assertThat(pageWrite.status()).as(pageWrite.toString()).isEqualTo(400);
            assertThat(pageWrite.json().get("errorMessage").asText()).contains("declarative-ui");
            Sts sts = new Sts(server);
            assertThat(sts.assumeRole("company-a", sts.bobToken(), "acs:ram::11223344:role/ecs-admin").status()).isEqualTo(200);

            server.close();
            server.declarativeUi(true).startIsolated();
            assertThat(entryNames(server)).as("rebuilt at startup with the page on").containsExactlyInAnyOrder("ecs-admin", "ci-deployer", "made-while-off");
        } finally {
            server.close();
        }
    }

    private static List<String> entryNames(KeycloakServer server) {
        String admin = server.adminToken();
        JsonNode entries = Http.get(server.adminUrl("company-a") + "/components?parent=" + realmId(server, admin) + "&type=" + PAGE_TYPE
                + "&providerId=" + URLEncoder.encode(PAGE, StandardCharsets.UTF_8).replace("+", "%20"), admin).json();
        List<String> names = new ArrayList<>();
        entries.forEach(entry -> names.add(entry.at("/config/roleName/0").asText()));
        return names;
    }

    private static String realmId(KeycloakServer server, String admin) {
        return Http.get(server.adminUrl("company-a"), admin).json().get("id").asText();
    }
}
