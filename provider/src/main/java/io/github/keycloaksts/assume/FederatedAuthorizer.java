package io.github.keycloaksts.assume;

import java.net.InetAddress;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import io.github.keycloaksts.account.Account;
import io.github.keycloaksts.platform.PlatformGuardrails;
import io.github.keycloaksts.policy.arn.OidcProviderArn;
import io.github.keycloaksts.policy.arn.RoleArn;
import io.github.keycloaksts.policy.condition.RequestContext;
import io.github.keycloaksts.policy.document.PolicyDocument;
import io.github.keycloaksts.policy.eval.AssumeRoleEvaluator;
import io.github.keycloaksts.policy.eval.AssumeRoleRequest;
import io.github.keycloaksts.policy.eval.Decision;
import io.github.keycloaksts.policy.tags.SessionTags;
import io.github.keycloaksts.policy.tags.TagValidationException;
import io.github.keycloaksts.role.AssumableRole;
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

    /**
     * Who asks for what. Nullable: durationSeconds, sessionPolicy, sourceIp. {@code sourceIdentity} is the external
     * subject's ({@code sts:SourceIdentity}); {@code principalTags} come from the provider's tag claims.
     */
    public record Request(RealmModel target, RoleArn roleArn, OidcProviderArn provider, String issuer, List<String> audiences,
                          String subject, String sourceIdentity, String sessionName, Integer durationSeconds, PolicyDocument sessionPolicy,
                          InetAddress sourceIp, Map<String, String> principalTags, Map<String, String> requestTags,
                          List<String> transitiveKeys) {
    }

    /** What was allowed. */
    public record Grant(Account targetAccount, AssumableRole role, RoleArn roleArn, String sessionName, int durationSeconds,
                        List<RoleModel> granted, Decision decision, SessionTags tags) {
    }

    private FederatedAuthorizer() {
    }

    public static Grant authorize(KeycloakSession session, Request request) {
        TargetRole target = TargetRole.resolve(session, request.target(), request.roleArn(), request.durationSeconds());
        // The subject's tags (its provider's tag claims) and the request's, as for a user's first hop.
        SessionTags proposed;
        try {
            proposed = SessionTags.next(SessionTags.none(), request.principalTags(), request.requestTags(), request.transitiveKeys());
        } catch (TagValidationException e) {
            throw AssumeRoleRefusal.invalidRequest("tags: " + e.getMessage());
        }
        RequestContext conditions = RequestContext.builder()
                .sourceIdentity(request.sourceIdentity())
                .requestTags(proposed.tags())
                .principalTags(request.principalTags())
                .roleSessionName(request.sessionName())
                .durationSeconds((long) target.durationSeconds())
                .sourceIp(request.sourceIp())
                .currentTime(Instant.now())
                .oidcIssuer(request.issuer())
                .oidcAudiences(request.audiences())
                .oidcSubject(request.subject())
                .build();
        AssumeRoleRequest evaluated = AssumeRoleRequest.of(request.provider(), target.roleArn(), conditions);
        Decision decision = EVALUATOR.evaluateFederated(evaluated, target.trustPolicy());
        if (!decision.isAllowed()) {
            target.recordRefusal(request.target(), request.provider().toString());
            throw AssumeRoleRefusal.deniedByTarget(target.refusalReason(decision) + " (subject " + request.subject() + ")");
        }
        Decision platform = PlatformGuardrails.decide(session, evaluated, target.trustPolicy(), decision,
                new PlatformGuardrails.Parties(null, target.account().accountId(), PlatformGuardrails.WEB_IDENTITY, target.allowed()));
        if (!platform.isAllowed()) {
            target.recordRefusal(request.target(), request.provider().toString());
            throw AssumeRoleRefusal.deniedByPlatform(platform.reason() + " (subject " + request.subject() + ")");
        }
        boolean explicit = !request.requestTags().isEmpty() || !request.transitiveKeys().isEmpty();
        SessionTags tags = proposed.isEmpty() ? proposed : TargetRole.tagging(evaluated, target.trustPolicy(), proposed, explicit);
        AssumableRole role = target.allowed();
        List<RoleModel> granted = TargetRole.granted(role, request.sessionPolicy(), conditions);
        return new Grant(target.account(), role, target.roleArn(), request.sessionName(), target.durationSeconds(), granted, decision,
                tags);
    }
}
