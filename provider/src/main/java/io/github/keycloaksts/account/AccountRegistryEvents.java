package io.github.keycloaksts.account;

import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.models.RealmModel;
import org.keycloak.models.utils.KeycloakModelUtils;
import org.keycloak.models.utils.PostMigrationEvent;
import org.keycloak.provider.ProviderEvent;
import org.keycloak.provider.ProviderEventListener;

/**
 * Keeps the {@link AccountRegistry} in step with realm life: a realm created by a platform administrator or an
 * import at start-up claims the ID its representation carries (anyone else is refused: {@code admin/RealmCreation}), a
 * deleted realm's IDs are retired, and IDs of realms from earlier versions are registered once at startup. Each runs in the transaction of the change itself.
 */
public final class AccountRegistryEvents implements ProviderEventListener {

    public static void register(KeycloakSessionFactory factory) {
        factory.register(new AccountRegistryEvents(factory));
    }

    private final KeycloakSessionFactory factory;

    private AccountRegistryEvents(KeycloakSessionFactory factory) {
        this.factory = factory;
    }

    @Override
    public void onEvent(ProviderEvent event) {
        if (event instanceof RealmModel.RealmRemovedEvent removed) {
            new AccountRegistry(removed.getKeycloakSession()).released(removed.getRealm());
        } else if (event instanceof PostMigrationEvent) {
            KeycloakModelUtils.runJobInTransaction(factory, session -> new AccountRegistry(session).migrateOnce());
        }
    }
}
