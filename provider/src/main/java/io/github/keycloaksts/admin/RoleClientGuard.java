package io.github.keycloaksts.admin;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

import io.github.keycloaksts.assume.EventDetails;
import io.github.keycloaksts.exchange.AssumeRoleClients;
import io.github.keycloaksts.role.AssumableRole;
import io.github.keycloaksts.role.AssumableRoleStore;
import io.github.keycloaksts.session.RoleSessionRevocation;
import org.jboss.logging.Logger;
import org.keycloak.events.admin.OperationType;
import org.keycloak.models.ClientModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.utils.KeycloakModelUtils;
import org.keycloak.provider.ProviderEvent;
import org.keycloak.services.ErrorResponseException;
import org.keycloak.services.resources.admin.AdminEventBuilder;

/**
 * Keeps the storage of assumable roles (the {@code sts-role:*} clients) from being a side door around
 * {@code /sts/roles}: Keycloak's generic client endpoints, partial import and client registration can reach those
 * clients, and checks only {@code manage-clients} there.
 *
 * <ul>
 *   <li><b>Changes are refused.</b> Keycloak publishes {@link ClientModel.ClientUpdatedEvent} inside
 *       {@code PUT /clients/{id}} (and when a client is created from a representation: {@code POST /clients},
 *       partial import, client registration) after applying the representation and before the admin event and the
 *       commit; an exception thrown by a listener leaves the request, whose transaction Keycloak then rolls back.
 *       The state before the request is read in a transaction of its own; a change of the client ID, of an
 *       {@code sts.*} attribute (the trust policy, the duration, the role name) or a grant switch, of the flows, the
 *       client authentication, the secret, full scope or the service account is refused with 403 and a recorded refusal;
 *       creating a client that would be a role (ID {@code sts-role:*} or an {@code sts.*} attribute) likewise.
 *       Harmless edits (name, description, URLs) go through, and the console page follows them.</li>
 *   <li><b>A deletion takes the same effect as {@code DELETE /sts/roles}.</b> Keycloak publishes
 *       {@link ClientModel.ClientRemovedEvent} before removing the client: the role's principals are removed, so
 *       every live role token turns inactive, and an admin event {@code STS_ROLE DELETE} names the revoked
 *       accounts.</li>
 *   <li><b>Role clients keep their locked shape</b> ({@link AssumableRoleStore#lock}): after a realm import and at
 *       startup.</li>
 * </ul>
 * Realm creation (an import by whoever may create realms, or {@code --import-realm}) is not checked.
 */
public final class RoleClientGuard {

    private static final Logger LOG = Logger.getLogger(RoleClientGuard.class);
    private static final String REALM_BEING_CREATED = RoleClientGuard.class.getName() + ".realm-being-created:";

    private RoleClientGuard() {
    }

    /** Keycloak's model events, as the lifecycle listener hands them on. */
    public static void onEvent(ProviderEvent event) {
        if (event instanceof ClientModel.ClientUpdatedEvent updated) {
            clientUpdated(updated.getKeycloakSession(), updated.getUpdatedClient());
        } else if (event instanceof ClientModel.ClientRemovedEvent removed) {
            clientRemoved(removed.getKeycloakSession(), removed.getClient());
        } else if (event instanceof RealmModel.RealmCreationEvent created) {
            created.getKeycloakSession().setAttribute(REALM_BEING_CREATED + created.getCreatedRealm().getId(), Boolean.TRUE);
        } else if (event instanceof RealmModel.RealmPostCreateEvent created) {
            KeycloakSession session = created.getKeycloakSession();
            session.removeAttribute(REALM_BEING_CREATED + created.getCreatedRealm().getId());
            lockAll(session, created.getCreatedRealm());
        }
    }

    private static boolean beingCreated(KeycloakSession session, RealmModel realm) {
        return session.getAttribute(REALM_BEING_CREATED + realm.getId()) != null;
    }

    // ---------------------------------------------------------------- updates

    /** What of a client decides what a role token is and who can obtain one. */
    record Shape(String clientId, boolean roleClient, boolean enabled, String protocol, boolean publicClient, boolean bearerOnly,
                 boolean standardFlow, boolean implicitFlow, boolean directAccessGrants, boolean serviceAccounts,
                 String clientAuthenticator, String secret, boolean fullScope, Map<String, String> attributes) {

        static Shape of(ClientModel client) {
            // The attributes that decide a role: sts.*, and the grant switches (absent is off). Others (display,
            // computed ones such as realm_client, credentials no authenticator of a role client reads) may change.
            Map<String, String> attributes = new TreeMap<>();
            client.getAttributes().forEach((key, value) -> {
                if (value != null && !value.isEmpty() && key.startsWith("sts.")) {
                    attributes.put(key, value);
                }
            });
            for (String key : AssumableRoleStore.GRANT_ATTRIBUTES) {
                String value = client.getAttribute(key);
                attributes.put(key, value == null || value.isEmpty() ? "false" : value);
            }
            return new Shape(client.getClientId(), AssumableRole.isRoleClient(client), client.isEnabled(), client.getProtocol(),
                    client.isPublicClient(), client.isBearerOnly(), client.isStandardFlowEnabled(), client.isImplicitFlowEnabled(),
                    client.isDirectAccessGrantsEnabled(), client.isServiceAccountsEnabled(), client.getClientAuthenticatorType(),
                    client.getSecret(), client.isFullScopeAllowed(), attributes);
        }

        /**
         * True when {@code clientId} or an attribute that stores a role makes the client look like a role's. Other
         * {@code sts.*} attributes are not a role's: {@code sts.assume-role.enabled} opts an ordinary client in to
         * AssumeRole.
         */
        boolean looksLikeRole() {
            return AssumableRole.isRoleClientId(clientId)
                    || attributes.keySet().stream().anyMatch(AssumableRole.STORAGE_ATTRIBUTES::contains);
        }

        /** The guarded properties that differ between {@code this} (before) and {@code after}. */
        List<String> changesTo(Shape after) {
            List<String> changed = new ArrayList<>();
            compare(changed, "clientId", clientId, after.clientId);
            compare(changed, "enabled", enabled, after.enabled);
            compare(changed, "protocol", protocol, after.protocol);
            compare(changed, "publicClient", publicClient, after.publicClient);
            compare(changed, "bearerOnly", bearerOnly, after.bearerOnly);
            compare(changed, "standardFlowEnabled", standardFlow, after.standardFlow);
            compare(changed, "implicitFlowEnabled", implicitFlow, after.implicitFlow);
            compare(changed, "directAccessGrantsEnabled", directAccessGrants, after.directAccessGrants);
            compare(changed, "serviceAccountsEnabled", serviceAccounts, after.serviceAccounts);
            compare(changed, "clientAuthenticatorType", clientAuthenticator, after.clientAuthenticator);
            compare(changed, "secret", secret, after.secret);
            compare(changed, "fullScopeAllowed", fullScope, after.fullScope);
            Set<String> keys = new TreeSet<>(attributes.keySet());
            keys.addAll(after.attributes.keySet());
            for (String key : keys) {
                compare(changed, "attributes." + key, attributes.get(key), after.attributes.get(key));
            }
            return changed;
        }

        private static void compare(List<String> changed, String name, Object before, Object after) {
            if (!Objects.equals(before, after)) {
                changed.add(name);
            }
        }
    }

    private static void clientUpdated(KeycloakSession session, ClientModel client) {
        RealmModel realm = client.getRealm();
        if (realm == null || beingCreated(session, realm)) {
            return;
        }
        Shape after = Shape.of(client);
        String realmId = realm.getId();
        String id = client.getId();
        // The state before this request, as committed: the request's own changes are not visible to another transaction.
        Shape before = KeycloakModelUtils.runJobInTransactionWithResult(session.getKeycloakSessionFactory(), tx -> {
            RealmModel txRealm = tx.realms().getRealm(realmId);
            ClientModel stored = txRealm == null ? null : tx.clients().getClientById(txRealm, id);
            return stored == null ? null : Shape.of(stored);
        });
        if (viaClientRegistration(session)
                && !Objects.equals(before == null ? null : before.attributes().get(AssumeRoleClients.OPT_IN_ATTRIBUTE),
                        after.attributes().get(AssumeRoleClients.OPT_IN_ATTRIBUTE))) {
            // Opting in lets a client's mappers shape role tokens: an administrator's decision (manage-clients), never
            // one a client makes about itself with its registration access token or an initial access token.
            throw refuse(session, realm, before == null ? OperationType.CREATE : OperationType.UPDATE, after.clientId(),
                    "attribute " + AssumeRoleClients.OPT_IN_ATTRIBUTE + " is set by administrators, not by client registration",
                    "setting " + AssumeRoleClients.OPT_IN_ATTRIBUTE + " of client " + after.clientId() + " through client registration");
        }
        if (before == null) {
            if (after.looksLikeRole()) {
                throw refuse(session, realm, OperationType.CREATE, after.clientId(),
                        "client " + after.clientId() + " would be an assumable role: roles are created through /sts/roles",
                        "creating a client named " + AssumableRole.CLIENT_ID_PREFIX + "* or with the attributes that store a role");
            }
            return;
        }
        if (!before.roleClient()) {
            if (after.looksLikeRole()) {
                throw refuse(session, realm, OperationType.UPDATE, before.clientId(),
                        "client " + before.clientId() + " cannot become an assumable role: roles are created through /sts/roles",
                        "turning client " + before.clientId() + " into " + after.clientId() + " with the attributes that store a role");
            }
            return;
        }
        List<String> changed = before.changesTo(after);
        if (!changed.isEmpty()) {
            throw refuse(session, realm, OperationType.UPDATE, before.clientId(),
                    "client " + before.clientId() + " is an assumable role: change it through /sts/roles",
                    "changing " + String.join(", ", changed) + " of role client " + before.clientId()
                            + " through Keycloak's client endpoints");
        }
    }

    /** True inside Keycloak's client registration endpoints ({@code /realms/{realm}/clients-registrations/…}). */
    private static boolean viaClientRegistration(KeycloakSession session) {
        return session.getContext().getUri() != null && session.getContext().getUri().getPath().contains("/clients-registrations/");
    }

    private static ErrorResponseException refuse(KeycloakSession session, RealmModel realm, OperationType operation, String clientId,
                                                 String message, String reason) {
        String fullReason = reason + " (client " + clientId + ")";
        Optional<AdminEventBuilder> event = AdminRequest.eventBuilder(session, realm);
        if (event.isEmpty()) {
            return AdminRequest.refuseUnattributed(session, realm, operation, RoleResource.ROLE_RESOURCE, "Forbidden.RoleClient",
                    message, fullReason);
        }
        event.get().operation(operation).resource(RoleResource.ROLE_RESOURCE)
                .resourcePath(session.getContext().getUri()).detail(EventDetails.CLIENT_ID, clientId);
        return AdminRequest.refuse(session, realm, event.get(), "Forbidden.RoleClient", message, fullReason);
    }

    // ---------------------------------------------------------------- removal

    private static void clientRemoved(KeycloakSession session, ClientModel client) {
        RealmModel realm = client.getRealm();
        if (realm == null || beingCreated(session, realm) || AssumableRoleStore.isDeleting(session, client.getId())) {
            return;
        }
        Optional<AssumableRole> role = new AssumableRoleStore(session, realm).ofClient(client);
        if (role.isEmpty()) {
            return;
        }
        List<String> revoked = new RoleSessionRevocation(session, realm).revoke(role.get(), null);
        String path = session.getContext().getUri() == null ? "" : session.getContext().getUri().getPath();
        if (path.endsWith("/realms/" + realm.getName())) {
            return; // the realm goes away with everything in it
        }
        AdminRequest.eventBuilder(session, realm).ifPresent(event -> event.operation(OperationType.DELETE)
                .resource(RoleResource.ROLE_RESOURCE).resourcePath("sts", "roles", role.get().name())
                .detail(EventDetails.REVOKED_ACCOUNTS, String.join(",", revoked))
                .detail(EventDetails.CLIENT_ID, client.getClientId()).success());
        LOG.infof("Role %s of realm %s deleted through Keycloak's client endpoints; sessions of accounts %s revoked",
                role.get().name(), realm.getName(), revoked);
    }

    // ---------------------------------------------------------------- locking

    /** Gives every role client of {@code realm} its locked shape (at start-up and after a realm import). */
    public static void lockAll(KeycloakSession session, RealmModel realm) {
        new AssumableRoleStore(session, realm).list().forEach(role -> {
            if (AssumableRoleStore.lock(role)) {
                LOG.infof("Locked role client %s of realm %s (client authentication, flows and grants off)",
                        AssumableRole.clientIdOf(role.name()), realm.getName());
            }
        });
    }
}
