package io.github.keycloaksts.assume;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.github.keycloaksts.account.Account;
import io.github.keycloaksts.platform.TrustUsage;
import io.github.keycloaksts.policy.PolicyValidationException;
import io.github.keycloaksts.policy.arn.AccountArn;
import io.github.keycloaksts.policy.arn.Arn;
import io.github.keycloaksts.policy.arn.RoleArn;
import io.github.keycloaksts.policy.arn.UserArn;
import io.github.keycloaksts.policy.condition.RequestContext;
import io.github.keycloaksts.policy.document.PolicyDocument;
import io.github.keycloaksts.policy.document.PolicyReader;
import io.github.keycloaksts.policy.eval.AssumeRoleEvaluator;
import io.github.keycloaksts.policy.eval.AssumeRoleRequest;
import io.github.keycloaksts.policy.eval.Decision;
import io.github.keycloaksts.policy.eval.SessionPolicyNarrowing;
import io.github.keycloaksts.policy.tags.SessionTags;
import io.github.keycloaksts.role.AssumableRole;
import io.github.keycloaksts.role.AssumableRoleStore;
import io.github.keycloaksts.role.AttachedPolicy;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.RoleModel;

/**
 * The target half of every AssumeRole decision, written once: the target account, the role named by the ARN with its
 * trust policy, the session's duration, and what the role grants once the decision allows it. Used by both
 * authorizers (source accounts and OIDC providers) and, for the defaults of a simulated request, by the REST simulator
 * and the admin console page's Test access, so a simulation evaluates what the exchange would.
 *
 * <p>An unknown role, and a role whose stored trust policy does not parse, are evaluated as a role that trusts nobody:
 * the decision, and what the caller learns, are those of an existing role that does not trust the caller. Only a
 * caller the role trusts learns the role's own limits.
 */
public final class TargetRole {

    /** Duration of a role session when the caller names none, capped at the role's maximum. */
    public static final int DEFAULT_DURATION = 3600;
    /** The trust policy evaluated for a role that does not exist or cannot be read: it names no principal. */
    static final PolicyDocument TRUSTS_NOBODY = PolicyReader.defaults().readTrustPolicy(
            "{\"Version\":\"1\",\"Statement\":[{\"Effect\":\"Deny\",\"Action\":\"sts:AssumeRole\",\"Principal\":{\"RAM\":[\"acs:ram::00000000:root\"]}}]}");

    private static final AssumeRoleEvaluator EVALUATOR = new AssumeRoleEvaluator();

    private final Account account;
    private final RoleArn roleArn;
    private final Optional<AssumableRole> found;
    private final PolicyDocument trustPolicy;
    private final String unusable;
    private final Integer requestedDuration;
    private final int durationSeconds;

    private TargetRole(Account account, RoleArn roleArn, Optional<AssumableRole> found, PolicyDocument trustPolicy, String unusable,
                       Integer requestedDuration, int durationSeconds) {
        this.account = account;
        this.roleArn = roleArn;
        this.found = found;
        this.trustPolicy = trustPolicy;
        this.unusable = unusable;
        this.requestedDuration = requestedDuration;
        this.durationSeconds = durationSeconds;
    }

    /** The role {@code roleArn} names in {@code target}, for a request of {@code requestedDuration} seconds (null: the default). */
    static TargetRole resolve(KeycloakSession session, RealmModel target, RoleArn roleArn, Integer requestedDuration) {
        Account account = Account.of(session, target)
                .orElseThrow(() -> AssumeRoleRefusal.deniedByTarget("target realm " + target.getName() + " is not an account"));
        if (!roleArn.accountId().value().equals(account.accountId())) {
            throw AssumeRoleRefusal.deniedByTarget("role ARN account " + roleArn.accountId() + " is not the account "
                    + account.accountId() + " of realm " + target.getName());
        }
        Optional<AssumableRole> found = new AssumableRoleStore(session, target).find(roleArn.roleName());
        String unusable = found.isEmpty() ? "role " + roleArn + " does not exist" : null;
        PolicyDocument trustPolicy = TRUSTS_NOBODY;
        if (found.isPresent()) {
            try {
                trustPolicy = found.get().trustPolicy();
            } catch (PolicyValidationException e) {
                unusable = "stored trust policy of " + roleArn + " is invalid: " + e.getMessage();
            }
        }
        int max = found.map(AssumableRole::maxSessionDuration).orElse(DEFAULT_DURATION);
        return new TargetRole(account, roleArn, found, trustPolicy, unusable, requestedDuration,
                requestedDuration != null ? requestedDuration : defaultDuration(max));
    }

    /** The duration of a session whose caller names none, for a role of maximum {@code maxSessionDuration}. */
    public static int defaultDuration(int maxSessionDuration) {
        return Math.min(DEFAULT_DURATION, maxSessionDuration);
    }

    Account account() {
        return account;
    }

    /** A refusal of this role by {@code source} (account ID or provider ARN), for the platform view's "last refused". */
    void recordRefusal(RealmModel target, String source) {
        found.ifPresent(role -> TrustUsage.refused(target, role.id(), source));
    }

    RoleArn roleArn() {
        return roleArn;
    }

    /** The trust policy to evaluate: the role's, or one that trusts nobody. */
    PolicyDocument trustPolicy() {
        return trustPolicy;
    }

    int durationSeconds() {
        return durationSeconds;
    }

    /** Why a refusal the evaluator decided happened, for the target's audit: an unusable role says so. */
    String refusalReason(Decision decision) {
        return unusable != null ? unusable : decision.reason();
    }

    /** After an allowing decision: the role, its own limits checked. */
    AssumableRole allowed() {
        if (unusable != null) {
            throw AssumeRoleRefusal.deniedByTarget(unusable); // unreachable: TRUSTS_NOBODY allows no one
        }
        AssumableRole role = found.orElseThrow();
        if (requestedDuration != null && requestedDuration > role.maxSessionDuration()) {
            throw AssumeRoleRefusal.invalidRequest("duration_seconds: at most " + role.maxSessionDuration() + " for this role");
        }
        return role;
    }

    /** The attached policies of {@code role} that the session policy (if any) leaves, under {@code conditions}. */
    static List<RoleModel> granted(AssumableRole role, PolicyDocument sessionPolicy, RequestContext conditions) {
        List<RoleModel> attached = role.attachedRoles().toList();
        if (sessionPolicy == null) {
            return attached;
        }
        Map<String, RoleModel> byName = new LinkedHashMap<>();
        attached.forEach(policy -> byName.put(AttachedPolicy.of(policy).qualifiedName(), policy));
        SessionPolicyNarrowing.Result result = SessionPolicyNarrowing.narrow(sessionPolicy, byName.keySet(), conditions);
        if (result.failed()) {
            throw AssumeRoleRefusal.denied("session policy could not be evaluated: " + result.reasons());
        }
        return result.allowed().stream().map(byName::get).toList();
    }

    /**
     * The tags of a session the trust policy allowed: all of {@code proposed} when it also allows {@code sts:TagSession}
     * for the request; otherwise a refusal when the caller asked for tags or a chain carries them ({@code explicit}),
     * and no tags when they are only the principal's (which still decided {@code acs:PrincipalTag} conditions).
     */
    static SessionTags tagging(AssumeRoleRequest request, PolicyDocument trustPolicy, SessionTags proposed, boolean explicit) {
        Decision tagSession = EVALUATOR.evaluateTagSession(request, trustPolicy);
        if (tagSession.isAllowed()) {
            return proposed;
        }
        if (explicit) {
            throw AssumeRoleRefusal.deniedByTarget("session tags not allowed: " + tagSession.reason());
        }
        return SessionTags.none();
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

    /** The session name a simulated request of {@code principal} gets by default, as the exchange would derive it. */
    public static String defaultSessionName(Arn principal) {
        return principal instanceof UserArn user ? sessionNameFrom(user.userName()) : null;
    }

    /** The request a simulation evaluates for {@code principal}: an account stands for its users no statement names. */
    public static AssumeRoleRequest simulatedRequest(Arn principal, RoleArn roleArn, RequestContext context) {
        return principal instanceof AccountArn account
                ? AssumeRoleRequest.forAnyUserOf(account, roleArn, context)
                : AssumeRoleRequest.of(principal, roleArn, context);
    }
}
