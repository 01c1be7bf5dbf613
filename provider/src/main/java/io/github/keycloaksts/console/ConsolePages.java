package io.github.keycloaksts.console;

import jakarta.ws.rs.core.MultivaluedMap;
import jakarta.ws.rs.core.Response;
import org.keycloak.locale.LocaleSelectorProvider;
import org.keycloak.locale.LocaleUpdaterProvider;
import org.keycloak.models.KeycloakSession;

/** The browser pages of keycloak-sts, as served under {@code /realms/{realm}/sts/}. */
public final class ConsolePages {

    private final KeycloakSession session;

    public ConsolePages(KeycloakSession session) {
        this.session = session;
        applyRequestedLocale(session);
    }

    /**
     * {@code ?kc_locale=zh-CN} works on these pages as on Keycloak's login pages: for this request, and remembered
     * in Keycloak's locale cookie for the next ones.
     */
    private static void applyRequestedLocale(KeycloakSession session) {
        String locale = session.getContext().getUri().getQueryParameters().getFirst("kc_locale");
        if (locale == null || locale.length() > 16 || !locale.matches("[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*")) {
            return;
        }
        session.setAttribute(LocaleSelectorProvider.USER_REQUEST_LOCALE, locale);
        LocaleUpdaterProvider updater = session.getProvider(LocaleUpdaterProvider.class);
        if (updater != null) {
            updater.updateLocaleCookie(locale);
        }
    }

    public Response switchRolePage() {
        return new SwitchRoleResource(session).page();
    }

    public Response switchRole(MultivaluedMap<String, String> form) {
        return new SwitchRoleResource(session).submit(form);
    }

    public Response enter(String ticket) {
        return new RoleConsoleResource(session).enter(ticket);
    }

    public Response console() {
        return new RoleConsoleResource(session).console();
    }

    public Response back(MultivaluedMap<String, String> form) {
        return new RoleConsoleResource(session).back(form);
    }

    public Response signInPage() {
        return new EnterpriseSignInResource(session).page();
    }

    public Response signIn(MultivaluedMap<String, String> form) {
        return new EnterpriseSignInResource(session).submit(form);
    }
}
