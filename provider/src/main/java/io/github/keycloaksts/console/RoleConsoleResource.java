package io.github.keycloaksts.console;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import io.github.keycloaksts.account.Account;
import io.github.keycloaksts.assume.EventDetails;
import io.github.keycloaksts.role.AssumableRole;
import io.github.keycloaksts.role.AssumableRoleStore;
import io.github.keycloaksts.role.AttachedPolicy;
import io.github.keycloaksts.session.LiveRoleSessions;
import io.github.keycloaksts.session.RoleSessionAnchors;
import io.github.keycloaksts.session.RoleSessionHandle;
import io.github.keycloaksts.session.RoleSessionRecords;
import jakarta.ws.rs.core.MultivaluedMap;
import jakarta.ws.rs.core.Response;
import org.keycloak.common.util.Time;
import org.keycloak.events.Details;
import org.keycloak.events.Errors;
import org.keycloak.events.EventBuilder;
import org.keycloak.events.EventType;
import org.keycloak.forms.login.LoginFormsProvider;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;
import org.keycloak.models.UserSessionModel;
import org.keycloak.models.utils.KeycloakModelUtils;
import org.keycloak.services.managers.AuthenticationManager;
import org.keycloak.services.managers.UserSessionManager;

/**
 * The target side of Switch Role: {@code enter} turns a ticket into a role session (an SSO session of the
 * target realm whose user is the role's console principal), {@code console} shows who is acting, {@code back}
 * ends the role session and returns to the source account.
 */
final class RoleConsoleResource {

    static final String CSRF_PURPOSE = "role-console";

    private final KeycloakSession session;
    private final RealmModel realm;

    RoleConsoleResource(KeycloakSession session) {
        this.session = session;
        this.realm = session.getContext().getRealm();
    }

    /**
     * Redeems a Switch Role ticket. The ticket is consumed whoever presents it (tried once), and opens a role session
     * only in the browser it was issued to. A browser that already holds another session of this realm is asked
     * first: the other session is replaced only on an explicit POST ({@link #confirm}).
     */
    Response enter(String ticket) {
        if (!ConsoleSupport.wellFormedToken(ticket)) {
            return refuse(null, "ticket missing or malformed");
        }
        Map<String, String> notes = session.singleUseObjects().remove(SwitchTicket.ticketKey(realm, ticket));
        if (notes == null) {
            return refuse(null, "ticket unknown, expired or already used");
        }
        if (!SwitchTicket.boundToThisBrowser(session, notes)) {
            return refuse(notes, "ticket presented by a browser other than the one it was issued to");
        }
        AuthenticationManager.AuthResult current = AuthenticationManager.authenticateIdentityCookie(session, realm, true);
        if (current != null && !sameSwitcher(session, current.session(), notes)) {
            return askToReplace(notes, current);
        }
        return open(notes, current == null ? null : current.session());
    }

    /** The answer to the confirmation page: {@code action=replace} opens the role session, {@code cancel} keeps the current one. */
    Response confirm(MultivaluedMap<String, String> form) {
        String pending = form.getFirst("pending");
        if (!ConsoleSupport.wellFormedToken(pending)) {
            return refuse(null, "confirmation missing or malformed");
        }
        Map<String, String> notes = session.singleUseObjects().remove(SwitchTicket.pendingKey(realm, pending));
        if (notes == null) {
            return refuse(null, "confirmation unknown, expired or already used");
        }
        if (!SwitchTicket.boundToThisBrowser(session, notes)) {
            return refuse(notes, "confirmation sent by a browser other than the one the ticket was issued to");
        }
        if (!ConsoleSupport.constantTimeEquals(notes.get(SwitchTicket.CONFIRM_CSRF), form.getFirst("csrf"))) {
            return refuse(notes, "confirmation CSRF token does not match");
        }
        String action = form.getFirst("action");
        if ("cancel".equals(action)) {
            SwitchTicket.expireBindingCookie(session, realm);
            return Response.seeOther(ConsoleSupport.stsUrl(session, notes.get(RoleSessionNotes.SOURCE_REALM), "switch-role")).build();
        }
        if (!"replace".equals(action)) {
            return refuse(notes, "confirmation without a valid action");
        }
        AuthenticationManager.AuthResult current = AuthenticationManager.authenticateIdentityCookie(session, realm, true);
        return open(notes, current == null ? null : current.session());
    }

    /**
     * A role session opened through Switch Role by the same source user (same {@code act}): replacing it with another
     * of his roles is what he just asked for in this very browser (the ticket is bound to it), and displaces no other
     * identity — as switching roles does in a cloud console. Anything else (an ordinary user of this realm, another
     * person's role session) is replaced only after the confirmation page.
     */
    private static boolean sameSwitcher(KeycloakSession session, UserSessionModel current, Map<String, String> notes) {
        return RoleSessionNotes.roleSession(session, current).isPresent()
                && current.getNote(RoleSessionNotes.ACT_SUB) != null
                && current.getNote(RoleSessionNotes.ACT_SUB).equals(notes.get(RoleSessionNotes.ACT_SUB))
                && Objects.equals(current.getNote(RoleSessionNotes.ACT_ISS), notes.get(RoleSessionNotes.ACT_ISS));
    }

    private Response askToReplace(Map<String, String> notes, AuthenticationManager.AuthResult current) {
        String pending = ConsoleSupport.randomToken();
        String csrf = ConsoleSupport.randomToken();
        Map<String, String> kept = new HashMap<>(notes);
        kept.put(SwitchTicket.CONFIRM_CSRF, csrf);
        session.singleUseObjects().put(SwitchTicket.pendingKey(realm, pending), SwitchTicket.CONFIRM_SECONDS, kept);
        UserSessionModel held = current.session();
        String currentIdentity = RoleSessionNotes.roleSession(session, held).isPresent()
                ? held.getNote(RoleSessionNotes.ROLE_NAME) + " (" + held.getNote(RoleSessionNotes.SOURCE_USERNAME) + " @ "
                  + held.getNote(RoleSessionNotes.SOURCE_REALM) + ")"
                : current.user().getUsername();
        return session.getProvider(LoginFormsProvider.class)
                .setAttribute("stsActionUrl", ConsoleSupport.stsUrl(session, realm.getName(), "enter").toString())
                .setAttribute("stsPending", pending)
                .setAttribute("stsCsrf", csrf)
                .setAttribute("stsAlias", realm.getName())
                .setAttribute("stsCurrentIdentity", currentIdentity)
                .setAttribute("stsNextIdentity", notes.get(RoleSessionNotes.ROLE_NAME) + " (" + notes.get(RoleSessionNotes.SOURCE_USERNAME)
                        + " @ " + notes.get(RoleSessionNotes.SOURCE_REALM) + ")")
                .createForm("sts-switch-confirm.ftl");
    }

    /** Opens the role session: replaces {@code previous} (as Keycloak does on a new login), sets the SSO cookies. */
    private Response open(Map<String, String> notes, UserSessionModel previous) {
        AssumableRole role = new AssumableRoleStore(session, realm).find(notes.get(RoleSessionNotes.ROLE_NAME)).orElse(null);
        if (role == null) {
            return refuse(notes, "role " + notes.get(RoleSessionNotes.ROLE_NAME) + " no longer exists");
        }
        if (notes.get(RoleSessionNotes.DURATION) == null || notes.get(RoleSessionNotes.SOURCE_SESSION) == null) {
            return refuse(notes, "ticket issued by an earlier version");
        }
        if (previous != null) {
            session.sessions().removeUserSession(realm, previous);
        }
        // The browser role session belongs to a live role-session user: it ends (refresh, SSO, prompt=none) as soon as
        // anything that allowed it stops holding, on either side (LiveRoleSessions).
        UserModel anchor = new RoleSessionAnchors(session, realm).obtain(role, RoleSessionHandle.Kind.CONSOLE, notes.get(RoleSessionNotes.SOURCE_ACCOUNT));
        UserModel principal = new LiveRoleSessions(session).userFor(realm, role, anchor, RoleSessionHandle.Kind.CONSOLE,
                notes.get(RoleSessionNotes.ACT_SUB), notes.get(RoleSessionNotes.SOURCE_SESSION), null,
                Integer.parseInt(notes.get(RoleSessionNotes.DURATION)));
        UserSessionModel userSession = new UserSessionManager(session).createUserSession(KeycloakModelUtils.generateId(), realm, principal,
                principal.getUsername(), session.getContext().getConnection().getRemoteAddr(), SwitchRoleResource.AUTH_METHOD,
                false, null, null, UserSessionModel.SessionPersistenceState.PERSISTENT);
        notes.forEach((name, value) -> {
            if (!SwitchTicket.internal(name)) {
                userSession.setNote(name, value);
            }
        });
        // What listing and ending by ID read, not the event store: one insert in this transaction.
        RoleSessionRecords.record(session, realm, RoleSessionRecords.Start.browser(userSession.getId(), role.id(),
                notes.get(RoleSessionNotes.SOURCE_ACCOUNT), notes.get(RoleSessionNotes.SOURCE_IDENTITY), notes.get(RoleSessionNotes.ACT_SUB),
                notes.get(RoleSessionNotes.SOURCE_SESSION), notes.get(RoleSessionNotes.SESSION_NAME), ConsoleSupport.CONSOLE_CLIENT_ID,
                session.getContext().getConnection().getRemoteAddr(), principal.getId(), notes.get(RoleSessionNotes.EXPIRES_AT)));
        AuthenticationManager.createLoginCookie(session, realm, principal, userSession, session.getContext().getUri(),
                session.getContext().getConnection());
        SwitchTicket.expireBindingCookie(session, realm);
        event(notes).user(principal).session(userSession).success();
        return Response.seeOther(ConsoleSupport.stsUrl(session, realm.getName(), "console")).build();
    }

    /** A refused redemption: terse page for the browser, the reason in a LOGIN_ERROR event of this realm. */
    private Response refuse(Map<String, String> notes, String reason) {
        event(notes).detail(Details.REASON, reason).error(Errors.INVALID_CODE);
        SwitchTicket.expireBindingCookie(session, realm);
        return message("stsTicketInvalid", Response.Status.BAD_REQUEST);
    }

    private EventBuilder event(Map<String, String> notes) {
        EventBuilder event = new EventBuilder(realm, session, session.getContext().getConnection())
                .event(EventType.LOGIN).client(ConsoleSupport.CONSOLE_CLIENT_ID)
                .detail(Details.AUTH_METHOD, SwitchRoleResource.AUTH_METHOD);
        if (notes != null) {
            event.detail(EventDetails.ROLE_ARN, notes.get(RoleSessionNotes.ROLE_ARN))
                    .detail(EventDetails.SOURCE_IDENTITY, notes.get(RoleSessionNotes.SOURCE_IDENTITY))
                    .detail(EventDetails.SOURCE_ACCOUNT, notes.get(RoleSessionNotes.SOURCE_ACCOUNT))
                    .detail(EventDetails.ROLE_SESSION_NAME, notes.get(RoleSessionNotes.SESSION_NAME))
                    .detail(EventDetails.EXPIRES_AT, notes.get(RoleSessionNotes.EXPIRES_AT))
                    .detail(EventDetails.SOURCE_USER_ID, notes.get(RoleSessionNotes.ACT_SUB))
                    .detail(EventDetails.SOURCE_SESSION, notes.get(RoleSessionNotes.SOURCE_SESSION));
        }
        return event;
    }

    Response console() {
        AuthenticationManager.AuthResult sso = AuthenticationManager.authenticateIdentityCookie(session, realm, true);
        UserSessionModel userSession = sso == null ? null : sso.session();
        RoleSessionNotes.RoleSession roleSession = RoleSessionNotes.roleSession(session, userSession).orElse(null);
        if (roleSession == null) {
            return message("stsNoRoleSession", Response.Status.OK);
        }
        long secondsLeft = roleSession.expiresAt() - Time.currentTime();
        if (secondsLeft <= 0) {
            end(userSession);
            return message("stsRoleSessionExpired", Response.Status.OK);
        }
        AssumableRole role = roleSession.role();
        List<String> policies = role == null ? List.of() : role.attachedPolicies().stream().map(AttachedPolicy::qualifiedName).toList();
        Account account = Account.of(session, realm).orElse(null);
        return session.getProvider(LoginFormsProvider.class)
                .setAttribute("stsRoleName", userSession.getNote(RoleSessionNotes.ROLE_NAME))
                .setAttribute("stsRoleArn", userSession.getNote(RoleSessionNotes.ROLE_ARN))
                .setAttribute("stsAlias", realm.getName())
                .setAttribute("stsAccountId", account == null ? "" : account.accountId())
                .setAttribute("stsSourceUsername", userSession.getNote(RoleSessionNotes.SOURCE_USERNAME))
                .setAttribute("stsSourceAlias", userSession.getNote(RoleSessionNotes.SOURCE_REALM))
                .setAttribute("stsSessionName", userSession.getNote(RoleSessionNotes.SESSION_NAME))
                .setAttribute("stsDisplayName", userSession.getNote(RoleSessionNotes.DISPLAY_NAME) == null ? "" : userSession.getNote(RoleSessionNotes.DISPLAY_NAME))
                .setAttribute("stsColor", userSession.getNote(RoleSessionNotes.COLOR) == null ? "" : userSession.getNote(RoleSessionNotes.COLOR))
                .setAttribute("stsPolicies", policies)
                .setAttribute("stsMinutesLeft", Long.toString((secondsLeft + 59) / 60))
                .setAttribute("stsBackUrl", ConsoleSupport.stsUrl(session, realm.getName(), "back").toString())
                .setAttribute("stsCsrf", ConsoleSupport.csrfToken(userSession, CSRF_PURPOSE))
                .createForm("sts-console.ftl");
    }

    Response back(MultivaluedMap<String, String> form) {
        AuthenticationManager.AuthResult sso = AuthenticationManager.authenticateIdentityCookie(session, realm, true);
        if (sso == null || RoleSessionNotes.roleSession(session, sso.session()).isEmpty()) {
            return message("stsNoRoleSession", Response.Status.OK);
        }
        if (!ConsoleSupport.csrfValid(sso.session(), CSRF_PURPOSE, form.getFirst("csrf"))) {
            return message("stsSessionExpired", Response.Status.BAD_REQUEST);
        }
        String source = sso.session().getNote(RoleSessionNotes.SOURCE_REALM);
        end(sso.session());
        return Response.seeOther(ConsoleSupport.stsUrl(session, source, "switch-role")).build();
    }

    private void end(UserSessionModel userSession) {
        AuthenticationManager.backchannelLogout(session, realm, userSession, session.getContext().getUri(),
                session.getContext().getConnection(), session.getContext().getRequestHeaders(), true);
        AuthenticationManager.expireIdentityCookie(session);
    }

    private Response message(String key, Response.Status status) {
        return session.getProvider(LoginFormsProvider.class)
                .setAttribute("stsMessage", key)
                .setStatus(status)
                .createForm("sts-message.ftl");
    }
}
