package io.github.keycloaksts.platform;

import java.time.Instant;
import java.util.Collections;
import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;

import io.github.keycloaksts.policy.arn.AccountArn;
import io.github.keycloaksts.policy.arn.RoleArn;
import io.github.keycloaksts.policy.condition.ConditionKey;
import io.github.keycloaksts.policy.condition.RequestContext;
import io.github.keycloaksts.policy.document.PolicyDocument;
import io.github.keycloaksts.policy.eval.AssumeRoleEvaluator;
import io.github.keycloaksts.policy.eval.AssumeRoleRequest;
import io.github.keycloaksts.policy.eval.Decision;
import io.github.keycloaksts.policy.eval.Explanation;
import io.github.keycloaksts.role.AssumableRole;
import org.keycloak.models.KeycloakSession;

/**
 * Runs the platform's guardrails ({@link PlatformPolicies}) on every assumption path, after both accounts allowed:
 * the token exchange and Switch Role ({@code assume/AssumeRoleAuthorizer}), AssumeRoleWithOIDC
 * ({@code assume/FederatedAuthorizer}), chained sessions (the same authorizer), the live check of every role session
 * ({@code session/LiveRoleSessions}) and the simulators. It adds the platform's condition keys to the request's.
 */
public final class PlatformGuardrails {

    /** {@code acs:PrincipalType} values. */
    public static final String USER = "User";
    public static final String ASSUMED_ROLE = "AssumedRole";
    public static final String WEB_IDENTITY = "WebIdentity";

    private static final AssumeRoleEvaluator EVALUATOR = new AssumeRoleEvaluator();

    /** The keys the platform computes for its guardrails; a simulator's caller does not give them. */
    public static final Set<ConditionKey> COMPUTED_KEYS = Collections.unmodifiableSet(EnumSet.of(ConditionKey.PRINCIPAL_ACCOUNT,
            ConditionKey.PRINCIPAL_ORG_ID, ConditionKey.RESOURCE_ACCOUNT, ConditionKey.RESOURCE_ORG_ID, ConditionKey.PRINCIPAL_TYPE,
            ConditionKey.ROLE_ADMIN_GRADE, ConditionKey.TRUST_CONDITION_KEYS));

    private PlatformGuardrails() {
    }

    /** Who asks whom: the accounts, what kind of principal, and the role (for {@code sts:RoleAdminGrade}). */
    public record Parties(String sourceAccountId, String targetAccountId, String principalType, AssumableRole role) {
    }

    /**
     * The platform's decision on a request the accounts allowed ({@code accounts}): the same decision, or a guardrail's
     * explicit Deny, or (when the platform's policies cannot be read) an implicit deny saying so. Costs nothing when no
     * guardrail is in force.
     */
    public static Decision decide(KeycloakSession session, AssumeRoleRequest request, PolicyDocument trustPolicy, Decision accounts,
                                  Parties parties) {
        PlatformPolicies.InForce inForce = PlatformPolicies.inForce(session);
        if (inForce.problem() != null) {
            return unreadable(inForce);
        }
        if (inForce.guardrailSet().isEmpty() || !accounts.isAllowed()) {
            return accounts;
        }
        return EVALUATOR.evaluateGuardrails(withPlatformKeys(request, inForce, parties), trustPolicy, accounts, inForce.guardrailSet());
    }

    /** The simulators' view: every guardrail statement, whatever the accounts decided. Empty when none is in force. */
    public static Optional<Explanation> explain(KeycloakSession session, AssumeRoleRequest request, PolicyDocument trustPolicy,
                                                Decision accounts, Parties parties) {
        PlatformPolicies.InForce inForce = PlatformPolicies.inForce(session);
        if (inForce.problem() != null) {
            return Optional.of(Explanation.of(unreadable(inForce)));
        }
        if (inForce.guardrailSet().isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(EVALUATOR.explainGuardrails(withPlatformKeys(request, inForce, parties), trustPolicy, accounts,
                inForce.guardrailSet()));
    }

    /**
     * Why a live role session must end by the platform's word now, if it must: a guardrail statement that tests only
     * what the session records (accounts, organizations, principal type, admin grade, duration, time) denies it, or the
     * platform's policies cannot be read. Statements about the request alone (its IP, external ID, tags, token claims)
     * were decided when the session started.
     */
    public static Optional<String> liveSessionRefusal(KeycloakSession session, RoleArn roleArn, Parties parties, long durationSeconds) {
        PlatformPolicies.InForce inForce = PlatformPolicies.inForce(session);
        if (inForce.problem() != null) {
            return Optional.of("the platform's guardrails cannot be read: " + inForce.problem());
        }
        if (inForce.guardrailSet().isEmpty()) {
            return Optional.empty();
        }
        RequestContext context = withPlatformKeys(RequestContext.builder().durationSeconds(durationSeconds)
                .currentTime(Instant.now()).build(), inForce, parties);
        Decision decision = EVALUATOR.evaluateGuardrailsForLiveSession(
                AssumeRoleRequest.forAnyUserOf(AccountArn.of(parties.sourceAccountId() != null ? parties.sourceAccountId()
                        : parties.targetAccountId()), roleArn, context), inForce.guardrailSet());
        return decision.isAllowed() ? Optional.empty() : Optional.of(decision.reason());
    }

    private static Decision unreadable(PlatformPolicies.InForce inForce) {
        return Decision.refusedByPlatform("the platform's guardrails cannot be read (" + inForce.problem()
                + "): every assumption is refused until a platform administrator fixes them");
    }

    private static AssumeRoleRequest withPlatformKeys(AssumeRoleRequest request, PlatformPolicies.InForce inForce, Parties parties) {
        return AssumeRoleRequest.of(request.source(), request.role(), withPlatformKeys(request.context(), inForce, parties));
    }

    /** The request's keys and the platform's; the role's admin grade (composites expanded) only when a guardrail tests it. */
    private static RequestContext withPlatformKeys(RequestContext context, PlatformPolicies.InForce inForce, Parties parties) {
        return context.toBuilder()
                .principalAccount(parties.sourceAccountId() != null ? parties.sourceAccountId() : parties.targetAccountId())
                .principalOrgId(inForce.organizationOf(parties.sourceAccountId() != null ? parties.sourceAccountId()
                        : parties.targetAccountId()).orElse(null))
                .resourceAccount(parties.targetAccountId())
                .resourceOrgId(inForce.organizationOf(parties.targetAccountId()).orElse(null))
                .principalType(parties.principalType())
                .roleAdminGrade(parties.role() == null || !inForce.guardrailSet().tests(ConditionKey.ROLE_ADMIN_GRADE) ? null
                        : AdminGrade.of(parties.role().attachedRoles()))
                .build();
    }
}
