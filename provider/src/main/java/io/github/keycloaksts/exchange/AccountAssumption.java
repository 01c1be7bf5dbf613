package io.github.keycloaksts.exchange;

import java.util.Map;

import io.github.keycloaksts.assume.AssumeRoleAudit;
import io.github.keycloaksts.assume.AssumeRoleAuthorizer;
import io.github.keycloaksts.assume.EventDetails;
import io.github.keycloaksts.assume.SourceMfa;
import io.github.keycloaksts.policy.eval.DecisionSide;
import io.github.keycloaksts.session.LiveRoleSessions;
import io.github.keycloaksts.session.RoleSessionAnchors;
import io.github.keycloaksts.session.RoleSessionHandle;
import org.keycloak.events.Details;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.UserModel;
import org.keycloak.protocol.oidc.TokenExchangeContext;
import org.keycloak.representations.AccessToken;

/**
 * AssumeRole for a user of a source account: the verified subject token, the two-sided decision, the role session
 * (bound to the account's anchor, the source user, session and client, and what the role grants now), the answer.
 */
final class AccountAssumption {

    private AccountAssumption() {
    }

    static Map<String, Object> assume(KeycloakSession session, TokenExchangeContext context, ExchangeAudit audit,
                                      AssumeRoleParameters params, SubjectTokenVerifier.VerifiedSubject subject) {
        AccessToken subjectToken = subject.token();
        UserModel sourceUser = subject.user();
        AssumeRoleAuthorizer.Grant grant = AssumeRoleAuthorizer.authorize(session, new AssumeRoleAuthorizer.Request(
                subject.realm(), sourceUser, subjectToken.getOtherClaims().containsKey(RoleTokenClaims.ROLE_ARN),
                context.getRealm(), params.roleArn, params.sessionName, params.durationSeconds, params.externalId,
                params.sessionPolicy, subjectToken.getIssuedFor(), SourceMfa.present(session, subject.realm(), subject.userSession()),
                AssumeRoleAudit.address(context.getClientConnection().getRemoteAddr())));
        String accountId = grant.sourceAccount().accountId();
        UserModel anchor = new RoleSessionAnchors(session, context.getRealm()).obtain(grant.role(), RoleSessionHandle.Kind.TOKEN, accountId);
        // The session the subject token names; a token without one (a service account's) binds to the user alone.
        String sourceSessionId = subjectToken.getSessionId();
        UserModel user = new LiveRoleSessions(session).userFor(context.getRealm(), grant.role(), anchor, RoleSessionHandle.Kind.TOKEN,
                sourceUser.getId(), sourceSessionId, subject.client() == null ? null : subject.client().getId(), grant.durationSeconds());
        String sourceArn = grant.sourceArn().toString();

        Map<String, Object> answer = RoleTokenIssuance.issue(session, context, audit.requestId(), params.scope,
                new RoleTokenIssuance.RoleSession(grant.role(), grant.roleArn(), grant.sessionName(), grant.durationSeconds(), anchor,
                        user, accountId, sourceArn, sourceUser.getId(), sourceSessionId, subjectToken),
                token -> RoleTokenClaims.apply(token, grant.granted(), params.audience, grant.roleArn(), grant.sessionName(),
                        grant.sourceArn(), sourceUser.getId(), subject.issuer()));
        context.getEvent().detail(EventDetails.SOURCE_ACCOUNT, accountId).detail(EventDetails.SOURCE_USER, sourceUser.getUsername())
                .detail(EventDetails.SOURCE_IDENTITY, sourceArn)
                .detail(EventDetails.SOURCE_USER_ID, sourceUser.getId())
                .detail(EventDetails.SOURCE_SESSION, sourceSessionId)
                .detail(Details.REASON, AssumeRoleAudit.allowedReason(grant.decision(), DecisionSide.TRUST_POLICY));
        audit.mirrorInSource(subject, grant.roleArn().toString(), grant.sessionName(), null,
                AssumeRoleAudit.allowedReason(grant.decision(), DecisionSide.SOURCE_GRANT));
        context.getEvent().success();
        return answer;
    }
}
