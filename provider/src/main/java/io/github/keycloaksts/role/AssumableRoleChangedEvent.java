package io.github.keycloaksts.role;

import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.provider.ProviderEvent;

/**
 * Published by {@link AssumableRoleStore} after every change of an assumable role, inside the changing transaction.
 * The admin console page listens to it to keep its mirror of the role in step (see docs/admin-console.md); without
 * the page nobody listens and nothing else happens.
 */
public record AssumableRoleChangedEvent(KeycloakSession session, RealmModel realm, String roleName) implements ProviderEvent {

    static void publish(KeycloakSession session, RealmModel realm, String roleName) {
        session.getKeycloakSessionFactory().publish(new AssumableRoleChangedEvent(session, realm, roleName));
    }
}
