package io.github.keycloaksts.session;

import java.util.Comparator;
import java.util.Optional;

import org.keycloak.component.ComponentModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;
import org.keycloak.storage.CacheableStorageProviderModel;
import org.keycloak.storage.StorageId;
import org.keycloak.storage.UserStorageProvider;
import org.keycloak.storage.UserStorageProviderModel;

/**
 * The {@code sts-role-sessions} user-storage component of an account realm: what serves its role-session users.
 * Its cache policy is what bounds how long a dead role session can still look alive on a node (the user cache keeps
 * a looked-up user that long), so it is fixed ({@link #LIFESPAN_MILLIS}) and checked on every read.
 *
 * <p>Only components keycloak-sts created itself serve role sessions, and only until they are first disabled,
 * removed or turned into another provider: any of those, and a component of this provider created by anyone else
 * (Keycloak's component endpoints, a realm import), writes a tombstone for its ID in the revoked-token store
 * ({@link RoleSessionMarks#tombstoneComponent}). Re-enabling it, re-creating it with the old ID or changing its provider
 * back brings no role session back; the next role session is issued by a new component.
 */
public final class RoleSessionStorageComponent {

    public static final String PROVIDER_ID = "sts-role-sessions";
    static final String NAME = "keycloak-sts role sessions";
    /** How long a node may answer from its user cache before checking a role session again. */
    public static final long LIFESPAN_MILLIS = 500;

    private RoleSessionStorageComponent() {
    }

    /** Set on the session while keycloak-sts adds a component: any other creation is tombstoned at birth. */
    static final String CREATING_ATTRIBUTE = "sts.role-sessions.creating";

    /**
     * The component that issues new role sessions: enabled, well configured and not tombstoned (the oldest ID if two
     * nodes created one at the same moment), created when there is none.
     */
    public static ComponentModel ensure(KeycloakSession session, RealmModel realm) {
        return realm.getComponentsStream(realm.getId(), UserStorageProvider.class.getName())
                .filter(component -> PROVIDER_ID.equals(component.getProviderId()))
                .filter(component -> new UserStorageProviderModel(component).isEnabled() && misconfiguration(component).isEmpty())
                .filter(component -> !KnownTombstones.isTombstoned(session, realm, component.getId()))
                .min(Comparator.comparing(ComponentModel::getId))
                .orElseGet(() -> create(session, realm));
    }

    private static ComponentModel create(KeycloakSession session, RealmModel realm) {
        session.setAttribute(CREATING_ATTRIBUTE, Boolean.TRUE);
        try {
            return realm.addComponentModel(template(realm));
        } finally {
            session.removeAttribute(CREATING_ATTRIBUTE);
        }
    }

    static ComponentModel template(RealmModel realm) {
        UserStorageProviderModel model = new UserStorageProviderModel();
        model.setName(NAME);
        model.setProviderId(PROVIDER_ID);
        model.setProviderType(UserStorageProvider.class.getName());
        model.setParentId(realm.getId());
        model.setEnabled(true);
        model.setPriority(1000); // after every real user store in username look-ups, where it finds nothing anyway
        model.setCachePolicy(CacheableStorageProviderModel.CachePolicy.MAX_LIFESPAN);
        model.setMaxLifespan(LIFESPAN_MILLIS);
        return model;
    }

    /** True when {@code realm} has a role-session store: it has issued, or may have issued, role sessions. */
    public static boolean servesRoleSessions(RealmModel realm) {
        return realm.getComponentsStream(realm.getId(), UserStorageProvider.class.getName())
                .anyMatch(component -> PROVIDER_ID.equals(component.getProviderId()));
    }

    /** True when {@code user} is a role-session user of a store of {@code realm} (whatever the session it is in). */
    public static boolean isRoleSessionUser(RealmModel realm, UserModel user) {
        if (user == null || user.getId() == null || StorageId.isLocalStorage(user.getId())) {
            return false;
        }
        ComponentModel component = realm.getComponent(new StorageId(user.getId()).getProviderId());
        return component != null && PROVIDER_ID.equals(component.getProviderId());
    }

    /** Why {@code component} must not serve role sessions, or empty when it may. */
    public static Optional<String> misconfiguration(ComponentModel component) {
        CacheableStorageProviderModel model = new CacheableStorageProviderModel(component);
        if (model.getCachePolicy() != CacheableStorageProviderModel.CachePolicy.MAX_LIFESPAN
                || model.getMaxLifespan() <= 0 || model.getMaxLifespan() > LIFESPAN_MILLIS) {
            return Optional.of("the cache policy of " + NAME + " must be MAX_LIFESPAN with a maxLifespan of 1 to "
                    + LIFESPAN_MILLIS + " ms: a longer cache would keep ended role sessions alive");
        }
        return Optional.empty();
    }
}
