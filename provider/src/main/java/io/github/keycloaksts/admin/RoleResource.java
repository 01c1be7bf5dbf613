package io.github.keycloaksts.admin;

import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.keycloaksts.account.Account;
import io.github.keycloaksts.admin.representation.RoleRepresentation;
import io.github.keycloaksts.policy.PolicyValidationException;
import io.github.keycloaksts.policy.document.PolicyDocument;
import io.github.keycloaksts.role.AssumableRole;
import io.github.keycloaksts.role.AssumableRoleValidation;
import io.github.keycloaksts.session.TrustChangePreview;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.keycloak.events.admin.OperationType;

/** {@code /sts/roles/{roleName}}: one assumable role, and its trust policy, attached policies and sessions below. */
public final class RoleResource {

    static final String ROLE_RESOURCE = "STS_ROLE";

    private final AdminContext context;
    private final String roleName;

    RoleResource(AdminContext context, String roleName) {
        this.context = context;
        this.roleName = roleName;
    }

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    public RoleRepresentation get() {
        context.auth.realm().requireViewRealm();
        return Converters.role(context.account(), context.role(roleName));
    }

    @PUT
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    public RoleRepresentation update(String body) {
        context.auth.realm().requireManageRealm();
        Account account = context.account();
        AssumableRole role = context.role(roleName);
        JsonNode json = RequestBody.object(body, Set.of("roleName", "description", "maxSessionDuration"));
        AssumableRoleValidation.RoleChanges changes = context.roleChanges(roleName, json);
        if (changes.descriptionGiven()) {
            context.roles.updateDescription(role, changes.description());
        }
        if (changes.maxSessionDuration() != null) {
            context.updates.updateMaxSessionDuration(role, changes.maxSessionDuration());
        }
        RoleRepresentation representation = Converters.role(account, role);
        context.adminEvent.operation(OperationType.UPDATE).resource(ROLE_RESOURCE)
                .resourcePath(context.uri()).representation(representation).success();
        return representation;
    }

    @DELETE
    public Response delete(@QueryParam("dryRun") String dryRun) {
        context.auth.realm().requireManageRealm();
        AssumableRole role = context.role(roleName);
        context.requireDeletable(role);
        if (DryRun.requested(dryRun)) {
            PolicyDocument before;
            try {
                before = role.trustPolicy();
            } catch (PolicyValidationException e) {
                before = null;
            }
            TrustChangePreview.Preview preview = new TrustChangePreview(context.session, context.realm)
                    .roleDeletion(role, role.arn(context.account().accountId()).toString(), before);
            return Response.ok(Converters.preview("DELETE_ROLE", role, preview), MediaType.APPLICATION_JSON_TYPE).build();
        }
        context.updates.delete(role);
        context.adminEvent.operation(OperationType.DELETE).resource(ROLE_RESOURCE)
                .resourcePath(context.uri()).success();
        return Response.noContent().build();
    }

    @Path("trust-policy")
    public TrustPolicyResource trustPolicy() {
        return new TrustPolicyResource(context, roleName);
    }

    @Path("policies")
    public RolePoliciesResource policies() {
        return new RolePoliciesResource(context, roleName);
    }

    @Path("sessions")
    public RoleSessionsResource sessions() {
        return new RoleSessionsResource(context, roleName);
    }

    @Path("simulate")
    public RoleSimulationResource simulate() {
        return new RoleSimulationResource(context, roleName);
    }
}
