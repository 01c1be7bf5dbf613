package io.github.keycloaksts.console;

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
import io.github.keycloaksts.session.RoleSessionDisplay;
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
        SwitchTicket.Stored stored = SwitchTicket.redeem(session, realm, ticket);
        if (stored == null) {
            return refuse(null, "ticket unknown, expired or already used");
        }
        if (!SwitchTicket.boundToThisBrowser(session, stored)) {
            return refuse(stored.facts(), "ticket presented by a browser other than the one it was issued to");
        }
        if (stored.facts() == null) {
            return refuse(null, "ticket issued by an earlier version");
        }
        AuthenticationManager.AuthResult current = AuthenticationManager.authenticateIdentityCookie(session, realm, true);
        if (current != null && !sameSwitcher(session, current.session(), stored.facts())) {
            return askToReplace(stored, current);
        }
        return open(stored.facts(), current == null ? null : current.session());
    }

    /** The answer to the confirmation page: {@code action=replace} opens the role session, {@code cancel} keeps the current one. */
    Response confirm(MultivaluedMap<String, String> form) {
        String pending = form.getFirst("pending");
        if (!ConsoleSupport.wellFormedToken(pending)) {
            return refuse(null, "confirmation missing or malformed");
        }
        SwitchTicket.Stored stored = SwitchTicket.redeemPending(session, realm, pending);
        if (stored == null || stored.facts() == null) {
            return refuse(null, "confirmation unknown, expired or already used");
        }
        RoleSessionNotes.Facts facts = stored.facts();
        if (!SwitchTicket.boundToThisBrowser(session, stored)) {
            return refuse(facts, "confirmation sent by a browser other than the one the ticket was issued to");
        }
        if (!ConsoleSupport.constantTimeEquals(stored.confirmCsrf(), form.getFirst("csrf"))) {
            return refuse(facts, "confirmation CSRF token does not match");
        }
        String action = form.getFirst("action");
        if ("cancel".equals(action)) {
            SwitchTicket.expireBindingCookie(session, realm);
            return Response.seeOther(ConsoleSupport.stsUrl(session, facts.sourceRealm(), "switch-role")).build();
        }
        if (!"replace".equals(action)) {
            return refuse(facts, "confirmation without a valid action");
        }
        AuthenticationManager.AuthResult current = AuthenticationManager.authenticateIdentityCookie(session, realm, true);
        return open(facts, current == null ? null : current.session());
    }

    /**
     * A role session opened through Switch Role by the same source user (same {@code act}): replacing it with another
     * of his roles is what he just asked for in this very browser (the ticket is bound to it), and displaces no other
     * identity — as switching roles does in a cloud console. Anything else (an ordinary user of this realm, another
     * person's role session) is replaced only after the confirmation page.
     */
    private static boolean sameSwitcher(KeycloakSession session, UserSessionModel current, RoleSessionNotes.Facts next) {
        RoleSessionNotes.Facts held = RoleSessionNotes.roleSession(session, current).map(RoleSessionNotes.RoleSession::facts).orElse(null);
        return held != null && held.actSub().equals(next.actSub()) && Objects.equals(held.actIss(), next.actIss());
    }

    private Response askToReplace(SwitchTicket.Stored stored, AuthenticationManager.AuthResult current) {
        String pending = ConsoleSupport.randomToken();
        String csrf = ConsoleSupport.randomToken();
        SwitchTicket.keepPending(session, realm, pending, stored, csrf);
        RoleSessionNotes.Facts held = RoleSessionNotes.roleSession(session, current.session())
                .map(RoleSessionNotes.RoleSession::facts).orElse(null);
        String currentIdentity = held != null ? held.identity() : current.user().getUsername();
        return session.getProvider(LoginFormsProvider.class)
                .setAttribute("stsActionUrl", ConsoleSupport.stsUrl(session, realm.getName(), "enter").toString())
                .setAttribute("stsPending", pending)
                .setAttribute("stsCsrf", csrf)
                .setAttribute("stsAlias", realm.getName())
                .setAttribute("stsCurrentIdentity", currentIdentity)
                .setAttribute("stsNextIdentity", stored.facts().identity())
                .createForm("sts-switch-confirm.ftl");
    }

    /** Opens the role session: replaces {@code previous} (as Keycloak does on a new login), sets the SSO cookies. */
    private Response open(RoleSessionNotes.Facts facts, UserSessionModel previous) {
        AssumableRole role = new AssumableRoleStore(session, realm).find(facts.roleName()).orElse(null);
        if (role == null) {
            return refuse(facts, "role " + facts.roleName() + " no longer exists");
        }
        if (previous != null) {
            session.sessions().removeUserSession(realm, previous);
        }
        // The browser role session belongs to a live role-session user: it ends (refresh, SSO, prompt=none) as soon as
        // anything that allowed it stops holding, on either side (LiveRoleSessions).
        UserModel anchor = new RoleSessionAnchors(session, realm).obtain(role, RoleSessionHandle.Kind.CONSOLE, facts.sourceAccount());
        UserModel principal = new LiveRoleSessions(session).userFor(realm, role, anchor, RoleSessionHandle.Kind.CONSOLE,
                facts.actSub(), facts.sourceSession(), null, facts.durationSeconds(),
                RoleSessionDisplay.user(facts.sourceUsername(), facts.sourceRealm()));
        UserSessionModel userSession = new UserSessionManager(session).createUserSession(KeycloakModelUtils.generateId(), realm, principal,
                principal.getUsername(), session.getContext().getConnection().getRemoteAddr(), SwitchRoleResource.AUTH_METHOD,
                false, null, null, UserSessionModel.SessionPersistenceState.PERSISTENT);
        facts.notes().forEach(userSession::setNote);
        // What listing and ending by ID read, not the event store: one insert in this transaction.
        RoleSessionRecords.record(session, realm, RoleSessionRecords.Start.browser(userSession.getId(), role.id(),
                facts.sourceAccount(), facts.sourceIdentity(), facts.actSub(), facts.sourceSession(), facts.sessionName(),
                ConsoleSupport.CONSOLE_CLIENT_ID, session.getContext().getConnection().getRemoteAddr(), principal.getId(),
                Long.toString(facts.expiresAt()), facts.sessionTags().tags()));
        AuthenticationManager.createLoginCookie(session, realm, principal, userSession, session.getContext().getUri(),
                session.getContext().getConnection());
        SwitchTicket.expireBindingCookie(session, realm);
        event(facts).user(principal).session(userSession).success();
        return Response.seeOther(ConsoleSupport.stsUrl(session, realm.getName(), "console")).build();
    }

    /** A refused redemption: terse page for the browser, the reason in a LOGIN_ERROR event of this realm. */
    private Response refuse(RoleSessionNotes.Facts facts, String reason) {
        event(facts).detail(Details.REASON, reason).error(Errors.INVALID_CODE);
        SwitchTicket.expireBindingCookie(session, realm);
        return message("stsTicketInvalid", Response.Status.BAD_REQUEST);
    }

    private EventBuilder event(RoleSessionNotes.Facts facts) {
        EventBuilder event = new EventBuilder(realm, session, session.getContext().getConnection())
                .event(EventType.LOGIN).client(ConsoleSupport.CONSOLE_CLIENT_ID)
                .detail(Details.AUTH_METHOD, SwitchRoleResource.AUTH_METHOD);
        if (facts != null) {
            event.detail(EventDetails.ROLE_ARN, facts.roleArn())
                    .detail(EventDetails.SOURCE_IDENTITY, facts.sourceIdentity())
                    .detail(EventDetails.SOURCE_ACCOUNT, facts.sourceAccount())
                    .detail(EventDetails.ROLE_SESSION_NAME, facts.sessionName())
                    .detail(EventDetails.EXPIRES_AT, Long.toString(facts.expiresAt()))
                    .detail(EventDetails.SOURCE_USER_ID, facts.actSub())
                    .detail(EventDetails.SOURCE_SESSION, facts.sourceSession());
            if (!facts.sessionTags().isEmpty()) {
                event.detail(EventDetails.SESSION_TAGS, EventDetails.tags(facts.sessionTags()));
            }
        }
        return event;
    }

    Response console() {
        AuthenticationManager.AuthResult sso = AuthenticationManager.authenticateIdentityCookie(session, realm, true);
        UserSessionModel userSession = sso == null ? null : sso.session();
        RoleSessionNotes.RoleSession roleSession = RoleSessionNotes.roleSession(session, userSession).orElse(null);
        if (roleSession == null || roleSession.facts() == null) {
            return message("stsNoRoleSession", Response.Status.OK);
        }
        long secondsLeft = roleSession.expiresAt() - Time.currentTime();
        if (secondsLeft <= 0) {
            end(userSession);
            return message("stsRoleSessionExpired", Response.Status.OK);
        }
        RoleSessionNotes.Facts facts = roleSession.facts();
        AssumableRole role = roleSession.role();
        List<String> policies = role == null ? List.of() : role.attachedPolicies().stream().map(AttachedPolicy::qualifiedName).toList();
        Account account = Account.of(session, realm).orElse(null);
        return session.getProvider(LoginFormsProvider.class)
                .setAttribute("stsRoleName", facts.roleName())
                .setAttribute("stsRoleArn", facts.roleArn())
                .setAttribute("stsAlias", realm.getName())
                .setAttribute("stsAccountId", account == null ? "" : account.accountId())
                .setAttribute("stsSourceUsername", facts.sourceUsername())
                .setAttribute("stsSourceAlias", facts.sourceRealm())
                .setAttribute("stsSessionName", facts.sessionName())
                .setAttribute("stsDisplayName", facts.displayName() == null ? "" : facts.displayName())
                .setAttribute("stsColor", facts.color() == null ? "" : facts.color())
                .setAttribute("stsPolicies", policies)
                .setAttribute("stsSessionTags", facts.sessionTags().tags().entrySet().stream()
                        .map(e -> Map.of("key", e.getKey(), "value", e.getValue())).toList())
                .setAttribute("stsMinutesLeft", Long.toString((secondsLeft + 59) / 60))
                .setAttribute("stsBackUrl", ConsoleSupport.stsUrl(session, realm.getName(), "back").toString())
                .setAttribute("stsSwitchRoleUrl", ConsoleSupport.stsUrl(session, facts.sourceRealm(), "switch-role").toString())
                .setAttribute("stsCsrf", ConsoleSupport.csrfToken(userSession, CSRF_PURPOSE))
                .createForm("sts-console.ftl");
    }

    Response back(MultivaluedMap<String, String> form) {
        AuthenticationManager.AuthResult sso = AuthenticationManager.authenticateIdentityCookie(session, realm, true);
        RoleSessionNotes.Facts facts = sso == null ? null
                : RoleSessionNotes.roleSession(session, sso.session()).map(RoleSessionNotes.RoleSession::facts).orElse(null);
        if (facts == null) {
            return message("stsNoRoleSession", Response.Status.OK);
        }
        if (!ConsoleSupport.csrfValid(sso.session(), CSRF_PURPOSE, form.getFirst("csrf"))) {
            return message("stsSessionExpired", Response.Status.BAD_REQUEST);
        }
        end(sso.session());
        return Response.seeOther(ConsoleSupport.stsUrl(session, facts.sourceRealm(), "switch-role")).build();
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
