package io.github.keycloaksts.session;

import java.util.concurrent.ConcurrentHashMap;

import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;

/**
 * This node's memory of which role-session components are tombstoned, so that issuing a role session does not query
 * the revoked-token store (a database read when the answer is no) on every exchange. A tombstone, once seen, is
 * permanent for the life of any session it concerns; a "no" is trusted for {@link #RECHECK_MILLIS}. The truth stays in
 * the revoked-token store, which the look-up of every role session reads itself: a session issued by a component that
 * another node tombstoned a moment earlier is dead at its first use, never alive.
 */
final class KnownTombstones {

    static final long RECHECK_MILLIS = 1000;
    private static final int MAX_ENTRIES = 10_000;
    private static final ConcurrentHashMap<String, Long> CHECKED_UNTIL = new ConcurrentHashMap<>();
    private static final Long FOREVER = Long.MAX_VALUE;

    private KnownTombstones() {
    }

    static boolean isTombstoned(KeycloakSession session, RealmModel realm, String componentId) {
        String key = realm.getId() + '/' + componentId;
        Long until = CHECKED_UNTIL.get(key);
        long now = System.currentTimeMillis();
        if (FOREVER.equals(until)) {
            return true;
        }
        if (until != null && until > now) {
            return false;
        }
        boolean tombstoned = new RoleSessionMarks(session).componentTombstoned(componentId);
        if (CHECKED_UNTIL.size() > MAX_ENTRIES) {
            CHECKED_UNTIL.clear(); // a bound, not a policy: a cleared entry is only checked again
        }
        CHECKED_UNTIL.put(key, tombstoned ? FOREVER : now + RECHECK_MILLIS);
        return tombstoned;
    }
}
