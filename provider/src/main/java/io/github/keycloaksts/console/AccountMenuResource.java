package io.github.keycloaksts.console;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;

import jakarta.ws.rs.core.CacheControl;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.jboss.logging.Logger;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.services.managers.AuthenticationManager;
import org.keycloak.theme.Theme;

/**
 * {@code GET /realms/{realm}/sts/account-menu}: what the {@code sts} account theme's script adds to Keycloak's account
 * console, for the browser's own session of this realm (the SSO cookie; same origin, so no other site can read it).
 * <ul>
 *   <li>a role session of this realm: {@code {"roleSession":true,"consoleUrl":…}}; the account console, which a role
 *       session cannot use (no profile, credentials or devices of its own), sends the browser to the role console;</li>
 *   <li>a user: the Switch Role entry (URL, labels in the user's language) and the recently used roles with the
 *       Switch Role form's CSRF token, so that a recent role is one click (a POST) away;</li>
 *   <li>no session: {@code 401 {}}.</li>
 * </ul>
 */
final class AccountMenuResource {

    private static final Logger LOG = Logger.getLogger(AccountMenuResource.class);
    private static final List<String> LABELS = List.of("stsSwitchRole", "stsRecentRoles");

    private final KeycloakSession session;
    private final RealmModel realm;

    AccountMenuResource(KeycloakSession session) {
        this.session = session;
        this.realm = session.getContext().getRealm();
    }

    Response menu() {
        AuthenticationManager.AuthResult sso = AuthenticationManager.authenticateIdentityCookie(session, realm, true);
        if (sso == null) {
            return json(Response.Status.UNAUTHORIZED, Map.of());
        }
        Map<String, Object> body = new LinkedHashMap<>();
        if (RoleSessionNotes.roleSession(session, sso.session()).isPresent()) {
            body.put("roleSession", true);
            body.put("consoleUrl", ConsoleSupport.stsUrl(session, realm.getName(), "console").toString());
            return json(Response.Status.OK, body);
        }
        body.put("roleSession", false);
        body.put("switchRoleUrl", ConsoleSupport.stsUrl(session, realm.getName(), "switch-role") + "?" + SwitchRoleResource.FROM_ACCOUNT);
        body.put("actionUrl", ConsoleSupport.stsUrl(session, realm.getName(), "switch-role").toString());
        body.put("csrf", ConsoleSupport.csrfToken(sso.session(), SwitchRoleResource.CSRF_PURPOSE));
        body.put("labels", labels(sso));
        body.put("recent", RecentRoles.read(session.getContext().getRequestHeaders().getCookies().get(RecentRoles.COOKIE)).stream()
                .map(RecentRoles.Entry::toTemplate).toList());
        return json(Response.Status.OK, body);
    }

    /** The entry's texts from the theme's messages (English and Simplified Chinese), in the user's language. */
    private Map<String, String> labels(AuthenticationManager.AuthResult sso) {
        Locale locale = session.getContext().resolveLocale(sso.user());
        Properties messages = new Properties();
        try {
            Theme theme = session.theme().getTheme(Theme.Type.LOGIN);
            messages.putAll(theme.getEnhancedMessages(realm, Locale.ENGLISH));
            messages.putAll(theme.getEnhancedMessages(realm, locale));
        } catch (Exception e) {
            LOG.debugf(e, "messages of realm %s could not be read", realm.getName());
        }
        Map<String, String> labels = new LinkedHashMap<>();
        for (String key : LABELS) {
            labels.put(key, messages.getProperty(key, key));
        }
        labels.put("locale", locale.toLanguageTag());
        return labels;
    }

    private static Response json(Response.Status status, Map<String, ?> body) {
        CacheControl noStore = new CacheControl();
        noStore.setNoStore(true);
        return Response.status(status).type(MediaType.APPLICATION_JSON_TYPE).cacheControl(noStore).entity(body).build();
    }
}
