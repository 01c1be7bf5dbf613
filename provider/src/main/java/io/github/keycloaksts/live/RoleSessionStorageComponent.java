package io.github.keycloaksts.live;

import java.util.Comparator;
import java.util.Optional;

import org.keycloak.component.ComponentModel;
import org.keycloak.models.RealmModel;
import org.keycloak.storage.CacheableStorageProviderModel;
import org.keycloak.storage.UserStorageProvider;
import org.keycloak.storage.UserStorageProviderModel;

/**
 * The {@code sts-role-sessions} user-storage component of an account realm: what serves its role-session users.
 * Its cache policy is what bounds how long a dead role session can still look alive on a node (the user cache keeps
 * a looked-up user that long), so it is fixed ({@link #LIFESPAN_MILLIS}) and checked on every read.
 */
public final class RoleSessionStorageComponent {

    public static final String PROVIDER_ID = "sts-role-sessions";
    static final String NAME = "keycloak-sts role sessions";
    /** How long a node may answer from its user cache before checking a role session again. */
    public static final long LIFESPAN_MILLIS = 500;

    private RoleSessionStorageComponent() {
    }

    /** The realm's component, if any (the oldest ID if two nodes created one at the same moment). */
    public static Optional<ComponentModel> find(RealmModel realm) {
        return realm.getComponentsStream(realm.getId(), UserStorageProvider.class.getName())
                .filter(component -> PROVIDER_ID.equals(component.getProviderId()))
                .min(Comparator.comparing(ComponentModel::getId));
    }

    /** The realm's component, created when missing (at startup, and by the first role session otherwise). */
    public static ComponentModel ensure(RealmModel realm) {
        return find(realm).orElseGet(() -> realm.addComponentModel(template(realm)));
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
