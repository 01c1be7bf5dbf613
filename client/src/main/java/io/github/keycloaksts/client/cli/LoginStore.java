package io.github.keycloaksts.client.cli;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.keycloaksts.client.RoleRequest;
import io.github.keycloaksts.client.StsException;
import io.github.keycloaksts.client.StsHttp;

/**
 * The one thing {@code kcsts login} keeps: the source realm's refresh token (and who it belongs to), in
 * {@code <cache>/login/<hash of issuer and client>.json}, mode 0600. Access tokens of the source are fetched with it
 * when an exchange needs one, and never written down.
 */
final class LoginStore {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** A stored sign-in. */
    record Login(String issuer, String clientId, String refreshToken, String subject, String username) {
    }

    private final Path dir;

    LoginStore(Path dir) {
        this.dir = dir;
    }

    static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private Path file(String issuer, String clientId) {
        return dir.resolve(sha256(issuer + "|" + clientId) + ".json");
    }

    Optional<Login> find(String issuer, String clientId) {
        Path file = file(issuer, clientId);
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        try {
            JsonNode json = JSON.readTree(file.toFile());
            return Optional.of(new Login(issuer, clientId, json.path("refresh_token").asText(), json.path("sub").asText(null),
                    json.path("preferred_username").asText(null)));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /** Keeps the refresh token of a token answer (and the subject of its access token, for the cache key). */
    Login save(String issuer, String clientId, JsonNode answer) {
        String refresh = answer.path("refresh_token").asText(null);
        if (refresh == null) {
            throw new CliException(CliException.REFUSED, "the sign-in answer has no refresh token");
        }
        JsonNode claims = claims(answer.path("access_token").asText(""));
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("refresh_token", refresh);
        json.put("sub", claims.path("sub").asText(null));
        json.put("preferred_username", claims.path("preferred_username").asText(null));
        try {
            Files0600.write(file(issuer, clientId), JSON.writeValueAsString(json));
        } catch (IOException e) {
            throw new CliException(CliException.CONFIG, "cannot write the sign-in to " + dir + ": " + e.getMessage());
        }
        return new Login(issuer, clientId, refresh, claims.path("sub").asText(null), claims.path("preferred_username").asText(null));
    }

    void forget(String issuer, String clientId) throws IOException {
        Files.deleteIfExists(file(issuer, clientId));
    }

    /** A source access token from the stored refresh token (which the answer may rotate). */
    String accessToken(StsHttp http, String issuer, String clientId, String profile) {
        Login login = find(issuer, clientId).orElseThrow(() -> new CliException(CliException.NOT_SIGNED_IN,
                "not signed in to " + issuer + ": run kcsts login --profile " + profile));
        Map<String, String> form = new LinkedHashMap<>();
        form.put("grant_type", "refresh_token");
        form.put("client_id", clientId);
        form.put("refresh_token", login.refreshToken());
        JsonNode answer;
        try {
            answer = http.postForm(tokenEndpoint(issuer), form, "refresh of the sign-in");
        } catch (StsException e) {
            if (e.status() == 400 || e.status() == 401) {
                throw new CliException(CliException.NOT_SIGNED_IN, "the sign-in to " + issuer + " has ended (" + e.error()
                        + "): run kcsts login --profile " + profile);
            }
            throw e;
        }
        if (answer.hasNonNull("refresh_token")) {
            save(issuer, clientId, answer);
        }
        return answer.path("access_token").asText();
    }

    static URI tokenEndpoint(String issuer) {
        return RoleRequest.endpoint(issuer, "/protocol/openid-connect/token");
    }

    /** The claims of a JWT, unverified: only for naming who signed in (the server verifies every token it is given). */
    static JsonNode claims(String jwt) {
        String[] parts = jwt.split("\\.");
        if (parts.length < 2) {
            return JSON.createObjectNode();
        }
        try {
            return JSON.readTree(Base64.getUrlDecoder().decode(parts[1]));
        } catch (IOException | IllegalArgumentException e) {
            return JSON.createObjectNode();
        }
    }
}
