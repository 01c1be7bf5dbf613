package io.github.keycloaksts.admin.representation;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;

/** {@code GET /sts/roles/{roleName}/sessions}: a live role session, as its {@code TOKEN_EXCHANGE} event records it. */
@JsonInclude(JsonInclude.Include.ALWAYS)
@JsonPropertyOrder({"sourceAccountId", "sourceIdentity", "roleSessionName", "assumedRoleArn", "clientId", "ipAddress", "tokenId",
        "issuedAt", "expiresAt"})
public record RoleSessionRepresentation(String sourceAccountId, String sourceIdentity, String roleSessionName, String assumedRoleArn,
                                        String clientId, String ipAddress, String tokenId, String issuedAt, String expiresAt) {
}
