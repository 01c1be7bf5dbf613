package io.github.keycloaksts.admin;

import java.util.List;
import java.util.Optional;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.keycloaksts.admin.representation.PolicyRepresentation;
import io.github.keycloaksts.role.AssumableRole;
import io.github.keycloaksts.role.AttachedPolicy;
import io.github.keycloaksts.session.TrustChangePreview;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.keycloak.events.admin.OperationType;
import org.keycloak.models.RoleModel;

/**
 * {@code /sts/roles/{roleName}/policies}: the permission policies attached to a role (Keycloak realm or client roles,
 * held by the role's principal). Attaching and detaching take Keycloak's map-role right, as granting a role does.
 */
public final class RolePoliciesResource {

    static final String ROLE_POLICY_RESOURCE = "STS_ROLE_POLICY";

    private final AdminContext context;
    private final String roleName;

    RolePoliciesResource(AdminContext context, String roleName) {
        this.context = context;
        this.roleName = roleName;
    }

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    public List<PolicyRepresentation> list() {
        context.auth.realm().requireViewRealm();
        return Converters.policies(context.role(roleName).attachedPolicies());
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    public Response attach(String body) {
        context.auth.realm().requireManageRealm();
        AssumableRole role = context.role(roleName);
        JsonNode json = RequestBody.object(body, Set.of("policyName", "clientId"));
        String policyName = context.requiredText(json, "policyName");
        String clientId = context.optionalText(json, "clientId", 255);
        RoleModel policy = context.policy(policyName, clientId);
        requireMayGrant(policy, OperationType.CREATE);
        if (role.attachedRoles().anyMatch(policy::equals)) {
            throw AdminApiException.conflict("EntityAlreadyExists.Role.Policy",
                    "policy " + AttachedPolicy.of(policy).qualifiedName() + " is already attached to role " + roleName);
        }
        context.roles.attach(role, policy);
        PolicyRepresentation attached = Converters.policy(policy);
        context.adminEvent.operation(OperationType.CREATE).resource(ROLE_POLICY_RESOURCE)
                .resourcePath(context.uri(), attached.policyName()).representation(attached).success();
        return Response.status(Response.Status.CREATED).entity(attached).build();
    }

    @DELETE
    @Path("{policyName}")
    public Response detach(@PathParam("policyName") String policyName, @QueryParam("clientId") String clientId,
                           @QueryParam("dryRun") String dryRun) {
        context.auth.realm().requireManageRealm();
        AssumableRole role = context.role(roleName);
        RoleModel policy = context.policy(policyName, clientId);
        requireMayGrant(policy, OperationType.DELETE);
        if (role.attachedRoles().noneMatch(policy::equals)) {
            throw AdminApiException.notFound("EntityNotExist.Role.Policy",
                    "policy " + AttachedPolicy.of(policy).qualifiedName() + " is not attached to role " + roleName);
        }
        if (DryRun.requested(dryRun)) {
            TrustChangePreview.Preview preview = new TrustChangePreview(
                    context.session, context.realm).policyDetach(role, role.arn(context.account().accountId()).toString());
            return Response.ok(Converters.preview("DETACH_POLICY", role, preview), MediaType.APPLICATION_JSON_TYPE).build();
        }
        context.updates.detach(role, policy);
        context.adminEvent.operation(OperationType.DELETE).resource(ROLE_POLICY_RESOURCE)
                .resourcePath(context.uri()).representation(Converters.policy(policy)).success();
        return Response.noContent().build();
    }

    /**
     * Attaching a policy grants it to whoever assumes the role, so it takes what granting it takes in Keycloak: the
     * map-role right on the role and on every role it contains ({@link AdminRequest#firstUnmappable}); detaching
     * takes the map-role right on the role, as Keycloak's role-mapping removal does. A refusal is a 403 with an
     * admin event carrying the error and the reason; nothing is changed.
     */
    private void requireMayGrant(RoleModel policy, OperationType operation) {
        Optional<RoleModel> refused = operation == OperationType.CREATE
                ? AdminRequest.firstUnmappable(context.auth, policy)
                : (context.auth.roles().canMapRole(policy) ? Optional.empty() : Optional.of(policy));
        if (refused.isEmpty()) {
            return;
        }
        AttachedPolicy attached = AttachedPolicy.of(policy);
        String reason = (operation == OperationType.CREATE ? "attaching " : "detaching ") + attached.qualifiedName()
                + (operation == OperationType.CREATE ? " to" : " from") + " role " + roleName + " needs the right to map role "
                + AttachedPolicy.of(refused.get()).qualifiedName()
                + (refused.get().equals(policy) ? "" : " (contained in " + attached.qualifiedName() + ")");
        context.adminEvent.operation(operation).resource(ROLE_POLICY_RESOURCE)
                .resourcePath(context.uri()).representation(Converters.policy(attached));
        throw AdminRequest.refuse(context.session, context.realm, context.adminEvent, "Forbidden.Policy",
                "you may not grant policy " + attached.qualifiedName(), reason);
    }
}
