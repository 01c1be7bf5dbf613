package io.github.keycloaksts.admin.representation;

import java.util.Map;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;

/**
 * {@code GET /sts/roles/{roleName}/sessions}: a live role session, as the event that started it records it. {@code kind}
 * is {@code token} (token exchange; {@code sessionId} is the token's {@code jti}) or {@code browser} (Switch Role;
 * {@code sessionId} is the browser session of this realm). {@code sourceUserId} and {@code sourceSessionId} name the
 * source user and the source session the role session depends on; {@code sessionTags} the tags it started with (none: absent).
 */
@JsonInclude(JsonInclude.Include.ALWAYS)
@JsonPropertyOrder({"sessionId", "kind", "sourceAccountId", "sourceIdentity", "sourceUserId", "sourceSessionId", "roleSessionName",
        "assumedRoleArn", "clientId", "ipAddress", "tokenId", "issuedAt", "expiresAt", "sessionTags"})
public record RoleSessionRepresentation(String sessionId, String kind, String sourceAccountId, String sourceIdentity, String sourceUserId,
                                        String sourceSessionId, String roleSessionName, String assumedRoleArn, String clientId,
                                        String ipAddress, String tokenId, String issuedAt, String expiresAt,
                                        @JsonInclude(JsonInclude.Include.NON_EMPTY) Map<String, String> sessionTags) {
}
