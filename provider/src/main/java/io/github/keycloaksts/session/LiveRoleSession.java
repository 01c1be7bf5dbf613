package io.github.keycloaksts.session;

import java.time.Instant;
import java.util.Map;

/**
 * A live role session of a role, as its start was recorded ({@link RoleSessionRecords}). {@code kind} is
 * {@link RoleSessionRecords#TOKEN} (token exchange; {@code sessionId} is the token's {@code jti}, also {@code tokenId})
 * or {@link RoleSessionRecords#BROWSER} (Switch Role; {@code sessionId} is the browser session of the target realm,
 * {@code tokenId} null). The source fields are null for an OIDC provider's subject.
 */
public record LiveRoleSession(String sessionId, String kind, String sourceAccountId, String sourceIdentity, String sourceUserId,
                              String sourceSessionId, String roleSessionName, String assumedRoleArn, String clientId,
                              String ipAddress, String tokenId, Instant issuedAt, Instant expiresAt, Map<String, String> sessionTags) {

    public boolean token() {
        return RoleSessionRecords.TOKEN.equals(kind);
    }
}
