package io.github.keycloaksts.session;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.keycloaksts.platform.TrustUsage;
import io.github.keycloaksts.role.AssumableRole;
import jakarta.persistence.EntityManager;
import org.jboss.logging.Logger;
import org.keycloak.Config;
import org.keycloak.common.util.Time;
import org.keycloak.connections.jpa.JpaConnectionProvider;
import org.keycloak.models.ClientModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.models.RealmModel;
import org.keycloak.provider.ProviderEvent;
import org.keycloak.services.scheduled.ClusterAwareScheduledTaskRunner;
import org.keycloak.timer.TimerProvider;

/**
 * The record of role-session starts: one row per token exchange or Switch Role sign-in, in the database
 * Keycloak itself uses, written in the transaction that starts the session. Listing and ending single sessions read it
 * instead of the event store, which a realm administrator can turn off, clear or expire sooner than the sessions.
 * Everything is keyed by realm: a look-up never leaves the realm it is made for.
 */
public final class RoleSessionRecords {

    public static final String TOKEN = "token";
    public static final String BROWSER = "browser";

    private static final Logger LOG = Logger.getLogger(RoleSessionRecords.class);

    private RoleSessionRecords() {
    }

    /** A role session as it starts. {@code expiresAt} in seconds (the token's {@code exp}), {@code issuedAtMillis} in ms. */
    public record Start(String sessionId, String kind, String roleId, String sourceAccount, String sourceIdentity,
                        String sourceUserId, String sourceSessionId, String sessionName, String clientId, String ipAddress,
                        String userId, long issuedAtMillis, long expiresAt, String sessionTags) {

        /** A role token: its session ID is the token's {@code jti}. */
        public static Start token(String tokenId, String roleId, String sourceAccount, String sourceIdentity, String sourceUserId,
                                  String sourceSessionId, String sessionName, String clientId, String ipAddress, String userId,
                                  long expiresAt, Map<String, String> sessionTags) {
            return new Start(tokenId, TOKEN, roleId, sourceAccount, sourceIdentity, sourceUserId, sourceSessionId, sessionName,
                    clientId, ipAddress, userId, Time.currentTimeMillis(), expiresAt, tagsText(sessionTags));
        }

        /** A browser role session (Switch Role): its session ID is the user session's; {@code expiresAt} as its note. */
        public static Start browser(String userSessionId, String roleId, String sourceAccount, String sourceIdentity,
                                    String sourceUserId, String sourceSessionId, String sessionName, String clientId,
                                    String ipAddress, String userId, String expiresAt, Map<String, String> sessionTags) {
            long expires;
            try {
                expires = Long.parseLong(expiresAt);
            } catch (RuntimeException e) {
                expires = 0; // never listed, as before: a session without an expiry is not one we can show
            }
            return new Start(userSessionId, BROWSER, roleId, sourceAccount, sourceIdentity, sourceUserId, sourceSessionId,
                    sessionName, clientId, ipAddress, userId, Time.currentTimeMillis(), expires, tagsText(sessionTags));
        }
    }

    /**
     * One insert, flushed with the starting transaction (no read: {@code persist} of a new key). Without a database
     * there is no record, and so no session: the exchange fails closed.
     */
    public static void record(KeycloakSession session, RealmModel realm, Start start) {
        if (start.sessionId() == null || start.roleId() == null || start.userId() == null) {
            throw new IllegalStateException("incomplete role-session record");
        }
        RoleSessionRecordEntity row = new RoleSessionRecordEntity();
        row.realmId = realm.getId();
        row.sessionId = start.sessionId();
        row.roleId = start.roleId();
        row.kind = start.kind();
        row.sourceAccount = start.sourceAccount();
        row.sourceIdentity = start.sourceIdentity();
        row.sourceUserId = start.sourceUserId();
        row.sourceSessionId = start.sourceSessionId();
        row.sessionName = start.sessionName();
        row.clientId = start.clientId();
        row.ipAddress = start.ipAddress();
        row.userId = start.userId();
        row.sessionTags = start.sessionTags();
        row.issuedAt = start.issuedAtMillis();
        row.expiresAt = start.expiresAt();
        em(session).persist(row);
        TrustUsage.allowed(realm, start.roleId(), TrustUsage.sourceOf(start.sourceAccount(), start.sourceIdentity()));
    }

    private static final int TAGS_COLUMN = 4000;
    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * Tags as the record keeps them: a JSON object, null for none. Past the column's 4000 characters the list keeps
     * the tags that fit and the key {@code …} says how many it left out (the token and the events carry them all).
     */
    static String tagsText(Map<String, String> tags) {
        if (tags == null || tags.isEmpty()) {
            return null;
        }
        Map<String, String> kept = new LinkedHashMap<>();
        int left = tags.size();
        for (Map.Entry<String, String> tag : tags.entrySet()) {
            kept.put(tag.getKey(), tag.getValue());
            left--;
            if (text(kept, left).length() > TAGS_COLUMN) {
                kept.remove(tag.getKey());
                left++;
                break;
            }
        }
        return text(kept, left);
    }

    private static String text(Map<String, String> kept, int left) {
        Map<String, String> shown = new LinkedHashMap<>(kept);
        if (left > 0) {
            shown.put("…", left + " more");
        }
        try {
            return JSON.writeValueAsString(shown);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The tags a record keeps, as {@link #tagsText} wrote them; empty for none or for text that does not read. */
    public static Map<String, String> tags(String text) {
        if (text == null) {
            return Map.of();
        }
        try {
            return JSON.readValue(text, new TypeReference<LinkedHashMap<String, String>>() { });
        } catch (JsonProcessingException e) {
            return Map.of();
        }
    }

    /** The role's sessions not yet expired at {@code nowSeconds}, newest first, at most {@code max}. */
    public static List<RoleSessionRecordEntity> unexpired(KeycloakSession session, RealmModel realm, String roleId, long nowSeconds, int max) {
        return em(session).createNamedQuery("stsRoleSessionsOfRole", RoleSessionRecordEntity.class)
                .setParameter("realmId", realm.getId()).setParameter("roleId", roleId).setParameter("now", nowSeconds)
                .setMaxResults(max).getResultList();
    }

    /** The session {@code sessionId} of this realm, if it is one of role {@code roleId}. */
    public static Optional<RoleSessionRecordEntity> find(KeycloakSession session, RealmModel realm, String roleId, String sessionId) {
        RoleSessionRecordEntity row = em(session).find(RoleSessionRecordEntity.class, new RoleSessionRecordEntity.Key(realm.getId(), sessionId));
        return row != null && row.roleId.equals(roleId) ? Optional.of(row) : Optional.empty();
    }

    /** The session {@code sessionId} of this realm, of whichever role: a look-up by primary key. */
    public static Optional<RoleSessionRecordEntity> find(KeycloakSession session, RealmModel realm, String sessionId) {
        return Optional.ofNullable(em(session).find(RoleSessionRecordEntity.class, new RoleSessionRecordEntity.Key(realm.getId(), sessionId)));
    }

    /**
     * The unexpired role tokens of this realm that client {@code clientId} obtained until {@code untilMillis}: what a
     * switch on that client ends (the token's {@code azp} is not part of its role-session user, so only the record knows).
     */
    public static List<RoleSessionRecordEntity> tokensOfClient(KeycloakSession session, RealmModel realm, String clientId,
                                                               long untilMillis) {
        return em(session).createNamedQuery("stsRoleSessionTokensOfClient", RoleSessionRecordEntity.class)
                .setParameter("realmId", realm.getId()).setParameter("clientId", clientId)
                .setParameter("now", (long) Time.currentTime()).setParameter("until", untilMillis).getResultList();
    }

    /** The client IDs that obtained role tokens of this realm not yet expired. */
    public static List<String> clientsWithTokens(KeycloakSession session, RealmModel realm) {
        return em(session).createNamedQuery("stsRoleSessionClientsWithTokens", String.class)
                .setParameter("realmId", realm.getId()).setParameter("now", (long) Time.currentTime()).getResultList();
    }

    static int deleteExpired(KeycloakSession session, long nowSeconds) {
        return em(session).createNamedQuery("stsDeleteExpiredRoleSessions").setParameter("now", nowSeconds).executeUpdate();
    }

    private static EntityManager em(KeycloakSession session) {
        JpaConnectionProvider jpa = session.getProvider(JpaConnectionProvider.class);
        if (jpa == null) {
            throw new IllegalStateException("role-session records need Keycloak's JPA store");
        }
        return jpa.getEntityManager();
    }

    // ---------------------------------------------------------------- lifecycle

    /** Keycloak's model events, as the lifecycle listener hands them on. */
    public static void onEvent(ProviderEvent event) {
        if (event instanceof RealmModel.RealmRemovedEvent removed) {
            // No foreign key to REALM (Keycloak removes a realm's rows in its own order): delete with the realm.
            em(removed.getKeycloakSession()).createNamedQuery("stsDeleteRoleSessionsOfRealm")
                    .setParameter("realmId", removed.getRealm().getId()).executeUpdate();
        } else if (event instanceof ClientModel.ClientRemovedEvent removed
                && AssumableRole.isRoleClientId(removed.getClient().getClientId())) {
            // A deleted role's rows can never be listed again (a re-created role has a new client ID): only size.
            em(removed.getKeycloakSession()).createNamedQuery("stsDeleteRoleSessionsOfRole")
                    .setParameter("realmId", removed.getClient().getRealm().getId())
                    .setParameter("roleId", removed.getClient().getId()).executeUpdate();
        }
    }

    /** Like Keycloak's ClearExpiredEvents: every {@code scheduled.interval} (default 900 s), on one node of the cluster. */
    public static void scheduleCleanup(KeycloakSessionFactory factory) {
        long interval = Config.scope("scheduled").getLong("interval", 900L) * 1000;
        try (KeycloakSession session = factory.create()) {
            TimerProvider timer = session.getProvider(TimerProvider.class);
            if (timer != null) {
                timer.schedule(new ClusterAwareScheduledTaskRunner(factory, new ExpiredRoleSessionRecords(), interval), interval);
                LOG.debugf("Scheduled %s every %d ms", ExpiredRoleSessionRecords.class.getSimpleName(), interval);
            }
        }
    }
}
