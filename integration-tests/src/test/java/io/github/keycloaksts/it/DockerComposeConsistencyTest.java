package io.github.keycloaksts.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.github.keycloaksts.it.support.KeycloakServer;
import org.junit.jupiter.api.Test;

/**
 * docker-compose.yml cannot run on machines without Docker, so this keeps it honest: the Keycloak image is the
 * pom's {@code keycloak.version}, and what it mounts is what the build produces.
 */
class DockerComposeConsistencyTest {

    private final Path root = KeycloakServer.repoRoot();
    private final JsonNode keycloak = read(root.resolve("docker-compose.yml")).at("/services/keycloak");

    @Test
    void imageIsThePomsKeycloakVersion() {
        String version = System.getProperty("keycloak.version");
        assertThat(version).as("keycloak.version system property").isNotBlank();

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

    private Map<String, String> mounts() {
        Map<String, String> mounts = new java.util.LinkedHashMap<>();
        keycloak.get("volumes").forEach(v -> {
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
