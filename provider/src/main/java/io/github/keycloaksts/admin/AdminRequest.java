package io.github.keycloaksts.admin;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Stream;

import jakarta.ws.rs.core.Response;
import org.jboss.logging.Logger;
import org.keycloak.common.util.Time;
import org.keycloak.events.Details;
import org.keycloak.events.EventListenerProvider;
import org.keycloak.events.EventStoreProvider;
import org.keycloak.events.admin.AdminEvent;
import org.keycloak.events.admin.AuthDetails;
import org.keycloak.events.admin.OperationType;
import org.keycloak.models.ClientModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.RoleModel;
import org.keycloak.models.UserModel;
import org.keycloak.models.utils.KeycloakModelUtils;
import org.keycloak.models.utils.RoleUtils;
import org.keycloak.representations.AccessToken;
import org.keycloak.services.ErrorResponseException;
import org.keycloak.services.resources.admin.AdminAuth;
import org.keycloak.services.resources.admin.AdminEventBuilder;
import org.keycloak.services.resources.admin.fgap.AdminPermissionEvaluator;
import org.keycloak.services.resources.admin.fgap.AdminPermissions;

/**
 * The administrator behind the current admin request, for code that Keycloak calls without its
 * {@link AdminPermissionEvaluator} (the console page's component hooks, model event listeners), and the two things
 * done with it: the map-role check of attaching a policy, and recording a refusal.
 *
 * <p>Keycloak records only successful admin operations as admin events and answers a refused one with a bare 403
 * (its role-mapping refusal is a debug log line). A refusal of ours is recorded as an admin event carrying
 * {@code error} (Keycloak's {@link AdminEvent#getError()}, shown by {@code GET /admin-events}) and
 * {@code details.reason}, written in a transaction of its own as Keycloak writes failed login events, since the
 * refused request's transaction is rolled back; and logged at WARN.
 */
public final class AdminRequest {

    public static final String ERROR_NOT_ALLOWED = "not_allowed";

    private static final Logger LOG = Logger.getLogger(AdminRequest.class);

    private AdminRequest() {
    }

    /**
     * The administrator of the current request, rebuilt as Keycloak's {@code AdminRoot} builds it from the bearer
     * token it authenticated; empty outside an admin request (startup, realm import from a file).
     */
    public static Optional<AdminAuth> current(KeycloakSession session) {
        if (!(session.getContext().getBearerToken() instanceof AccessToken token) || token.getIssuer() == null) {
            return Optional.empty();
        }
        String issuer = token.getIssuer();
        RealmModel authRealm = session.realms().getRealmByName(issuer.substring(issuer.lastIndexOf('/') + 1));
        UserModel user = session.getContext().getUser();
        if (authRealm == null || user == null) {
            return Optional.empty();
        }
        ClientModel client = token.getIssuedFor() == null ? null : authRealm.getClientByClientId(token.getIssuedFor());
        return Optional.of(new AdminAuth(authRealm, token, user, client));
    }

    /** The permissions in {@code realm} of the current request's administrator, as its admin resources see them. */
    public static Optional<AdminPermissionEvaluator> permissions(KeycloakSession session, RealmModel realm) {
        return current(session).map(auth -> AdminPermissions.evaluator(session, realm, auth));
    }

    /**
     * Attaching {@code policy} grants it, so it needs what Keycloak's role-mapping endpoints need to grant it
     * ({@code requireMapRole}, fine-grained admin permissions included) for the role and for every role it contains:
     * a composite must not carry in a role the administrator could not map directly. Returns the first role the
     * administrator may not map, or empty.
     */
    public static Optional<RoleModel> firstUnmappable(AdminPermissionEvaluator auth, RoleModel policy) {
        if (!auth.roles().canMapRole(policy)) {
            return Optional.of(policy);
        }
        return RoleUtils.expandCompositeRolesStream(Stream.of(policy))
                .filter(role -> !role.equals(policy))
                .filter(role -> !auth.roles().canMapRole(role))
                .findFirst();
    }

    /**
     * Records the refusal described by {@code event} (operation, resource, path and representation set by the
     * caller) with {@code reason}, and returns the 403 to throw. Terse to the caller, full reason in the event.
     */
    public static AdminApiException refuse(KeycloakSession session, RealmModel realm, AdminEventBuilder event,
                                                String code, String message, String reason) {
        event.detail(Details.REASON, reason);
        AdminEvent refused = new AdminEvent(event.getEvent());
        refused.setError(ERROR_NOT_ALLOWED);
        refused.setTime(Time.currentTimeMillis());
        refused.setId(UUID.randomUUID().toString());
        LOG.warnf("Refused admin request in realm %s by user %s: %s", realm.getName(),
                refused.getAuthDetails() == null ? null : refused.getAuthDetails().getUserId(), reason);
        store(session, realm.getId(), refused);
        return AdminApiException.shownByConsole(Response.Status.FORBIDDEN, code, message);
    }

    /**
     * As {@link #refuse}, for a request whose session carries no administrator: Keycloak runs a partial import in a
     * session of its own that keeps the realm but not the bearer token. The event names no administrator.
     */
    public static ErrorResponseException refuseUnattributed(KeycloakSession session, RealmModel realm, OperationType operation,
                                                            String resourceType, String code, String message, String reason) {
        AdminEvent refused = new AdminEvent();
        refused.setId(UUID.randomUUID().toString());
        refused.setTime(Time.currentTimeMillis());
        refused.setRealmId(realm.getId());
        refused.setRealmName(realm.getName());
        AuthDetails auth = new AuthDetails();
        auth.setRealmId(realm.getId());
        auth.setRealmName(realm.getName());
        auth.setIpAddress(session.getContext().getConnection() == null ? null : session.getContext().getConnection().getRemoteAddr());
        refused.setAuthDetails(auth);
        refused.setOperationType(operation);
        refused.setResourceTypeAsString(resourceType);
        refused.setResourcePath(session.getContext().getUri() == null ? null : session.getContext().getUri().getPath());
        refused.setError(ERROR_NOT_ALLOWED);
        refused.setDetails(new HashMap<>(Map.of(Details.REASON, reason)));
        LOG.warnf("Refused admin request in realm %s: %s", realm.getName(), reason);
        store(session, realm.getId(), refused);
        return new ErrorResponseException(code, message, Response.Status.FORBIDDEN);
    }

    /** An admin event builder for the current request in {@code realm}, for code that Keycloak gave none. */
    public static Optional<AdminEventBuilder> eventBuilder(KeycloakSession session, RealmModel realm) {
        return current(session).map(auth -> new AdminEventBuilder(realm, auth, session, session.getContext().getConnection()));
    }

    private static void store(KeycloakSession session, String realmId, AdminEvent event) {
        try {
            KeycloakModelUtils.runJobInTransaction(session.getKeycloakSessionFactory(), session.getContext(), inner -> {
                RealmModel realm = inner.realms().getRealm(realmId);
                if (realm == null) {
                    return;
                }
                boolean details = realm.isAdminEventsDetailsEnabled();
                if (realm.isAdminEventsEnabled()) {
                    EventStoreProvider store = inner.getProvider(EventStoreProvider.class);
                    if (store != null) {
                        store.onEvent(event, details);
                    }
                }
                realm.getEventsListenersStream().forEach(id -> {
                    EventListenerProvider listener = inner.getProvider(EventListenerProvider.class, id);
                    if (listener != null) {
                        listener.onEvent(event, details);
                    }
                });
            });
        } catch (RuntimeException e) {
            LOG.warnf(e, "Could not record the refusal of an admin request in realm %s", realmId);
        }
    }
}
