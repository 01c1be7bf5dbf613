package io.github.keycloaksts.session;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.github.keycloaksts.policy.arn.AccountId;
import io.github.keycloaksts.role.AssumableRole;
import org.jboss.logging.Logger;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.ModelDuplicateException;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;
import org.keycloak.models.utils.KeycloakModelUtils;
import org.keycloak.storage.StorageId;

/**
 * The anchors of role sessions: one local user per (assumable role, source account) for token exchanges, one per
 * (role, source account) for browser role sessions, one per (role, OIDC provider) for AssumeRoleWithOIDC. Every live
 * role session names its anchor's ID ({@link RoleSessionHandle}); removing the anchor ends them all at once on every
 * node, and its ID is never reused, so they stay ended ({@link RoleSessionRevocation}).
 *
 * <p>An anchor has no credentials and no role mappings (the roles are written into each token from the role's
 * attached policies). Token and federated anchors carry a service-account link that names no client, so Keycloak
 * hides them from user lists and refuses them at every login, direct grant, impersonation and account console; the
 * browser anchor has none (Keycloak's browser flow refuses linked users) and carries the profile Keycloak's default
 * user profile requires instead.
 */
public final class RoleSessionAnchors {

    public static final String ROLE_CLIENT_ATTRIBUTE = "sts.role-client";
    public static final String SOURCE_ACCOUNT_ATTRIBUTE = "sts.source-account";
    public static final String OIDC_PROVIDER_ATTRIBUTE = "sts.oidc-provider";
    static final String LINK_PREFIX = "sts-role-session:";
    static final String TOKEN_PREFIX = "sts-role-session.";
    static final String CONSOLE_PREFIX = "sts-role-console.";
    static final String OIDC_PREFIX = "sts-role-oidc.";

    private static final Logger LOG = Logger.getLogger(RoleSessionAnchors.class);

    private final KeycloakSession session;
    private final RealmModel realm;

    public RoleSessionAnchors(KeycloakSession session, RealmModel realm) {
        this.session = session;
        this.realm = realm;
    }

    static String username(AssumableRole role, RoleSessionHandle.Kind kind, String owner) {
        String prefix = switch (kind) {
            case TOKEN, CHAINED -> TOKEN_PREFIX; // a chained session belongs to its source account like any token
            case CONSOLE -> CONSOLE_PREFIX;
            case FEDERATED -> OIDC_PREFIX;
        };
        return prefix + role.id() + "." + owner;
    }

    /**
     * The anchor of {@code kind} sessions of {@code role} held by {@code owner} (a source account ID, or for
     * {@code FEDERATED} an OIDC provider alias), created on first use in a transaction of its own, so two nodes creating
     * it at once cannot fail each other's request. An existing one is checked to be genuine and its attributes and
     * link are put back if an administrator rewrote them.
     */
    public UserModel obtain(AssumableRole role, RoleSessionHandle.Kind kind, String owner) {
        String username = username(role, kind, owner);
        UserModel existing = session.users().getUserByUsername(realm, username);
        if (existing != null) {
            requireGenuine(existing);
            heal(role, kind, owner, existing);
            return existing;
        }
        String realmId = realm.getId();
        try {
            KeycloakModelUtils.runJobInTransaction(session.getKeycloakSessionFactory(), tx -> {
                RealmModel txRealm = tx.realms().getRealm(realmId);
                tx.getContext().setRealm(txRealm);
                if (tx.users().getUserByUsername(txRealm, username) == null) {
                    initialize(tx.users().addUser(txRealm, null, username, false, false), role, kind, owner);
                }
            });
        } catch (ModelDuplicateException e) {
            LOG.debugf("Anchor %s created concurrently", username);
        }
        UserModel created = session.users().getUserByUsername(realm, username);
        if (created == null) {
            throw new IllegalStateException("anchor " + username + " missing");
        }
        return created;
    }

    private static void initialize(UserModel user, AssumableRole role, RoleSessionHandle.Kind kind, String owner) {
        user.setEnabled(true);
        heal(role, kind, owner, user);
        if (kind == RoleSessionHandle.Kind.CONSOLE) {
            // Plain words only: Keycloak's default person-name validator refuses characters like ( ) = ,
            user.setFirstName("Role session");
            user.setLastName("account " + owner);
            user.setEmail(role.id() + "." + owner + "@role-session.invalid");
            user.setEmailVerified(true);
        }
    }

    /**
     * Puts back what an administrator with {@code manage-users} may have rewritten. A realm export cannot name a link
     * to no client, so an imported anchor arrives unlinked: it is linked again so it stays hidden and unable to log in.
     */
    private static void heal(AssumableRole role, RoleSessionHandle.Kind kind, String owner, UserModel user) {
        setIfDifferent(user, ROLE_CLIENT_ATTRIBUTE, role.id());
        setIfDifferent(user, kind == RoleSessionHandle.Kind.FEDERATED ? OIDC_PROVIDER_ATTRIBUTE : SOURCE_ACCOUNT_ATTRIBUTE, owner);
        String link = user.getServiceAccountClientLink();
        if (kind != RoleSessionHandle.Kind.CONSOLE && (link == null || !link.startsWith(LINK_PREFIX))) {
            user.setServiceAccountClientLink(LINK_PREFIX + role.id());
        }
    }

    private static void setIfDifferent(UserModel user, String attribute, String value) {
        if (!value.equals(user.getFirstAttribute(attribute))) {
            user.setSingleAttribute(attribute, value);
        }
    }

    /**
     * A user holding a principal's username must be one the server made: never adopt a user that has credentials,
     * a linked identity provider account or a user-federation link (a self-registered user who learnt the username,
     * or one an administrator gave a password). Such a user would become the {@code sub} of every role token of the
     * account. Fail closed; the exchange records the reason, and deleting that user restores the role.
     */
    private void requireGenuine(UserModel user) {
        boolean credentials = user.credentialManager().getStoredCredentialsStream().findAny().isPresent();
        boolean brokered = session.users().getFederatedIdentitiesStream(realm, user).findAny().isPresent();
        if (credentials || brokered || user.getFederationLink() != null) {
            throw new IllegalStateException("user " + user.getUsername() + " (" + user.getId() + ") holds a role-session principal's"
                    + " username but is not a principal (it has " + (credentials ? "credentials" : brokered ? "a linked identity provider account"
                    : "a federation link") + "): delete it to let the role be assumed again");
        }
    }

    /**
     * A principal the server made, as its username tells (an administrator with {@code manage-users} can rewrite
     * attributes, not the username where the realm forbids editing it): the anchor of every live role session of one
     * role and one source account. Its ID is never reused, so sessions bound to it end for good when it is removed.
     */
    public record Anchor(String id, String username, boolean console, String roleClientId, String accountId, String provider) {

        /** An anchor of an OIDC provider's sessions (AssumeRoleWithOIDC) rather than of a source account's. */
        public boolean federated() {
            return provider != null;
        }
    }

    /** The anchor {@code user} is, or empty: a local user whose username has a principal's form. */
    public static Optional<Anchor> anchor(UserModel user) {
        String username = user == null ? null : user.getUsername();
        if (username == null || user.getFederationLink() != null || !StorageId.isLocalStorage(user.getId())) {
            return Optional.empty();
        }
        if (username.startsWith(OIDC_PREFIX)) {
            String alias = providerOf(user);
            return alias == null ? Optional.empty()
                    : Optional.of(new Anchor(user.getId(), username, false, roleIdOf(user), null, alias));
        }
        boolean console = username.startsWith(CONSOLE_PREFIX);
        if (!console && !username.startsWith(TOKEN_PREFIX)) {
            return Optional.empty();
        }
        String rest = username.substring((console ? CONSOLE_PREFIX : TOKEN_PREFIX).length());
        int dot = rest.indexOf('.');
        if (dot <= 0 || !AccountId.isValid(rest.substring(dot + 1))) {
            return Optional.empty();
        }
        return Optional.of(new Anchor(user.getId(), username, console, rest.substring(0, dot), rest.substring(dot + 1), null));
    }

    /** True when {@code user} is a role-session principal (used to refuse role chaining). */
    public static boolean isPrincipal(UserModel user) {
        String link = user.getServiceAccountClientLink();
        String username = user.getUsername();
        return link != null && link.startsWith(LINK_PREFIX)
                || username != null && (username.startsWith(TOKEN_PREFIX) || username.startsWith(CONSOLE_PREFIX)
                        || username.startsWith(OIDC_PREFIX))
                || user.getFirstAttribute(ROLE_CLIENT_ATTRIBUTE) != null && user.getFirstAttribute(SOURCE_ACCOUNT_ATTRIBUTE) != null;
    }

    /**
     * The source account of a principal of {@code role}, read from its username, which the server made and which an
     * administrator cannot change (Keycloak lets admins rename users only where the realm allows editing usernames),
     * unlike its attributes, which an administrator with {@code manage-users} can rewrite. Null when the username is
     * not one of {@code role}'s principals.
     */
    static String accountOf(AssumableRole role, UserModel user) {
        String username = user.getUsername();
        for (String prefix : List.of(TOKEN_PREFIX, CONSOLE_PREFIX)) {
            String start = prefix + role.id() + ".";
            if (username != null && username.startsWith(start) && username.length() > start.length()) {
                return username.substring(start.length());
            }
        }
        return null;
    }


    /**
     * Every principal of {@code role}: one per source account that has held a session. Found by the usernames the
     * server gave them (an administrator with {@code manage-users} can rewrite a principal's attributes, which would
     * otherwise move it out of reach of revocation), and by attribute (an imported principal may not be linked yet).
     */
    public List<UserModel> of(AssumableRole role) {
        Map<String, UserModel> principals = new LinkedHashMap<>();
        session.users().searchForUserByUserAttributeStream(realm, ROLE_CLIENT_ATTRIBUTE, role.id())
                .forEach(user -> principals.put(user.getId(), user));
        for (String prefix : List.of(TOKEN_PREFIX, CONSOLE_PREFIX)) {
            session.users().searchForUserStream(realm, Map.of(UserModel.USERNAME, prefix + role.id() + ".",
                            UserModel.INCLUDE_SERVICE_ACCOUNT, "true"), null, null)
                    .forEach(user -> principals.put(user.getId(), user));
        }
        return principals.values().stream()
                .filter(user -> {
                    String account = accountOf(role, user);
                    return account != null && (username(role, RoleSessionHandle.Kind.TOKEN, account).equals(user.getUsername())
                            || username(role, RoleSessionHandle.Kind.CONSOLE, account).equals(user.getUsername()));
                })
                .toList();
    }

    /**
     * The OIDC provider alias of a federated principal, read from the username the server gave it (Keycloak stores
     * usernames in lower case, so the attribute supplies the alias's case when it agrees); else null.
     */
    static String providerOf(UserModel user) {
        String username = user.getUsername();
        if (username == null || !username.startsWith(OIDC_PREFIX)) {
            return null;
        }
        String rest = username.substring(OIDC_PREFIX.length());
        int dot = rest.indexOf('.');
        if (dot <= 0 || dot == rest.length() - 1) {
            return null;
        }
        String alias = rest.substring(dot + 1);
        String stored = user.getFirstAttribute(OIDC_PROVIDER_ATTRIBUTE);
        return stored != null && stored.equalsIgnoreCase(alias) ? stored : alias;
    }

    static String roleIdOf(UserModel user) {
        String rest = user.getUsername().substring(OIDC_PREFIX.length());
        return rest.substring(0, rest.indexOf('.'));
    }

    /** Every federated principal of the realm (all roles, all providers). */
    List<UserModel> federated() {
        return session.users().searchForUserStream(realm, Map.of(UserModel.USERNAME, OIDC_PREFIX,
                        UserModel.INCLUDE_SERVICE_ACCOUNT, "true"), null, null)
                .filter(user -> providerOf(user) != null)
                .toList();
    }

}
