package io.github.keycloaksts.exchange;

import java.util.LinkedHashMap;
import java.util.Map;

import io.github.keycloaksts.assume.AssumeRoleAudit;
import io.github.keycloaksts.assume.EventDetails;
import io.github.keycloaksts.assume.FederatedAuthorizer;
import io.github.keycloaksts.session.LiveRoleSessions;
import io.github.keycloaksts.session.RoleSessionAnchors;
import io.github.keycloaksts.session.RoleSessionDisplay;
import io.github.keycloaksts.session.RoleSessionHandle;
import org.keycloak.events.Details;
import org.keycloak.events.EventBuilder;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;
import org.keycloak.protocol.oidc.TokenExchangeContext;

/**
 * AssumeRoleWithOIDC: the subject token is an external JWT of an OIDC provider of this account, and the role's trust
 * policy alone decides. The role session is bound to the (role, provider) anchor, so removing the provider from the
 * trust policy, deleting or disabling it ends these tokens. The answer is AssumeRole's plus {@code oidc_token_info}.
 */
final class OidcAssumption {

    private OidcAssumption() {
    }

    static Map<String, Object> assume(KeycloakSession session, TokenExchangeContext context, String requestId,
                                      AssumeRoleParameters params) {
        RealmModel target = context.getRealm();
        EventBuilder event = context.getEvent();
        event.detail(EventDetails.SUBJECT_TOKEN_TYPE, params.federatedTokenType);
        OidcSubjectTokenVerifier.VerifiedExternal external = OidcSubjectTokenVerifier.verify(session, target, params.subjectToken,
                params.subjectIssuer, event);
        String sourceIdentity = external.providerArn().subjectIdentity(external.subject());
        event.detail(EventDetails.SOURCE_IDENTITY, AssumeRoleParameters.printable(sourceIdentity));
        FederatedAuthorizer.Grant grant = FederatedAuthorizer.authorize(session, new FederatedAuthorizer.Request(target,
                params.roleArn, external.providerArn(), external.issuer(), external.audiences(), external.subject(), sourceIdentity,
                params.sessionName, params.durationSeconds, params.sessionPolicy,
                AssumeRoleAudit.address(context.getClientConnection().getRemoteAddr()), external.principalTags(), params.tags,
                params.transitiveTagKeys));
        String alias = external.provider().alias();
        UserModel anchor = new RoleSessionAnchors(session, target).obtain(grant.role(), RoleSessionHandle.Kind.FEDERATED, alias);
        // It ends when the provider stops being usable, the role goes, or its maximum duration drops below this one.
        UserModel user = new LiveRoleSessions(session).userFor(target, grant.role(), anchor, RoleSessionHandle.Kind.FEDERATED,
                alias, null, null, grant.durationSeconds(), RoleSessionDisplay.provider(alias));

        Map<String, Object> answer = RoleTokenIssuance.issue(session, context, requestId, params.scope,
                new RoleTokenIssuance.RoleSession(grant.role(), grant.roleArn(), grant.sessionName(), grant.durationSeconds(), anchor,
                        user, null, AssumeRoleParameters.printable(sourceIdentity), null, null, null, grant.tags().tags()),
                token -> {
                    RoleTokenClaims.applyFederated(token, grant.granted(), params.audience, grant.roleArn(), grant.sessionName(),
                            sourceIdentity, external.subject(), external.issuer());
                    RoleTokenClaims.applyTags(token, grant.tags(), RoleTokenClaims.awsShapeWanted(target));
                });
        event.detail(EventDetails.OIDC_CLIENT_IDS, String.join(",", external.clientIds()))
                .detail(Details.REASON, grant.decision().reason());
        if (!grant.tags().isEmpty()) {
            event.detail(EventDetails.SESSION_TAGS, EventDetails.tags(grant.tags()));
        }
        event.success();

        Map<String, Object> tokenInfo = new LinkedHashMap<>();
        tokenInfo.put("issuer", external.issuer());
        tokenInfo.put("subject", external.subject());
        tokenInfo.put("client_ids", external.clientIds());
        answer.put("oidc_token_info", tokenInfo);
        return answer;
    }
}
