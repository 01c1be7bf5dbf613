package io.github.keycloaksts.adminui;

import io.github.keycloaksts.role.AssumableRole;
import io.github.keycloaksts.role.AssumableRoleChangedEvent;
import org.keycloak.models.ClientModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.RoleContainerModel;
import org.keycloak.models.RoleModel;
import org.keycloak.models.UserModel;
import org.keycloak.provider.ProviderEvent;

/**
 * Keeps the page's entries in step with the roles they mirror: every change of a role (REST API, Keycloak's client
 * and role screens, realm import) is followed by rewriting the entries from the roles ({@link MirrorSync},
 * {@link RoleMirror}), and at start-up every realm is reconciled. With the page off, entries go away.
 */
public final class PageEvents {

    private PageEvents() {
    }

    /** Keycloak's model events, as the lifecycle listener hands them on. */
    public static void onEvent(ProviderEvent event, boolean pageOn) {
        if (pageOn) {
            onEvent(event);
        } else {
            onEventWithPageOff(event);
        }
    }

    /**
     * At start-up, for each realm: with the page on, heals entries that went stale while it was off or not deployed
     * and adds those of roles created meanwhile; with the page off, removes the entries, which nothing would keep in
     * step. A failure can be another node doing the same (the entry IDs are the role clients' IDs): the next start or
     * the next change of a role of the realm retries.
     */
    public static void startUp(KeycloakSession session, RealmModel realm, boolean pageOn) {
        if (pageOn) {
            RoleMirror.reconcile(session, realm);
        } else {
            RoleMirror.clear(session, realm);
        }
    }

    /** The page is off: entries that arrive with a realm import or were left from a time it was on go away. */
    static void onEventWithPageOff(ProviderEvent event) {
        if (event instanceof RealmModel.RealmCreationEvent created) {
            RoleMirror.realmBeingCreated(created.getKeycloakSession(), created.getCreatedRealm().getId(), true);
        } else if (event instanceof RealmModel.RealmPostCreateEvent created) {
            RoleMirror.realmBeingCreated(created.getKeycloakSession(), created.getCreatedRealm().getId(), false);
            RoleMirror.clear(created.getKeycloakSession(), created.getCreatedRealm());
        }
    }

    // ---------------------------------------------------------------- keeping entries in step

    static void onEvent(ProviderEvent event) {
        if (event instanceof AssumableRoleChangedEvent changed) {
            MirrorSync.roleChanged(changed.session(), changed.realm().getId(), changed.roleName());
        } else if (event instanceof RealmModel.RealmCreationEvent created) {
            // From here to RealmPostCreateEvent the realm is being imported: entries in the file are adopted by
            // their roles (validateConfiguration) and Keycloak's own events are left aside; the whole realm is
            // reconciled once, at the end of the import's transaction.
            RoleMirror.realmBeingCreated(created.getKeycloakSession(), created.getCreatedRealm().getId(), true);
        } else if (event instanceof RealmModel.RealmPostCreateEvent created) {
            RoleMirror.realmBeingCreated(created.getKeycloakSession(), created.getCreatedRealm().getId(), false);
            MirrorSync.realmChanged(created.getKeycloakSession(), created.getCreatedRealm().getId());
        } else if (event instanceof ClientModel.ClientUpdatedEvent updated) {
            // Keycloak's client screens, partial import, kcadm: description or attributes of a role client
            if (isRoleClient(updated.getUpdatedClient())) {
                clientChanged(updated.getKeycloakSession(), updated.getUpdatedClient());
            }
        } else if (event instanceof ClientModel.ClientRemovedEvent removed) {
            if (isRoleClient(removed.getClient())) {
                clientChanged(removed.getKeycloakSession(), removed.getClient());
            }
        } else if (event instanceof ClientModel.ClientIdChangeEvent renamed) {
            if (AssumableRole.isRoleClientId(renamed.getPreviousClientId()) || isRoleClient(renamed.getUpdatedClient())) {
                clientChanged(renamed.getKeycloakSession(), renamed.getUpdatedClient());
            }
        } else if (event instanceof RoleModel.RoleGrantedEvent granted) {
            principalRolesChanged(granted.getKeycloakSession(), granted.getRole(), granted.getUser());
        } else if (event instanceof RoleModel.RoleRevokedEvent revoked) {
            principalRolesChanged(revoked.getKeycloakSession(), revoked.getRole(), revoked.getUser());
        } else if (event instanceof RoleContainerModel.RoleRemovedEvent removed) {
            // A Keycloak role deleted: if it was attached, it left the role mappings and must leave the entries.
            String realmId = realmIdOf(removed.getRole());
            if (realmId != null) {
                realmChanged(removed.getKeycloakSession(), realmId);
            }
        } else if (event instanceof RoleModel.RoleNameChangeEvent renamed) {
            realmChanged(renamed.getKeycloakSession(), renamed.getRealm().getId());
        }
    }

    static void clientChanged(KeycloakSession session, ClientModel client) {
        String realmId = client.getRealm().getId();
        if (!RoleMirror.isRealmBeingCreated(session, realmId)) {
            MirrorSync.clientChanged(session, realmId, client.getId());
        }
    }

    static void realmChanged(KeycloakSession session, String realmId) {
        if (!RoleMirror.isRealmBeingCreated(session, realmId)) {
            MirrorSync.realmChanged(session, realmId);
        }
    }

    /** Role mappings of a service account changed (the client's "Service account roles" tab): maybe a role principal's. */
    static void principalRolesChanged(KeycloakSession session, RoleModel role, UserModel user) {
        String link = user.getServiceAccountClientLink();
        if (link == null) {
            return; // a person: the common case, decided without a lookup
        }
        String realmId = realmIdOf(role);
        if (realmId == null || RoleMirror.isRealmBeingCreated(session, realmId)) {
            return;
        }
        RealmModel realm = session.realms().getRealm(realmId);
        ClientModel client = realm == null ? null : session.clients().getClientById(realm, link);
        if (isRoleClient(client)) {
            MirrorSync.clientChanged(session, realmId, client.getId());
        }
    }

    static String realmIdOf(RoleModel role) {
        if (!role.isClientRole()) {
            return role.getContainerId();
        }
        return role.getContainer() instanceof ClientModel client && client.getRealm() != null ? client.getRealm().getId() : null;
    }

    static boolean isRoleClient(ClientModel client) {
        return client != null && AssumableRole.isRoleClientId(client.getClientId());
    }
}
