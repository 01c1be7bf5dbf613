package io.github.keycloaksts.session;

import io.github.keycloaksts.federation.OidcProviders;
import org.jboss.logging.Logger;
import org.keycloak.models.IdentityProviderModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.provider.ProviderEvent;

/**
 * Revocation when an OIDC provider goes away: deleting the identity provider, disabling it, or turning its
 * signature validation off ends every live role token its external subjects hold, in the transaction of the change
 * itself (Keycloak publishes these events from the identity provider store, on whichever path changed it: admin
 * console, admin REST, partial import).
 */
public final class OidcProviderEvents {

    private static final Logger LOG = Logger.getLogger(OidcProviderEvents.class);

    private OidcProviderEvents() {
    }

    /** Keycloak's model events, as the lifecycle listener hands them on. */
    public static void onEvent(ProviderEvent event) {
        if (event instanceof RealmModel.IdentityProviderRemovedEvent removed) {
            IdentityProviderModel model = removed.getRemovedIdentityProvider();
            if (OidcProviders.isOpenIdConnect(model)) {
                revoke(removed.getRealm(), removed.getKeycloakSession(), model, "deleted");
            }
        } else if (event instanceof RealmModel.IdentityProviderUpdatedEvent updated) {
            IdentityProviderModel model = updated.getUpdatedIdentityProvider();
            if (OidcProviders.isOpenIdConnect(model)) {
                String problem = OidcProviders.signatureProblem(model);
                if (!model.isEnabled() || problem != null) {
                    revoke(updated.getRealm(), updated.getKeycloakSession(), model, !model.isEnabled() ? "disabled" : problem);
                }
            }
        }
    }

    private static void revoke(RealmModel realm, KeycloakSession session, IdentityProviderModel model, String why) {
        if (realm == null || session == null || model.getAlias() == null) {
            return;
        }
        int removed = new RoleSessionRevocation(session, realm).revokeProvider(model.getAlias());
        if (removed > 0) {
            LOG.infof("OIDC provider %s of realm %s %s: role sessions of %d role(s) revoked", model.getAlias(), realm.getName(),
                    why, removed);
        }
    }
}
