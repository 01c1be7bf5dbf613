package io.github.keycloaksts.admin;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.keycloaksts.account.Account;
import io.github.keycloaksts.admin.representation.SimulationRepresentation;
import io.github.keycloaksts.assume.TargetRole;
import io.github.keycloaksts.platform.PlatformGuardrails;
import io.github.keycloaksts.policy.PolicyValidationException;
import io.github.keycloaksts.policy.arn.AccountArn;
import io.github.keycloaksts.policy.arn.Arn;
import io.github.keycloaksts.policy.arn.AssumedRoleArn;
import io.github.keycloaksts.policy.arn.OidcProviderArn;
import io.github.keycloaksts.policy.arn.RoleArn;
import io.github.keycloaksts.policy.condition.ConditionKey;
import io.github.keycloaksts.policy.condition.RequestContext;
import io.github.keycloaksts.policy.document.PolicyDocument;
import io.github.keycloaksts.policy.eval.AssumeRoleEvaluator;
import io.github.keycloaksts.policy.eval.AssumeRoleRequest;
import io.github.keycloaksts.policy.eval.Decision;
import io.github.keycloaksts.policy.eval.Explanation;
import io.github.keycloaksts.role.AssumableRole;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

/**
 * {@code POST /sts/roles/{roleName}/simulate}: the target account's half of "why was I refused?". Evaluates the role's
 * stored trust policy (or one given in the body, to try an edit before saving) for a principal and a request context,
 * with the evaluator the exchange runs ({@link AssumeRoleEvaluator#explainTrust}), as if the source account granted the
 * request. Needs {@code view-realm}; changes nothing, so it records no admin event.
 */
public final class RoleSimulationResource {

    static final Set<String> FIELDS = Set.of("principal", "context", "trustPolicy");
    private static final AssumeRoleEvaluator EVALUATOR = new AssumeRoleEvaluator();

    private final AdminContext context;
    private final String roleName;

    RoleSimulationResource(AdminContext context, String roleName) {
        this.context = context;
        this.roleName = roleName;
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    public SimulationRepresentation simulate(String body) {
        context.auth.realm().requireViewRealm();
        Account account = context.account();
        AssumableRole role = context.role(roleName);
        JsonNode json = RequestBody.object(body, FIELDS);
        Arn principal = SimulationInput.principal(json, "principal");
        boolean federated = principal instanceof OidcProviderArn;
        if (federated && !principal.accountId().value().equals(account.accountId())) {
            throw SimulationInput.bad("principal", "an OIDC provider of another account: only this account's OIDC providers can be trusted");
        }
        Map<ConditionKey, Object> given = SimulationInput.context(json.get("context"), "context");
        boolean fromRequest = json.hasNonNull("trustPolicy");
        PolicyDocument trustPolicy;
        if (fromRequest) {
            trustPolicy = context.trustPolicy(json.get("trustPolicy"), "trustPolicy.");
        } else {
            try {
                trustPolicy = role.trustPolicy();
            } catch (PolicyValidationException e) {
                throw AdminApiException.conflict("MalformedPolicyDocument.Stored", "the stored trust policy of role " + role.name()
                        + " is invalid (" + e.getMessage() + "): the exchange refuses everyone; PUT a new one");
            }
        }
        RoleArn roleArn = role.arn(account.accountId());
        RequestContext requestContext = SimulationInput.build(given, TargetRole.defaultSessionName(principal),
                TargetRole.defaultDuration(role.maxSessionDuration()));
        AssumeRoleRequest request = TargetRole.simulatedRequest(principal, roleArn, requestContext);
        Explanation explanation = EVALUATOR.explainTrust(request, trustPolicy);
        List<String> notes = new ArrayList<>();
        notes.add(federated ? "an external subject has no source account: the trust policy alone decides (the exchange also"
                + " verifies the token: issuer, signature, allowed audiences)"
                : "the source account must also grant this (its administrator can check with POST /sts/grants/simulate)");
        if (principal instanceof AccountArn) {
            notes.add("an account stands for its users whom no statement names individually");
        }
        if (!requestContext.requestTags().isEmpty()) {
            Decision tagging = EVALUATOR.evaluateTagSession(request, trustPolicy);
            notes.add("session tags need sts:TagSession too: " + Simulations.decision(tagging.outcome()) + " (" + tagging.reason() + ")");
        }
        SimulationRepresentation side = Simulations.representation(explanation, principal.toString(), roleArn.toString(),
                fromRequest ? "request" : "stored", contextShown(requestContext), null, notes);
        // The platform's guardrails come after both accounts; an account stands for its users here.
        String sourceAccount = federated ? null : principal.accountId().value();
        return Simulations.withGuardrails(side, PlatformGuardrails.explain(context.session, request, trustPolicy, explanation.decision(),
                new PlatformGuardrails.Parties(sourceAccount, account.accountId(), federated ? PlatformGuardrails.WEB_IDENTITY
                        : principal instanceof AssumedRoleArn ? PlatformGuardrails.ASSUMED_ROLE : PlatformGuardrails.USER, role)));
    }

    /** The context evaluated, as the administrator may see it (the external ID is the administrator's own input). */
    public static Map<String, Object> contextShown(RequestContext ctx) {
        Map<String, Object> shown = new LinkedHashMap<>();
        ctx.externalId().ifPresent(v -> shown.put(ConditionKey.EXTERNAL_ID.keyName(), v));
        ctx.roleSessionName().ifPresent(v -> shown.put(ConditionKey.ROLE_SESSION_NAME.keyName(), v));
        ctx.sourceClientId().ifPresent(v -> shown.put(ConditionKey.SOURCE_CLIENT_ID.keyName(), v));
        ctx.durationSeconds().ifPresent(v -> shown.put(ConditionKey.DURATION_SECONDS.keyName(), v));
        ctx.sourceIp().ifPresent(v -> shown.put(ConditionKey.SOURCE_IP.keyName(), v.getHostAddress()));
        ctx.currentTime().ifPresent(v -> shown.put(ConditionKey.CURRENT_TIME.keyName(), v.toString()));
        ctx.mfaPresent().ifPresent(v -> shown.put(ConditionKey.MFA_PRESENT.keyName(), v));
        ctx.oidcIssuer().ifPresent(v -> shown.put(ConditionKey.OIDC_ISS.keyName(), v));
        if (!ctx.oidcAudiences().isEmpty()) {
            shown.put(ConditionKey.OIDC_AUD.keyName(), ctx.oidcAudiences());
        }
        ctx.oidcSubject().ifPresent(v -> shown.put(ConditionKey.OIDC_SUB.keyName(), v));
        ctx.sourceIdentity().ifPresent(v -> shown.put(ConditionKey.SOURCE_IDENTITY.keyName(), v));
        ctx.requestTags().forEach((key, value) -> shown.put(ConditionKey.REQUEST_TAG.keyName() + "/" + key, value));
        if (!ctx.tagKeys().isEmpty()) {
            shown.put(ConditionKey.TAG_KEYS.keyName(), ctx.tagKeys());
        }
        ctx.principalTags().forEach((key, value) -> shown.put(ConditionKey.PRINCIPAL_TAG.keyName() + "/" + key, value));
        return shown;
    }
}
