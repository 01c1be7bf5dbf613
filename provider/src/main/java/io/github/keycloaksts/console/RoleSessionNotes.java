package io.github.keycloaksts.console;

import java.util.Objects;
import java.util.Optional;

import io.github.keycloaksts.account.Account;
import io.github.keycloaksts.policy.arn.RoleArn;
import io.github.keycloaksts.role.AssumableRole;
import io.github.keycloaksts.role.AssumableRoleStore;
import io.github.keycloaksts.session.RoleSessionAnchors;
import io.github.keycloaksts.session.RoleSessionHandle;
import io.github.keycloaksts.session.RoleSessionStorageComponent;
import org.keycloak.component.ComponentModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;
import org.keycloak.models.UserSessionModel;
import org.keycloak.storage.StorageId;

/**
 * User-session notes that make a browser session of the target realm a role session (Switch Role).
 *
 * <p>Notes alone prove nothing: Keycloak lets others write user-session notes (the identity-provider mapper
 * "Hardcoded User Session Attribute" of a {@code manage-identity-providers} administrator writes any note on every
 * session brokered through that provider). A session is a role session only when its user is a browser role-session
 * user — ID {@code f:<component>:<handle>} of this realm's {@code sts-role-sessions} store, handle of kind
 * {@code CONSOLE} — whose anchor is the console principal of the role and source account the notes name
 * ({@link #roleSession}).
 */
final class RoleSessionNotes {

    static final String ROLE_NAME = "sts.role-name";
    static final String ROLE_ARN = "sts.role-arn";
    static final String SESSION_NAME = "sts.role-session-name";
    static final String SOURCE_IDENTITY = "sts.source-identity";
    static final String SOURCE_REALM = "sts.source-realm";
    static final String SOURCE_USERNAME = "sts.source-username";
    static final String SOURCE_ACCOUNT = "sts.source-account";
    static final String ACT_SUB = "sts.act-sub";
    static final String ACT_ISS = "sts.act-iss";
    static final String EXPIRES_AT = "sts.expires-at";
    static final String DURATION = "sts.duration";
    static final String SOURCE_SESSION = "sts.source-session";
    static final String DISPLAY_NAME = "sts.display-name";
    static final String COLOR = "sts.color";

    private RoleSessionNotes() {
    }

    /**
     * A verified browser role session: its notes, the role they name (null when it no longer exists or the notes do
     * not match the session's user: every token of it is then dead on arrival, fail closed), and its end, the earlier
     * of the {@code EXPIRES_AT} note and the handle's issue time plus its granted duration.
     */
    record RoleSession(UserSessionModel userSession, AssumableRole role, long expiresAt) {

        String note(String name) {
            return userSession.getNote(name);
        }
    }

    /**
     * The role session {@code userSession} is, or empty when it is not one: no role notes, or a user that is not a
     * browser role-session user of this realm (an ordinary user whose notes someone else wrote). No storage is read
     * for a session without role notes.
     */
    static Optional<RoleSession> roleSession(KeycloakSession session, UserSessionModel userSession) {
        if (userSession == null || userSession.getNote(ROLE_ARN) == null) {
            return Optional.empty();
        }
        RealmModel realm = userSession.getRealm();
        UserModel user = userSession.getUser();
        Optional<RoleSessionHandle> handle = consoleHandle(realm, user);
        if (handle.isEmpty()) {
            return Optional.empty();
        }
        long handleEnd = handle.get().issuedAtMillis() / 1000 + handle.get().durationSeconds();
        long expiresAt = Math.min(handleEnd, parseOr(userSession.getNote(EXPIRES_AT), 0L));
        AssumableRole role = matchingRole(session, realm, userSession, handle.get());
        return Optional.of(new RoleSession(userSession, role, role == null ? 0L : expiresAt));
    }

    /** The handle of a browser role-session user of {@code realm}'s own store, or empty. */
    private static Optional<RoleSessionHandle> consoleHandle(RealmModel realm, UserModel user) {
        if (user == null || user.getId() == null || StorageId.isLocalStorage(user.getId())) {
            return Optional.empty();
        }
        StorageId id = new StorageId(user.getId());
        ComponentModel component = realm.getComponent(id.getProviderId());
        if (component == null || !RoleSessionStorageComponent.PROVIDER_ID.equals(component.getProviderId())
                || !realm.getId().equals(component.getParentId())) {
            return Optional.empty();
        }
        return RoleSessionHandle.parse(id.getExternalId()).filter(h -> h.kind() == RoleSessionHandle.Kind.CONSOLE);
    }

    /** The role the notes name, when the handle's anchor is its console principal for the source account the notes name. */
    private static AssumableRole matchingRole(KeycloakSession session, RealmModel realm, UserSessionModel userSession, RoleSessionHandle handle) {
        Optional<RoleSessionAnchors.Anchor> anchor = RoleSessionAnchors.anchor(session.users().getUserById(realm, handle.anchorId()));
        if (anchor.isEmpty() || !anchor.get().console() || anchor.get().federated()
                || !Objects.equals(anchor.get().accountId(), userSession.getNote(SOURCE_ACCOUNT))
                || !Objects.equals(handle.sourceUserId(), userSession.getNote(ACT_SUB))) {
            return null;
        }
        AssumableRole role = new AssumableRoleStore(session, realm).find(userSession.getNote(ROLE_NAME)).orElse(null);
        if (role == null || !role.id().equals(anchor.get().roleClientId())) {
            return null;
        }
        String accountId = Account.of(session, realm).map(Account::accountId).orElse(null);
        String arn = accountId == null ? null : role.arn(accountId).toString();
        return arn != null && arn.equals(userSession.getNote(ROLE_ARN)) ? role : null;
    }

    private static long parseOr(String value, long fallback) {
        try {
            return value == null ? fallback : Long.parseLong(value);
        } catch (NumberFormatException e) {
            return fallback;
        }
    }

    /** Checks that {@code RoleArn} keeps parsing what Switch Role writes (used by the token post-processor). */
    static RoleArn roleArn(RoleSession roleSession) {
        return RoleArn.parse(roleSession.note(ROLE_ARN));
    }
}
