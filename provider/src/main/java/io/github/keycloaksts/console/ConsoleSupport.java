package io.github.keycloaksts.console;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;

import io.github.keycloaksts.account.AccountService;
import jakarta.ws.rs.core.UriBuilder;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.UserSessionModel;
import org.keycloak.protocol.oidc.OIDCLoginProtocol;

/** Shared bits of the console pages: CSRF tokens, random tokens, URLs. */
final class ConsoleSupport {

    static final String CONSOLE_CLIENT_ID = AccountService.CONSOLE_CLIENT_ID;

    private ConsoleSupport() {
    }

    /** A user-session note holding a random per-session secret that keys the session's CSRF tokens. */
    static final String CSRF_KEY_NOTE = "sts.csrf-key";
    static final String LOCALE_PATTERN = "[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8}){0,3}";
    private static final SecureRandom RANDOM = new SecureRandom();

    /**
     * A CSRF token bound to the SSO session and the purpose: an HMAC keyed with a random secret kept in the user
     * session's notes (replicated like the session itself, so any node can check it). Not keyed with a realm key:
     * a realm whose HMAC key is missing or disabled still gets working pages, never an error.
     */
    static String csrfToken(UserSessionModel userSession, String purpose) {
        String key = userSession.getNote(CSRF_KEY_NOTE);
        if (key == null) {
            key = randomToken();
            userSession.setNote(CSRF_KEY_NOTE, key);
        }
        return hmac(key, userSession.getId() + "|" + purpose);
    }

    static boolean csrfValid(UserSessionModel userSession, String purpose, String presented) {
        String key = userSession.getNote(CSRF_KEY_NOTE);
        if (presented == null || key == null) {
            return false;
        }
        return constantTimeEquals(hmac(key, userSession.getId() + "|" + purpose), presented);
    }

    /** 256 random bits, base64url: tickets, browser bindings, per-session keys. */
    static String randomToken() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    /** The form tokens and tickets we issue: base64url, bounded; anything else is refused before any lookup. */
    static boolean wellFormedToken(String value) {
        return value != null && value.length() >= 16 && value.length() <= 64 && value.matches("[A-Za-z0-9_-]+");
    }

    static String sha256(String value) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static boolean constantTimeEquals(String expected, String presented) {
        return expected != null && presented != null
                && MessageDigest.isEqual(expected.getBytes(StandardCharsets.UTF_8), presented.getBytes(StandardCharsets.UTF_8));
    }

    private static String hmac(String key, String data) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key.getBytes(StandardCharsets.US_ASCII), "HmacSHA256"));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(mac.doFinal(data.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot compute CSRF token", e);
        }
    }

    /** A {@code kc_locale} / {@code ui_locales} value worth passing on: a plain language tag, bounded. */
    static String validLocale(String value) {
        return value != null && value.length() <= 16 && value.matches(LOCALE_PATTERN) ? value : null;
    }

    /** {@code {base}/realms/{realm}/sts/{path}}; names go in as values, never as URI templates (braces are data). */
    static URI stsUrl(KeycloakSession session, String realmName, String path) {
        return UriBuilder.fromUri(session.getContext().getUri().getBaseUri())
                .path("realms/{realm}/sts/{path}").build(realmName, path);
    }

    /** The cookie path of a realm's sts pages, e.g. {@code /realms/company-a/sts/} (under any context path). */
    static String stsCookiePath(KeycloakSession session, String realmName) {
        return stsUrl(session, realmName, "").getRawPath();
    }

    static boolean secureContext(KeycloakSession session) {
        return "https".equalsIgnoreCase(session.getContext().getUri().getBaseUri().getScheme());
    }

    /** The realm's login (themed), returning to {@code returnTo} once signed in. */
    static URI loginUrl(KeycloakSession session, String realmName, URI returnTo, String loginHint) {
        // Query values are passed to build() so that braces or percent signs in them are encoded, not read as templates.
        UriBuilder builder = UriBuilder.fromUri(session.getContext().getUri().getBaseUri())
                .path("realms/{realm}/protocol/openid-connect/auth")
                .queryParam(OIDCLoginProtocol.CLIENT_ID_PARAM, "{client}")
                .queryParam(OIDCLoginProtocol.REDIRECT_URI_PARAM, "{redirect}")
                .queryParam(OIDCLoginProtocol.RESPONSE_TYPE_PARAM, "code")
                .queryParam(OIDCLoginProtocol.SCOPE_PARAM, "openid");
        Map<String, Object> values = new HashMap<>();
        values.put("realm", realmName);
        values.put("client", CONSOLE_CLIENT_ID);
        values.put("redirect", returnTo.toString());
        if (loginHint != null && !loginHint.isBlank()) {
            builder.queryParam(OIDCLoginProtocol.LOGIN_HINT_PARAM, "{hint}");
            values.put("hint", loginHint);
        }
        String locale = validLocale(session.getContext().getUri().getQueryParameters().getFirst("kc_locale"));
        if (locale != null) {
            builder.queryParam("ui_locales", locale);
        }
        return builder.buildFromMap(values);
    }

    /** A form value without surrounding blanks, or null when empty. */
    static String trimToNull(String value) {
        if (value == null) {
            return null;
        }
        String trimmed = value.trim();
        return trimmed.isEmpty() ? null : trimmed;
    }
}
