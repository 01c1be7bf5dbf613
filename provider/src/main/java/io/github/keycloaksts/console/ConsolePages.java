package io.github.keycloaksts.console;

import java.util.function.Supplier;

import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.jboss.logging.Logger;
import org.keycloak.forms.login.LoginFormsProvider;
import org.keycloak.locale.LocaleSelectorProvider;
import org.keycloak.locale.LocaleUpdaterProvider;
import org.keycloak.models.KeycloakSession;

/**
 * The browser pages of keycloak-sts, as served under {@code /realms/{realm}/sts/}.
 *
 * <p>No input makes these pages answer 5xx: every page runs inside {@link #guard}, which turns an
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

    public Response switchRole(byte[] body) {
        return guard("switch-role", () -> new SwitchRoleResource(session).submit(FormBody.parse(body)));
    }

    public Response enter() {
        return guard("enter", () -> new RoleConsoleResource(session).enter(
                session.getContext().getUri().getQueryParameters().getFirst("ticket")));
    }

    public Response confirmEnter(byte[] body) {
        return guard("enter", () -> new RoleConsoleResource(session).confirm(FormBody.parse(body)));
    }

    public Response console() {
        return guard("console", () -> new RoleConsoleResource(session).console());
    }

    public Response back(byte[] body) {
        return guard("back", () -> new RoleConsoleResource(session).back(FormBody.parse(body)));
    }

    public Response accountMenu() {
        return new AccountMenuResource(session).menu();
    }

    public Response signInPage() {
        return guard("signin", () -> new EnterpriseSignInResource(session).page());
    }

    public Response signIn(byte[] body) {
        return guard("signin", () -> new EnterpriseSignInResource(session).submit(FormBody.parse(body)));
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
        } catch (FormBody.Malformed e) {
            LOG.debugf(e, "sts page %s refused a malformed form", page);
            return themedRefusal(Response.Status.BAD_REQUEST);
        } catch (WebApplicationException e) {
            int status = e.getResponse() == null ? 500 : e.getResponse().getStatus();
            if (status >= 400 && status < 500) { // the request is at fault: said so, nothing logged
                LOG.debugf(e, "sts page %s refused a malformed request", page);
                return themedRefusal(Response.Status.fromStatusCode(status));
            }
            return refused(page, e);
        } catch (RuntimeException e) {
            return refused(page, e);
        }
    }

    private Response refused(String page, RuntimeException e) {
        LOG.warnf(e, "sts page %s of realm %s refused a request it could not handle", page,
                session.getContext().getRealm() == null ? null : session.getContext().getRealm().getName());
        return themedRefusal(Response.Status.BAD_REQUEST);
    }

    private Response themedRefusal(Response.Status status) {
        Response.Status shown = status == null ? Response.Status.BAD_REQUEST : status;
        session.getTransactionManager().setRollbackOnly();
        try {
            Response themed = session.getProvider(LoginFormsProvider.class)
                    .setAttribute("stsMessage", "stsRequestRefused")
                    .setStatus(shown)
                    .createForm("sts-message.ftl");
            if (themed.getStatus() == shown.getStatusCode()) {
                return themed;
            }
        } catch (RuntimeException again) {
            LOG.debugf(again, "themed error page failed");
        }
        return Response.status(Response.Status.BAD_REQUEST).type(MediaType.TEXT_PLAIN_TYPE).entity("Bad request").build();
    }
}
