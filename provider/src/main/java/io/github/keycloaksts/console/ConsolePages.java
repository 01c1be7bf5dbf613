package io.github.keycloaksts.console;

import jakarta.ws.rs.core.MultivaluedMap;
import jakarta.ws.rs.core.Response;
import org.keycloak.models.KeycloakSession;

/** The browser pages of keycloak-sts, as served under {@code /realms/{realm}/sts/}. */
public final class ConsolePages {

    private final KeycloakSession session;

    public ConsolePages(KeycloakSession session) {
        this.session = session;
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
