package io.github.keycloaksts.exchange;

import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import java.util.stream.Collectors;

import io.github.keycloaksts.account.RealmIssuer;
import io.github.keycloaksts.assume.AssumeRoleRefusal;
import org.keycloak.OAuth2Constants;
import org.keycloak.common.Profile;
import org.keycloak.common.util.Time;
import org.keycloak.events.Details;
import org.keycloak.events.EventBuilder;
import org.keycloak.models.AuthenticatedClientSessionModel;
import org.keycloak.models.ClientModel;
import org.keycloak.models.ClientScopeModel;
import org.keycloak.models.ClientSessionContext;
import org.keycloak.models.Constants;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;
import org.keycloak.protocol.oidc.OIDCLoginProtocol;
import org.keycloak.protocol.oidc.TokenManager;
import org.keycloak.protocol.oidc.token.TokenPostProcessor;
import org.keycloak.protocol.oidc.token.TokenPostProcessorContext;
import org.keycloak.protocol.oidc.token.TokenPostProcessorFactory;
import org.keycloak.representations.AccessToken;
import org.keycloak.services.util.AuthorizationContextUtil;
import org.keycloak.services.util.DefaultClientSessionContext;

/**
 * Mints a role token with Keycloak's {@link TokenManager} and the requesting client's protocol mappers and client
 * scopes, as a transient session would, on a {@link RequestOnlySession}: no authentication session to create and
 * remove, nothing registered in the session provider's transaction, and no second look-up of the role session's user.
 * The claims are those of {@code TokenManager.attachAuthenticationSession} plus {@code AccessTokenResponseBuilder.build}
 * (RoleTokenShapeIT holds them); what {@code build} adds to a token response that AssumeRole's answer does not carry
 * (the not-before policy, response mappers) is not computed.
 */
public final class RoleTokenMinter {

    /** The signed token and what the answer reports about it. */
    record Minted(String token, String tokenId, long expiresIn, String scope) {
    }

    /** Set on the session while a role token is minted here: its post-processors know the session is a role token's. */
    public static final String MINTING_ATTRIBUTE = "sts.minting-role-token";

    private RoleTokenMinter() {
    }

    static Minted mint(KeycloakSession session, TokenManager tokenManager, EventBuilder event, RealmModel realm, ClientModel client,
                       UserModel principal, String scope, String remoteAddress, String authMethod, Consumer<AccessToken> customize) {
        if (scope != null && !TokenManager.isValidScope(session, scope, client)) {
            throw AssumeRoleRefusal.invalidRequest("scope: not a scope of client " + client.getClientId());
        }
        // Role tokens are user tokens of the target realm: always OpenID scoped, so userinfo answers them.
        String scopeParam = withOpenId(scope);
        RequestOnlySession userSession = new RequestOnlySession(realm, principal, remoteAddress, authMethod);
        AuthenticatedClientSessionModel clientSession = userSession.addClientSession(client);
        // The notes TokenManager.attachAuthenticationSession copies from an authentication session that authenticated
        // nobody interactively: the issuer, the scope parameter, and no level of authentication.
        clientSession.setProtocol(OIDCLoginProtocol.LOGIN_PROTOCOL);
        clientSession.setNote(OIDCLoginProtocol.ISSUER, RealmIssuer.of(session.getContext().getUri().getBaseUri(), realm.getName()));
        clientSession.setNote(OIDCLoginProtocol.SCOPE_PARAM, scopeParam);
        clientSession.setNote(Constants.LEVEL_OF_AUTHENTICATION, String.valueOf(Constants.NO_LOA));
        clientSession.setTimestamp(userSession.getLastSessionRefresh());

        Set<ClientScopeModel> clientScopes = Profile.isFeatureEnabled(Profile.Feature.PARAMETERIZED_SCOPES)
                ? AuthorizationContextUtil.getClientScopesStreamFromAuthorizationRequestContextWithClient(session, client, scopeParam)
                        .collect(Collectors.toSet())
                : TokenManager.getRequestedClientScopes(session, scopeParam, client, principal).collect(Collectors.toSet());
        ClientSessionContext clientSessionCtx = DefaultClientSessionContext.fromClientSessionAndClientScopes(clientSession,
                clientScopes, null, session);
        clientSessionCtx.setAttribute(Constants.GRANT_TYPE, OAuth2Constants.TOKEN_EXCHANGE_GRANT_TYPE);
        // Keycloak runs the client's mappers again when it answers introspection and userinfo for this token, after
        // keycloak-sts wrote its claims: a client whose mappers would rewrite one there gets no role token.
        Optional<String> rewriting = OwnedClaimMappers.rewriting(session, clientSessionCtx, userSession, client,
                RoleTokenClaims.acr(clientSession), null, false);
        if (rewriting.isPresent()) {
            throw AssumeRoleRefusal.unauthorizedClient(rewriting.get());
        }

        AccessToken token = tokenManager.responseBuilder(realm, client, event, session, userSession, clientSessionCtx)
                .generateAccessToken().getAccessToken();
        // Keycloak's protocol mappers ran inside generateAccessToken; its token post-processors (and any another
        // extension deploys) run next. keycloak-sts writes its own claims after all of them, so no mapper or
        // post-processor value of a claim it owns or the lifetime model reads survives (RoleTokenClaims.OWNED).
        session.setAttribute(MINTING_ATTRIBUTE, Boolean.TRUE);
        try {
            postProcess(session, token, clientSessionCtx);
        } finally {
            session.removeAttribute(MINTING_ATTRIBUTE);
        }
        token.setSessionId(null);
        token.issuer(clientSession.getNote(OIDCLoginProtocol.ISSUER));
        customize.accept(token);
        RoleTokenClaims.writeLast(token, principal.getId(), client.getClientId(), RoleTokenClaims.acr(clientSession), null);

        event.detail(Details.TOKEN_ID, token.getId());
        String encoded = session.tokens().encode(token);
        String responseScope = clientSessionCtx.getScopeString();
        event.detail(Details.SCOPE, responseScope);
        return new Minted(encoded, token.getId(), token.getExp() - Time.currentTime(), responseScope);
    }

    static String withOpenId(String scope) {
        if (scope == null || scope.isBlank()) {
            return OAuth2Constants.SCOPE_OPENID;
        }
        return List.of(scope.trim().split("\\s+")).contains(OAuth2Constants.SCOPE_OPENID) ? scope : OAuth2Constants.SCOPE_OPENID + " " + scope;
    }

    /** Keycloak's token post-processors, in its order (AccessTokenResponseBuilder.invokeTokenPostProcessors). */
    private static void postProcess(KeycloakSession session, AccessToken token, ClientSessionContext clientSessionCtx) {
        TokenPostProcessorContext context = new TokenPostProcessorContext(null, null, null, token, clientSessionCtx);
        List<TokenPostProcessorFactory> factories = session.getKeycloakSessionFactory().getProviderFactoriesStream(TokenPostProcessor.class)
                .map(TokenPostProcessorFactory.class::cast)
                .sorted(Comparator.comparingInt(TokenPostProcessorFactory::order).reversed())
                .toList();
        for (TokenPostProcessorFactory factory : factories) {
            session.getProvider(TokenPostProcessor.class, factory.getId()).process(context);
        }
    }
}
