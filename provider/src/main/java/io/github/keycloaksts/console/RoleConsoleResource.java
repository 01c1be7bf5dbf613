package io.github.keycloaksts.console;

import java.util.List;
import java.util.Map;

import io.github.keycloaksts.account.Account;
import io.github.keycloaksts.role.AssumableRole;
import io.github.keycloaksts.role.AssumableRoleStore;
import io.github.keycloaksts.role.AttachedPolicy;
import io.github.keycloaksts.role.RoleSessionPrincipals;
import jakarta.ws.rs.core.MultivaluedMap;
import jakarta.ws.rs.core.Response;
import org.keycloak.common.util.Time;
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

    Response enter(String ticket) {
        Map<String, String> notes = ticket == null || ticket.length() > 64 ? null
                : session.singleUseObjects().remove(SwitchRoleResource.TICKET_PREFIX + realm.getId() + ":" + ticket);
        if (notes == null) {
            return message("stsTicketInvalid", Response.Status.BAD_REQUEST);
        }
        AssumableRole role = new AssumableRoleStore(session, realm).find(notes.get(RoleSessionNotes.ROLE_NAME)).orElse(null);
        if (role == null) {
            return message("stsTicketInvalid", Response.Status.BAD_REQUEST);
        }
        UserModel principal = new RoleSessionPrincipals(session, realm).obtainConsole(role, notes.get(RoleSessionNotes.SOURCE_ACCOUNT));
        UserSessionModel userSession = new UserSessionManager(session).createUserSession(KeycloakModelUtils.generateId(), realm, principal,
                principal.getUsername(), session.getContext().getConnection().getRemoteAddr(), SwitchRoleResource.AUTH_METHOD,
                false, null, null, UserSessionModel.SessionPersistenceState.PERSISTENT);
        notes.forEach(userSession::setNote);
        AuthenticationManager.createLoginCookie(session, realm, principal, userSession, session.getContext().getUri(),
                session.getContext().getConnection());
        return Response.seeOther(ConsoleSupport.stsUrl(session, realm.getName(), "console")).build();
    }

    Response console() {
        AuthenticationManager.AuthResult sso = AuthenticationManager.authenticateIdentityCookie(session, realm, true);
        UserSessionModel userSession = sso == null ? null : sso.session();
        if (userSession == null || userSession.getNote(RoleSessionNotes.ROLE_ARN) == null) {
            return message("stsNoRoleSession", Response.Status.OK);
        }
        long secondsLeft = Long.parseLong(userSession.getNote(RoleSessionNotes.EXPIRES_AT)) - Time.currentTime();
        if (secondsLeft <= 0) {
            end(userSession);
            return message("stsRoleSessionExpired", Response.Status.OK);
        }
        AssumableRole role = new AssumableRoleStore(session, realm).find(userSession.getNote(RoleSessionNotes.ROLE_NAME)).orElse(null);
        List<String> policies = role == null ? List.of() : role.attachedPolicies().stream().map(AttachedPolicy::qualifiedName).toList();
        Account account = Account.of(session, realm).orElse(null);
        return session.getProvider(org.keycloak.forms.login.LoginFormsProvider.class)
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
                .setAttribute("stsCsrf", ConsoleSupport.csrfToken(session, realm, userSession, CSRF_PURPOSE))
                .createForm("sts-console.ftl");
    }

    Response back(MultivaluedMap<String, String> form) {
        AuthenticationManager.AuthResult sso = AuthenticationManager.authenticateIdentityCookie(session, realm, true);
        if (sso == null || sso.session().getNote(RoleSessionNotes.ROLE_ARN) == null) {
            return message("stsNoRoleSession", Response.Status.OK);
        }
        if (!ConsoleSupport.csrfValid(session, realm, sso.session(), CSRF_PURPOSE, form.getFirst("csrf"))) {
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
        return session.getProvider(org.keycloak.forms.login.LoginFormsProvider.class)
                .setAttribute("stsMessage", key)
                .setStatus(status)
                .createForm("sts-message.ftl");
    }
}
