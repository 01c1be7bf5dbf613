package io.github.keycloaksts.console;

import java.util.Map;

import jakarta.ws.rs.core.Cookie;
import jakarta.ws.rs.core.NewCookie;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;

/**
 * The hand-over from the source realm's Switch Role page to the target realm: a single-use
 * ticket in Keycloak's single-use object store, keyed by the target realm, bound to the browser that asked through
 * the hash of a secret in a cookie of the target realm's sts path. A pending confirmation (the browser already holds
 * another session of the target realm) is stored the same way, bound to the same cookie.
 */
final class SwitchTicket {

    static final String BINDING_COOKIE = "STS_SWITCH_BINDING";
    /** Ticket note: SHA-256 of the browser's binding secret. Never copied into the user session. */
    static final String BROWSER_BINDING = "sts.ticket.browser-binding";
    /** Pending-confirmation note: the token the confirmation form must send back. Never copied into the user session. */
    static final String CONFIRM_CSRF = "sts.ticket.confirm-csrf";
    /** How long the binding cookie and a pending confirmation live: reading a confirmation page takes a moment. */
    static final int CONFIRM_SECONDS = 300;

    private static final String TICKET_PREFIX = "sts-switch:";
    private static final String PENDING_PREFIX = "sts-switch-pending:";

    private SwitchTicket() {
    }

    static String ticketKey(RealmModel target, String ticket) {
        return TICKET_PREFIX + target.getId() + ":" + ticket;
    }

    static String pendingKey(RealmModel target, String pending) {
        return PENDING_PREFIX + target.getId() + ":" + pending;
    }

    static boolean internal(String note) {
        return BROWSER_BINDING.equals(note) || CONFIRM_CSRF.equals(note);
    }

    static void setBindingCookie(KeycloakSession session, String targetRealm, String secret) {
        session.getContext().getHttpResponse().setCookieIfAbsent(new NewCookie.Builder(BINDING_COOKIE)
                .value(secret).path(ConsoleSupport.stsCookiePath(session, targetRealm)).maxAge(CONFIRM_SECONDS)
                .httpOnly(true).secure(ConsoleSupport.secureContext(session)).sameSite(NewCookie.SameSite.LAX).build());
    }

    static void expireBindingCookie(KeycloakSession session, RealmModel target) {
        if (session.getContext().getRequestHeaders().getCookies().containsKey(BINDING_COOKIE)) {
            session.getContext().getHttpResponse().setCookieIfAbsent(new NewCookie.Builder(BINDING_COOKIE)
                    .value("").path(ConsoleSupport.stsCookiePath(session, target.getName())).maxAge(0)
                    .httpOnly(true).secure(ConsoleSupport.secureContext(session)).sameSite(NewCookie.SameSite.LAX).build());
        }
    }

    /** Whether this request comes from the browser the ticket (or pending confirmation) was issued to. */
    static boolean boundToThisBrowser(KeycloakSession session, Map<String, String> notes) {
        Cookie cookie = session.getContext().getRequestHeaders().getCookies().get(BINDING_COOKIE);
        String secret = cookie == null ? null : cookie.getValue();
        return ConsoleSupport.wellFormedToken(secret)
                && ConsoleSupport.constantTimeEquals(notes.get(BROWSER_BINDING), ConsoleSupport.sha256(secret));
    }
}
