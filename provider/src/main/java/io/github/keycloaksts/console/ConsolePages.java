package io.github.keycloaksts.console;

import java.util.function.Supplier;

import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.MultivaluedMap;
import jakarta.ws.rs.core.Response;
import org.jboss.logging.Logger;
import org.keycloak.forms.login.LoginFormsProvider;
import org.keycloak.locale.LocaleSelectorProvider;
import org.keycloak.locale.LocaleUpdaterProvider;
import org.keycloak.models.KeycloakSession;

/**
 * The browser pages of keycloak-sts, as served under {@code /realms/{realm}/sts/}.
 *
 * <p>No input makes these pages answer 5xx (issue 11, item 9): every page runs inside {@link #guard}, which turns an
 * unexpected failure into the themed error page with 400, rolls the transaction back and logs the cause.
 */
public final class ConsolePages {

    private static final Logger LOG = Logger.getLogger(ConsolePages.class);

    private final KeycloakSession session;

    public ConsolePages(KeycloakSession session) {
        this.session = session;
    }

    /**
     * {@code ?kc_locale=zh-CN} works on these pages as on Keycloak's login pages: for this request, and remembered
     * in Keycloak's locale cookie for the next ones. Anything but a plain language tag is ignored.
     */
    private void applyRequestedLocale() {
        String locale = ConsoleSupport.validLocale(session.getContext().getUri().getQueryParameters().getFirst("kc_locale"));
        if (locale == null) {
            return;
        }
        session.setAttribute(LocaleSelectorProvider.USER_REQUEST_LOCALE, locale);
        LocaleUpdaterProvider updater = session.getProvider(LocaleUpdaterProvider.class);
        if (updater != null) {
            updater.updateLocaleCookie(locale);
        }
    }

    public Response switchRolePage() {
        return guard("switch-role", () -> new SwitchRoleResource(session).page());
    }

    public Response switchRole(MultivaluedMap<String, String> form) {
        return guard("switch-role", () -> new SwitchRoleResource(session).submit(form));
    }

    public Response enter() {
        return guard("enter", () -> new RoleConsoleResource(session).enter(
                session.getContext().getUri().getQueryParameters().getFirst("ticket")));
    }

    public Response confirmEnter(MultivaluedMap<String, String> form) {
        return guard("enter", () -> new RoleConsoleResource(session).confirm(form));
    }

    public Response console() {
        return guard("console", () -> new RoleConsoleResource(session).console());
    }

    public Response back(MultivaluedMap<String, String> form) {
        return guard("back", () -> new RoleConsoleResource(session).back(form));
    }

    public Response signInPage() {
        return guard("signin", () -> new EnterpriseSignInResource(session).page());
    }

    public Response signIn(MultivaluedMap<String, String> form) {
        return guard("signin", () -> new EnterpriseSignInResource(session).submit(form));
    }

    /**
     * Runs a page; a client error raised on the way (4xx) passes through, anything else becomes the themed error
     * page with 400 and a rolled-back transaction: the request is refused, nothing it started is kept.
     */
    private Response guard(String page, Supplier<Response> action) {
        try {
            applyRequestedLocale();
            Response response = action.get();
            if (response.getStatus() >= 500) { // e.g. Keycloak's form renderer answers 500 when a template fails
                return refused(page, new IllegalStateException("the page answered HTTP " + response.getStatus()));
            }
            return response;
        } catch (WebApplicationException e) {
            if (e.getResponse() != null && e.getResponse().getStatus() < 500) {
                throw e;
            }
            return refused(page, e);
        } catch (RuntimeException e) {
            return refused(page, e);
        }
    }

    private Response refused(String page, RuntimeException e) {
        LOG.warnf(e, "sts page %s of realm %s refused a request it could not handle", page,
                session.getContext().getRealm() == null ? null : session.getContext().getRealm().getName());
        session.getTransactionManager().setRollbackOnly();
        try {
            Response themed = session.getProvider(LoginFormsProvider.class)
                    .setAttribute("stsMessage", "stsRequestRefused")
                    .setStatus(Response.Status.BAD_REQUEST)
                    .createForm("sts-message.ftl");
            if (themed.getStatus() == Response.Status.BAD_REQUEST.getStatusCode()) {
                return themed;
            }
        } catch (RuntimeException again) {
            LOG.debugf(again, "themed error page failed");
        }
        return Response.status(Response.Status.BAD_REQUEST).type(MediaType.TEXT_PLAIN_TYPE).entity("Bad request").build();
    }
}
