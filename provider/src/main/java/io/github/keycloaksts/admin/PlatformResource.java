package io.github.keycloaksts.admin;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.keycloaksts.account.AccountRegistry;
import io.github.keycloaksts.account.PlatformAdministrators;
import jakarta.ws.rs.Path;
import org.keycloak.events.admin.OperationType;
import org.keycloak.services.resources.admin.AdminAuth;

/**
 * {@code /admin/realms/master/sts/platform}: the platform's view and policies, for the administrators of the master
 * realm: guardrails ({@link GuardrailsResource}), organizations ({@link OrganizationsResource}) and the trust graph with
 * its findings ({@link TrustGraphResource}). Reading needs {@code view-realm} of the master realm; changing needs a
 * platform administrator ({@link PlatformAdministrators}). Under any other realm it does not exist (404): an account's
 * own administrators have their account's view under {@code /sts/external-access}.
 */
public final class PlatformResource {

    static final String GUARDRAIL_RESOURCE = "STS_GUARDRAIL";
    static final String ORGANIZATION_RESOURCE = "STS_ORGANIZATION";

    private final AdminContext context;

    PlatformResource(AdminContext context) {
        this.context = context;
        if (!AccountRegistry.isMaster(context.realm)) {
            throw AdminApiException.notFound("EntityNotExist.Platform", "the platform view is under the master realm only");
        }
    }

    @Path("guardrails")
    public GuardrailsResource guardrails() {
        return new GuardrailsResource(context);
    }

    @Path("organizations")
    public OrganizationsResource organizations() {
        return new OrganizationsResource(context);
    }

    @Path("trust-graph")
    public TrustGraphResource trustGraph() {
        return new TrustGraphResource(context);
    }

    /** The optional {@code description} of a guardrail or organization: a string of at most 1000 characters, "" when absent. */
    static String description(JsonNode body) {
        JsonNode d = body.get("description");
        if (d == null || d.isNull()) {
            return "";
        }
        if (!d.isTextual() || d.textValue().length() > 1000) {
            throw AdminApiException.badRequest("InvalidParameter.Description", "description: a string of at most 1000 characters");
        }
        return d.textValue();
    }

    /** Reading: {@code view-realm} of the master realm (whose administrators alone reach it). */
    static void requireView(AdminContext context) {
        context.auth.realm().requireViewRealm();
    }

    /** Changing: a platform administrator; anyone else is refused, and the refusal recorded as an admin event. */
    static void requirePlatformAdministrator(AdminContext context, OperationType operation, String resource) {
        context.auth.realm().requireViewRealm();
        AdminAuth caller = context.auth.adminAuth();
        if (!PlatformAdministrators.isOne(context.session, caller)) {
            throw AdminRequest.refuse(context.session, context.realm, context.adminEvent.operation(operation)
                            .resource(resource).resourcePath(context.uri()), "NoPermission.Platform",
                    "guardrails and organizations are set by administrators of the master realm",
                    "guardrails and organizations are set by platform administrators; " + caller.getUser().getUsername()
                            + " of realm " + caller.getRealm().getName() + " is not one");
        }
    }
}
