package io.github.keycloaksts.admin;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.keycloaksts.account.AccountRegistry;
import io.github.keycloaksts.admin.representation.OrganizationRepresentation;
import io.github.keycloaksts.platform.PlatformPolicies;
import io.github.keycloaksts.policy.arn.AccountId;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.keycloak.events.admin.OperationType;

/**
 * {@code /sts/platform/organizations}: named sets of accounts, which guardrails name through {@code acs:PrincipalOrgId}
 * and {@code acs:ResourceOrgId}. {@code PUT /{id}} ({@code {"description": "...", "accounts": ["11223344", ...]}})
 * creates or replaces one: every member must be an account of the server, and an account is in at most one
 * organization. Changing the members changes what guardrails decide at once, for live sessions too.
 */
public final class OrganizationsResource {

    private static final Set<String> FIELDS = Set.of("description", "accounts");

    private final AdminContext context;

    OrganizationsResource(AdminContext context) {
        this.context = context;
    }

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    public List<OrganizationRepresentation> list() {
        PlatformResource.requireView(context);
        return PlatformPolicies.inForce(context.session).organizations().values().stream().map(OrganizationsResource::representation).toList();
    }

    @GET
    @Path("{id}")
    @Produces(MediaType.APPLICATION_JSON)
    public OrganizationRepresentation get(@PathParam("id") String id) {
        PlatformResource.requireView(context);
        PlatformPolicies.Organization o = PlatformPolicies.inForce(context.session).organizations().get(id);
        if (o == null) {
            throw notFound(id);
        }
        return representation(o);
    }

    @PUT
    @Path("{id}")
    @Produces(MediaType.APPLICATION_JSON)
    public OrganizationRepresentation put(@PathParam("id") String id, String body) {
        PlatformResource.requirePlatformAdministrator(context, OperationType.UPDATE, PlatformResource.ORGANIZATION_RESOURCE);
        if (!PlatformPolicies.isOrganizationId(id)) {
            throw AdminApiException.badRequest("InvalidParameter.OrganizationId", "id: 1 to 63 lower-case letters, digits and '-', not starting with '-'");
        }
        JsonNode json = RequestBody.object(body, FIELDS);
        JsonNode accountsNode = json.get("accounts");
        if (accountsNode == null || !accountsNode.isArray()) {
            throw AdminApiException.badRequest("InvalidParameter.Accounts", "accounts: an array of account IDs is required");
        }
        String description = PlatformResource.description(json);
        PlatformPolicies.InForce inForce = GuardrailsResource.editable(context);
        AccountRegistry registry = new AccountRegistry(context.session);
        List<String> accounts = new ArrayList<>();
        for (int i = 0; i < accountsNode.size(); i++) {
            JsonNode a = accountsNode.get(i);
            if (!a.isTextual() || !AccountId.isValid(a.textValue())) {
                throw AdminApiException.badRequest("InvalidParameter.Accounts", "accounts[" + i + "]: not an account ID (8 to 16 digits)");
            }
            if (registry.realmOf(a.textValue()).isEmpty()) {
                throw AdminApiException.badRequest("InvalidParameter.Accounts", "accounts[" + i + "]: no account has the ID " + a.textValue());
            }
            String other = inForce.organizationOf(a.textValue()).orElse(id);
            if (!other.equals(id)) {
                throw AdminApiException.conflict("EntityAlreadyExists.Membership", "accounts[" + i + "]: account " + a.textValue()
                        + " is in organization " + other + " (an account is in at most one organization)");
            }
            if (!accounts.contains(a.textValue())) {
                accounts.add(a.textValue());
            }
        }
        accounts.sort(null);
        Map<String, PlatformPolicies.Organization> next = new TreeMap<>(inForce.organizations());
        if (!next.containsKey(id) && next.size() >= PlatformPolicies.MAX_ORGANIZATIONS) {
            throw AdminApiException.conflict("LimitExceeded.Organizations", "at most " + PlatformPolicies.MAX_ORGANIZATIONS + " organizations");
        }
        boolean created = !next.containsKey(id);
        PlatformPolicies.Organization organization = new PlatformPolicies.Organization(id,
                description, List.copyOf(accounts));
        next.put(id, organization);
        PlatformPolicies.writeOrganizations(context.session, next);
        OrganizationRepresentation representation = representation(organization);
        context.adminEvent.operation(created ? OperationType.CREATE : OperationType.UPDATE).resource(PlatformResource.ORGANIZATION_RESOURCE)
                .resourcePath(context.uri()).representation(representation).success();
        return representation;
    }

    @DELETE
    @Path("{id}")
    public Response delete(@PathParam("id") String id) {
        PlatformResource.requirePlatformAdministrator(context, OperationType.DELETE, PlatformResource.ORGANIZATION_RESOURCE);
        Map<String, PlatformPolicies.Organization> next = new TreeMap<>(GuardrailsResource.editable(context).organizations());
        if (next.remove(id) == null) {
            throw notFound(id);
        }
        PlatformPolicies.writeOrganizations(context.session, next);
        context.adminEvent.operation(OperationType.DELETE).resource(PlatformResource.ORGANIZATION_RESOURCE).resourcePath(context.uri()).success();
        return Response.noContent().build();
    }

    private static AdminApiException notFound(String id) {
        return AdminApiException.notFound("EntityNotExist.Organization", "organization " + SimulationInput.printable(id) + " does not exist");
    }

    static OrganizationRepresentation representation(PlatformPolicies.Organization o) {
        return new OrganizationRepresentation(o.id(), o.description(), o.accounts());
    }
}
