package io.github.keycloaksts.session;

import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.github.keycloaksts.role.AssumableRole;
import org.keycloak.common.util.Time;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;
import org.keycloak.models.UserSessionModel;
import org.keycloak.services.managers.AuthenticationManager;

/**
 * Live role sessions of an assumable role. Role tokens are stateless, so the record of who holds one is the table of
 * role-session starts ({@link RoleSessionRecords}), written by the exchange or sign-in that started each: rows of
 * the role not yet expired whose role-session user still exists (revocation removes it), whose token ID is not revoked
 * and (browser sessions) whose session still exists. Events are the audit trail only: turning them off, clearing or
 * expiring them hides no session.
 */
public final class RoleSessions {

    /** At most this many of a role's unexpired sessions are listed, newest first (ending one by ID has no limit). */
    static final int MAX_LISTED = 10_000;

    private final KeycloakSession session;
    private final RealmModel realm;

    public RoleSessions(KeycloakSession session, RealmModel realm) {
        this.session = session;
        this.realm = realm;
    }

    /** Token exchanges and Switch Role sign-ins of this realm: the two ways a role session starts. */
    public static final String SWITCH_ROLE_AUTH_METHOD = "sts-switch-role";

    public List<LiveRoleSession> live(AssumableRole role, String roleArn) {
        Map<String, Boolean> userLive = new HashMap<>();
        return RoleSessionRecords.unexpired(session, realm, role.id(), Time.currentTime(), MAX_LISTED).stream()
                .filter(row -> live(row, userLive))
                .map(row -> representation(row, roleArn))
                .toList();
    }

    /** The live session {@code sessionId} (a token ID or a browser role session ID) of {@code role}, if any. */
    public Optional<LiveRoleSession> find(AssumableRole role, String roleArn, String sessionId) {
        return sessionId == null ? Optional.empty() : RoleSessionRecords.find(session, realm, role.id(), sessionId)
                .filter(row -> row.getExpiresAt() > Time.currentTime() && live(row, new HashMap<>()))
                .map(row -> representation(row, roleArn));
    }

    /**
     * Ends the live session {@code sessionId} of {@code role}: a role token by putting its ID in the revoked-token store
     * (checked by Keycloak on every path), a browser role session by logging it out. Only a session this realm recorded
     * for this role, so an administrator cannot end another realm's tokens by ID. False when there is none.
     */
    public boolean end(AssumableRole role, String roleArn, String sessionId) {
        Optional<LiveRoleSession> live = find(role, roleArn, sessionId);
        if (live.isEmpty()) {
            return false;
        }
        if (live.get().token()) {
            long expiresAt = live.get().expiresAt().getEpochSecond();
            new RoleSessionMarks(session).revokeToken(sessionId, expiresAt);
        } else {
            UserSessionModel userSession = session.sessions().getUserSession(realm, sessionId);
            if (userSession != null) {
                AuthenticationManager.backchannelLogout(session, realm, userSession,
                        session.getContext().getUri(), session.getContext().getConnection(), session.getContext().getRequestHeaders(), true);
            }
        }
        return true;
    }

    private boolean live(RoleSessionRecordEntity row, Map<String, Boolean> userLive) {
        return RoleSessionRecords.TOKEN.equals(row.getKind())
                ? userLive.computeIfAbsent(row.getUserId(), this::alive) && !tokenRevoked(row.getSessionId())
                : browserSessionLive(row.getSessionId());
    }

    /** Looking the user up re-checks a live role session (see {@code live.LiveRoleSessions}). */
    private boolean alive(String userId) {
        UserModel user = userId == null ? null : session.users().getUserById(realm, userId);
        return user != null && RoleSessionAnchors.isPrincipal(user);
    }

    private boolean tokenRevoked(String tokenId) {
        return new RoleSessionMarks(session).tokenRevoked(tokenId);
    }

    private boolean browserSessionLive(String sessionId) {
        UserSessionModel userSession = session.sessions().getUserSession(realm, sessionId);
        return userSession != null && userSession.getUser() != null && alive(userSession.getUser().getId());
    }

    private static LiveRoleSession representation(RoleSessionRecordEntity row, String roleArn) {
        boolean token = RoleSessionRecords.TOKEN.equals(row.getKind());
        return new LiveRoleSession(row.getSessionId(), token ? RoleSessionRecords.TOKEN : RoleSessionRecords.BROWSER,
                row.getSourceAccount(), row.getSourceIdentity(), row.getSourceUserId(), row.getSourceSessionId(), row.getSessionName(),
                roleArn + "/" + row.getSessionName(), row.getClientId(), row.getIpAddress(), token ? row.getSessionId() : null,
                Instant.ofEpochMilli(row.getIssuedAt()), Instant.ofEpochSecond(row.getExpiresAt()),
                RoleSessionRecords.tags(row.getSessionTags()));
    }
}
