package io.github.keycloaksts.role;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.keycloak.common.util.Time;
import org.keycloak.events.Event;
import org.keycloak.events.EventStoreProvider;
import org.keycloak.events.EventType;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;

/**
 * Live role sessions of an assumable role. Role tokens are stateless, so the record of who holds one is the
 * audit trail: the target realm's {@code TOKEN_EXCHANGE} events of the last maximum session duration whose
 * principal still exists (revocation removes it) and whose token has not expired. Requires the realm to store
 * events (realm-config turns that on); revocation itself does not depend on events.
 */
public final class RoleSessions {

    public static final String DURATION_DETAIL = "duration_seconds";
    public static final String EXPIRES_DETAIL = "expires_at";
    public static final String SOURCE_USER_ID_DETAIL = "source_user_id";
    public static final String SOURCE_SESSION_DETAIL = "source_session";

    private final KeycloakSession session;
    private final RealmModel realm;

    public RoleSessions(KeycloakSession session, RealmModel realm) {
        this.session = session;
        this.realm = realm;
    }

    /** Token exchanges and Switch Role sign-ins of this realm: the two ways a role session starts. */
    public static final String SWITCH_ROLE_AUTH_METHOD = "sts-switch-role";

    public List<Map<String, Object>> live(AssumableRole role, String roleArn) {
        EventStoreProvider events = session.getProvider(EventStoreProvider.class);
        if (events == null) {
            return List.of();
        }
        long now = Time.currentTimeMillis();
        Map<String, Boolean> userLive = new LinkedHashMap<>();
        return events.createQuery()
                .realm(realm.getId())
                .type(EventType.TOKEN_EXCHANGE, EventType.LOGIN)
                .fromDate(now - role.maxSessionDuration() * 1000L)
                .orderByDescTime()
                .maxResults(10_000)
                .getResultStream()
                .filter(event -> event.getError() == null && event.getDetails() != null && roleArn.equals(event.getDetails().get("role_arn")))
                .filter(event -> event.getType() == EventType.TOKEN_EXCHANGE
                        || SWITCH_ROLE_AUTH_METHOD.equals(event.getDetails().get(org.keycloak.events.Details.AUTH_METHOD)))
                .filter(event -> expiresAt(event) * 1000L > now)
                .filter(event -> event.getType() == EventType.TOKEN_EXCHANGE
                        ? userLive.computeIfAbsent(event.getUserId(), this::alive) && !tokenRevoked(event)
                        : browserSessionLive(event))
                .map(RoleSessions::representation)
                .toList();
    }

    /** The live session {@code sessionId} (a token ID or a browser role session ID) of {@code role}, if any. */
    public java.util.Optional<Map<String, Object>> find(AssumableRole role, String roleArn, String sessionId) {
        return live(role, roleArn).stream().filter(rep -> sessionId.equals(rep.get("sessionId"))).findFirst();
    }

    /**
     * Ends the live session {@code sessionId} of {@code role}: a role token by putting its ID in the revoked-token store
     * (checked by Keycloak on every path), a browser role session by logging it out. Only a session this realm's audit
     * trail shows for this role, so an administrator cannot end another realm's tokens by ID. False when there is none.
     */
    public boolean end(AssumableRole role, String roleArn, String sessionId) {
        java.util.Optional<Map<String, Object>> live = sessionId == null ? java.util.Optional.empty() : find(role, roleArn, sessionId);
        if (live.isEmpty()) {
            return false;
        }
        if ("token".equals(live.get().get("kind"))) {
            long expiresAt = Instant.parse((String) live.get().get("expiresAt")).getEpochSecond();
            new io.github.keycloaksts.live.RoleSessionMarks(session).revokeToken(sessionId, expiresAt);
        } else {
            org.keycloak.models.UserSessionModel userSession = session.sessions().getUserSession(realm, sessionId);
            if (userSession != null) {
                org.keycloak.services.managers.AuthenticationManager.backchannelLogout(session, realm, userSession,
                        session.getContext().getUri(), session.getContext().getConnection(), session.getContext().getRequestHeaders(), true);
            }
        }
        return true;
    }

    /** Looking the user up re-checks a live role session (see {@code live.LiveRoleSessions}). */
    private boolean alive(String userId) {
        UserModel user = userId == null ? null : session.users().getUserById(realm, userId);
        return user != null && RoleSessionPrincipals.isPrincipal(user);
    }

    private boolean tokenRevoked(Event event) {
        return new io.github.keycloaksts.live.RoleSessionMarks(session).tokenRevoked(event.getDetails().get("token_id"));
    }

    private boolean browserSessionLive(Event event) {
        if (event.getSessionId() == null) {
            return false;
        }
        org.keycloak.models.UserSessionModel userSession = session.sessions().getUserSession(realm, event.getSessionId());
        return userSession != null && userSession.getUser() != null && alive(userSession.getUser().getId());
    }

    private static long expiresAt(Event event) {
        try {
            return Long.parseLong(event.getDetails().get(EXPIRES_DETAIL));
        } catch (RuntimeException e) {
            return 0;
        }
    }

    private static Map<String, Object> representation(Event event) {
        Map<String, String> details = event.getDetails();
        Map<String, Object> rep = new LinkedHashMap<>();
        rep.put("sourceAccountId", details.get("source_account"));
        rep.put("sourceIdentity", details.get("source_identity"));
        rep.put("roleSessionName", details.get("role_session_name"));
        rep.put("assumedRoleArn", details.get("role_arn") + "/" + details.get("role_session_name"));
        rep.put("clientId", event.getClientId());
        rep.put("ipAddress", event.getIpAddress());
        boolean token = event.getType() == EventType.TOKEN_EXCHANGE;
        rep.put("kind", token ? "token" : "browser");
        rep.put("sessionId", token ? details.get("token_id") : event.getSessionId());
        rep.put("sourceUserId", details.get(SOURCE_USER_ID_DETAIL));
        rep.put("sourceSessionId", details.get(SOURCE_SESSION_DETAIL));
        rep.put("tokenId", details.get("token_id"));
        rep.put("issuedAt", Instant.ofEpochMilli(event.getTime()).toString());
        rep.put("expiresAt", Instant.ofEpochSecond(expiresAt(event)).toString());
        return rep;
    }
}
