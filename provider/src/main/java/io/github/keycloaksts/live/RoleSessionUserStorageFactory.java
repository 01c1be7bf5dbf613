package io.github.keycloaksts.live;

import org.keycloak.component.ComponentModel;
import org.keycloak.component.ComponentValidationException;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.storage.UserStorageProviderFactory;

/** Registers {@link RoleSessionUserStorage}; refuses any configuration that would cache role sessions longer. */
public final class RoleSessionUserStorageFactory implements UserStorageProviderFactory<RoleSessionUserStorage> {

    @Override
    public RoleSessionUserStorage create(KeycloakSession session, ComponentModel model) {
        return new RoleSessionUserStorage(session, model);
    }

    @Override
    public String getId() {
        return RoleSessionStorageComponent.PROVIDER_ID;
    }

    @Override
    public String getHelpText() {
        return "Live role sessions of keycloak-sts (token exchange and Switch Role). Managed by keycloak-sts: removing or"
                + " disabling it ends every role session of the realm.";
    }

    @Override
    public void validateConfiguration(KeycloakSession session, RealmModel realm, ComponentModel model) throws ComponentValidationException {
        RoleSessionStorageComponent.misconfiguration(model).ifPresent(problem -> {
            throw new ComponentValidationException(problem);
        });
    }
}
