package io.github.keycloaksts.session;

import java.util.Optional;

import org.jboss.logging.Logger;
import org.keycloak.common.util.Time;
import org.keycloak.events.admin.AdminEvent;
import org.keycloak.events.admin.ResourceType;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;

/**
 * Makes Keycloak's own realm switches a permanent end for the realm's role sessions. Disabling a target realm,
 * renaming it (its issuer changes) or giving it a not-before ({@code PUT /admin/realms/{realm}}, <i>Sessions →
 * Revocation</i>, {@code POST …/logout-all}) makes Keycloak refuse its role tokens, but only while the switch stays:
 * enabling the realm again, renaming it back or clearing the not-before would revive every token that was not used
 * meanwhile. Keycloak publishes no model event for these realm fields, so this listens to its admin events: a
 * <b>global</b> listener, called for every realm whatever its event settings (and whether or not admin events are
 * stored), inside the request's transaction. It marks the realm's role sessions up to that moment as ended for good
 * ({@link RoleSessionMarks#endTargetRealm}), which {@link LiveRoleSessions} checks on every look-up.
 */
public final class TargetRealmChanges {

    private static final Logger LOG = Logger.getLogger(TargetRealmChanges.class);

    private TargetRealmChanges() {
    }

    /** An admin event of any realm, as the lifecycle listener hands it on, in the request's session and transaction. */
    public static void onAdminEvent(KeycloakSession session, AdminEvent event) {
        if (event.getResourceType() != ResourceType.REALM || event.getRealmId() == null) {
            return; // realm fields change only in realm events (UPDATE, and ACTION for logout-all)
        }
        RealmModel realm = session.realms().getRealm(event.getRealmId());
        if (realm == null || !RoleSessionStorageComponent.servesRoleSessions(realm)) {
            return;
        }
        endedUntil(realm, event.getRealmName(), Time.currentTimeMillis()).ifPresent(until -> {
            new RoleSessionMarks(session).endTargetRealm(realm.getId(), until);
            LOG.infof("Role sessions of realm %s issued until %d ended for good (realm disabled, renamed or given a not-before)",
                    realm.getName(), until);
        });
    }

    /**
     * The moment up to which the realm's role sessions end, or empty when the realm is enabled, kept its name and has
     * no not-before. {@code nameBefore} is the realm's name when the request began (Keycloak's admin event keeps it).
     */
    static Optional<Long> endedUntil(RealmModel realm, String nameBefore, long nowMillis) {
        if (!realm.isEnabled() || (nameBefore != null && !nameBefore.equals(realm.getName()))) {
            return Optional.of(nowMillis);
        }
        if (realm.getNotBefore() > 0) {
            return Optional.of(RoleSessionMarks.endOfNotBefore(realm.getNotBefore(), nowMillis));
        }
        return Optional.empty();
    }
}
