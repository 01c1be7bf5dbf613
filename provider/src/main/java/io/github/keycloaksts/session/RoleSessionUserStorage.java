package io.github.keycloaksts.session;

import org.keycloak.component.ComponentModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;
import org.keycloak.storage.StorageId;
import org.keycloak.storage.UserStorageProvider;
import org.keycloak.storage.user.UserLookupProvider;

/**
 * Serves role-session users by ID only. Keycloak looks a token's user up by its {@code sub} on every path that
 * accepts a token — introspection (every hint), userinfo, its own admin and account REST, refresh and SSO cookies
 * of browser role sessions — so answering "no such user" here ends a role session everywhere at once. There are no
 * usernames or e-mails to find: nobody can log in as, or register over, a role session.
 */
public final class RoleSessionUserStorage implements UserStorageProvider, UserLookupProvider {

    private final KeycloakSession session;
    private final ComponentModel component;

    RoleSessionUserStorage(KeycloakSession session, ComponentModel component) {
        this.session = session;
        this.component = component;
    }

    @Override
    public UserModel getUserById(RealmModel realm, String id) {
        return new LiveRoleSessions(session).lookUp(realm, component, StorageId.externalId(id));
    }

    @Override
    public UserModel getUserByUsername(RealmModel realm, String username) {
        return null;
    }

    @Override
    public UserModel getUserByEmail(RealmModel realm, String email) {
        return null;
    }

    @Override
    public void close() {
    }
}
