package io.github.keycloaksts.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.github.keycloaksts.it.support.KeycloakServer;
import org.junit.jupiter.api.Test;

/**
 * docker-compose.yml and its clustered variant docker-compose.cluster.yml cannot run on machines without Docker, so
 * this keeps them honest: the Keycloak image is the pom's {@code keycloak.dist.version}, what it mounts is what the build
 * produces, and the two cluster nodes are configured as the cluster ITs run them (KeycloakCluster): production mode,
 * Infinispan, one shared database and ONE shared hostname, realms imported once.
 */
class DockerComposeConsistencyTest {

    private final Path root = KeycloakServer.repoRoot();
    private final JsonNode keycloak = read(root.resolve("docker-compose.yml")).at("/services/keycloak");

    @Test
    void imageIsThePomsKeycloakVersion() {
        String version = System.getProperty("keycloak.dist.version");
        assertThat(version).as("keycloak.dist.version system property").isNotBlank();

        assertThat(keycloak.get("image").asText()).isEqualTo("quay.io/keycloak/keycloak:" + version);
    }

    @Test
    void mountsTheJarsTheBuildProducesIntoProviders() {
        Map<String, String> mounts = mounts();
        for (String jar : List.of("provider/target/" + System.getProperty("sts.provider.jar"),
                "themes/target/" + System.getProperty("sts.themes.jar"))) {
            assertThat(mounts).containsKey("./" + jar);
            assertThat(mounts.get("./" + jar)).startsWith("/opt/keycloak/providers/");
            assertThat(root.resolve(jar)).as("built by this reactor before this module").isRegularFile();
        }
    }

    @Test
    void importsRealmConfigWithKeycloaksStandardImport() {
        assertThat(mounts()).containsEntry("./realm-config", "/opt/keycloak/data/import");
        List<String> command = new ArrayList<>();
        keycloak.get("command").forEach(c -> command.add(c.asText()));
        assertThat(command).contains("--import-realm");
        assertThat(root.resolve("realm-config/company-a.json")).isRegularFile();
        assertThat(root.resolve("realm-config/company-b.json")).isRegularFile();
    }

    private final JsonNode cluster = read(root.resolve("docker-compose.cluster.yml")).at("/services");

    @Test
    void theClusterRunsTwoProductionNodesOfThePomsVersionWithTheBuiltJars() {
        String version = System.getProperty("keycloak.dist.version");
        for (String name : List.of("keycloak-1", "keycloak-2")) {
            JsonNode node = cluster.get(name);
            assertThat(node).as(name).isNotNull();
            assertThat(node.get("image").asText()).as(name).isEqualTo("quay.io/keycloak/keycloak:" + version);
            assertThat(node.at("/command/0").asText()).as(name + ": production mode").isEqualTo("start");
            assertThat(mounts(node)).as(name + ": the same mounts as docker-compose.yml").isEqualTo(mounts(keycloak));
            JsonNode env = node.get("environment");
            assertThat(env.get("KC_CACHE").asText()).as(name).isEqualTo("ispn");
            assertThat(env.get("KC_DB").asText()).as(name).isEqualTo("postgres");
            assertThat(env.get("KC_DB_URL").asText()).as(name).isEqualTo("jdbc:postgresql://postgres:5432/keycloak");
            assertThat(env.get("KC_METRICS_ENABLED").asText()).as(name).isEqualTo("true");
            assertThat(env.get("KC_EVENT_METRICS_USER_ENABLED").asText()).as(name).isEqualTo("true");
        }
        assertThat(cluster.get("postgres").get("image").asText()).isEqualTo(read(root.resolve("docker-compose.yml")).at("/services/postgres/image").asText());
    }

    @Test
    void theClusterNodesShareOneHostnameAndOneDatabaseAndImportTheRealmsOnce() {
        JsonNode env1 = cluster.at("/keycloak-1/environment");
        JsonNode env2 = cluster.at("/keycloak-2/environment");
        assertThat(env2).as("identical configuration on both nodes, hostname and database included").isEqualTo(env1);
        assertThat(env1.get("KC_HOSTNAME").asText()).startsWith("http");
        List<String> imports = new ArrayList<>();
        for (String name : List.of("keycloak-1", "keycloak-2")) {
            cluster.at("/" + name + "/command").forEach(c -> {
                if (c.asText().equals("--import-realm")) {
                    imports.add(name);
                }
            });
        }
        assertThat(imports).as("the demo realms are imported by one node").containsExactly("keycloak-1");
        assertThat(cluster.at("/keycloak-2/depends_on/keycloak-1/condition").asText()).isEqualTo("service_healthy");
        List<String> ports = new ArrayList<>();
        cluster.at("/keycloak-1/ports").forEach(p -> ports.add(p.asText().split(":")[0]));
        cluster.at("/keycloak-2/ports").forEach(p -> ports.add(p.asText().split(":")[0]));
        assertThat(ports).as("host ports").doesNotHaveDuplicates();
    }

    private Map<String, String> mounts() {
        return mounts(keycloak);
    }

    private static Map<String, String> mounts(JsonNode service) {
        Map<String, String> mounts = new LinkedHashMap<>();
        service.get("volumes").forEach(v -> {
            String[] parts = v.asText().split(":");
            mounts.put(parts[0], parts[1]);
        });
        return mounts;
    }

    private static JsonNode read(Path file) {
        try {
            return new ObjectMapper(new YAMLFactory()).readTree(Files.readString(file));
        } catch (IOException e) {
            throw new AssertionError("Cannot read " + file, e);
        }
    }
}
