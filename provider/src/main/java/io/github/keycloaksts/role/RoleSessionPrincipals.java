package io.github.keycloaksts.role;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;

import io.github.keycloaksts.account.Account;
import io.github.keycloaksts.policy.arn.Arn;
import io.github.keycloaksts.policy.arn.OidcProviderArn;
import io.github.keycloaksts.policy.document.Effect;
import io.github.keycloaksts.policy.document.PolicyDocument;
import io.github.keycloaksts.policy.document.PolicyKind;
import io.github.keycloaksts.policy.document.PolicyWriter;
import io.github.keycloaksts.policy.document.Statement;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.keycloaksts.exchange.AssumeRoleMetrics;
import org.jboss.logging.Logger;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.ModelDuplicateException;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserManager;
import org.keycloak.models.UserModel;
import org.keycloak.models.utils.KeycloakModelUtils;

/**
 * The principals that role tokens are issued to: one per (assumable role, source account). Role tokens are
 * stateless (transient sessions), and Keycloak checks at introspection and userinfo that a token's subject still
 * exists and is enabled. So revoking an account's sessions of a role is removing that account's principal: every
 * token it holds turns inactive at once on every node (the user cache is invalidated cluster-wide), while the
 * tokens of other accounts — other principals — keep working.
 *
 * <p>A principal has no credentials and no role mappings (the roles are written into each token from the role's
 * attached policies). It carries a service-account link that names no client, so Keycloak hides it from user
 * lists and refuses it at every login, direct grant, impersonation and account console.
 */
public final class RoleSessionPrincipals {

    public static final String ROLE_CLIENT_ATTRIBUTE = "sts.role-client";
    public static final String SOURCE_ACCOUNT_ATTRIBUTE = "sts.source-account";
    static final String LINK_PREFIX = "sts-role-session:";

    private static final Logger LOG = Logger.getLogger(RoleSessionPrincipals.class);

    private final KeycloakSession session;
    private final RealmModel realm;

    public RoleSessionPrincipals(KeycloakSession session, RealmModel realm) {
        this.session = session;
        this.realm = realm;
    }

    static final String TOKEN_PREFIX = "sts-role-session.";
    static final String CONSOLE_PREFIX = "sts-role-console.";

    static String username(AssumableRole role, String accountId) {
        return TOKEN_PREFIX + role.id() + "." + accountId;
    }

    static String consoleUsername(AssumableRole role, String accountId) {
        return CONSOLE_PREFIX + role.id() + "." + accountId;
    }

    /**
     * The principal of {@code accountId}'s browser role sessions of {@code role} (Switch Role). Keycloak's browser
     * flow refuses users with a service-account link, so this one has none; it has no credentials, and carries the
     * profile Keycloak's default user profile requires so SSO into the realm's apps is not stopped by a profile form.
     */
    public UserModel obtainConsole(AssumableRole role, String accountId) {
        String username = consoleUsername(role, accountId);
        UserModel existing = session.users().getUserByUsername(realm, username);
        if (existing != null) {
            requireGenuine(existing);
            heal(role, existing, accountId);
            return existing;
        }
        String roleClientId = role.id();
        return create(username, role, accountId, user -> {
            // Plain words only: Keycloak's default person-name validator refuses characters like ( ) = ,
            user.setFirstName("Role session");
            user.setLastName("account " + accountId);
            user.setEmail(roleClientId + "." + accountId + "@role-session.invalid");
            user.setEmailVerified(true);
        });
    }

    /**
     * Creates a principal in a transaction of its own, so two nodes creating it at once cannot fail each other's
     * request, and returns it as this session sees it.
     */
    private UserModel create(String username, AssumableRole role, String accountId, Consumer<UserModel> init) {
        String realmId = realm.getId();
        String roleClientId = role.id();
        try {
            KeycloakModelUtils.runJobInTransaction(session.getKeycloakSessionFactory(), tx -> {
                RealmModel txRealm = tx.realms().getRealm(realmId);
                tx.getContext().setRealm(txRealm);
                if (tx.users().getUserByUsername(txRealm, username) != null) {
                    return;
                }
                UserModel user = tx.users().addUser(txRealm, null, username, false, false);
                user.setEnabled(true);
                user.setSingleAttribute(ROLE_CLIENT_ATTRIBUTE, roleClientId);
                if (accountId != null) {
                    user.setSingleAttribute(SOURCE_ACCOUNT_ATTRIBUTE, accountId);
                }
                init.accept(user);
            });
        } catch (ModelDuplicateException e) {
            LOG.debugf("Principal %s created concurrently", username);
        }
        UserModel created = session.users().getUserByUsername(realm, username);
        if (created == null) {
            throw new IllegalStateException("principal " + username + " missing");
        }
        return created;
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
        if (username == null || user.getFederationLink() != null || !org.keycloak.storage.StorageId.isLocalStorage(user.getId())) {
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
        if (dot <= 0 || !io.github.keycloaksts.policy.arn.AccountId.isValid(rest.substring(dot + 1))) {
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

    /** Puts back the attributes of a principal that an administrator rewrote. */
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

    private static void heal(AssumableRole role, UserModel user, String accountId) {
        if (!role.id().equals(user.getFirstAttribute(ROLE_CLIENT_ATTRIBUTE))) {
            user.setSingleAttribute(ROLE_CLIENT_ATTRIBUTE, role.id());
        }
        if (!accountId.equals(user.getFirstAttribute(SOURCE_ACCOUNT_ATTRIBUTE))) {
            user.setSingleAttribute(SOURCE_ACCOUNT_ATTRIBUTE, accountId);
        }
    }

    public Optional<UserModel> find(AssumableRole role, String accountId) {
        return Optional.ofNullable(session.users().getUserByUsername(realm, username(role, accountId)));
    }

    /**
     * The principal of {@code accountId}'s sessions of {@code role}, created on the first exchange. Created in a
     * transaction of its own, so two nodes creating it at once cannot fail each other's exchange.
     */
    public UserModel obtain(AssumableRole role, String accountId) {
        Optional<UserModel> existing = find(role, accountId);
        if (existing.isPresent()) {
            UserModel user = existing.get();
            requireGenuine(user);
            heal(role, user, accountId);
            String link = user.getServiceAccountClientLink();
            if (link == null || !link.startsWith(LINK_PREFIX)) {
                // A realm export cannot name a link to no client, so an imported principal arrives unlinked:
                // link it again so it stays hidden and unable to log in.
                user.setServiceAccountClientLink(LINK_PREFIX + role.id());
            }
            return user;
        }
        String roleClientId = role.id();
        return create(username(role, accountId), role, accountId,
                user -> user.setServiceAccountClientLink(LINK_PREFIX + roleClientId));
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
                    return account != null && (username(role, account).equals(user.getUsername())
                            || consoleUsername(role, account).equals(user.getUsername()));
                })
                .toList();
    }

    /** Ends every session of {@code role} held by {@code accountId} (or by anyone when null); returns the accounts. */
    public List<String> revoke(AssumableRole role, String accountId) {
        List<String> revoked = new ArrayList<>();
        for (UserModel principal : of(role)) {
            String account = accountOf(role, principal);
            if (accountId == null || accountId.equals(account)) {
                new UserManager(session).removeUser(realm, principal);
                if (!revoked.contains(account)) {
                    revoked.add(account);
                }
            }
        }
        if (accountId == null) {
            revoked.addAll(revokeFederated(role)); // OIDC providers' sessions too (issue 14): all means all
        }
        AssumeRoleMetrics.sessionsRevoked(session, realm, "revoke", revoked.size());
        if (!revoked.isEmpty()) {
            endCachedSessions();
        }
        return revoked;
    }

    private static final java.util.regex.Pattern SOURCE_USER_ID = java.util.regex.Pattern.compile("[A-Za-z0-9:._-]{1,255}");

    /** True when {@code text} can be a source user's ID, as {@link #revokeSourceUser} accepts it. */
    public static boolean isSourceUserId(String text) {
        return text != null && SOURCE_USER_ID.matcher(text).matches();
    }

    /**
     * Ends {@code sourceUserId}'s sessions of {@code role} (within {@code accountId} when not null): a mark per anchor
     * of the user's account in the revoked-token store, so the sessions stay ended and the user may assume the role
     * again later. Returns the account, or nothing when the user is in no account that holds a session.
     */
    public List<String> revokeSourceUser(AssumableRole role, String accountId, String sourceUserId) {
        List<String> revoked = new ArrayList<>();
        io.github.keycloaksts.account.AccountRegistry registry = new io.github.keycloaksts.account.AccountRegistry(session);
        io.github.keycloaksts.live.RoleSessionMarks marks = new io.github.keycloaksts.live.RoleSessionMarks(session);
        for (UserModel principal : of(role)) {
            String account = accountOf(role, principal);
            if (accountId != null && !accountId.equals(account)) {
                continue;
            }
            Optional<RealmModel> source = registry.realmOf(account);
            if (source.isPresent() && session.users().getUserById(source.get(), sourceUserId) != null) {
                marks.revokeSourceUser(principal.getId(), sourceUserId);
                if (!revoked.contains(account)) {
                    revoked.add(account);
                }
            }
        }
        AssumeRoleMetrics.sessionsRevoked(session, realm, "revoke", revoked.size());
        if (!revoked.isEmpty()) {
            endCachedSessions();
        }
        return revoked;
    }

    /**
     * Live role sessions are looked up through Keycloak's user cache, which may answer for up to
     * {@code RoleSessionStorageComponent.LIFESPAN_MILLIS}; an administrator's revocation takes effect at once instead:
     * the realm's cached users are invalidated on every node when this transaction commits.
     */
    public void endCachedSessions() {
        org.keycloak.models.cache.UserCache cache = session.getProvider(org.keycloak.models.cache.UserCache.class);
        if (cache != null) {
            cache.evict(realm);
        }
    }

    /**
     * After a trust-policy change, ends the sessions of every account whose standing may have changed: those for
     * which the statements that can concern them (any Deny, and every statement naming the account or one of its
     * users or roles) differ between the old and the new document. Conservative on purpose: an account that stays
     * trusted through a changed statement re-assumes the role, an account that lost trust never keeps a token.
     */
    public List<String> revokeChangedAccounts(AssumableRole role, PolicyDocument before, PolicyDocument after) {
        List<String> revoked = new ArrayList<>();
        for (UserModel principal : of(role)) {
            String account = accountOf(role, principal);
            if (before == null || after == null || !Objects.equals(concerning(before, account), concerning(after, account))) {
                new UserManager(session).removeUser(realm, principal);
                if (!revoked.contains(account)) {
                    revoked.add(account);
                }
            }
        }
        AssumeRoleMetrics.sessionsRevoked(session, realm, "trust_policy", revoked.size());
        if (!revoked.isEmpty()) {
            endCachedSessions();
        }
        return revoked;
    }

    /**
     * The dry run of {@link #revokeChangedAccounts}: the accounts whose sessions it would end, ending none. The same test,
     * so a preview and the change it previews cannot disagree.
     */
    public List<String> changedAccounts(AssumableRole role, PolicyDocument before, PolicyDocument after) {
        List<String> changed = new ArrayList<>();
        for (UserModel principal : of(role)) {
            String account = accountOf(role, principal);
            if ((before == null || after == null || !Objects.equals(concerning(before, account), concerning(after, account)))
                    && !changed.contains(account)) {
                changed.add(account);
            }
        }
        return changed;
    }

    /** The dry run of {@code revoke(role, null)}: every account holding a principal of the role, ending nothing. */
    public List<String> accounts(AssumableRole role) {
        List<String> accounts = new ArrayList<>();
        for (UserModel principal : of(role)) {
            String account = accountOf(role, principal);
            if (!accounts.contains(account)) {
                accounts.add(account);
            }
        }
        return accounts;
    }

    /**
     * The part of a trust policy that can concern {@code accountId}: every Deny statement whole, and every statement
     * naming the account reduced to the account's own principals, so removing another account from a shared
     * statement does not touch this account's standing.
     */
    static Set<String> concerning(PolicyDocument document, String accountId) {
        Set<String> parts = new java.util.HashSet<>();
        for (Statement statement : document.statements()) {
            if (statement.effect() != Effect.DENY && !names(statement, accountId)) {
                continue;
            }
            ObjectNode json = (ObjectNode) PolicyWriter.toJsonNode(PolicyDocument.of(PolicyKind.TRUST, List.of(statement)))
                    .get("Statement").get(0);
            if (statement.effect() != Effect.DENY) {
                ArrayNode own = json.arrayNode();
                statement.principals().arns().stream()
                        .filter(arn -> arn.accountId().value().equals(accountId))
                        .map(Object::toString).sorted().forEach(own::add);
                json.putObject("Principal").set("RAM", own);
            }
            json.remove("Sid");
            parts.add(json.toString());
        }
        return parts;
    }

    private static boolean names(Statement statement, String accountId) {
        for (Arn arn : statement.principals().arns()) {
            if (arn.accountId().value().equals(accountId)) {
                return true;
            }
        }
        return false;
    }

    // ---- Federated principals (AssumeRoleWithOIDC, issue 14): one anchor per (role, OIDC provider) ----

    public static final String OIDC_PROVIDER_ATTRIBUTE = "sts.oidc-provider";
    static final String OIDC_PREFIX = "sts-role-oidc.";

    static String federatedUsername(AssumableRole role, String providerAlias) {
        return OIDC_PREFIX + role.id() + "." + providerAlias;
    }

    /**
     * The principal of the role sessions that external subjects of OIDC provider {@code providerAlias} hold of
     * {@code role}, created on the first exchange (as {@link #obtain} for an account). Revoking them is removing it.
     */
    public UserModel obtainFederated(AssumableRole role, String providerAlias) {
        String username = federatedUsername(role, providerAlias);
        UserModel existing = session.users().getUserByUsername(realm, username);
        if (existing != null) {
            requireGenuine(existing);
            if (!role.id().equals(existing.getFirstAttribute(ROLE_CLIENT_ATTRIBUTE))) {
                existing.setSingleAttribute(ROLE_CLIENT_ATTRIBUTE, role.id());
            }
            if (!providerAlias.equals(existing.getFirstAttribute(OIDC_PROVIDER_ATTRIBUTE))) {
                existing.setSingleAttribute(OIDC_PROVIDER_ATTRIBUTE, providerAlias);
            }
            String link = existing.getServiceAccountClientLink();
            if (link == null || !link.startsWith(LINK_PREFIX)) {
                existing.setServiceAccountClientLink(LINK_PREFIX + role.id());
            }
            return existing;
        }
        String roleClientId = role.id();
        return create(username, role, null, user -> {
            user.setSingleAttribute(OIDC_PROVIDER_ATTRIBUTE, providerAlias);
            user.setServiceAccountClientLink(LINK_PREFIX + roleClientId);
        });
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

    private static String roleIdOf(UserModel user) {
        String rest = user.getUsername().substring(OIDC_PREFIX.length());
        return rest.substring(0, rest.indexOf('.'));
    }

    /** Every federated principal of the realm (all roles, all providers). */
    private List<UserModel> federated() {
        return session.users().searchForUserStream(realm, Map.of(UserModel.USERNAME, OIDC_PREFIX,
                        UserModel.INCLUDE_SERVICE_ACCOUNT, "true"), null, null)
                .filter(user -> providerOf(user) != null)
                .toList();
    }

    /**
     * Ends every role session that external subjects of OIDC provider {@code providerAlias} hold, in every role of
     * the realm: the provider was deleted, disabled or can no longer validate signatures. Returns how many principals
     * were removed.
     */
    public int revokeProvider(String providerAlias) {
        int removed = 0;
        for (UserModel principal : federated()) {
            if (providerAlias.equalsIgnoreCase(providerOf(principal))) {
                new UserManager(session).removeUser(realm, principal);
                removed++;
            }
        }
        AssumeRoleMetrics.sessionsRevoked(session, realm, "oidc_provider", removed);
        if (removed > 0) {
            endCachedSessions();
        }
        return removed;
    }

    /**
     * After a trust-policy change, ends the sessions of every OIDC provider whose standing may have changed (as
     * {@link #revokeChangedAccounts} for accounts): those for which any Deny, or any statement naming the provider,
     * differs between the old and the new document. Returns the provider ARNs revoked.
     */
    public List<String> revokeChangedProviders(AssumableRole role, PolicyDocument before, PolicyDocument after) {
        List<String> revoked = new ArrayList<>();
        String accountId = Account.of(session, realm)
                .map(Account::accountId).orElse(null);
        for (UserModel principal : federated()) {
            if (!role.id().equals(roleIdOf(principal))) {
                continue;
            }
            String alias = providerOf(principal);
            String arn = accountId == null || !OidcProviderArn.isValidProviderName(alias) ? null
                    : OidcProviderArn.of(accountId, alias).toString();
            if (arn == null || before == null || after == null
                    || !Objects.equals(concerningProvider(before, arn), concerningProvider(after, arn))) {
                new UserManager(session).removeUser(realm, principal);
                revoked.add(arn != null ? arn : alias);
            }
        }
        AssumeRoleMetrics.sessionsRevoked(session, realm, "trust_policy", revoked.size());
        if (!revoked.isEmpty()) {
            endCachedSessions();
        }
        return revoked;
    }

    /** Ends the sessions of {@code role} held by external subjects of any OIDC provider; returns the provider ARNs (or aliases). */
    private List<String> revokeFederated(AssumableRole role) {
        List<String> revoked = new ArrayList<>();
        String accountId = Account.of(session, realm)
                .map(Account::accountId).orElse(null);
        for (UserModel principal : federated()) {
            if (role.id().equals(roleIdOf(principal))) {
                String alias = providerOf(principal);
                new UserManager(session).removeUser(realm, principal);
                revoked.add(accountId != null && OidcProviderArn.isValidProviderName(alias)
                        ? OidcProviderArn.of(accountId, alias).toString() : alias);
            }
        }
        return revoked;
    }

    /** The part of a trust policy that can concern provider {@code providerArn}: every Deny, and the statements naming it. */
    static Set<String> concerningProvider(PolicyDocument document, String providerArn) {
        Set<String> parts = new java.util.HashSet<>();
        for (Statement statement : document.statements()) {
            boolean names = statement.principals().federatedProviders().stream().anyMatch(p -> p.toString().equals(providerArn));
            if (statement.effect() != Effect.DENY && !names) {
                continue;
            }
            ObjectNode json = (ObjectNode) PolicyWriter.toJsonNode(PolicyDocument.of(PolicyKind.TRUST, List.of(statement)))
                    .get("Statement").get(0);
            if (statement.effect() != Effect.DENY) {
                json.putObject("Principal").putArray("Federated").add(providerArn);
            }
            json.remove("Sid");
            parts.add(json.toString());
        }
        return parts;
    }
}
