package io.github.keycloaksts.assume;

import java.net.InetAddress;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import io.github.keycloaksts.account.Account;
import io.github.keycloaksts.grant.PrincipalTags;
import io.github.keycloaksts.grant.SourceGrants;
import io.github.keycloaksts.platform.PlatformGuardrails;
import io.github.keycloaksts.policy.arn.Arn;
import io.github.keycloaksts.policy.arn.AssumedRoleArn;
import io.github.keycloaksts.policy.arn.RoleArn;
import io.github.keycloaksts.policy.arn.UserArn;
import io.github.keycloaksts.policy.condition.RequestContext;
import io.github.keycloaksts.policy.document.PolicyDocument;
import io.github.keycloaksts.policy.eval.AssumeRoleEvaluator;
import io.github.keycloaksts.policy.eval.AssumeRoleRequest;
import io.github.keycloaksts.policy.eval.Decision;
import io.github.keycloaksts.policy.eval.DecisionSide;
import io.github.keycloaksts.policy.eval.Outcome;
import io.github.keycloaksts.policy.eval.StatementRef;
import io.github.keycloaksts.policy.tags.SessionTags;
import io.github.keycloaksts.policy.tags.TagValidationException;
import io.github.keycloaksts.role.AssumableRole;
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

    private static final AssumeRoleEvaluator EVALUATOR = new AssumeRoleEvaluator();

    /**
     * Who asks for what. Nullable: sessionName, durationSeconds, externalId, sessionPolicy, sourceClientId, mfaPresent,
     * sourceIp, and chain (set when the subject is a role session of the source account: role chaining).
     */
    public record Request(RealmModel source, UserModel sourceUser, boolean subjectIsRoleSession, RealmModel target, RoleArn roleArn,
                          String sessionName, Integer durationSeconds, String externalId, PolicyDocument sessionPolicy,
                          String sourceClientId, Boolean mfaPresent, InetAddress sourceIp, Chain chain, Tagging tagging) {
    }

    /**
     * The tags a request brings: the session tags of the role session it comes from (a chain; its transitive ones
     * carry on), the requester's principal tags (a user's, or for a chain the earlier session's tags, which decide
     * conditions but do not carry on by themselves), and the {@code tags} and {@code transitive_tag_keys} parameters.
     */
    public record Tagging(SessionTags previous, Map<String, String> principalTags, boolean principalTagsCarryOn,
                          Map<String, String> requestTags, List<String> transitiveKeys) {

        public static final Tagging NONE = new Tagging(SessionTags.none(), Map.of(), false, Map.of(), List.of());

        /**
         * A first hop: the user's principal tags ({@link PrincipalTags}, refused when the realm lets users write them)
         * and the request's.
         */
        public static Tagging forUser(KeycloakSession session, RealmModel realm, UserModel user, Map<String, String> requestTags,
                                      List<String> transitiveKeys) {
            PrincipalTags.Read read = PrincipalTags.of(session, realm, user);
            if (read.untrusted() != null) {
                throw AssumeRoleRefusal.deniedBySource(read.untrusted(), "user " + user.getUsername() + " of realm " + realm.getName());
            }
            return new Tagging(SessionTags.none(), read.tags(), true, requestTags, transitiveKeys);
        }

        /** Tags the caller asks for (or a chain carries): a role that does not allow {@code sts:TagSession} refuses them. */
        boolean explicit() {
            return !requestTags.isEmpty() || !transitiveKeys.isEmpty() || !previous.transitiveKeys().isEmpty();
        }
    }

    /**
     * The role session a chained request comes from: its ARN (the principal the trust policy must name, by its account
     * or its role), the roles it holds (whose {@code sts.assume-role} values are its grants), and the first hop's
     * source identity, which no hop changes.
     */
    public record Chain(AssumedRoleArn principal, List<RoleModel> roles, String sourceIdentity) {
    }

    /** What was allowed. {@code sourceArn} is a user, or for a chained request the role session it comes from. */
    public record Grant(Account sourceAccount, Account targetAccount, AssumableRole role, RoleArn roleArn, Arn sourceArn,
                        String sessionName, int durationSeconds, List<RoleModel> granted, Decision decision, String sourceIdentity,
                        SessionTags tags) {
    }

    private AssumeRoleAuthorizer() {
    }

    public static Grant authorize(KeycloakSession session, Request request) {
        RealmModel source = request.source();
        UserModel sourceUser = request.sourceUser();
        Chain chain = request.chain();
        if (chain == null && (request.subjectIsRoleSession() || RoleSessionAnchors.isPrincipal(sourceUser))) {
            throw AssumeRoleRefusal.denied("the subject is a role session that cannot assume further roles");
        }
        Account sourceAccount = Account.of(session, source)
                .orElseThrow(() -> AssumeRoleRefusal.denied("source realm " + source.getName() + " is not an account"));
        TargetRole target = TargetRole.resolve(session, request.target(), request.roleArn(), request.durationSeconds());
        String sessionName = request.sessionName() != null ? request.sessionName()
                : chain != null ? chain.principal().sessionName() : TargetRole.sessionNameFrom(sourceUser.getUsername());

        Arn sourceArn = chain != null ? chain.principal() : UserArn.of(sourceAccount.accountId(), sourceUser.getUsername());
        String sourceIdentity = chain != null ? chain.sourceIdentity() : sourceArn.toString();
        Tagging tagging = request.tagging() == null ? Tagging.NONE : request.tagging();
        SessionTags proposed;
        try {
            proposed = SessionTags.next(tagging.previous(), tagging.principalTagsCarryOn() ? tagging.principalTags() : Map.of(),
                    tagging.requestTags(), tagging.transitiveKeys());
        } catch (TagValidationException e) {
            throw AssumeRoleRefusal.invalidRequest("tags: " + e.getMessage());
        }
        RequestContext conditions = RequestContext.builder()
                .sourceIdentity(sourceIdentity)
                .requestTags(proposed.tags())
                .principalTags(tagging.principalTags())
                .externalId(request.externalId())
                .roleSessionName(sessionName)
                .sourceClientId(request.sourceClientId())
                .durationSeconds((long) target.durationSeconds())
                .sourceIp(request.sourceIp())
                .currentTime(Instant.now())
                .mfaPresent(request.mfaPresent())
                .build();
        AssumeRoleRequest evaluated = AssumeRoleRequest.of(sourceArn, target.roleArn(), conditions);
        Decision decision = EVALUATOR.evaluate(evaluated,
                chain != null ? SourceGrants.ofRoles(source, chain.roles()) : SourceGrants.of(source, sourceUser), target.trustPolicy());
        if (!decision.isAllowed()) {
            target.recordRefusal(request.target(), sourceAccount.accountId());
            if (decision.side() == DecisionSide.SOURCE_GRANT) {
                throw AssumeRoleRefusal.deniedBySource(sourceSideReason(decision), sourceArn.toString());
            }
            throw AssumeRoleRefusal.deniedByTarget(target.refusalReason(decision));
        }
        Decision platform = PlatformGuardrails.decide(session, evaluated, target.trustPolicy(), decision,
                new PlatformGuardrails.Parties(sourceAccount.accountId(), target.account().accountId(),
                        chain != null ? PlatformGuardrails.ASSUMED_ROLE : PlatformGuardrails.USER, target.allowed()));
        if (!platform.isAllowed()) {
            target.recordRefusal(request.target(), sourceAccount.accountId());
            throw AssumeRoleRefusal.deniedByPlatform(platform.reason());
        }
        SessionTags tags = proposed.isEmpty() ? proposed : TargetRole.tagging(evaluated, target.trustPolicy(), proposed, tagging.explicit());
        AssumableRole role = target.allowed();
        List<RoleModel> granted = TargetRole.granted(role, request.sessionPolicy(), conditions);
        return new Grant(sourceAccount, target.account(), role, target.roleArn(), sourceArn, sessionName, target.durationSeconds(),
                granted, decision, sourceIdentity, tags);
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
}
