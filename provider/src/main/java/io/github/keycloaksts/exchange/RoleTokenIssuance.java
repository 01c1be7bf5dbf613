package io.github.keycloaksts.exchange;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;

import io.github.keycloaksts.assume.EventDetails;
import io.github.keycloaksts.policy.arn.RoleArn;
import io.github.keycloaksts.role.AssumableRole;
import io.github.keycloaksts.session.RoleSessionRecords;
import org.keycloak.common.util.Time;
import org.keycloak.events.EventBuilder;
import org.keycloak.models.ClientModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.UserModel;
import org.keycloak.protocol.oidc.TokenExchangeContext;
import org.keycloak.protocol.oidc.TokenManager;
import org.keycloak.representations.AccessToken;
import org.keycloak.services.util.DPoPUtil;

/**
 * The one way both AssumeRole flows (a source account's user, an OIDC provider's subject) turn an allowed role session
 * into an answer: mint the role token ({@link RoleTokenMinter}) with the flow's claims and an {@code exp} of exactly the
 * session's duration after its {@code iat}, record the session's start in this transaction (what listing and ending by
 * ID read, not the event store), put the session into the target's event, and build the RFC 8693 answer with its
 * {@code assumed_role_user}.
 */
final class RoleTokenIssuance {

    /**
     * An allowed role session, ready to be issued. {@code anchor} names it in the answer, {@code user} is its live
     * role-session user. The source fields are null for an OIDC provider's subject; {@code subjectToken} is the source
     * access token whose sender constraint carries over, or null.
     */
    record RoleSession(AssumableRole role, RoleArn roleArn, String sessionName, int durationSeconds, UserModel anchor,
                       UserModel user, String sourceAccount, String sourceIdentity, String sourceUserId, String sourceSessionId,
                       AccessToken subjectToken, Map<String, String> sessionTags) {
    }

    private RoleTokenIssuance() {
    }

    /** Issues {@code roleSession}'s token with {@code claims} (the flow's own) and returns the answer's body. */
    static Map<String, Object> issue(KeycloakSession session, TokenExchangeContext context, String requestId, String scope,
                                     RoleSession roleSession, Consumer<AccessToken> claims) {
        ClientModel client = context.getClient();
        int duration = roleSession.durationSeconds();
        long[] expires = {(long) Time.currentTime() + duration};
        boolean[] dpopBound = {false};
        RoleTokenMinter.Minted minted = RoleTokenMinter.mint(session, (TokenManager) context.getTokenManager(), context.getEvent(),
                context.getRealm(), client, roleSession.user(), scope, context.getClientConnection().getRemoteAddr(),
                AssumeRoleTokenExchangeProvider.AUTH_METHOD, token -> {
                    claims.accept(token);
                    // From the token's own iat, so exp - iat is the duration even when a second ticks over while minting.
                    if (token.getIat() != null) {
                        expires[0] = token.getIat() + duration;
                    }
                    token.exp(expires[0]);
                    dpopBound[0] = roleSession.subjectToken() != null && SenderConstraint.carryOver(roleSession.subjectToken(), token);
                });
        long expiresAt = expires[0];
        RoleSessionRecords.record(session, context.getRealm(), RoleSessionRecords.Start.token(minted.tokenId(),
                roleSession.role().id(), roleSession.sourceAccount(), roleSession.sourceIdentity(), roleSession.sourceUserId(),
                roleSession.sourceSessionId(), roleSession.sessionName(), client.getClientId(),
                context.getClientConnection().getRemoteAddr(), roleSession.user().getId(), expiresAt, roleSession.sessionTags()));

        EventBuilder event = context.getEvent();
        event.user(roleSession.user()).detail(EventDetails.ROLE_SESSION_NAME, roleSession.sessionName())
                .detail(EventDetails.DURATION_SECONDS, Integer.toString(duration))
                .detail(EventDetails.EXPIRES_AT, Long.toString(expiresAt));

        Map<String, Object> body = new LinkedHashMap<>();
        body.put("access_token", minted.token());
        body.put("issued_token_type", AssumeRoleParameters.ACCESS_TOKEN_TYPE);
        body.put("token_type", dpopBound[0] ? DPoPUtil.DPOP_TOKEN_TYPE : "Bearer");
        body.put("expires_in", minted.expiresIn());
        if (minted.scope() != null) {
            body.put("scope", minted.scope());
        }
        body.put("assumed_role_user", Map.of(
                "arn", roleSession.roleArn().session(roleSession.sessionName()).toString(),
                "assumed_role_id", roleSession.anchor().getId() + ":" + roleSession.sessionName()));
        body.put(EventDetails.REQUEST_ID, requestId);
        return body;
    }
}
