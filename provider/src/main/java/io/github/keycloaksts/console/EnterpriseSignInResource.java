package io.github.keycloaksts.console;

import java.util.Optional;

import io.github.keycloaksts.account.AccountService;
import jakarta.ws.rs.core.MultivaluedMap;
import jakarta.ws.rs.core.Response;
import org.keycloak.forms.login.LoginFormsProvider;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;

/**
 * {@code /realms/master/sts/signin}: enterprise sign-in as the seed describes it — enterprise alias and username
 * (or {@code username@alias}) — sending the browser to that account's themed login with the username filled in.
 */
final class EnterpriseSignInResource {

    private static final int MAX_INPUT = 255;

    private final KeycloakSession session;

    EnterpriseSignInResource(KeycloakSession session) {
        this.session = session;
    }

    Response page() {
        return form(null, "", "", Response.Status.OK);
    }

    Response submit(MultivaluedMap<String, String> form) {
        String alias = ConsoleSupport.trimToNull(form.getFirst("alias"));
        String username = ConsoleSupport.trimToNull(form.getFirst("username"));
        if (username != null && username.contains("@") && alias == null) {
            alias = username.substring(username.lastIndexOf('@') + 1);
            username = username.substring(0, username.lastIndexOf('@'));
        }
        if (alias != null && alias.length() > MAX_INPUT || username != null && username.length() > MAX_INPUT) {
            return form("stsUnknownEnterprise", "", "", Response.Status.BAD_REQUEST); // no 100 KB echo, no 100 KB login_hint
        }
        Optional<RealmModel> account = alias == null ? Optional.empty() : new AccountService(session).findByAliasOrAccountId(alias);
        if (account.isEmpty()) {
            return form("stsUnknownEnterprise", alias, username, Response.Status.BAD_REQUEST);
        }
        String realm = account.get().getName();
        return Response.seeOther(ConsoleSupport.loginUrl(session, realm, ConsoleSupport.stsUrl(session, realm, "switch-role"), username)).build();
    }

    private Response form(String error, String alias, String username, Response.Status status) {
        LoginFormsProvider forms = session.getProvider(LoginFormsProvider.class)
                .setAttribute("stsActionUrl", ConsoleSupport.stsUrl(session, session.getContext().getRealm().getName(), "signin").toString())
                .setAttribute("stsAlias", alias == null ? "" : alias)
                .setAttribute("stsUsername", username == null ? "" : username)
                .setStatus(status);
        if (error != null) {
            forms.setAttribute("stsError", error);
        }
        return forms.createForm("sts-signin.ftl");
    }
}
