package io.github.keycloaksts.client;

import java.time.Instant;

/**
 * A role token as the exchange answered it: the token, when it expires, and the answer's {@code request_id} and
 * {@code assumed_role_user.arn}. {@link #toString()} never shows the token.
 *
 * @param accessToken     the role token (a JWT of the target account)
 * @param expiresAt       when it expires, from the answer's {@code expires_in}
 * @param assumedRoleArn  {@code acs:ram::<account>:role/<role>/<session name>}, or null when the answer had none
 * @param requestId       the answer's {@code request_id}, or null
 * @param issuedTokenType the answer's {@code issued_token_type}
 */
public record RoleToken(String accessToken, Instant expiresAt, String assumedRoleArn, String requestId, String issuedTokenType) {

    /** Whether it is still good for {@code margin} seconds at {@code now}. */
    public boolean freshAt(Instant now, long marginSeconds) {
        return expiresAt.isAfter(now.plusSeconds(marginSeconds));
    }

    @Override
    public String toString() {
        return "RoleToken[" + assumedRoleArn + ", expires " + expiresAt + ", request " + requestId + "]";
    }
}
