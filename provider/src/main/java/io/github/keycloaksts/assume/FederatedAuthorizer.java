package io.github.keycloaksts.assume;

import java.net.InetAddress;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import io.github.keycloaksts.account.Account;
import io.github.keycloaksts.policy.PolicyValidationException;
import io.github.keycloaksts.policy.arn.OidcProviderArn;
import io.github.keycloaksts.policy.arn.RoleArn;
import io.github.keycloaksts.policy.condition.RequestContext;
import io.github.keycloaksts.policy.document.PolicyDocument;
import io.github.keycloaksts.policy.eval.AssumeRoleEvaluator;
import io.github.keycloaksts.policy.eval.AssumeRoleRequest;
import io.github.keycloaksts.policy.eval.Decision;
import io.github.keycloaksts.role.AssumableRole;
import io.github.keycloaksts.role.AssumableRoleStore;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.RoleModel;

/**
 * The AssumeRoleWithOIDC decision: an external subject of an OIDC provider of the target account, already verified,
 * against the role's trust policy alone ({@code Federated} principals and the {@code oidc:*} conditions; there is no
 * source account and so no source grant). Refusals are the target's ({@link AssumeRoleRefusal#deniedByTarget}).
 */
public final class FederatedAuthorizer {

    private static final AssumeRoleEvaluator EVALUATOR = new AssumeRoleEvaluator();

    /** Who asks for what. Nullable: durationSeconds, sessionPolicy, sourceIp. */
    public record Request(RealmModel target, RoleArn roleArn, OidcProviderArn provider, String issuer, List<String> audiences,
                          String subject, String sessionName, Integer durationSeconds, PolicyDocument sessionPolicy,
                          InetAddress sourceIp) {
    }

    /** What was allowed. */
    public record Grant(Account targetAccount, AssumableRole role, RoleArn roleArn, String sessionName, int durationSeconds,
                        List<RoleModel> granted, Decision decision) {
    }

    private FederatedAuthorizer() {
    }

    public static Grant authorize(KeycloakSession session, Request request) {
        RealmModel target = request.target();
        Account targetAccount = Account.of(session, target)
                .orElseThrow(() -> AssumeRoleRefusal.deniedByTarget("target realm " + target.getName() + " is not an account"));
        RoleArn roleArn = request.roleArn();
        if (!roleArn.accountId().value().equals(targetAccount.accountId())) {
            throw AssumeRoleRefusal.deniedByTarget("role ARN account " + roleArn.accountId() + " is not the account "
                    + targetAccount.accountId() + " of realm " + target.getName());
        }
        // As for accounts (AssumeRoleAuthorizer): an unknown role and an unreadable trust policy trust nobody, so the
        // answer does not tell which roles exist.
        Optional<AssumableRole> found = new AssumableRoleStore(session, target).find(roleArn.roleName());
        String unusable = found.isEmpty() ? "role " + roleArn + " does not exist" : null;
        PolicyDocument trustPolicy = AssumeRoleAuthorizer.TRUSTS_NOBODY;
        if (found.isPresent()) {
            try {
                trustPolicy = found.get().trustPolicy();
            } catch (PolicyValidationException e) {
                unusable = "stored trust policy of " + roleArn + " is invalid: " + e.getMessage();
            }
        }
        Integer requestedDuration = request.durationSeconds();
        int maxDuration = found.map(AssumableRole::maxSessionDuration).orElse(AssumeRoleAuthorizer.DEFAULT_DURATION);
        int duration = requestedDuration != null ? requestedDuration : Math.min(AssumeRoleAuthorizer.DEFAULT_DURATION, maxDuration);

        RequestContext conditions = RequestContext.builder()
                .roleSessionName(request.sessionName())
                .durationSeconds((long) duration)
                .sourceIp(request.sourceIp())
                .currentTime(Instant.now())
                .oidcIssuer(request.issuer())
                .oidcAudiences(request.audiences())
                .oidcSubject(request.subject())
                .build();
        Decision decision = EVALUATOR.evaluateFederated(AssumeRoleRequest.of(request.provider(), roleArn, conditions), trustPolicy);
        if (!decision.isAllowed()) {
            throw AssumeRoleRefusal.deniedByTarget((unusable != null ? unusable : decision.reason())
                    + " (subject " + request.subject() + ")");
        }
        if (unusable != null) {
            throw AssumeRoleRefusal.deniedByTarget(unusable);
        }
        AssumableRole role = found.get();
        if (requestedDuration != null && requestedDuration > role.maxSessionDuration()) {
            throw AssumeRoleRefusal.invalidRequest("duration_seconds: at most " + role.maxSessionDuration() + " for this role");
        }
        List<RoleModel> granted = AssumeRoleAuthorizer.narrow(role.attachedRoles().toList(), request.sessionPolicy(), conditions);
        return new Grant(targetAccount, role, roleArn, request.sessionName(), duration, granted, decision);
    }
}
