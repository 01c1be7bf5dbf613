package io.github.keycloaksts.console;

import java.io.IOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;

import io.github.keycloaksts.account.Account;
import io.github.keycloaksts.policy.arn.RoleArn;
import io.github.keycloaksts.policy.tags.SessionTags;
import io.github.keycloaksts.policy.tags.TagValidationException;
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
import org.keycloak.util.JsonSerialization;

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
    /** The session's tags (the switching user's principal tags, where the role accepts tags): a JSON object. */
    static final String SESSION_TAGS = "sts.session-tags";

    private RoleSessionNotes() {
    }

    /**
     * What Switch Role hands to the target realm (in the ticket) and keeps as the browser role session's notes: typed
     * here, and written and read as notes only here. {@code expiresAt} in seconds; {@code sessionTags} never null.
     */
    record Facts(String roleName, String roleArn, String sessionName, String sourceIdentity, String sourceRealm,
                 String sourceUsername, String sourceAccount, String actSub, String actIss, long expiresAt, int durationSeconds,
                 String sourceSession, String displayName, String color, SessionTags sessionTags) {

        Map<String, String> notes() {
            Map<String, String> notes = new HashMap<>();
            notes.put(ROLE_NAME, roleName);
            notes.put(ROLE_ARN, roleArn);
            notes.put(SESSION_NAME, sessionName);
            notes.put(SOURCE_IDENTITY, sourceIdentity);
            notes.put(SOURCE_REALM, sourceRealm);
            notes.put(SOURCE_USERNAME, sourceUsername);
            notes.put(SOURCE_ACCOUNT, sourceAccount);
            notes.put(ACT_SUB, actSub);
            notes.put(ACT_ISS, actIss);
            notes.put(EXPIRES_AT, Long.toString(expiresAt));
            notes.put(DURATION, Integer.toString(durationSeconds));
            notes.put(SOURCE_SESSION, sourceSession);
            if (displayName != null) {
                notes.put(DISPLAY_NAME, displayName);
            }
            if (color != null) {
                notes.put(COLOR, color);
            }
            if (!sessionTags.isEmpty()) {
                try {
                    notes.put(SESSION_TAGS, JsonSerialization.writeValueAsString(sessionTags.tags()));
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
            }
            return notes;
        }

        /**
         * The facts {@code note} names (a ticket's map, a user session's notes); empty when one that every role session
         * has is missing or unreadable (a ticket of an earlier version, notes someone else wrote), or the tags do not
         * read as tags (fail closed: the session is then dead, never a session without its tags).
         */
        static Optional<Facts> read(Function<String, String> note) {
            for (String required : List.of(ROLE_NAME, ROLE_ARN, SESSION_NAME, SOURCE_IDENTITY, SOURCE_REALM, SOURCE_USERNAME,
                    SOURCE_ACCOUNT, ACT_SUB, ACT_ISS, SOURCE_SESSION)) {
                if (note.apply(required) == null) {
                    return Optional.empty();
                }
            }
            try {
                return Optional.of(new Facts(note.apply(ROLE_NAME), note.apply(ROLE_ARN), note.apply(SESSION_NAME),
                        note.apply(SOURCE_IDENTITY), note.apply(SOURCE_REALM), note.apply(SOURCE_USERNAME), note.apply(SOURCE_ACCOUNT),
                        note.apply(ACT_SUB), note.apply(ACT_ISS), Long.parseLong(note.apply(EXPIRES_AT)),
                        Integer.parseInt(note.apply(DURATION)), note.apply(SOURCE_SESSION), note.apply(DISPLAY_NAME), note.apply(COLOR),
                        note.apply(SESSION_TAGS) == null ? SessionTags.none()
                                : SessionTags.of(SessionTags.parseRequestTags(note.apply(SESSION_TAGS)), List.of())));
            } catch (NumberFormatException | TagValidationException e) {
                return Optional.empty();
            }
        }

        /** Who acts, as the confirmation page names it: {@code role (user @ source realm)}. */
        String identity() {
            return roleName + " (" + sourceUsername + " @ " + sourceRealm + ")";
        }
    }

    /**
     * A verified browser role session: its facts (null when its notes are unreadable), the role they name (null when
     * it no longer exists, or the facts are unreadable or do not match the session's user: every token of it is then
     * dead on arrival, fail closed), and its end, the earlier of the facts' {@code expiresAt} and the handle's issue
     * time plus its granted duration.
     */
    record RoleSession(UserSessionModel userSession, Facts facts, AssumableRole role, long expiresAt) {
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
        Facts facts = Facts.read(userSession::getNote).orElse(null);
        AssumableRole role = facts == null ? null : matchingRole(session, realm, facts, handle.get());
        return Optional.of(new RoleSession(userSession, facts, role, role == null ? 0L : Math.min(handleEnd, facts.expiresAt())));
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

    /** The role the facts name, when the handle's anchor is its console principal for the source account they name. */
    private static AssumableRole matchingRole(KeycloakSession session, RealmModel realm, Facts facts, RoleSessionHandle handle) {
        Optional<RoleSessionAnchors.Anchor> anchor = RoleSessionAnchors.anchor(session.users().getUserById(realm, handle.anchorId()));
        if (anchor.isEmpty() || !anchor.get().console() || anchor.get().federated()
                || !Objects.equals(anchor.get().accountId(), facts.sourceAccount())
                || !Objects.equals(handle.sourceUserId(), facts.actSub())) {
            return null;
        }
        AssumableRole role = new AssumableRoleStore(session, realm).find(facts.roleName()).orElse(null);
        if (role == null || !role.id().equals(anchor.get().roleClientId())) {
            return null;
        }
        String accountId = Account.of(session, realm).map(Account::accountId).orElse(null);
        String arn = accountId == null ? null : role.arn(accountId).toString();
        return arn != null && arn.equals(facts.roleArn()) ? role : null;
    }

    /** Checks that {@code RoleArn} keeps parsing what Switch Role writes (used by the token post-processor). */
    static RoleArn roleArn(RoleSession roleSession) {
        return RoleArn.parse(roleSession.facts().roleArn());
    }
}
