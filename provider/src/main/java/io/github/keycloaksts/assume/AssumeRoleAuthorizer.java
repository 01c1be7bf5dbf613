package io.github.keycloaksts.assume;

import java.net.InetAddress;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.github.keycloaksts.account.Account;
import io.github.keycloaksts.grant.SourceGrants;
import io.github.keycloaksts.policy.PolicyValidationException;
import io.github.keycloaksts.policy.arn.RoleArn;
import io.github.keycloaksts.policy.arn.UserArn;
import io.github.keycloaksts.policy.condition.RequestContext;
import io.github.keycloaksts.policy.document.PolicyDocument;
import io.github.keycloaksts.policy.document.PolicyReader;
import io.github.keycloaksts.policy.eval.AssumeRoleEvaluator;
import io.github.keycloaksts.policy.eval.AssumeRoleRequest;
import io.github.keycloaksts.policy.eval.Decision;
import io.github.keycloaksts.policy.eval.DecisionSide;
import io.github.keycloaksts.policy.eval.Outcome;
import io.github.keycloaksts.policy.eval.SessionPolicyNarrowing;
import io.github.keycloaksts.policy.eval.StatementRef;
import io.github.keycloaksts.role.AssumableRole;
import io.github.keycloaksts.role.AssumableRoleStore;
import io.github.keycloaksts.role.AttachedPolicy;
import io.github.keycloaksts.session.RoleSessionAnchors;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.RoleModel;
import org.keycloak.models.UserModel;

/**
 * The two-sided AssumeRole decision, shared by the token exchange and the Switch Role page: the source account's
 * grant to its user AND the target role's trust policy, with every condition. Throws {@link AssumeRoleRefusal} on
 * any refusal, with the full reason for the audit.
 */
public final class AssumeRoleAuthorizer {

    /** Duration of a role session when the caller names none, capped at the role's maximum. */
    public static final int DEFAULT_DURATION = 3600;
    static final PolicyReader POLICY_READER = PolicyReader.defaults();
    private static final AssumeRoleEvaluator EVALUATOR = new AssumeRoleEvaluator();
    /** The trust policy evaluated for a role that does not exist or cannot be read: it names no principal. */
    static final PolicyDocument TRUSTS_NOBODY = POLICY_READER.readTrustPolicy(
            "{\"Version\":\"1\",\"Statement\":[{\"Effect\":\"Deny\",\"Action\":\"sts:AssumeRole\",\"Principal\":{\"RAM\":[\"acs:ram::00000000:root\"]}}]}");

    /** Who asks for what. Nullable: sessionName, durationSeconds, externalId, sessionPolicy, sourceClientId, mfaPresent, sourceIp. */
    public record Request(RealmModel source, UserModel sourceUser, boolean subjectIsRoleSession, RealmModel target, RoleArn roleArn,
                          String sessionName, Integer durationSeconds, String externalId, PolicyDocument sessionPolicy,
                          String sourceClientId, Boolean mfaPresent, InetAddress sourceIp) {
    }

    /** What was allowed. */
    public record Grant(Account sourceAccount, Account targetAccount, AssumableRole role, RoleArn roleArn, UserArn sourceArn,
                        String sessionName, int durationSeconds, List<RoleModel> granted, Decision decision) {
    }

    private AssumeRoleAuthorizer() {
    }

    public static Grant authorize(KeycloakSession session, Request request) {
        RealmModel source = request.source();
        RealmModel target = request.target();
        UserModel sourceUser = request.sourceUser();
        if (request.subjectIsRoleSession() || RoleSessionAnchors.isPrincipal(sourceUser)) {
            throw AssumeRoleRefusal.denied("role chaining refused: the subject is itself a role session");
        }
        Account sourceAccount = Account.of(session, source)
                .orElseThrow(() -> AssumeRoleRefusal.denied("source realm " + source.getName() + " is not an account"));
        Account targetAccount = Account.of(session, target)
                .orElseThrow(() -> AssumeRoleRefusal.deniedByTarget("target realm " + target.getName() + " is not an account"));
        RoleArn roleArn = request.roleArn();
        if (!roleArn.accountId().value().equals(targetAccount.accountId())) {
            throw AssumeRoleRefusal.deniedByTarget("role ARN account " + roleArn.accountId() + " is not the account "
                    + targetAccount.accountId() + " of realm " + target.getName());
        }

        // Authorize before anything role-specific is checked or told (issue 11, item 8): an unknown role, and a role
        // whose stored trust policy does not parse, are evaluated as a role that trusts nobody, so the decision (and
        // the source account's event) is the same as for an existing role that does not trust the caller.
        Optional<AssumableRole> found = new AssumableRoleStore(session, target).find(roleArn.roleName());
        String unusable = found.isEmpty() ? "role " + roleArn + " does not exist" : null;
        PolicyDocument trustPolicy = TRUSTS_NOBODY;
        if (found.isPresent()) {
            AssumableRole role = found.get();
            try {
                trustPolicy = role.trustPolicy();
            } catch (PolicyValidationException e) {
                unusable = "stored trust policy of " + roleArn + " is invalid: " + e.getMessage();
            }
        }

        Integer requestedDuration = request.durationSeconds();
        int maxDuration = found.map(AssumableRole::maxSessionDuration).orElse(DEFAULT_DURATION);
        int duration = requestedDuration != null ? requestedDuration : Math.min(DEFAULT_DURATION, maxDuration);
        String sessionName = request.sessionName() != null ? request.sessionName()
                : sessionNameFrom(sourceUser.getUsername());

        RequestContext conditions = RequestContext.builder()
                .externalId(request.externalId())
                .roleSessionName(sessionName)
                .sourceClientId(request.sourceClientId())
                .durationSeconds((long) duration)
                .sourceIp(request.sourceIp())
                .currentTime(Instant.now())
                .mfaPresent(request.mfaPresent())
                .build();
        UserArn sourceArn = UserArn.of(sourceAccount.accountId(), sourceUser.getUsername());
        Decision decision = EVALUATOR.evaluate(AssumeRoleRequest.of(sourceArn, roleArn, conditions), SourceGrants.of(source, sourceUser), trustPolicy);
        if (!decision.isAllowed()) {
            if (decision.side() == DecisionSide.SOURCE_GRANT) {
                throw AssumeRoleRefusal.deniedBySource(sourceSideReason(decision), sourceArn.toString());
            }
            throw AssumeRoleRefusal.deniedByTarget(unusable != null ? unusable : decision.reason());
        }
        if (unusable != null) {
            throw AssumeRoleRefusal.deniedByTarget(unusable); // unreachable: TRUSTS_NOBODY allows no one
        }
        AssumableRole role = found.get();

        // Only now, to a caller the role trusts, the role's own limits.
        if (requestedDuration != null && requestedDuration > role.maxSessionDuration()) {
            throw AssumeRoleRefusal.invalidRequest("duration_seconds: at most " + role.maxSessionDuration() + " for this role");
        }
        List<RoleModel> granted = narrow(role.attachedRoles().toList(), request.sessionPolicy(), conditions);
        return new Grant(sourceAccount, targetAccount, role, roleArn, sourceArn, sessionName, duration, granted, decision);
    }

    /**
     * A source-side refusal as both accounts may read it: an explicit Deny names only source statements (a Deny of
     * the trust policy matching too is the target's business).
     */
    private static String sourceSideReason(Decision decision) {
        if (decision.outcome() != Outcome.EXPLICIT_DENY) {
            return decision.reason();
        }
        StringBuilder reason = new StringBuilder("explicit Deny in ");
        String separator = "";
        for (StatementRef ref : decision.decidingStatements()) {
            if (ref.side() == DecisionSide.SOURCE_GRANT) {
                reason.append(separator).append(ref);
                separator = ", ";
            }
        }
        return reason.toString();
    }

    static List<RoleModel> narrow(List<RoleModel> attached, PolicyDocument sessionPolicy, RequestContext conditions) {
        if (sessionPolicy == null) {
            return attached;
        }
        Map<String, RoleModel> byName = new LinkedHashMap<>();
        attached.forEach(role -> byName.put(AttachedPolicy.of(role).qualifiedName(), role));
        SessionPolicyNarrowing.Result result = SessionPolicyNarrowing.narrow(sessionPolicy, byName.keySet(), conditions);
        if (result.failed()) {
            throw AssumeRoleRefusal.denied("session policy could not be evaluated: " + result.reasons());
        }
        return result.allowed().stream().map(byName::get).toList();
    }

    /** The session name derived from a username: invalid characters become '-', padded/truncated to 2..64. */
    public static String sessionNameFrom(String username) {
        String name = username == null ? "" : username.replaceAll("[^A-Za-z0-9_.@=,-]", "-");
        if (name.length() > 64) {
            name = name.substring(0, 64);
        }
        while (name.length() < 2) {
            name = name + "-";
        }
        return name;
    }
}
