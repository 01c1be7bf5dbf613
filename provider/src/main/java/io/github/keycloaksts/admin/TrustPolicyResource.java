package io.github.keycloaksts.admin;

import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.keycloaksts.assume.EventDetails;
import io.github.keycloaksts.policy.PolicyValidationException;
import io.github.keycloaksts.policy.document.PolicyDocument;
import io.github.keycloaksts.role.AssumableRole;
import io.github.keycloaksts.session.TrustChangePreview;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import org.keycloak.events.admin.OperationType;

/**
 * {@code /sts/roles/{roleName}/trust-policy}: who may assume the role. Replacing it ends the sessions of every
 * account whose standing may have changed (admin event detail {@code revoked_accounts}).
 */
public final class TrustPolicyResource {

    static final String TRUST_POLICY_RESOURCE = "STS_TRUST_POLICY";

    private final AdminContext context;
    private final String roleName;

    TrustPolicyResource(AdminContext context, String roleName) {
        this.context = context;
        this.roleName = roleName;
    }

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    public JsonNode get() {
        context.auth.realm().requireViewRealm();
        AssumableRole role = context.role(roleName);
        try {
            return Converters.trustPolicy(role.trustPolicy());
        } catch (PolicyValidationException e) {
            throw AdminApiException.conflict("MalformedPolicyDocument.Stored",
                    "the stored trust policy of role " + role.name() + " is invalid (" + e.getMessage() + "): PUT a new one");
        }
    }

    @PUT
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    public Object put(String body, @QueryParam("dryRun") String dryRun) {
        context.auth.realm().requireManageRealm();
        AssumableRole role = context.role(roleName);
        PolicyDocument trustPolicy;
        try {
            trustPolicy = context.trustPolicy(RequestBody.object(body, null), "");
        } catch (AdminApiException refused) {
            if (!"true".equals(dryRun)) {
                // A refused trust change is an insider's attempt worth auditing (e.g. oidc:sub "repo:*"): record it.
                AdminRequest.refuse(context.session, context.realm, context.adminEvent.operation(OperationType.UPDATE)
                                .resource(TRUST_POLICY_RESOURCE).resourcePath(context.uri()), refused.code(), refused.message(),
                        "trust policy of role " + roleName + " refused: " + refused.message());
            }
            throw refused;
        }
        PolicyDocument before;
        try {
            before = role.trustPolicy();
        } catch (PolicyValidationException e) {
            before = null; // unreadable before: revoke every account's sessions
        }
        if (DryRun.requested(dryRun)) {
            // What the change would do, and nothing else: no write, no revocation, no admin event.
            TrustChangePreview.Preview preview = new TrustChangePreview(context.session, context.realm)
                    .trustPolicyChange(role, role.arn(context.account().accountId()).toString(), before, trustPolicy);
            return Converters.preview("UPDATE_TRUST_POLICY", role, preview);
        }
        List<String> revoked = context.updates.updateTrustPolicy(role, before, trustPolicy);
        JsonNode representation = Converters.trustPolicy(trustPolicy);
        context.adminEvent.operation(OperationType.UPDATE).resource(TRUST_POLICY_RESOURCE)
                .resourcePath(context.uri()).representation(representation)
                .detail(EventDetails.REVOKED_ACCOUNTS, String.join(",", revoked)).success();
        return representation;
    }
}
