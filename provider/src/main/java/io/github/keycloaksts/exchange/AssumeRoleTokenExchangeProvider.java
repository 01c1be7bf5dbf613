package io.github.keycloaksts.exchange;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

import io.github.keycloaksts.account.Account;
import io.github.keycloaksts.assume.AssumeRoleAudit;
import io.github.keycloaksts.assume.AssumeRoleAuthorizer;
import io.github.keycloaksts.assume.AssumeRoleRefusal;
import io.github.keycloaksts.assume.FederatedAuthorizer;
import io.github.keycloaksts.assume.SourceMfa;
import io.github.keycloaksts.policy.arn.AssumedRoleArn;
import io.github.keycloaksts.policy.arn.RoleArn;
import io.github.keycloaksts.policy.arn.UserArn;
import io.github.keycloaksts.policy.document.PolicyReader;
import io.github.keycloaksts.policy.eval.Decision;
import io.github.keycloaksts.policy.eval.DecisionSide;
import io.github.keycloaksts.role.AssumableRole;
import io.github.keycloaksts.session.LiveRoleSessions;
import io.github.keycloaksts.session.RoleSessionAnchors;
import io.github.keycloaksts.session.RoleSessionHandle;
import io.github.keycloaksts.session.RoleSessionRecords;
import io.github.keycloaksts.session.RoleSessions;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.MultivaluedMap;
import jakarta.ws.rs.core.Response;
import org.jboss.logging.Logger;
import org.keycloak.OAuth2Constants;
import org.keycloak.common.util.Time;
import org.keycloak.events.Details;
import org.keycloak.events.EventBuilder;
import org.keycloak.models.ClientModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.RoleModel;
import org.keycloak.models.UserModel;
import org.keycloak.protocol.oidc.TokenExchangeContext;
import org.keycloak.protocol.oidc.TokenExchangeProvider;
import org.keycloak.protocol.oidc.TokenManager;
import org.keycloak.representations.AccessToken;
import org.keycloak.services.CorsErrorResponseException;
import org.keycloak.services.util.DPoPUtil;

/**
 * AssumeRole through RFC 8693 token exchange at the target account's token endpoint (contract: docs/api.md,
 * "Token exchange"). Created for each request, bound to that request's session.
 */
final class AssumeRoleTokenExchangeProvider implements TokenExchangeProvider {

    static final String AUTH_METHOD = "sts-assume-role";
    private static final Logger LOG = Logger.getLogger(AssumeRoleTokenExchangeProvider.class);
    private static final PolicyReader POLICY_READER = PolicyReader.defaults();

    private final KeycloakSession session;
    /**
     * This answer's ID: in the response (success or error) and in the events of both realms. Made in {@link #exchange}:
     * Keycloak creates this provider for every token exchange request, also those it then leaves to another provider.
     */
    private String requestId;

    AssumeRoleTokenExchangeProvider(KeycloakSession session) {
        this.session = session;
    }

    /** Claims every request with {@code role_arn}, from any client: refusing a client is ours to do, not a fallthrough. */
    @Override
    public boolean supports(TokenExchangeContext context) {
        return context.getFormParams().containsKey(AssumeRoleParameters.ROLE_ARN);
    }

    @Override
    public Response exchange(TokenExchangeContext context) {
        long started = System.nanoTime();
        requestId = AssumeRoleAudit.newRequestId();
        EventBuilder event = context.getEvent();
        event.detail(Details.AUTH_METHOD, AUTH_METHOD).detail(AssumeRoleAudit.REQUEST_ID, requestId);
        SubjectTokenVerifier.VerifiedSubject subject = null;
        MultivaluedMap<String, String> form = callerForm(context);
        String roleArn = AssumeRoleParameters.printable(form.getFirst(AssumeRoleParameters.ROLE_ARN));
        try {
            Optional<String> clientRefusal = AssumeRoleClients.refusal(context.getClient());
            if (clientRefusal.isPresent()) {
                throw AssumeRoleRefusal.unauthorizedClient(clientRefusal.get());
            }
            AssumeRoleParameters params = AssumeRoleParameters.read(form, POLICY_READER);
            event.detail("role_arn", params.roleArn.toString());
            if (params.federatedTokenType != null) {
                Response response = assumeWithOidc(context, params);
                AssumeRoleMetrics.succeeded(context.getRealm(), started);
                return response;
            }
            subject = SubjectTokenVerifier.verify(session, context, params.subjectToken);
            SenderConstraint.requireProof(session, subject.token());
            Response response = assume(context, params, subject);
            AssumeRoleMetrics.succeeded(context.getRealm(), started);
            return response;
        } catch (AssumeRoleRefusal failure) {
            audit(context, subject, roleArn, failure);
            AssumeRoleMetrics.refused(context.getRealm(), AssumeRoleMetrics.reasonClass(failure), started);
            throw new AssumeRoleErrorResponse(context.getCors(), failure.oauthError(), failure.callerDescription(),
                    Response.Status.fromStatusCode(failure.status()), requestId);
        } catch (AssumeRoleErrorResponse e) {
            throw e;
        } catch (CorsErrorResponseException e) {
            // Keycloak's own refusal from inside the exchange: the same answer, with this request's ID.
            throw new AssumeRoleErrorResponse(context.getCors(), e.getMessage(), e.getErrorDescription(),
                    Response.Status.fromStatusCode(e.getResponse().getStatus()), requestId);
        } catch (RuntimeException e) {
            // Fail closed: anything unexpected is a denial, with the cause in the server log and the events.
            LOG.warnf(e, "AssumeRole of %s failed", roleArn);
            AssumeRoleRefusal failure = AssumeRoleRefusal.denied("internal error: " + e);
            audit(context, subject, roleArn, failure);
            AssumeRoleMetrics.refused(context.getRealm(), AssumeRoleMetrics.INTERNAL_ERROR, started);
            throw new AssumeRoleErrorResponse(context.getCors(), failure.oauthError(), failure.callerDescription(),
                    Response.Status.FORBIDDEN, requestId);
        }
    }

    private Response assume(TokenExchangeContext context, AssumeRoleParameters params, SubjectTokenVerifier.VerifiedSubject subject) {
        AccessToken subjectToken = subject.token();
        UserModel sourceUser = subject.user();
        AssumeRoleAuthorizer.Grant grant = AssumeRoleAuthorizer.authorize(session, new AssumeRoleAuthorizer.Request(
                subject.realm(), sourceUser, subjectToken.getOtherClaims().containsKey(RoleTokenClaims.ROLE_ARN),
                context.getRealm(), params.roleArn, params.sessionName, params.durationSeconds, params.externalId,
                params.sessionPolicy, subjectToken.getIssuedFor(), SourceMfa.present(session, subject.realm(), subject.userSession()), AssumeRoleAudit.address(context.getClientConnection().getRemoteAddr())));
        RealmModel target = context.getRealm();
        Account sourceAccount = grant.sourceAccount();
        RoleArn roleArn = grant.roleArn();
        AssumableRole role = grant.role();
        int duration = grant.durationSeconds();
        String sessionName = grant.sessionName();
        UserArn sourceArn = grant.sourceArn();
        List<RoleModel> granted = grant.granted();
        Decision decision = grant.decision();

        ClientModel client = context.getClient();
        // The tokens' subject is a live role session bound to the account's anchor principal, the source user and the
        // source session: it stays active only while all of that holds (LiveRoleSessions).
        UserModel anchor = new RoleSessionAnchors(session, target).obtain(role, RoleSessionHandle.Kind.TOKEN, sourceAccount.accountId());
        // The session the subject token names; a token without one (a service account's) binds to the user alone.
        String sourceSessionId = subjectToken.getSessionId();
        UserModel principal = new LiveRoleSessions(session).userFor(target, role, anchor, RoleSessionHandle.Kind.TOKEN,
                sourceUser.getId(), sourceSessionId, subject.client() == null ? null : subject.client().getId(), duration);
        AssumedRoleArn sessionArn = roleArn.session(sessionName);

        long[] expires = {(long) Time.currentTime() + duration};
        boolean[] dpopBound = {false};
        RoleTokenMinter.Minted minted = mint(context, principal, client, params.scope, token -> {
            RoleTokenClaims.apply(token, granted, params.audience, roleArn, sessionName, sourceArn, sourceUser.getId(), subject.issuer());
            // From the token's own iat, so exp - iat is the duration even when a second ticks over while minting.
            if (token.getIat() != null) {
                expires[0] = token.getIat() + duration;
            }
            token.exp(expires[0]);
            dpopBound[0] = SenderConstraint.carryOver(subjectToken, token);
        });
        long expiresAt = expires[0];
        // What listing and ending by ID read, not the event store: one insert in this transaction.
        RoleSessionRecords.record(session, target, RoleSessionRecords.Start.token(minted.tokenId(),
                role.id(), sourceAccount.accountId(), sourceArn.toString(), sourceUser.getId(), sourceSessionId, sessionName,
                client.getClientId(), context.getClientConnection().getRemoteAddr(), principal.getId(), expiresAt));

        EventBuilder event = context.getEvent();
        event.user(principal).detail("source_account", sourceAccount.accountId()).detail("source_user", sourceUser.getUsername())
                .detail("source_identity", sourceArn.toString()).detail("role_session_name", sessionName)
                .detail(RoleSessions.SOURCE_USER_ID_DETAIL, sourceUser.getId())
                .detail(RoleSessions.SOURCE_SESSION_DETAIL, sourceSessionId)
                .detail(RoleSessions.DURATION_DETAIL, Integer.toString(duration))
                .detail(RoleSessions.EXPIRES_DETAIL, Long.toString(expiresAt))
                .detail(Details.REASON, AssumeRoleAudit.allowedReason(decision, DecisionSide.TRUST_POLICY));
        mirrorInSource(context, subject, roleArn.toString(), sessionName, null, AssumeRoleAudit.allowedReason(decision, DecisionSide.SOURCE_GRANT));
        event.success();

        Map<String, Object> body = new LinkedHashMap<>();
        body.put("access_token", minted.token());
        body.put("issued_token_type", AssumeRoleParameters.ACCESS_TOKEN_TYPE);
        body.put("token_type", dpopBound[0] ? DPoPUtil.DPOP_TOKEN_TYPE : "Bearer");
        body.put("expires_in", minted.expiresIn());
        if (minted.scope() != null) {
            body.put("scope", minted.scope());
        }
        body.put("assumed_role_user", Map.of(
                "arn", sessionArn.toString(),
                "assumed_role_id", anchor.getId() + ":" + sessionName));
        body.put(AssumeRoleAudit.REQUEST_ID, requestId);
        return context.getCors().add(Response.ok(body, MediaType.APPLICATION_JSON_TYPE));
    }

    /**
     * AssumeRoleWithOIDC: the subject token is an external JWT of an OIDC provider of this account; the
     * role's trust policy alone decides. The role token's principal is the (role, provider) anchor, so removing the
     * provider from the trust policy, deleting or disabling it ends these tokens.
     */
    private Response assumeWithOidc(TokenExchangeContext context, AssumeRoleParameters params) {
        RealmModel target = context.getRealm();
        EventBuilder event = context.getEvent();
        event.detail("subject_token_type", params.federatedTokenType);
        OidcSubjectTokenVerifier.VerifiedExternal external = OidcSubjectTokenVerifier.verify(session, target, params.subjectToken,
                params.subjectIssuer, event);
        String sourceIdentity = external.providerArn().subjectIdentity(external.subject());
        event.detail("source_identity", AssumeRoleParameters.printable(sourceIdentity));
        FederatedAuthorizer.Grant grant = FederatedAuthorizer.authorize(session, new FederatedAuthorizer.Request(target,
                params.roleArn, external.providerArn(), external.issuer(), external.audiences(), external.subject(),
                params.sessionName, params.durationSeconds, params.sessionPolicy,
                AssumeRoleAudit.address(context.getClientConnection().getRemoteAddr())));
        UserModel anchor = new RoleSessionAnchors(session, target).obtain(grant.role(), RoleSessionHandle.Kind.FEDERATED, external.provider().alias());
        // A live role session of the provider's sessions of the role: it ends when the provider stops being usable, the
        // role goes, or its maximum duration drops below this one (LiveRoleSessions).
        UserModel principal = new LiveRoleSessions(session).userFor(target, grant.role(), anchor, RoleSessionHandle.Kind.FEDERATED,
                external.provider().alias(), null, null, grant.durationSeconds());
        AssumedRoleArn sessionArn = grant.roleArn().session(grant.sessionName());
        long[] expires = {(long) Time.currentTime() + grant.durationSeconds()};
        RoleTokenMinter.Minted minted = mint(context, principal, context.getClient(), params.scope, token -> {
            RoleTokenClaims.applyFederated(token, grant.granted(), params.audience, grant.roleArn(), grant.sessionName(),
                    sourceIdentity, external.subject(), external.issuer());
            // From the token's own iat, so exp - iat is the duration even when a second ticks over while minting.
            if (token.getIat() != null) {
                expires[0] = token.getIat() + grant.durationSeconds();
            }
            token.exp(expires[0]);
        });
        long expiresAt = expires[0];
        RoleSessionRecords.record(session, target, RoleSessionRecords.Start.token(minted.tokenId(),
                grant.role().id(), null, AssumeRoleParameters.printable(sourceIdentity), null, null, grant.sessionName(),
                context.getClient().getClientId(), context.getClientConnection().getRemoteAddr(), principal.getId(), expiresAt));
        event.user(principal).detail("role_session_name", grant.sessionName())
                .detail("oidc_client_ids", String.join(",", external.clientIds()))
                .detail(RoleSessions.DURATION_DETAIL, Integer.toString(grant.durationSeconds()))
                .detail(RoleSessions.EXPIRES_DETAIL, Long.toString(expiresAt))
                .detail(Details.REASON, grant.decision().reason());
        event.success();

        Map<String, Object> body = new LinkedHashMap<>();
        body.put("access_token", minted.token());
        body.put("issued_token_type", AssumeRoleParameters.ACCESS_TOKEN_TYPE);
        body.put("token_type", "Bearer");
        body.put("expires_in", minted.expiresIn());
        if (minted.scope() != null) {
            body.put("scope", minted.scope());
        }
        body.put("assumed_role_user", Map.of(
                "arn", sessionArn.toString(),
                "assumed_role_id", anchor.getId() + ":" + grant.sessionName()));
        Map<String, Object> tokenInfo = new LinkedHashMap<>();
        tokenInfo.put("issuer", external.issuer());
        tokenInfo.put("subject", external.subject());
        tokenInfo.put("client_ids", external.clientIds());
        body.put("oidc_token_info", tokenInfo);
        return context.getCors().add(Response.ok(body, MediaType.APPLICATION_JSON_TYPE));
    }

    private RoleTokenMinter.Minted mint(TokenExchangeContext context, UserModel principal, ClientModel client, String scope,
                                        Consumer<AccessToken> customize) {
        return RoleTokenMinter.mint(session, (TokenManager) context.getTokenManager(), context.getEvent(), context.getRealm(), client,
                principal, scope, context.getClientConnection().getRemoteAddr(), AUTH_METHOD, customize);
    }

    /**
     * The form as the caller sent it. Keycloak's token endpoint hands providers a copy with control characters removed
     * ({@code TokenEndpoint.sanitizeFormParameters}); AssumeRole refuses them instead of acting on an altered value.
     */
    private MultivaluedMap<String, String> callerForm(TokenExchangeContext context) {
        MultivaluedMap<String, String> raw = session.getContext().getHttpRequest() == null ? null
                : session.getContext().getHttpRequest().getDecodedFormParameters();
        return raw != null ? raw : context.getFormParams();
    }

    static String withOpenId(String scope) {
        if (scope == null || scope.isBlank()) {
            return OAuth2Constants.SCOPE_OPENID;
        }
        return List.of(scope.trim().split("\\s+")).contains(OAuth2Constants.SCOPE_OPENID) ? scope : OAuth2Constants.SCOPE_OPENID + " " + scope;
    }

    private void audit(TokenExchangeContext context, SubjectTokenVerifier.VerifiedSubject subject, String roleArn, AssumeRoleRefusal failure) {
        EventBuilder event = context.getEvent();
        if (roleArn != null) {
            event.detail("role_arn", roleArn);
        }
        if (subject != null) {
            AssumeRoleAudit.sourceDetails(session, event, subject.realm(), subject.user());
        }
        event.detail(Details.REASON, failure.targetReason());
        AssumeRoleAudit.finish(event, failure);
        if (subject != null) {
            mirrorInSource(context, subject, roleArn, null, failure, failure.sourceReason());
        }
    }

    /** The same assumption, seen from the source account: an event in its own realm. */
    private void mirrorInSource(TokenExchangeContext context, SubjectTokenVerifier.VerifiedSubject subject, String roleArn,
                                String sessionName, AssumeRoleRefusal failure, String reason) {
        EventBuilder mirror = AssumeRoleAudit.sourceEvent(session, context.getClientConnection(), subject.realm(), subject.user(),
                subject.token().getIssuedFor(), subject.token().getSessionId(), AUTH_METHOD, context.getRealm(), roleArn, sessionName)
                .detail(AssumeRoleAudit.REQUEST_ID, requestId);
        mirror.detail(Details.REASON, reason);
        AssumeRoleAudit.finish(mirror, failure);
    }

    @Override
    public void close() {
    }
}
