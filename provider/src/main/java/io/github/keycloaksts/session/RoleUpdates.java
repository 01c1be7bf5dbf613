package io.github.keycloaksts.session;

import java.util.ArrayList;
import java.util.List;

import io.github.keycloaksts.policy.document.PolicyDocument;
import io.github.keycloaksts.role.AssumableRole;
import io.github.keycloaksts.role.AssumableRoleStore;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.RoleModel;

/**
 * Changes a role and ends, in the same transaction, the role sessions the change ends. The one place where a change of
 * a stored role ({@link AssumableRoleStore}, which stores and does not revoke) meets revocation
 * ({@link RoleSessionRevocation}); the REST API and the admin console page both come through here.
 */
public final class RoleUpdates {

    private final AssumableRoleStore store;
    private final RoleSessionRevocation principals;

    public RoleUpdates(KeycloakSession session, RealmModel realm) {
        this.store = new AssumableRoleStore(session, realm);
        this.principals = new RoleSessionRevocation(session, realm);
    }

    /** A lowering ends the sessions longer than the new maximum ({@link LiveRoleSessions}), at once rather than when the cache expires. */
    public void updateMaxSessionDuration(AssumableRole role, int seconds) {
        boolean lowered = seconds < role.maxSessionDuration();
        store.updateMaxSessionDuration(role, seconds);
        if (lowered) {
            principals.endCachedSessions();
        }
    }

    /**
     * Replaces the trust policy and ends the sessions of every account and OIDC provider whose standing may have
     * changed ({@link RoleSessionRevocation#revokeChangedAccounts}); returns them (accounts by ID, providers by ARN).
     */
    public List<String> updateTrustPolicy(AssumableRole role, PolicyDocument before, PolicyDocument after) {
        store.updateTrustPolicy(role, after);
        List<String> revoked = new ArrayList<>(principals.revokeChangedAccounts(role, before, after));
        revoked.addAll(principals.revokeChangedProviders(role, before, after));
        return revoked;
    }

    /**
     * Live tokens carry the policies attached when they were issued: every session of the role may carry this one, so
     * all of them end (a session narrowed to other policies by its session policy ends too: fail closed).
     */
    public void detach(AssumableRole role, RoleModel policy) {
        store.detach(role, policy);
        principals.revoke(role, null);
    }

    /** Ends every session of the role, then removes it. */
    public void delete(AssumableRole role) {
        principals.revoke(role, null);
        store.delete(role);
    }
}
