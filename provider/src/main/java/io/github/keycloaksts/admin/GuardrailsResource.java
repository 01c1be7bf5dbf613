package io.github.keycloaksts.admin;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.keycloaksts.admin.representation.GuardrailRepresentation;
import io.github.keycloaksts.platform.PlatformPolicies;
import io.github.keycloaksts.policy.PolicyValidationException;
import io.github.keycloaksts.policy.document.PolicyDocument;
import io.github.keycloaksts.policy.document.PolicyKind;
import io.github.keycloaksts.policy.eval.Guardrail;
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
 * {@code /sts/platform/guardrails}: the platform's guardrails. {@code GET} lists them (and, when the stored value cannot
 * be read, the {@code problem} that makes every assumption refused); {@code PUT /{name}} creates or replaces one
 * ({@code {"description": "...", "document": {...}}}, Deny statements only), {@code DELETE /{name}} removes it. Every
 * change is an admin event of the master realm.
 */
public final class GuardrailsResource {

    private static final Set<String> FIELDS = Set.of("description", "document");

    private final AdminContext context;

    GuardrailsResource(AdminContext context) {
        this.context = context;
    }

    /** The list, and {@code problem} when the stored guardrails cannot be read. */
    public record Listing(List<GuardrailRepresentation> guardrails, String problem) {
    }

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    public Listing list() {
        PlatformResource.requireView(context);
        PlatformPolicies.InForce inForce = PlatformPolicies.inForce(context.session);
        return new Listing(inForce.guardrails().values().stream().map(GuardrailsResource::representation).toList(), inForce.problem());
    }

    @GET
    @Path("{name}")
    @Produces(MediaType.APPLICATION_JSON)
    public GuardrailRepresentation get(@PathParam("name") String name) {
        PlatformResource.requireView(context);
        PlatformPolicies.StoredGuardrail g = PlatformPolicies.inForce(context.session).guardrails().get(name);
        if (g == null) {
            throw AdminApiException.notFound("EntityNotExist.Guardrail", "guardrail " + SimulationInput.printable(name) + " does not exist");
        }
        return representation(g);
    }

    @PUT
    @Path("{name}")
    @Produces(MediaType.APPLICATION_JSON)
    public GuardrailRepresentation put(@PathParam("name") String name, String body) {
        PlatformResource.requirePlatformAdministrator(context, OperationType.UPDATE, PlatformResource.GUARDRAIL_RESOURCE);
        if (!Guardrail.isName(name)) {
            throw AdminApiException.badRequest("InvalidParameter.GuardrailName",
                    "name: 1 to 64 letters, digits, '.', '_' or '-', not starting with '.', '_' or '-'");
        }
        JsonNode json = RequestBody.object(body, FIELDS);
        JsonNode documentNode = json.get("document");
        if (documentNode == null || !documentNode.isObject()) {
            throw AdminApiException.badRequest("InvalidParameter.Document", "document: a guardrail policy document (JSON object) is required");
        }
        String description = PlatformResource.description(json);
        PolicyDocument document;
        try {
            document = AdminContext.POLICY_READER.read(PolicyKind.GUARDRAIL, documentNode);
        } catch (PolicyValidationException e) {
            throw AdminApiException.badRequest("MalformedPolicyDocument", "document." + e.getMessage());
        }
        PlatformPolicies.InForce inForce = editable(context);
        Map<String, PlatformPolicies.StoredGuardrail> next = new TreeMap<>(inForce.guardrails());
        boolean created = !next.containsKey(name);
        if (created && next.size() >= PlatformPolicies.MAX_GUARDRAILS) {
            throw AdminApiException.conflict("LimitExceeded.Guardrails", "at most " + PlatformPolicies.MAX_GUARDRAILS + " guardrails");
        }
        PlatformPolicies.StoredGuardrail stored = new PlatformPolicies.StoredGuardrail(name, description, document);
        next.put(name, stored);
        PlatformPolicies.writeGuardrails(context.session, next);
        GuardrailRepresentation representation = representation(stored);
        context.adminEvent.operation(created ? OperationType.CREATE : OperationType.UPDATE).resource(PlatformResource.GUARDRAIL_RESOURCE)
                .resourcePath(context.uri()).representation(representation).success();
        return representation;
    }

    @DELETE
    @Path("{name}")
    public Response delete(@PathParam("name") String name) {
        PlatformResource.requirePlatformAdministrator(context, OperationType.DELETE, PlatformResource.GUARDRAIL_RESOURCE);
        PlatformPolicies.InForce inForce = editable(context);
        Map<String, PlatformPolicies.StoredGuardrail> next = new TreeMap<>(inForce.guardrails());
        if (next.remove(name) == null) {
            throw AdminApiException.notFound("EntityNotExist.Guardrail", "guardrail " + SimulationInput.printable(name) + " does not exist");
        }
        PlatformPolicies.writeGuardrails(context.session, next);
        context.adminEvent.operation(OperationType.DELETE).resource(PlatformResource.GUARDRAIL_RESOURCE).resourcePath(context.uri()).success();
        return Response.noContent().build();
    }

    /**
     * The guardrails to change. When the stored value cannot be read, an edit would silently drop what it holds: the
     * platform administrator fixes or removes the master realm attribute first.
     */
    static PlatformPolicies.InForce editable(AdminContext context) {
        PlatformPolicies.InForce inForce = PlatformPolicies.inForce(context.session);
        if (inForce.problem() != null) {
            throw AdminApiException.conflict("MalformedPolicyDocument.Stored", "the stored guardrails or organizations cannot be read ("
                    + inForce.problem() + "): every assumption is refused; fix or remove the master realm attribute "
                    + PlatformPolicies.GUARDRAILS_ATTRIBUTE + " / " + PlatformPolicies.ORGANIZATIONS_ATTRIBUTE);
        }
        return inForce;
    }

    static GuardrailRepresentation representation(PlatformPolicies.StoredGuardrail g) {
        return new GuardrailRepresentation(g.name(), g.description(), PlatformPolicies.json(g.document()));
    }
}
