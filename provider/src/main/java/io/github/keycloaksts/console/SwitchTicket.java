package io.github.keycloaksts.console;

import java.util.HashMap;
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
    private static final String BROWSER_BINDING = "sts.ticket.browser-binding";
    private static final String CONFIRM_CSRF = "sts.ticket.confirm-csrf";
    /** How long the binding cookie and a pending confirmation live: reading a confirmation page takes a moment. */
    static final int CONFIRM_SECONDS = 300;

    private static final String TICKET_PREFIX = "sts-switch:";
    private static final String PENDING_PREFIX = "sts-switch-pending:";

    private SwitchTicket() {
    }

    /**
     * A stored ticket or pending confirmation: the role session's facts (null when unreadable: a ticket of an earlier
     * version), the SHA-256 of the browser's binding secret, and for a pending confirmation the token its form must
     * send back. The binding and the token never reach the role session's notes.
     */
    record Stored(RoleSessionNotes.Facts facts, String browserBinding, String confirmCsrf) {

        private Map<String, String> toMap() {
            Map<String, String> map = new HashMap<>(facts.notes());
            map.put(BROWSER_BINDING, browserBinding);
            if (confirmCsrf != null) {
                map.put(CONFIRM_CSRF, confirmCsrf);
            }
            return map;
        }

        private static Stored fromMap(Map<String, String> map) {
            return map == null ? null
                    : new Stored(RoleSessionNotes.Facts.read(map::get).orElse(null), map.get(BROWSER_BINDING), map.get(CONFIRM_CSRF));
        }
    }

    /** Stores a ticket for {@code target} that lives {@code seconds}: keyed by the target realm, it opens a session there only. */
    static void issue(KeycloakSession session, RealmModel target, String ticket, int seconds, RoleSessionNotes.Facts facts,
                      String browserBinding) {
        session.singleUseObjects().put(TICKET_PREFIX + target.getId() + ":" + ticket, seconds, new Stored(facts, browserBinding, null).toMap());
    }

    /** Takes the ticket out of the store (single use, whoever presents it); null when unknown, expired or used. */
    static Stored redeem(KeycloakSession session, RealmModel target, String ticket) {
        return Stored.fromMap(session.singleUseObjects().remove(TICKET_PREFIX + target.getId() + ":" + ticket));
    }

    /** Keeps a redeemed ticket while the browser confirms replacing its current session; returns the confirmation's key. */
    static void keepPending(KeycloakSession session, RealmModel target, String pending, Stored stored, String csrf) {
        session.singleUseObjects().put(PENDING_PREFIX + target.getId() + ":" + pending, CONFIRM_SECONDS,
                new Stored(stored.facts(), stored.browserBinding(), csrf).toMap());
    }

    /** Takes a pending confirmation out of the store; null when unknown, expired or used. */
    static Stored redeemPending(KeycloakSession session, RealmModel target, String pending) {
        return Stored.fromMap(session.singleUseObjects().remove(PENDING_PREFIX + target.getId() + ":" + pending));
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
    static boolean boundToThisBrowser(KeycloakSession session, Stored stored) {
        Cookie cookie = session.getContext().getRequestHeaders().getCookies().get(BINDING_COOKIE);
        String secret = cookie == null ? null : cookie.getValue();
        return ConsoleSupport.wellFormedToken(secret)
                && ConsoleSupport.constantTimeEquals(stored.browserBinding(), ConsoleSupport.sha256(secret));
    }
}
