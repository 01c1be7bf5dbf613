package io.github.keycloaksts.client;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The HTTP calls of the client, with the JDK's own {@link HttpClient} (no OAuth library: an exchange is one form POST,
 * and the CLI starts faster without one). Errors are {@link StsException}s carrying the server's {@code error},
 * {@code error_description} and {@code request_id}; nothing here retries.
 */
public final class StsHttp {

    public static final String TOKEN_EXCHANGE = "urn:ietf:params:oauth:grant-type:token-exchange";
    static final ObjectMapper JSON = new ObjectMapper();

    private final HttpClient http;
    private final Clock clock;
    private final Duration timeout;

    public StsHttp() {
        this(HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build(), Clock.systemUTC(), Duration.ofSeconds(30));
    }

    public StsHttp(HttpClient http, Clock clock, Duration timeout) {
        this.http = http;
        this.clock = clock;
        this.timeout = timeout;
    }

    public Clock clock() {
        return clock;
    }

    /** AssumeRole (or AssumeRoleWithOIDC for a {@code jwt} subject): one exchange at the target's token endpoint. */
    public RoleToken assumeRole(RoleRequest request, SubjectTokenSource.SubjectToken subject) {
        Map<String, String> form = new LinkedHashMap<>();
        form.put("grant_type", TOKEN_EXCHANGE);
        form.put("client_id", request.clientId());
        form.put("subject_token", subject.token());
        form.put("subject_token_type", subject.type());
        form.putAll(request.parameters());
        Instant sent = clock.instant();
        JsonNode answer = postForm(request.tokenEndpoint(), form, "AssumeRole " + request.roleArn());
        String token = answer.path("access_token").asText(null);
        if (token == null) {
            throw new StsException(200, "invalid_response", "the answer has no access_token", answer.path("request_id").asText(null));
        }
        long expiresIn = answer.path("expires_in").asLong(0);
        return new RoleToken(token, sent.plusSeconds(expiresIn), answer.path("assumed_role_user").path("arn").asText(null),
                answer.path("request_id").asText(null), answer.path("issued_token_type").asText(null));
    }

    /** A form POST to a token-like endpoint; the JSON answer, or a {@link StsException}. */
    public JsonNode postForm(URI endpoint, Map<String, String> form, String what) {
        String body = form.entrySet().stream()
                .map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
        HttpRequest request = HttpRequest.newBuilder(endpoint).timeout(timeout)
                .header("Content-Type", "application/x-www-form-urlencoded").header("Accept", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
        return send(request, what);
    }

    /** A GET with a bearer token; the JSON answer, or a {@link StsException}. */
    public JsonNode getWithBearer(URI endpoint, String bearer, String what) {
        HttpRequest request = HttpRequest.newBuilder(endpoint).timeout(timeout)
                .header("Authorization", "Bearer " + bearer).header("Accept", "application/json").GET().build();
        return send(request, what);
    }

    private JsonNode send(HttpRequest request, String what) {
        HttpResponse<String> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new StsException(what + " at " + request.uri(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StsException(what + " at " + request.uri(), e);
        }
        JsonNode json;
        try {
            json = response.body() == null || response.body().isBlank() ? JSON.createObjectNode() : JSON.readTree(response.body());
        } catch (IOException e) {
            json = JSON.createObjectNode();
        }
        if (response.statusCode() / 100 != 2) {
            throw new StsException(response.statusCode(), json.path("error").asText("http_" + response.statusCode()),
                    json.path("error_description").asText(json.path("errorMessage").asText(null)), json.path("request_id").asText(null));
        }
        return json;
    }
}
