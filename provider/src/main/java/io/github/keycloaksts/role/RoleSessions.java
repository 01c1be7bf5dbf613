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

    private final KeycloakSession session;
    private final RealmModel realm;

    public RoleSessions(KeycloakSession session, RealmModel realm) {
        this.session = session;
        this.realm = realm;
    }

    public List<Map<String, Object>> live(AssumableRole role, String roleArn) {
        EventStoreProvider events = session.getProvider(EventStoreProvider.class);
        if (events == null) {
            return List.of();
        }
        long now = Time.currentTimeMillis();
        Map<String, Boolean> principalAlive = new LinkedHashMap<>();
        return events.createQuery()
                .realm(realm.getId())
                .type(EventType.TOKEN_EXCHANGE)
                .fromDate(now - role.maxSessionDuration() * 1000L)
                .orderByDescTime()
                .maxResults(10_000)
                .getResultStream()
                .filter(event -> event.getDetails() != null && roleArn.equals(event.getDetails().get("role_arn")))
                .filter(event -> expiresAt(event) * 1000L > now)
                .filter(event -> principalAlive.computeIfAbsent(event.getUserId(), this::alive))
                .map(RoleSessions::representation)
                .toList();
    }

    private boolean alive(String userId) {
        UserModel user = userId == null ? null : session.users().getUserById(realm, userId);
        return user != null && RoleSessionPrincipals.isPrincipal(user);
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
        rep.put("tokenId", details.get("token_id"));
        rep.put("issuedAt", Instant.ofEpochMilli(event.getTime()).toString());
        rep.put("expiresAt", Instant.ofEpochSecond(expiresAt(event)).toString());
        return rep;
    }
}
