package io.github.keycloaksts.admin;

import java.util.Comparator;
import java.util.List;

import io.github.keycloaksts.admin.representation.GrantRepresentation;
import io.github.keycloaksts.grant.SourceGrants;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

/**
 * {@code /sts/grants}: the source side, which of this realm's Keycloak roles grant assuming which roles (their
 * {@code sts.assume-role} values), each value judged by the check the exchange runs ({@link SourceGrants#grantOf}).
 */
public final class GrantsResource {

    private final AdminContext context;

    GrantsResource(AdminContext context) {
        this.context = context;
    }

    @Path("simulate")
    public GrantSimulationResource simulate() {
        return new GrantSimulationResource(context);
    }

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    public List<GrantRepresentation> list() {
        context.auth.realm().requireViewRealm();
        return SourceGrants.grantingRoles(context.realm).map(Converters::grant)
                .sorted(Comparator.comparing(grant -> grant.clientId() + "/" + grant.roleName()))
                .toList();
    }
}
