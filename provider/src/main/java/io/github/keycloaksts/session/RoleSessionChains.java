package io.github.keycloaksts.session;

import java.util.Optional;

import io.github.keycloaksts.account.Account;
import io.github.keycloaksts.grant.SourceGrants;
import io.github.keycloaksts.role.AssumableRole;
import io.github.keycloaksts.role.AssumableRoleStore;
import org.keycloak.common.util.Time;
import org.keycloak.component.ComponentModel;
import org.keycloak.models.ClientModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;
import org.keycloak.storage.StorageId;

/**
 * Role chaining: a role session of account A assuming a further role with its role token. The rules AWS has, kept
 * here in one place: a chained session lasts at most {@link #MAX_DURATION_SECONDS}, a chain holds at most
 * {@link #MAX_DEPTH} role sessions, and a chained session lives only while the session it came from does. A chained
 * session's handle names the earlier session by its realm and its token's {@code jti}; that token's record names the
 * earlier role-session user, whose live check runs again (with no user cache in between), down to the first hop's
 * source user.
 */
public final class RoleSessionChains {

    /** The longest a chained role session may last, whatever the role allows (AWS's rule). */
    public static final int MAX_DURATION_SECONDS = 3600;
    /** Role sessions in one chain, the first hop included: B's user → A's role → C's role → D's role. */
    public static final int MAX_DEPTH = 3;

    private RoleSessionChains() {
    }

    /**
     * A role session that is the subject of a further assumption: its realm, its role as stored now, the realm's
     * account (the role's), and its handle.
     */
    public record Parent(RealmModel realm, AssumableRole role, String accountId, RoleSessionHandle handle) {
    }

    /**
     * The role session {@code user} is, when it may assume further: a role token of an account's user, an OIDC
     * provider's subject or an earlier chain (not a browser role session, whose record is its browser session, not a
     * token). Empty for anyone else, and for a session whose role no longer exists.
     */
    public static Optional<Parent> parentOf(KeycloakSession session, RealmModel realm, UserModel user) {
        // By the user's ID, not its class: Keycloak's user cache hands out its own adapter of a role-session user.
        if (user == null || StorageId.isLocalStorage(user.getId())) {
            return Optional.empty();
        }
        StorageId id = new StorageId(user.getId());
        ComponentModel component = realm.getComponent(id.getProviderId());
        Optional<RoleSessionHandle> handle = RoleSessionHandle.parse(id.getExternalId());
        if (component == null || !RoleSessionStorageComponent.PROVIDER_ID.equals(component.getProviderId()) || handle.isEmpty()
                || handle.get().kind() == RoleSessionHandle.Kind.CONSOLE) {
            return Optional.empty();
        }
        Optional<RoleSessionAnchors.Anchor> anchor = RoleSessionAnchors.anchor(session.users().getUserById(realm, handle.get().anchorId()));
        if (anchor.isEmpty() || anchor.get().federated() && handle.get().kind() != RoleSessionHandle.Kind.FEDERATED) {
            return Optional.empty();
        }
        ClientModel roleClient = realm.getClientById(anchor.get().roleClientId());
        Optional<AssumableRole> role = roleClient == null ? Optional.empty() : new AssumableRoleStore(session, realm).ofClient(roleClient);
        Optional<Account> account = Account.of(session, realm);
        return role.isEmpty() || account.isEmpty() ? Optional.empty()
                : Optional.of(new Parent(realm, role.get(), account.get().accountId(), handle.get()));
    }

    /**
     * Why a chained session of role {@code roleArn} is over, or empty while it lives: the session it came from (its record
     * in {@code source}) is gone or expired, its token was revoked, its role-session user no longer passes the live check,
     * or its role no longer grants {@code roleArn} onward (an attached policy's {@code sts.assume-role}), as a first
     * hop's source user must stay granted. {@code depth} counts the hops already followed, so a forged chain cannot
     * recurse without end.
     */
    static Optional<String> deadReason(KeycloakSession session, LiveRoleSessions live, RealmModel source, RoleSessionHandle handle,
                                      String roleArn, int depth) {
        if (depth >= MAX_DEPTH) {
            return Optional.of("the chain of role sessions is longer than " + MAX_DEPTH);
        }
        if (!source.getId().equals(handle.sourceUserId())) {
            return Optional.of("the session it was assumed from is not of the source account's realm");
        }
        String tokenId = handle.sourceSessionId();
        Optional<RoleSessionRecordEntity> record = tokenId == null ? Optional.empty() : RoleSessionRecords.find(session, source, tokenId);
        if (record.isEmpty() || !RoleSessionRecords.TOKEN.equals(record.get().getKind()) || record.get().getExpiresAt() <= Time.currentTime()) {
            return Optional.of("the role session it was assumed from ended or expired");
        }
        if (session.revokedTokens().contains(tokenId)) {
            return Optional.of("the role token it was assumed with was revoked");
        }
        String parentUserId = record.get().getUserId();
        if (StorageId.isLocalStorage(parentUserId)) {
            return Optional.of("the session it was assumed from is not a role session");
        }
        StorageId parentId = new StorageId(parentUserId);
        ComponentModel component = source.getComponent(parentId.getProviderId());
        if (component == null || !RoleSessionStorageComponent.PROVIDER_ID.equals(component.getProviderId())
                || live.lookUp(source, component, parentId.getExternalId(), depth + 1) == null) {
            return Optional.of("the role session it was assumed from ended");
        }
        ClientModel parentRoleClient = source.getClientById(record.get().getRoleId());
        Optional<AssumableRole> parentRole = parentRoleClient == null ? Optional.empty()
                : new AssumableRoleStore(session, source).ofClient(parentRoleClient);
        if (parentRole.isEmpty() || !SourceGrants.allowsAssuming(source, parentRole.get().attachedRoles().toList(), roleArn)) {
            return Optional.of("the role it was assumed from no longer grants " + roleArn);
        }
        return Optional.empty();
    }
}
