package io.github.keycloaksts.live;

import io.github.keycloaksts.role.AssumableRole;
import org.jboss.logging.Logger;
import org.keycloak.common.util.Time;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.utils.KeycloakModelUtils;

/**
 * Permanent revocations, kept in Keycloak's revoked-token store: cluster-wide (the {@code actionTokens} cache),
 * persisted to {@code REVOKED_TOKEN} and reloaded after a full restart, and consulted by Keycloak itself for token
 * IDs. One entry per revocation, never one per exchange. Each lives as long as the longest role session could, so
 * no token it covers outlives it.
 *
 * <ul>
 *   <li>{@code sts.h.<digest>}: one handle, written when a live check first finds it dead, so undoing the change
 *       (re-enabling the user, granting the role again) does not bring its tokens back;</li>
 *   <li>{@code sts.u.<digest>}: one source user's sessions under one anchor issued until a moment
 *       ({@code DELETE …/sessions?sourceUserId=}); the moment is a single-use object {@code sts.ut.<digest>} beside it,
 *       which a full restart of the cluster loses: then all of them count as revoked (fail closed) until the mark
 *       expires.</li>
 * </ul>
 * The store's keys are not realm-scoped; these are digests of anchor IDs, which belong to one realm.
 */
public final class RoleSessionMarks {

    /** Longer than any role session: the largest maximum duration plus clock skew. */
    static final int LIFESPAN_SECONDS = AssumableRole.MAX_MAX_SESSION_DURATION + 120;
    private static final Logger LOG = Logger.getLogger(RoleSessionMarks.class);

    private final KeycloakSession session;

    public RoleSessionMarks(KeycloakSession session) {
        this.session = session;
    }

    static String handleKey(RoleSessionHandle handle) {
        return "sts.h." + handle.digest();
    }

    static String sourceUserKey(String anchorId, String sourceUserId) {
        return "sts.u." + RoleSessionHandle.digest(anchorId + '/' + sourceUserId);
    }

    boolean handleRevoked(RoleSessionHandle handle) {
        return session.revokedTokens().contains(handleKey(handle));
    }

    static String sourceUserTimeKey(String anchorId, String sourceUserId) {
        return "sts.ut." + RoleSessionHandle.digest(anchorId + '/' + sourceUserId);
    }

    /** True when the source user's sessions under {@code handle}'s anchor were revoked after it was issued. */
    boolean sourceUserRevoked(RoleSessionHandle handle) {
        if (!session.revokedTokens().contains(sourceUserKey(handle.anchorId(), handle.sourceUserId()))) {
            return false;
        }
        java.util.Map<String, String> at = session.singleUseObjects().get(sourceUserTimeKey(handle.anchorId(), handle.sourceUserId()));
        try {
            return at == null || handle.issuedAtMillis() <= Long.parseLong(at.get("t"));
        } catch (RuntimeException e) {
            return true;
        }
    }

    /** Marks a dead handle, in a transaction of its own: the request that noticed may be read-only or fail later. */
    void revokeHandle(RoleSessionHandle handle) {
        write(handleKey(handle));
    }

    /** Ends {@code sourceUserId}'s sessions under the anchor {@code anchorId}, in the caller's transaction. */
    public void revokeSourceUser(String anchorId, String sourceUserId) {
        session.singleUseObjects().put(sourceUserTimeKey(anchorId, sourceUserId), LIFESPAN_SECONDS,
                java.util.Map.of("t", Long.toString(Time.currentTimeMillis())));
        session.revokedTokens().put(sourceUserKey(anchorId, sourceUserId), LIFESPAN_SECONDS);
    }

    /** Ends one role token by its {@code jti}, as Keycloak's own {@code /revoke} does. */
    public void revokeToken(String tokenId, long expiresAt) {
        long left = expiresAt - Time.currentTime();
        session.revokedTokens().put(tokenId, (int) Math.max(Math.min(left + 1, LIFESPAN_SECONDS), 10));
    }

    public boolean tokenRevoked(String tokenId) {
        return tokenId != null && session.revokedTokens().contains(tokenId);
    }

    private void write(String key) {
        try {
            KeycloakModelUtils.runJobInTransaction(session.getKeycloakSessionFactory(),
                    tx -> tx.revokedTokens().put(key, LIFESPAN_SECONDS));
        } catch (RuntimeException e) {
            // Another node marked it at the same moment (duplicate key in REVOKED_TOKEN): the mark is there.
            LOG.debugf("Mark %s not written: %s", key, e.toString());
        }
    }
}
