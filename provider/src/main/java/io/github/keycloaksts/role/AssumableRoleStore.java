package io.github.keycloaksts.role;

import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

import io.github.keycloaksts.policy.document.PolicyDocument;
import io.github.keycloaksts.policy.document.PolicyWriter;
import org.keycloak.models.ClientModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.RoleModel;
import org.keycloak.models.UserModel;
import org.keycloak.models.utils.KeycloakModelUtils;
import org.keycloak.protocol.oidc.OIDCLoginProtocol;

/**
 * Assumable roles of one realm. Lookups by name go through {@link RealmModel#getClientByClientId}, which Keycloak's
 * realm cache answers and invalidates cluster-wide; nothing is kept in this JVM. Every change publishes an
 * {@link AssumableRoleChangedEvent} in the same transaction (the admin console page mirrors roles from it).
 */
public final class AssumableRoleStore {

    /**
     * Client authentication that no credential satisfies: no client authenticator has this ID, so Keycloak's client
     * authentication flow never accepts the role client, whatever secret, certificate or JWKS an administrator gives
     * it (with {@code client-jwt}, uploading a certificate through Keycloak's client screens was enough to obtain
     * client-credentials tokens of the role principal, which holds the attached policies).
     */
    public static final String UNUSABLE_CLIENT_AUTHENTICATOR = "sts-role-no-client-authentication";

    /** Grant switches kept in client attributes; a role client has them all off. */
    public static final List<String> GRANT_ATTRIBUTES = List.of(
            "oauth2.device.authorization.grant.enabled", "oidc.ciba.grant.enabled", "standard.token.exchange.enabled",
            "oauth2.jwt.authorization.grant.enabled");

    private static final String DELETING = AssumableRoleStore.class.getName() + ".deleting:";

    private final KeycloakSession session;
    private final RealmModel realm;

    public AssumableRoleStore(KeycloakSession session, RealmModel realm) {
        this.session = session;
        this.realm = realm;
    }

    KeycloakSession session() {
        return session;
    }

    public Optional<AssumableRole> find(String roleName) {
        ClientModel client = realm.getClientByClientId(AssumableRole.clientIdOf(roleName));
        return AssumableRole.isRoleClient(client) ? Optional.of(new AssumableRole(session, client)) : Optional.empty();
    }

    /** The role {@code client} carries, if it is a role client of this store's realm. */
    public Optional<AssumableRole> ofClient(ClientModel client) {
        return AssumableRole.isRoleClient(client) && realm.getId().equals(client.getRealm().getId())
                ? Optional.of(new AssumableRole(session, client)) : Optional.empty();
    }

    public Stream<AssumableRole> list() {
        return session.clients().searchClientsByClientIdStream(realm, AssumableRole.CLIENT_ID_PREFIX, null, null)
                .filter(AssumableRole::isRoleClient)
                .map(client -> new AssumableRole(session, client))
                .sorted(Comparator.comparing(AssumableRole::name));
    }

    /** Creates the role client and its principal. The caller has validated every value. */
    public AssumableRole create(String roleName, String description, String trustPolicyJson, int maxSessionDuration) {
        return create(null, roleName, description, trustPolicyJson, maxSessionDuration);
    }

    /**
     * As {@link #create(String, String, String, int)}, with the internal ID of the role client chosen by the caller
     * (null: generated). The admin console page creates the role under the ID of its page entry.
     */
    public AssumableRole create(String id, String roleName, String description, String trustPolicyJson, int maxSessionDuration) {
        ClientModel client = id == null
                ? realm.addClient(AssumableRole.clientIdOf(roleName))
                : realm.addClient(id, AssumableRole.clientIdOf(roleName));
        client.setName("Assumable role " + roleName);
        client.setDescription(description);
        client.setSecret(KeycloakModelUtils.generateSecret(client));
        client.setEnabled(true);
        lock(client);
        client.setAttribute(AssumableRole.ROLE_NAME_ATTRIBUTE, roleName);
        client.setAttribute(AssumableRole.CREATED_ATTRIBUTE, Long.toString(System.currentTimeMillis()));

        // The principal: a service-account user without default roles or required actions; its role mappings are
        // the attached policies and nothing else.
        addPrincipal(client);

        AssumableRole role = new AssumableRole(session, client);
        role.recordPolicyIds(List.of());
        role.setTrustPolicyJson(trustPolicyJson);
        role.setMaxSessionDuration(maxSessionDuration);
        changed(roleName);
        return role;
    }

    public void updateDescription(AssumableRole role, String description) {
        role.setDescription(description);
        changed(role.name());
    }

    /** Sets the maximum session duration; ending the sessions a lowering ends is {@code session/RoleUpdates}' job. */
    public void updateMaxSessionDuration(AssumableRole role, int seconds) {
        role.setMaxSessionDuration(seconds);
        changed(role.name());
    }

    /** Replaces the trust policy; ending the sessions the change concerns is {@code session/RoleUpdates}' job. */
    public void updateTrustPolicy(AssumableRole role, PolicyDocument after) {
        role.setTrustPolicyJson(PolicyWriter.toJson(after));
        changed(role.name());
    }

    public void attach(AssumableRole role, RoleModel policy) {
        UserModel principal = principalOf(role);
        if (principal.getRoleMappingsStream().noneMatch(policy::equals)) {
            principal.grantRole(policy);
        }
        Set<String> recorded = new TreeSet<>(AssumableRole.recordedPolicyIds(role.client()));
        recorded.add(policy.getId());
        role.recordPolicyIds(recorded);
        changed(role.name());
    }

    /** Removes the mapping and its record; ending the role's sessions is {@code session/RoleUpdates}' job. */
    public void detach(AssumableRole role, RoleModel policy) {
        principalOf(role).deleteRoleMapping(policy);
        Set<String> recorded = new TreeSet<>(AssumableRole.recordedPolicyIds(role.client()));
        recorded.remove(policy.getId());
        role.recordPolicyIds(recorded);
        changed(role.name());
    }

    /** The role's principal; recreated if a hand-written import left it out. */
    public UserModel principalOf(AssumableRole role) {
        UserModel principal = role.principal();
        return principal != null ? principal : addPrincipal(role.client());
    }

    private UserModel addPrincipal(ClientModel client) {
        UserModel principal = session.users().addUser(realm, null,
                "service-account-" + client.getClientId(), false, false);
        principal.setEnabled(true);
        principal.setServiceAccountClientLink(client.getId());
        return principal;
    }

    /**
     * Removes the role client; Keycloak removes its principal with it. The caller ({@code session/RoleUpdates}) has
     * ended the role's sessions first.
     */
    public void delete(AssumableRole role) {
        String roleName = role.name();
        session.setAttribute(DELETING + role.id(), Boolean.TRUE);
        try {
            realm.removeClient(role.id());
        } finally {
            session.removeAttribute(DELETING + role.id());
        }
        changed(roleName);
    }

    /** True while this store removes the client {@code clientId} (a removal that did its own revocation and event). */
    public static boolean isDeleting(KeycloakSession session, String clientId) {
        return session.getAttribute(DELETING + clientId) != null;
    }

    /**
     * Puts a role client in the only shape it may have: confidential with a client authentication nothing satisfies,
     * every flow and grant off, full scope off, service account on (its user is the role's principal). Returns true
     * when something had to change (an imported role client, or one from an older version).
     */
    /**
     * {@link #lock(ClientModel)} for the client that carries {@code role}; a role of an earlier version, or one that
     * arrived with its realm's import, gets the record of its attached policies from its principal's mappings now.
     */
    public static boolean lock(AssumableRole role) {
        boolean changed = lock(role.client());
        if (!AssumableRole.recordsPolicies(role.client())) {
            UserModel principal = role.principal();
            role.recordPolicyIds(principal == null ? List.of() : principal.getRoleMappingsStream().map(RoleModel::getId).toList());
            changed = true;
        }
        return changed;
    }

    public static boolean lock(ClientModel client) {
        boolean changed = false;
        if (!OIDCLoginProtocol.LOGIN_PROTOCOL.equals(client.getProtocol())) {
            client.setProtocol(OIDCLoginProtocol.LOGIN_PROTOCOL);
            changed = true;
        }
        if (client.isPublicClient() || client.isBearerOnly() || client.isStandardFlowEnabled() || client.isImplicitFlowEnabled()
                || client.isDirectAccessGrantsEnabled() || client.isFullScopeAllowed() || !client.isServiceAccountsEnabled()) {
            client.setPublicClient(false);
            client.setBearerOnly(false);
            client.setStandardFlowEnabled(false);
            client.setImplicitFlowEnabled(false);
            client.setDirectAccessGrantsEnabled(false);
            client.setFullScopeAllowed(false);
            client.setServiceAccountsEnabled(true);
            changed = true;
        }
        if (!UNUSABLE_CLIENT_AUTHENTICATOR.equals(client.getClientAuthenticatorType())) {
            client.setClientAuthenticatorType(UNUSABLE_CLIENT_AUTHENTICATOR);
            changed = true;
        }
        for (String attribute : GRANT_ATTRIBUTES) {
            if (client.getAttribute(attribute) != null && !"false".equals(client.getAttribute(attribute))) {
                client.removeAttribute(attribute);
                changed = true;
            }
        }
        return changed;
    }

    private void changed(String roleName) {
        AssumableRoleChangedEvent.publish(session, realm, roleName);
    }
}
