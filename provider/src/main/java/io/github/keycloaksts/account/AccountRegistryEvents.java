package io.github.keycloaksts.account;

import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.models.RealmModel;
import org.keycloak.models.utils.KeycloakModelUtils;
import org.keycloak.provider.ProviderEvent;

/**
 * Keeps the {@link AccountRegistry} in step with realm life: a deleted realm's IDs are retired in the transaction of
 * the deletion, and IDs of realms from earlier versions are registered once at start-up. (A realm created with an ID
 * claims it through {@code admin/RealmCreation}, which also refuses anyone but a platform administrator.)
 */
public final class AccountRegistryEvents {

    private AccountRegistryEvents() {
    }

    /** Keycloak's model events, as the lifecycle listener hands them on. */
    public static void onEvent(ProviderEvent event) {
        if (event instanceof RealmModel.RealmRemovedEvent removed) {
            new AccountRegistry(removed.getKeycloakSession()).released(removed.getRealm());
        }
    }

    /** At start-up, before the pass over every realm. */
    public static void startUp(KeycloakSessionFactory factory) {
        KeycloakModelUtils.runJobInTransaction(factory, session -> new AccountRegistry(session).migrateOnce());
    }
}
