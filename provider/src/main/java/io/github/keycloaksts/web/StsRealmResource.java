package io.github.keycloaksts.web;

import io.github.keycloaksts.account.Account;
import io.github.keycloaksts.caller.CallerIdentityResource;
import io.github.keycloaksts.console.ConsolePages;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;

/**
 * JAX-RS resource under {@code /realms/{realm}/sts}. Form posts arrive as bytes and are decoded by the page
 * ({@link ConsolePages}), so a malformed body is a 400 of ours rather than a 500 of the framework's form reader.
 */
public class StsRealmResource {

    private final KeycloakSession session;

    StsRealmResource(KeycloakSession session) {
        this.session = session;
    }

    /**
     * The account identity of this realm, as partners write it in trust policies and grants.
     * Account IDs are not secrets (they appear in every ARN a partner is given); roles are not listed here.
     */
    @GET
    @Path("account")
    @Produces(MediaType.APPLICATION_JSON)
    public Account account() {
        RealmModel realm = session.getContext().getRealm();
        return Account.of(session, realm).orElseThrow(() -> new NotFoundException("Realm is not an account"));
    }

    /** Who the bearer token of this realm acts as (GetCallerIdentity): a role session or a user (docs/api.md). */
    @GET
    @Path("caller-identity")
    @Produces(MediaType.APPLICATION_JSON)
    public Response callerIdentity() {
        return new CallerIdentityResource(session).get();
    }

    /** The role ARN patterns the bearer may assume, as his account grants them (docs/api.md). */
    @GET
    @Path("my-grants")
    @Produces(MediaType.APPLICATION_JSON)
    public Response myGrants() {
        return new CallerIdentityResource(session).grants();
    }

    @GET
    @Path("switch-role")
    @Produces(MediaType.TEXT_HTML)
    public Response switchRolePage() {
        return new ConsolePages(session).switchRolePage();
    }

    @POST
    @Path("switch-role")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    @Produces(MediaType.TEXT_HTML)
    public Response switchRole(byte[] form) {
        return new ConsolePages(session).switchRole(form);
    }

    /** Redeems a Switch Role ticket ({@code ?ticket=}); read inside the page so no parameter can make it fail. */
    @GET
    @Path("enter")
    @Produces(MediaType.TEXT_HTML)
    public Response enter() {
        return new ConsolePages(session).enter();
    }

    /** The explicit confirmation that replaces another session of this realm held by the browser. */
    @POST
    @Path("enter")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    @Produces(MediaType.TEXT_HTML)
    public Response confirmEnter(byte[] form) {
        return new ConsolePages(session).confirmEnter(form);
    }

    @GET
    @Path("console")
    @Produces(MediaType.TEXT_HTML)
    public Response console() {
        return new ConsolePages(session).console();
    }

    @POST
    @Path("back")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    @Produces(MediaType.TEXT_HTML)
    public Response back(byte[] form) {
        return new ConsolePages(session).back(form);
    }

    /** What the sts account theme adds to Keycloak's account console for this browser's session (JSON). */
    @GET
    @Path("account-menu")
    @Produces(MediaType.APPLICATION_JSON)
    public Response accountMenu() {
        return new ConsolePages(session).accountMenu();
    }

    @GET
    @Path("signin")
    @Produces(MediaType.TEXT_HTML)
    public Response signInPage() {
        return new ConsolePages(session).signInPage();
    }

    @POST
    @Path("signin")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    @Produces(MediaType.TEXT_HTML)
    public Response signIn(byte[] form) {
        return new ConsolePages(session).signIn(form);
    }
}
