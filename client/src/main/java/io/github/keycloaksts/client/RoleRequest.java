package io.github.keycloaksts.client;

import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * What to assume, and where: every parameter of an AssumeRole (RFC 8693 token exchange at the target account's token
 * endpoint) except the subject token, which a {@link SubjectTokenSource} supplies. {@link #cacheKey()} covers every
 * field, so a cache never hands out a token for other parameters.
 *
 * @param issuer          the target account's issuer, e.g. {@code https://sso.example.com/realms/company-a}
 * @param clientId        the client that runs the exchange ({@code sts}, public)
 * @param roleArn         {@code acs:ram::<account>:role/<name>}
 * @param sessionName     {@code role_session_name}, or null for the server's default
 * @param durationSeconds {@code duration_seconds}, or null for the role's default
 * @param externalId      {@code external_id}, or null
 * @param policy          a session policy (JSON), or null
 */
public record RoleRequest(URI issuer, String clientId, String roleArn, String sessionName, Integer durationSeconds, String externalId,
                          String policy) {

    public RoleRequest {
        Objects.requireNonNull(issuer, "issuer");
        Objects.requireNonNull(clientId, "clientId");
        Objects.requireNonNull(roleArn, "roleArn");
        if (durationSeconds != null && durationSeconds <= 0) {
            throw new IllegalArgumentException("durationSeconds must be positive");
        }
    }

    public static RoleRequest of(URI issuer, String roleArn) {
        return new RoleRequest(issuer, "sts", roleArn, null, null, null, null);
    }

    public RoleRequest withSessionName(String name) {
        return new RoleRequest(issuer, clientId, roleArn, name, durationSeconds, externalId, policy);
    }

    public RoleRequest withDurationSeconds(Integer seconds) {
        return new RoleRequest(issuer, clientId, roleArn, sessionName, seconds, externalId, policy);
    }

    public RoleRequest withExternalId(String id) {
        return new RoleRequest(issuer, clientId, roleArn, sessionName, durationSeconds, id, policy);
    }

    public RoleRequest withPolicy(String json) {
        return new RoleRequest(issuer, clientId, roleArn, sessionName, durationSeconds, externalId, json);
    }

    /** The token endpoint of {@link #issuer}. */
    public URI tokenEndpoint() {
        return endpoint(issuer.toString(), "/protocol/openid-connect/token");
    }

    /** {@code path} (starting with {@code /}) under a realm's issuer URL, trailing slashes of the issuer dropped. */
    public static URI endpoint(String issuer, String path) {
        return URI.create(issuer.replaceAll("/+$", "") + path);
    }

    /** The form parameters besides the grant, the client and the subject token, in a stable order. */
    Map<String, String> parameters() {
        Map<String, String> form = new LinkedHashMap<>();
        form.put("role_arn", roleArn);
        put(form, "role_session_name", sessionName);
        put(form, "duration_seconds", durationSeconds == null ? null : durationSeconds.toString());
        put(form, "external_id", externalId);
        put(form, "policy", policy);
        return form;
    }

    /** Every field, unambiguously (each value length-prefixed): the input of a cache key's hash. */
    public String cacheKey() {
        StringBuilder key = new StringBuilder();
        for (String value : new String[] {issuer.toString(), clientId, roleArn, sessionName,
                durationSeconds == null ? null : durationSeconds.toString(), externalId, policy}) {
            key.append(value == null ? "-1:" : value.length() + ":" + value).append('|');
        }
        return key.toString();
    }

    private static void put(Map<String, String> form, String name, String value) {
        if (value != null) {
            form.put(name, value);
        }
    }
}
