package io.github.keycloaksts.web;

import io.github.keycloaksts.account.Account;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;

/** JAX-RS resource under {@code /realms/{realm}/sts}. */
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
        return Account.of(realm).orElseThrow(() -> new NotFoundException("Realm is not an account"));
    }
}
