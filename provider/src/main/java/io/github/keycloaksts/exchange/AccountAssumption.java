package io.github.keycloaksts.exchange;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.github.keycloaksts.assume.AssumeRoleAudit;
import io.github.keycloaksts.assume.AssumeRoleAuthorizer;
import io.github.keycloaksts.assume.AssumeRoleRefusal;
import io.github.keycloaksts.assume.EventDetails;
import io.github.keycloaksts.assume.SourceMfa;
import io.github.keycloaksts.policy.arn.AssumedRoleArn;
import io.github.keycloaksts.policy.arn.InvalidArnException;
import io.github.keycloaksts.policy.arn.RoleArn;
import io.github.keycloaksts.policy.arn.UserArn;
import io.github.keycloaksts.policy.eval.DecisionSide;
import io.github.keycloaksts.policy.tags.SessionTags;
import io.github.keycloaksts.session.LiveRoleSessions;
import io.github.keycloaksts.session.RoleSessionAnchors;
import io.github.keycloaksts.session.RoleSessionChains;
import io.github.keycloaksts.session.RoleSessionDisplay;
import io.github.keycloaksts.session.RoleSessionHandle;
import org.keycloak.events.Details;
import org.keycloak.models.ClientModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RoleModel;
import org.keycloak.models.UserModel;
import org.keycloak.protocol.oidc.TokenExchangeContext;
import org.keycloak.representations.AccessToken;

/**
 * AssumeRole for a user of a source account, or for a role session of one (role chaining): the verified subject
 * token, the two-sided decision, the role session (bound to the account's anchor, the source user or the earlier role
 * session, the source session and client, and what the role grants now), the answer.
 */
final class AccountAssumption {

    private AccountAssumption() {
    }

    static Map<String, Object> assume(KeycloakSession session, TokenExchangeContext context, ExchangeAudit audit,
                                      AssumeRoleParameters params, SubjectTokenVerifier.VerifiedSubject subject) {
        AccessToken subjectToken = subject.token();
        UserModel sourceUser = subject.user();
        Optional<RoleSessionChains.Parent> parent = RoleSessionChains.parentOf(session, subject.realm(), sourceUser);
        AssumeRoleAuthorizer.Chain chain = parent.map(p -> chain(p, subjectToken, params)).orElse(null);
        AssumeRoleAuthorizer.Tagging tagging = chain != null ? chainTagging(subjectToken, params)
                : AssumeRoleAuthorizer.Tagging.forUser(session, subject.realm(), sourceUser, params.tags, params.transitiveTagKeys);
        AssumeRoleAuthorizer.Grant grant = AssumeRoleAuthorizer.authorize(session, new AssumeRoleAuthorizer.Request(
                subject.realm(), sourceUser, subjectToken.getOtherClaims().containsKey(RoleTokenClaims.ROLE_ARN),
                context.getRealm(), params.roleArn, params.sessionName, params.durationSeconds, params.externalId,
                params.sessionPolicy, subjectToken.getIssuedFor(), SourceMfa.present(session, subject.realm(), subject.userSession()),
                AssumeRoleAudit.address(context.getClientConnection().getRemoteAddr()), chain, tagging));
        String accountId = grant.sourceAccount().accountId();
        UserModel anchor = new RoleSessionAnchors(session, context.getRealm()).obtain(grant.role(), RoleSessionHandle.Kind.TOKEN, accountId);
        String sourceClientId = subject.client() == null ? null : subject.client().getId();
        // A first hop binds to the source user and the session its token names (none for a service account's); a chained
        // hop to the earlier role session, by its realm and its token's jti, whose record leads back to its user.
        String sourceSessionId = chain != null ? subjectToken.getId() : subjectToken.getSessionId();
        UserModel user = new LiveRoleSessions(session).userFor(context.getRealm(), grant.role(), anchor,
                chain != null ? RoleSessionHandle.Kind.CHAINED : RoleSessionHandle.Kind.TOKEN,
                chain != null ? subject.realm().getId() : sourceUser.getId(), sourceSessionId, sourceClientId, grant.durationSeconds(),
                chain != null ? RoleSessionDisplay.roleSessionOf(subject.realm().getName())
                        : RoleSessionDisplay.user(sourceUser.getUsername(), subject.realm().getName()));
        String sourceIdentity = grant.sourceIdentity();
        boolean awsTags = RoleTokenClaims.awsShapeWanted(context.getRealm());

        Map<String, Object> answer = RoleTokenIssuance.issue(session, context, audit.requestId(), params.scope,
                new RoleTokenIssuance.RoleSession(grant.role(), grant.roleArn(), grant.sessionName(), grant.durationSeconds(), anchor,
                        user, accountId, sourceIdentity, sourceUser.getId(), sourceSessionId, subjectToken, grant.tags().tags()),
                token -> {
                    if (chain != null) {
                        RoleTokenClaims.applyChained(token, grant.granted(), params.audience, grant.roleArn(), grant.sessionName(),
                                sourceIdentity, sourceUser.getId(), subject.issuer(), subjectToken.getOtherClaims().get(RoleTokenClaims.ACT));
                    } else {
                        RoleTokenClaims.apply(token, grant.granted(), params.audience, grant.roleArn(), grant.sessionName(),
                                (UserArn) grant.sourceArn(), sourceUser.getId(), subject.issuer());
                    }
                    RoleTokenClaims.applyTags(token, grant.tags(), awsTags);
                });
        context.getEvent().detail(EventDetails.SOURCE_ACCOUNT, accountId).detail(EventDetails.SOURCE_USER, sourceUser.getUsername())
                .detail(EventDetails.SOURCE_IDENTITY, sourceIdentity)
                .detail(EventDetails.SOURCE_USER_ID, sourceUser.getId())
                .detail(EventDetails.SOURCE_SESSION, sourceSessionId)
                .detail(Details.REASON, AssumeRoleAudit.allowedReason(grant.decision(), DecisionSide.TRUST_POLICY));
        if (chain != null) {
            context.getEvent().detail(EventDetails.CHAINED_FROM, chain.principal().toString());
        }
        if (!grant.tags().isEmpty()) {
            context.getEvent().detail(EventDetails.SESSION_TAGS, EventDetails.tags(grant.tags()));
        }
        audit.mirrorInSource(subject, grant.roleArn().toString(), grant.sessionName(), null,
                AssumeRoleAudit.allowedReason(grant.decision(), DecisionSide.SOURCE_GRANT));
        context.getEvent().success();
        return answer;
    }


    /**
     * A chained request's tags: the earlier session's, whose transitive ones carry on and all of which are its
     * principal tags, and the request's own.
     */
    private static AssumeRoleAuthorizer.Tagging chainTagging(AccessToken token, AssumeRoleParameters params) {
        SessionTags previous = RoleTokenClaims.tagsOf(token);
        if (previous == null) {
            throw AssumeRoleRefusal.denied("the subject token's session tags do not read as tags");
        }
        return new AssumeRoleAuthorizer.Tagging(previous, previous.tags(), false, params.tags, params.transitiveTagKeys);
    }

    /**
     * The earlier role session of a chained request, from its verified token and its role as stored now: the token's
     * role must be the session's own, the chain no longer than {@link RoleSessionChains#MAX_DEPTH}, the duration at most
     * {@link RoleSessionChains#MAX_DURATION_SECONDS}. What it may assume comes from the roles its token carries (the
     * role's attached policies, narrowed by any session policy of its own hop).
     */
    private static AssumeRoleAuthorizer.Chain chain(RoleSessionChains.Parent parent, AccessToken token, AssumeRoleParameters params) {
        if (params.durationSeconds != null && params.durationSeconds > RoleSessionChains.MAX_DURATION_SECONDS) {
            throw AssumeRoleRefusal.invalidRequest("duration_seconds: at most " + RoleSessionChains.MAX_DURATION_SECONDS
                    + " for a role session assumed by another role session");
        }
        Object act = token.getOtherClaims().get(RoleTokenClaims.ACT);
        if (RoleTokenClaims.actors(act) >= RoleSessionChains.MAX_DEPTH) {
            throw AssumeRoleRefusal.denied("role chain too long: at most " + RoleSessionChains.MAX_DEPTH + " role sessions in a chain");
        }
        RoleArn parentRoleArn = parent.role().arn(parent.accountId());
        AssumedRoleArn principal;
        try {
            Object claimed = token.getOtherClaims().get(RoleTokenClaims.ROLE_ARN);
            if (!parentRoleArn.toString().equals(claimed)) {
                throw AssumeRoleRefusal.denied("the subject token's role_arn " + claimed + " is not its role session's role " + parentRoleArn);
            }
            principal = parentRoleArn.session(String.valueOf(token.getOtherClaims().get(RoleTokenClaims.ROLE_SESSION_NAME)));
        } catch (InvalidArnException e) {
            throw AssumeRoleRefusal.denied("the subject token's role session name is invalid: " + e.getMessage());
        }
        if (!(token.getOtherClaims().get(RoleTokenClaims.SOURCE_IDENTITY) instanceof String sourceIdentity) || sourceIdentity.isBlank()) {
            throw AssumeRoleRefusal.denied("the subject token carries no source_identity");
        }
        return new AssumeRoleAuthorizer.Chain(principal, heldRoles(parent, token), sourceIdentity);
    }

    /** The role's attached policies that the earlier session's token carries. */
    private static List<RoleModel> heldRoles(RoleSessionChains.Parent parent, AccessToken token) {
        List<RoleModel> held = new ArrayList<>();
        parent.role().attachedRoles().forEach(role -> {
            AccessToken.Access access = !role.isClientRole() ? token.getRealmAccess()
                    : token.getResourceAccess() == null ? null : token.getResourceAccess(((ClientModel) role.getContainer()).getClientId());
            if (access != null && access.isUserInRole(role.getName())) {
                held.add(role);
            }
        });
        return held;
    }
}
