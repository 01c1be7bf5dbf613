package io.github.keycloaksts.session;

import java.util.Optional;

import io.github.keycloaksts.account.AccountRegistry;
import io.github.keycloaksts.role.AssumableRole;
import io.github.keycloaksts.role.AssumableRoleStore;
import org.keycloak.models.ClientModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;

/**
 * The names a role session shows in the display claims of its tokens and of userinfo ({@code given_name},
 * {@code family_name}, {@code name}), the acting identity as people read it: {@code ecs-admin @ company-a} and
 * {@code via bob @ company-b} (an OIDC provider's subject: {@code via OIDC provider ci}; a chained session: {@code via a
 * role session of company-a}). For people only: an app that must recognise the same person keys on
 * {@code source_identity} (docs/api.md), never on these.
 */
public record RoleSessionDisplay(String firstName, String lastName) {

    /**
     * Characters Keycloak's default user profile refuses in names ({@code person-name-prohibited-characters}): a
     * role session's names must pass it, or SSO into an app would stop at "update your profile".
     */
    private static final String PROHIBITED = "<>&\"$%!#?§;*~/\\|^=[]{}()";

    /**
     * The names of a session starting now, from what its front door already knows (no look-up).
     *
     * @param source who acts, e.g. {@code bob @ company-b}, {@code OIDC provider ci}, {@code a role session of company-a}
     */
    public static RoleSessionDisplay of(String roleName, RealmModel target, String source) {
        return new RoleSessionDisplay(clean(roleName + " @ " + target.getName()), clean("via " + source));
    }

    /** The source of a user's session: {@code <username> @ <realm>}. */
    public static String user(String username, String realmName) {
        return username + " @ " + realmName;
    }

    /** The source of a chained session. */
    public static String roleSessionOf(String realmName) {
        return "a role session of " + realmName;
    }

    /** The source of an OIDC provider's subject. */
    public static String provider(String alias) {
        return "OIDC provider " + alias;
    }

    /** The names of a session Keycloak looks up again later, from its handle and anchor (cached look-ups). */
    static RoleSessionDisplay of(KeycloakSession session, RealmModel target, RoleSessionHandle handle, RoleSessionAnchors.Anchor anchor) {
        ClientModel roleClient = target.getClientById(anchor.roleClientId());
        String role = roleClient == null ? "role" : new AssumableRoleStore(session, target).ofClient(roleClient)
                .map(AssumableRole::name).orElse("role");
        return new RoleSessionDisplay(clean(role + " @ " + target.getName()), clean("via " + source(session, handle, anchor)));
    }

    private static String source(KeycloakSession session, RoleSessionHandle handle, RoleSessionAnchors.Anchor anchor) {
        if (anchor.federated()) {
            return provider(anchor.provider());
        }
        Optional<RealmModel> sourceRealm = new AccountRegistry(session).realmOf(anchor.accountId());
        if (sourceRealm.isEmpty()) {
            return "account " + anchor.accountId();
        }
        if (handle.kind() == RoleSessionHandle.Kind.CHAINED) {
            return roleSessionOf(sourceRealm.get().getName());
        }
        UserModel user = handle.sourceUserId() == null ? null : session.users().getUserById(sourceRealm.get(), handle.sourceUserId());
        return user == null ? "account " + anchor.accountId() : user(user.getUsername(), sourceRealm.get().getName());
    }

    private static String clean(String name) {
        StringBuilder out = new StringBuilder(name.length());
        name.codePoints().forEach(c -> out.appendCodePoint(Character.isISOControl(c) || PROHIBITED.indexOf(c) >= 0 ? '-' : c));
        return out.length() > 255 ? out.substring(0, 255) : out.toString();
    }
}
