package io.github.keycloaksts.client.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.keycloaksts.client.RoleCredentials;
import io.github.keycloaksts.client.RoleToken;

/**
 * Role tokens between runs of the CLI: one file per key, {@code <cache>/tokens/<key>.json}, mode 0600, where the key is
 * already a SHA-256 of every parameter ({@link Kcsts}). An unreadable file is a miss, never an error.
 */
final class FileTokenStore implements RoleCredentials.TokenStore {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path dir;

    FileTokenStore(Path dir) {
        this.dir = dir;
    }

    private Path file(String key) {
        return dir.resolve(key + ".json");
    }

    @Override
    public Optional<RoleToken> load(String key) {
        Path file = file(key);
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        try {
            JsonNode json = JSON.readTree(file.toFile());
            String token = json.path("access_token").asText(null);
            long expiresAt = json.path("expires_at").asLong(0);
            if (token == null || expiresAt == 0) {
                return Optional.empty();
            }
            return Optional.of(new RoleToken(token, Instant.ofEpochSecond(expiresAt), json.path("assumed_role_arn").asText(null),
                    json.path("request_id").asText(null), json.path("issued_token_type").asText(null)));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    @Override
    public void save(String key, RoleToken token) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("access_token", token.accessToken());
        json.put("expires_at", token.expiresAt().getEpochSecond());
        json.put("assumed_role_arn", token.assumedRoleArn());
        json.put("request_id", token.requestId());
        json.put("issued_token_type", token.issuedTokenType());
        try {
            Files0600.write(file(key), JSON.writeValueAsString(json));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the token cache in " + dir, e);
        }
    }

    @Override
    public void forget(String key) {
        try {
            Files.deleteIfExists(file(key));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot remove a cached token in " + dir, e);
        }
    }

    /** Removes every cached token; returns how many. */
    int clean() throws IOException {
        if (!Files.isDirectory(dir)) {
            return 0;
        }
        int removed = 0;
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*.json")) {
            for (Path file : files) {
                Files.deleteIfExists(file);
                removed++;
            }
        }
        return removed;
    }
}
