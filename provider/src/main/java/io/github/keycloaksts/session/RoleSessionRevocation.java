package io.github.keycloaksts.session;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.keycloaksts.account.Account;
import io.github.keycloaksts.account.AccountRegistry;
import io.github.keycloaksts.policy.arn.Arn;
import io.github.keycloaksts.policy.arn.OidcProviderArn;
import io.github.keycloaksts.policy.document.Effect;
import io.github.keycloaksts.policy.document.PolicyDocument;
import io.github.keycloaksts.policy.document.PolicyKind;
import io.github.keycloaksts.policy.document.PolicyWriter;
import io.github.keycloaksts.policy.document.Statement;
import io.github.keycloaksts.role.AssumableRole;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserManager;
import org.keycloak.models.UserModel;
import org.keycloak.models.cache.UserCache;

/**
 * Ends role sessions. Role tokens are stateless and Keycloak checks at introspection and userinfo that a token's
 * subject still exists, so ending a source account's (or an OIDC provider's) sessions of a role is removing its
 * anchor ({@link RoleSessionAnchors}): every token it holds turns inactive at once on every node, while other
 * accounts' tokens keep working. One source user's sessions end by a mark instead ({@link RoleSessionMarks}), so the
 * user may assume the role again. Trust-policy changes end the sessions of exactly the accounts and providers whose
 * standing the change may concern; the dry runs ({@link TrustChangePreview}) use the same tests.
 */
public final class RoleSessionRevocation {

    private final KeycloakSession session;
    private final RealmModel realm;
    private final RoleSessionAnchors anchors;

    public RoleSessionRevocation(KeycloakSession session, RealmModel realm) {
        this.session = session;
        this.realm = realm;
        this.anchors = new RoleSessionAnchors(session, realm);
    }

    /** Ends every session of {@code role} held by {@code accountId} (or by anyone when null); returns the accounts. */
    public List<String> revoke(AssumableRole role, String accountId) {
        List<String> revoked = new ArrayList<>();
        for (UserModel principal : anchors.of(role)) {
            String account = RoleSessionAnchors.accountOf(role, principal);
            if (accountId == null || accountId.equals(account)) {
                new UserManager(session).removeUser(realm, principal);
                if (!revoked.contains(account)) {
                    revoked.add(account);
                }
            }
        }
        if (accountId == null) {
            revoked.addAll(revokeFederated(role)); // OIDC providers' sessions too: all means all
        }
        RevocationMetrics.sessionsRevoked(session, realm, "revoke", revoked.size());
        if (!revoked.isEmpty()) {
            endCachedSessions();
        }
        return revoked;
    }

    private static final Pattern SOURCE_USER_ID = Pattern.compile("[A-Za-z0-9:._-]{1,255}");

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
        AccountRegistry registry = new AccountRegistry(session);
        RoleSessionMarks marks = new RoleSessionMarks(session);
        for (UserModel principal : anchors.of(role)) {
            String account = RoleSessionAnchors.accountOf(role, principal);
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
        RevocationMetrics.sessionsRevoked(session, realm, "revoke", revoked.size());
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
        UserCache cache = session.getProvider(UserCache.class);
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
        for (UserModel principal : anchors.of(role)) {
            String account = RoleSessionAnchors.accountOf(role, principal);
            if (before == null || after == null || !Objects.equals(concerning(before, account), concerning(after, account))) {
                new UserManager(session).removeUser(realm, principal);
                if (!revoked.contains(account)) {
                    revoked.add(account);
                }
            }
        }
        RevocationMetrics.sessionsRevoked(session, realm, "trust_policy", revoked.size());
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
        for (UserModel principal : anchors.of(role)) {
            String account = RoleSessionAnchors.accountOf(role, principal);
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
        for (UserModel principal : anchors.of(role)) {
            String account = RoleSessionAnchors.accountOf(role, principal);
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
        Set<String> parts = new HashSet<>();
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

    /**
     * Ends every role session that external subjects of OIDC provider {@code providerAlias} hold, in every role of
     * the realm: the provider was deleted, disabled or can no longer validate signatures. Returns how many principals
     * were removed.
     */
    public int revokeProvider(String providerAlias) {
        int removed = 0;
        for (UserModel principal : anchors.federated()) {
            if (providerAlias.equalsIgnoreCase(RoleSessionAnchors.providerOf(principal))) {
                new UserManager(session).removeUser(realm, principal);
                removed++;
            }
        }
        RevocationMetrics.sessionsRevoked(session, realm, "oidc_provider", removed);
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
        for (UserModel principal : anchors.federated()) {
            if (!role.id().equals(RoleSessionAnchors.roleIdOf(principal))) {
                continue;
            }
            String alias = RoleSessionAnchors.providerOf(principal);
            String arn = accountId == null || !OidcProviderArn.isValidProviderName(alias) ? null
                    : OidcProviderArn.of(accountId, alias).toString();
            if (arn == null || before == null || after == null
                    || !Objects.equals(concerningProvider(before, arn), concerningProvider(after, arn))) {
                new UserManager(session).removeUser(realm, principal);
                revoked.add(arn != null ? arn : alias);
            }
        }
        RevocationMetrics.sessionsRevoked(session, realm, "trust_policy", revoked.size());
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
        for (UserModel principal : anchors.federated()) {
            if (role.id().equals(RoleSessionAnchors.roleIdOf(principal))) {
                String alias = RoleSessionAnchors.providerOf(principal);
                new UserManager(session).removeUser(realm, principal);
                revoked.add(accountId != null && OidcProviderArn.isValidProviderName(alias)
                        ? OidcProviderArn.of(accountId, alias).toString() : alias);
            }
        }
        return revoked;
    }

    /** The part of a trust policy that can concern provider {@code providerArn}: every Deny, and the statements naming it. */
    static Set<String> concerningProvider(PolicyDocument document, String providerArn) {
        Set<String> parts = new HashSet<>();
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
