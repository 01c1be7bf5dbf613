package io.github.keycloaksts.session;

import org.jboss.logging.Logger;
import org.keycloak.component.ComponentModel;
import org.keycloak.component.ComponentValidationException;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.storage.UserStorageProvider;
import org.keycloak.storage.UserStorageProviderFactory;
import org.keycloak.storage.UserStorageProviderModel;

/**
 * Registers {@link RoleSessionUserStorage}; refuses any configuration that would cache role sessions longer, and
 * tombstones a component for good when Keycloak's generic component paths disable, remove or re-type it, or create one
 * (see {@link RoleSessionStorageComponent}).
 */
public final class RoleSessionUserStorageFactory implements UserStorageProviderFactory<RoleSessionUserStorage> {

    private static final Logger LOG = Logger.getLogger(RoleSessionUserStorageFactory.class);

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
                + " disabling it ends every role session of the realm for good; enabling it again brings none back.";
    }

    @Override
    public void onCreate(KeycloakSession session, RealmModel realm, ComponentModel model) {
        if (session.getAttribute(RoleSessionStorageComponent.CREATING_ATTRIBUTE) == null) {
            // Not created by keycloak-sts (the component endpoints, a realm import): it may carry the ID of one that
            // served sessions before, so it serves none.
            tombstone(session, realm, model, "created outside keycloak-sts");
        }
    }

    @Override
    public void onUpdate(KeycloakSession session, RealmModel realm, ComponentModel oldModel, ComponentModel newModel) {
        // Any change that took it out of service (disabled, another provider or type, moved under another parent) or
        // puts it back: Keycloak calls only the new provider's factory, so the way back is seen here even when the
        // way out was not.
        if (!serving(realm, oldModel) || !serving(realm, newModel)) {
            tombstone(session, realm, newModel, "disabled, moved or re-typed");
        }
    }

    @Override
    public void preRemove(KeycloakSession session, RealmModel realm, ComponentModel model) {
        tombstone(session, realm, model, "removed");
    }

    private static boolean serving(RealmModel realm, ComponentModel model) {
        return RoleSessionStorageComponent.PROVIDER_ID.equals(model.getProviderId())
                && UserStorageProvider.class.getName().equals(model.getProviderType())
                && realm.getId().equals(model.getParentId())
                && new UserStorageProviderModel(model).isEnabled();
    }

    private static void tombstone(KeycloakSession session, RealmModel realm, ComponentModel model, String why) {
        new RoleSessionMarks(session).tombstoneComponent(model.getId());
        LOG.infof("Role-session store %s of realm %s %s: its role sessions ended for good", model.getId(), realm.getName(), why);
    }

    @Override
    public void validateConfiguration(KeycloakSession session, RealmModel realm, ComponentModel model) throws ComponentValidationException {
        RoleSessionStorageComponent.misconfiguration(model).ifPresent(problem -> {
            throw new ComponentValidationException(problem);
        });
    }
}
