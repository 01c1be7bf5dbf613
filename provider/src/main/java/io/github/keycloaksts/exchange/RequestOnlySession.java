package io.github.keycloaksts.exchange;

import java.util.Collection;
import java.util.HashMap;
import java.util.Map;

import io.github.keycloaksts.assume.RandomIds;
import org.keycloak.common.util.Time;
import org.keycloak.models.AuthenticatedClientSessionModel;
import org.keycloak.models.ClientModel;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;
import org.keycloak.models.UserSessionModel;

/**
 * The user session a role token is minted on: in memory, for this request only, {@link SessionPersistenceState#TRANSIENT}
 * as Keycloak's own transient sessions are, so the token gets no {@code sid} and Keycloak's token ID says "transient".
 *
 * <p>Keycloak's transient sessions are created through the session provider, which registers them in its transaction
 * and looks the session's user up again by ID. A role session's user is new at every exchange ({@code f:<component>:
 * <handle>}), so that look-up missed the user cache every time: a live check, a database query for the user's
 * not-before time and a cache write per exchange, for a user that {@code LiveRoleSessions.userFor} had made a moment
 * earlier. This session holds that user and its one client session, with the notes Keycloak's would have.
 */
final class RequestOnlySession implements UserSessionModel {

    private final String id = RandomIds.uuid();
    private final RealmModel realm;
    private final UserModel user;
    private final String ipAddress;
    private final String authMethod;
    private final int started = Time.currentTime();
    private int lastSessionRefresh = started;
    private State state = State.LOGGED_IN;
    private final Map<String, String> notes = new HashMap<>();
    private final Map<String, AuthenticatedClientSessionModel> clientSessions = new HashMap<>();

    RequestOnlySession(RealmModel realm, UserModel user, String ipAddress, String authMethod) {
        this.realm = realm;
        this.user = user;
        this.ipAddress = ipAddress;
        this.authMethod = authMethod;
    }

    /** The client session of {@code client}, with the notes Keycloak's session provider gives a new one. */
    AuthenticatedClientSessionModel addClientSession(ClientModel client) {
        ClientSession clientSession = new ClientSession(this, client);
        clientSessions.put(client.getId(), clientSession);
        return clientSession;
    }

    @Override public String getId() { return id; }
    @Override public RealmModel getRealm() { return realm; }
    @Override public String getBrokerSessionId() { return null; }
    @Override public String getBrokerUserId() { return null; }
    @Override public UserModel getUser() { return user; }
    @Override public String getLoginUsername() { return user.getUsername(); }
    @Override public String getIpAddress() { return ipAddress; }
    @Override public String getAuthMethod() { return authMethod; }
    @Override public boolean isRememberMe() { return false; }
    @Override public int getStarted() { return started; }
    @Override public int getLastSessionRefresh() { return lastSessionRefresh; }
    @Override public void setLastSessionRefresh(int seconds) { lastSessionRefresh = seconds; }
    @Override public boolean isOffline() { return false; }
    @Override public Map<String, AuthenticatedClientSessionModel> getAuthenticatedClientSessions() { return clientSessions; }
    @Override public void removeAuthenticatedClientSessions(Collection<String> removedClientUUIDS) { removedClientUUIDS.forEach(clientSessions::remove); }
    @Override public String getNote(String name) { return notes.get(name); }
    @Override public void setNote(String name, String value) { notes.put(name, value); }
    @Override public void removeNote(String name) { notes.remove(name); }
    @Override public Map<String, String> getNotes() { return notes; }
    @Override public State getState() { return state; }
    @Override public void setState(State state) { this.state = state; }
    @Override public SessionPersistenceState getPersistenceState() { return SessionPersistenceState.TRANSIENT; }

    /** Never called on a session that lives for one token; refused rather than half-done. */
    @Override
    public void restartSession(RealmModel realm, UserModel user, String loginUsername, String ipAddress, String authMethod,
                               boolean rememberMe, String brokerSessionId, String brokerUserId) {
        throw new UnsupportedOperationException("a role token's session is not restarted");
    }

    @Override
    public String toString() {
        return "RequestOnlySession[" + id + " of " + user.getId() + "]";
    }

    private static final class ClientSession implements AuthenticatedClientSessionModel {
        private final String id = RandomIds.uuid();
        private final RequestOnlySession userSession;
        private final ClientModel client;
        private final Map<String, String> notes = new HashMap<>();
        private int timestamp = Time.currentTime();
        private String redirectUri;
        private String action;
        private String protocol;
        private boolean detached;

        ClientSession(RequestOnlySession userSession, ClientModel client) {
            this.userSession = userSession;
            this.client = client;
            notes.put(STARTED_AT_NOTE, String.valueOf(timestamp));
            notes.put(USER_SESSION_STARTED_AT_NOTE, String.valueOf(userSession.getStarted()));
        }

        @Override public String getId() { return id; }
        @Override public int getTimestamp() { return timestamp; }
        @Override public void setTimestamp(int timestamp) { this.timestamp = timestamp; }
        @Override public UserSessionModel getUserSession() { return detached ? null : userSession; }
        @Override public String getNote(String name) { return notes.get(name); }
        @Override public void setNote(String name, String value) { notes.put(name, value); }
        @Override public void removeNote(String name) { notes.remove(name); }
        @Override public Map<String, String> getNotes() { return notes; }
        @Override public String getRedirectUri() { return redirectUri; }
        @Override public void setRedirectUri(String uri) { redirectUri = uri; }
        @Override public RealmModel getRealm() { return userSession.getRealm(); }
        @Override public ClientModel getClient() { return client; }
        @Override public String getAction() { return action; }
        @Override public void setAction(String action) { this.action = action; }
        @Override public String getProtocol() { return protocol; }
        @Override public void setProtocol(String method) { protocol = method; }

        @Override
        public void detachFromUserSession() {
            userSession.clientSessions.remove(client.getId());
            detached = true;
        }
    }
}
