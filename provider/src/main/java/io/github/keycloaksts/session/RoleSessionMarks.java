package io.github.keycloaksts.session;

import java.util.Map;

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
 *   <li>{@code sts.u.<digest>.<window>}: one source user's sessions under one anchor issued until a moment
 *       ({@code DELETE …/sessions?sourceUserId=}), one mark per six-hour window in which revocations happened; the
 *       moment is a single-use object {@code sts.ut.<digest>.<window>} beside it; if it is lost, all of them count as
 *       revoked (fail closed) until the mark expires;</li>
 *   <li>{@code sts.c.<digest>}: a tombstone of a role-session component that was disabled, removed or given another
 *       provider: it never serves a role session again;</li>
 *   <li>{@code sts.r.<digest>.<window>}: every role session of one target realm issued until a moment (the realm was
 *       disabled, renamed or given a not-before), with its moment {@code sts.rt.<digest>.<window>}, kept like a
 *       per-user revocation: enabling the realm again, renaming it back or clearing the not-before revives nothing.</li>
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

    /**
     * Per-user revocations are kept per window of {@link #WINDOW_SECONDS}: a second revocation in a later window writes
     * marks of its own instead of finding the first one's in place (the store inserts only if absent and would not
     * extend it), so the sessions the first ended stay ended until every session it could concern has expired.
     */
    static final long WINDOW_SECONDS = 6 * 3600;

    static String sourceUserKey(String anchorId, String sourceUserId, long window) {
        return sourceUserKey(anchorId, sourceUserId) + '.' + window;
    }

    static String sourceUserTimeKey(String anchorId, String sourceUserId) {
        return "sts.ut." + RoleSessionHandle.digest(anchorId + '/' + sourceUserId);
    }

    static String componentKey(String componentId) {
        return "sts.c." + RoleSessionHandle.digest(componentId);
    }

    /** True when the source user's sessions under {@code handle}'s anchor were revoked after it was issued. */
    boolean sourceUserRevoked(RoleSessionHandle handle) {
        if (!handle.recordsPolicies() && revokedAfter(handle, sourceUserKey(handle.anchorId(), handle.sourceUserId()),
                sourceUserTimeKey(handle.anchorId(), handle.sourceUserId()))) {
            return true; // a mark of the version that minted this handle
        }
        return endedInAWindow(handle, sourceUserKey(handle.anchorId(), handle.sourceUserId()),
                sourceUserTimeKey(handle.anchorId(), handle.sourceUserId()));
    }

    static String targetRealmKey(String realmId) {
        return "sts.r." + RoleSessionHandle.digest("realm/" + realmId);
    }

    static String targetRealmTimeKey(String realmId) {
        return "sts.rt." + RoleSessionHandle.digest("realm/" + realmId);
    }

    /** True when every role session of realm {@code realmId} issued until a moment after {@code handle} was ended. */
    boolean targetRealmEnded(RoleSessionHandle handle, String realmId) {
        return endedInAWindow(handle, targetRealmKey(realmId), targetRealmTimeKey(realmId));
    }

    /** Ends, for good, every role session of realm {@code realmId} issued until {@code untilMillis}, in the caller's transaction. */
    public void endTargetRealm(String realmId, long untilMillis) {
        endUntil(targetRealmKey(realmId), targetRealmTimeKey(realmId), untilMillis);
    }

    /**
     * The moment up to which a not-before of {@code notBeforeSeconds} ends role sessions: Keycloak refuses tokens issued
     * before the not-before second; a not-before in the future ends no more than what exists now.
     */
    public static long endOfNotBefore(int notBeforeSeconds, long nowMillis) {
        return Math.min(nowMillis, notBeforeSeconds * 1000L - 1);
    }

    /** A mark of any window from the handle's issue to now (or its expiry) whose moment is not before the handle's issue. */
    private boolean endedInAWindow(RoleSessionHandle handle, String markBase, String timeBase) {
        long until = Math.min(Time.currentTimeMillis(), handle.issuedAtMillis() + handle.durationSeconds() * 1000L);
        for (long window = window(handle.issuedAtMillis()); window <= window(until); window++) {
            if (revokedAfter(handle, markBase + '.' + window, timeBase + '.' + window)) {
                return true;
            }
        }
        return false;
    }

    private boolean revokedAfter(RoleSessionHandle handle, String markKey, String timeKey) {
        if (!session.revokedTokens().contains(markKey)) {
            return false;
        }
        Map<String, String> at = session.singleUseObjects().get(timeKey);
        try {
            return at == null || handle.issuedAtMillis() <= Long.parseLong(at.get("t"));
        } catch (RuntimeException e) {
            return true;
        }
    }

    /**
     * Every mark of a window lives until the last session any revocation in that window may concern has expired: the
     * store keeps the first insert of a key, so the first one must already cover a later revocation in the same window.
     */
    static long sourceUserMarkLifespan(long nowMillis) {
        return (window(nowMillis) + 1) * WINDOW_SECONDS - nowMillis / 1000 + LIFESPAN_SECONDS;
    }

    static long window(long millis) {
        return millis / 1000 / WINDOW_SECONDS;
    }

    /**
     * True when the role-session component {@code componentId} was ever disabled, removed or turned into another
     * provider: it serves no role session again, whatever is done to it later (re-enabled, re-created with its ID).
     */
    boolean componentTombstoned(String componentId) {
        return session.revokedTokens().contains(componentKey(componentId));
    }

    /** Ends every role session of component {@code componentId} for good, in the caller's transaction. */
    void tombstoneComponent(String componentId) {
        session.revokedTokens().put(componentKey(componentId), LIFESPAN_SECONDS);
    }

    /** Marks a dead handle, in a transaction of its own: the request that noticed may be read-only or fail later. */
    void revokeHandle(RoleSessionHandle handle) {
        write(handleKey(handle));
    }

    /** Ends {@code sourceUserId}'s sessions under the anchor {@code anchorId}, in the caller's transaction. */
    public void revokeSourceUser(String anchorId, String sourceUserId) {
        endUntil(sourceUserKey(anchorId, sourceUserId), sourceUserTimeKey(anchorId, sourceUserId), Time.currentTimeMillis());
    }

    /**
     * Writes this window's mark and its moment. The moment only moves forward: an earlier moment written later in the
     * same window (a not-before in the past) must not shorten what an earlier end covered.
     */
    private void endUntil(String markBase, String timeBase, long untilMillis) {
        long now = Time.currentTimeMillis();
        long window = window(now);
        long lifespan = sourceUserMarkLifespan(now);
        String timeKey = timeBase + '.' + window;
        long moment = Math.min(untilMillis, now);
        Map<String, String> before = session.singleUseObjects().get(timeKey);
        if (before != null) {
            try {
                moment = Math.max(moment, Long.parseLong(before.get("t")));
            } catch (RuntimeException e) {
                // unreadable: ours stands (an unreadable moment would have counted as "everything" until now)
            }
        }
        session.singleUseObjects().put(timeKey, lifespan, Map.of("t", Long.toString(moment)));
        session.revokedTokens().put(markBase + '.' + window, lifespan);
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
