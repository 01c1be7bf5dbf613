package io.github.keycloaksts.admin;

import java.util.List;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.keycloaksts.account.Account;
import io.github.keycloaksts.admin.representation.RoleRepresentation;
import io.github.keycloaksts.policy.document.PolicyWriter;
import io.github.keycloaksts.role.AssumableRole;
import io.github.keycloaksts.role.AssumableRoleValidation;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.keycloak.events.admin.OperationType;

/** {@code /sts/roles}: the account's assumable roles. */
public final class RolesResource {

    private final AdminContext context;

    RolesResource(AdminContext context) {
        this.context = context;
    }

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    public List<RoleRepresentation> list() {
        context.auth.realm().requireViewRealm();
        Account account = context.account();
        return context.roles.list().map(role -> Converters.role(account, role)).toList();
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    public Response create(String body) {
        context.auth.realm().requireManageRealm();
        Account account = context.account();
        JsonNode json = RequestBody.object(body, Set.of("roleName", "description", "trustPolicy", "maxSessionDuration"));
        AssumableRoleValidation.NewRole valid = context.newRole(json);
        String roleName = valid.roleName();
        AssumableRole role = context.roles.create(roleName, valid.description(), PolicyWriter.toJson(valid.trustPolicy()),
                valid.maxSessionDuration());
        RoleRepresentation representation = Converters.role(account, role);
        context.adminEvent.operation(OperationType.CREATE).resource(RoleResource.ROLE_RESOURCE)
                .resourcePath(context.uri(), roleName).representation(representation).success();
        return Response.created(context.uri().getAbsolutePathBuilder().path(roleName).build()).entity(representation).build();
    }

    /**
     * One role. The role is looked up by each method, after its permission check, so a caller without the right
     * learns nothing about which roles exist (403 before 404).
     */
    @Path("{roleName}")
    public RoleResource role(@PathParam("roleName") String roleName) {
        return new RoleResource(context, roleName);
    }
}
