package io.github.keycloaksts.console;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import io.github.keycloaksts.account.AccountService;
import jakarta.ws.rs.core.UriBuilder;
import org.keycloak.crypto.Algorithm;
import org.keycloak.crypto.KeyUse;
import org.keycloak.crypto.KeyWrapper;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserSessionModel;
import org.keycloak.protocol.oidc.OIDCLoginProtocol;

/** Shared bits of the console pages: CSRF tokens, URLs. */
final class ConsoleSupport {

    static final String CONSOLE_CLIENT_ID = AccountService.CONSOLE_CLIENT_ID;

    private ConsoleSupport() {
    }

    /**
     * A CSRF token bound to the SSO session and the purpose, keyed with the realm's own HMAC key: nothing to store,
     * and useless to anyone who does not hold the browser's session.
     */
    static String csrfToken(KeycloakSession session, RealmModel realm, UserSessionModel userSession, String purpose) {
        KeyWrapper key = session.keys().getActiveKey(realm, KeyUse.SIG, Algorithm.HS512);
        if (key == null || key.getSecretKey() == null) {
            throw new IllegalStateException("realm " + realm.getName() + " has no active HS512 key for CSRF tokens");
        }
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key.getSecretKey().getEncoded(), "HmacSHA256"));
            byte[] digest = mac.doFinal((userSession.getId() + "|" + purpose).getBytes(StandardCharsets.UTF_8));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(digest);
        } catch (Exception e) {
            throw new IllegalStateException("cannot compute CSRF token", e);
        }
    }

    static boolean csrfValid(KeycloakSession session, RealmModel realm, UserSessionModel userSession, String purpose, String presented) {
        if (presented == null) {
            return false;
        }
        String expected = csrfToken(session, realm, userSession, purpose);
        return MessageDigest.isEqual(expected.getBytes(StandardCharsets.US_ASCII), presented.getBytes(StandardCharsets.US_ASCII));
    }

    static URI stsUrl(KeycloakSession session, String realmName, String path) {
        return UriBuilder.fromUri(session.getContext().getUri().getBaseUri())
                .path("realms").path(realmName).path("sts").path(path).build();
    }

    /** The realm's login (themed), returning to {@code returnTo} once signed in. */
    static URI loginUrl(KeycloakSession session, String realmName, URI returnTo, String loginHint) {
        UriBuilder builder = UriBuilder.fromUri(session.getContext().getUri().getBaseUri())
                .path("realms").path(realmName).path("protocol/openid-connect/auth")
                .queryParam(OIDCLoginProtocol.CLIENT_ID_PARAM, CONSOLE_CLIENT_ID)
                .queryParam(OIDCLoginProtocol.REDIRECT_URI_PARAM, returnTo.toString())
                .queryParam(OIDCLoginProtocol.RESPONSE_TYPE_PARAM, "code")
                .queryParam(OIDCLoginProtocol.SCOPE_PARAM, "openid");
        if (loginHint != null && !loginHint.isBlank()) {
            builder.queryParam(OIDCLoginProtocol.LOGIN_HINT_PARAM, loginHint);
        }
        String locale = session.getContext().getUri().getQueryParameters().getFirst("kc_locale");
        if (locale != null) {
            builder.queryParam("ui_locales", locale);
        }
        return builder.build();
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
