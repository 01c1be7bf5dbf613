package io.github.keycloaksts.console;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import io.github.keycloaksts.exchange.OwnedClaimMappers;
import io.github.keycloaksts.exchange.RoleTokenClaims;
import io.github.keycloaksts.exchange.RoleTokenMinter;
import io.github.keycloaksts.policy.arn.UserArn;
import io.github.keycloaksts.role.AssumableRole;
import io.github.keycloaksts.session.RoleSessionStorageComponent;
import jakarta.ws.rs.core.Response;
import org.keycloak.OAuth2Constants;
import org.keycloak.OAuthErrorException;
import org.keycloak.events.Details;
import org.keycloak.events.Errors;
import org.keycloak.events.EventBuilder;
import org.keycloak.events.EventType;
import org.keycloak.models.AuthenticatedClientSessionModel;
import org.keycloak.models.ClientModel;
import org.keycloak.models.ClientScopeModel;
import org.keycloak.models.ClientSessionContext;
import org.keycloak.models.Constants;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.ProtocolMapperModel;
import org.keycloak.models.RoleModel;
import org.keycloak.models.UserSessionModel;
import org.keycloak.models.utils.RoleUtils;
import org.keycloak.protocol.ProtocolMapper;
import org.keycloak.protocol.ProtocolMapperUtils;
import org.keycloak.protocol.oidc.TokenManager;
import org.keycloak.protocol.oidc.mappers.AudienceProtocolMapper;
import org.keycloak.protocol.oidc.mappers.AudienceResolveProtocolMapper;
import org.keycloak.protocol.oidc.mappers.OIDCAccessTokenMapper;
import org.keycloak.protocol.oidc.token.TokenPostProcessor;
import org.keycloak.protocol.oidc.token.TokenPostProcessorContext;
import org.keycloak.protocol.oidc.token.TokenPostProcessorFactory;
import org.keycloak.representations.AccessToken;
import org.keycloak.services.ErrorResponseException;
import org.keycloak.services.managers.AuthenticationManager;

/**
 * Tokens that apps of the target realm get inside a browser role session carry the same claims as an exchanged
 * role token: the role's attached policies, {@code role_arn}, {@code role_session_name}, {@code source_identity},
 * {@code act}, and never outlive the role session.
 *
 * <p>Each app sees the policies through its own scope, as Keycloak does for ordinary users: an
 * app with full scope gets every attached policy; any other app only those in its scope (its own client roles and
 * the scope mappings of the client and of its client scopes, composites expanded: {@code TokenManager.getAccess}).
 * The audience follows Keycloak's audience mappers applied to those policies, never more.
 */
public final class RoleSessionTokenPostProcessorFactory implements TokenPostProcessorFactory {

    public static final String PROVIDER_ID = "sts-role-session";

    @Override
    public TokenPostProcessor create(KeycloakSession session) {
        return context -> process(session, context);
    }

    @Override
    public String getId() {
        return PROVIDER_ID;
    }

    /**
     * Keycloak runs token post-processors from the highest {@code order()} down
     * ({@code AccessTokenResponseBuilder.invokeTokenPostProcessors}, 26.7.0): the lowest order runs last, after every
     * other post-processor and after every protocol mapper (which ran when the token was generated).
     */
    @Override
    public int order() {
        return Integer.MIN_VALUE;
    }

    static void process(KeycloakSession session, TokenPostProcessorContext context) {
        AccessToken token = context.accessToken();
        ClientSessionContext clientSessionCtx = context.clientSessionCtx();
        if (token == null || clientSessionCtx == null) {
            return;
        }
        AuthenticatedClientSessionModel clientSession = clientSessionCtx.getClientSession();
        UserSessionModel userSession = clientSession.getUserSession();
        Optional<RoleSessionNotes.RoleSession> found = RoleSessionNotes.roleSession(session, userSession);
        if (found.isEmpty()) {
            if (session.getAttribute(RoleTokenMinter.MINTING_ATTRIBUTE) == null
                    && RoleSessionStorageComponent.isRoleSessionUser(userSession.getRealm(), userSession.getUser())) {
                // A session of a role-session user that no keycloak-sts flow opened (an administrator's impersonation):
                // its tokens would name the role session as their subject without being one.
                String reason = "a session of role-session user " + userSession.getUser().getId()
                        + " that keycloak-sts did not open (impersonation?) gets no token";
                new EventBuilder(userSession.getRealm(), session, session.getContext().getConnection())
                        .event(eventType(clientSessionCtx)).client(clientSession.getClient()).user(userSession.getUser())
                        .session(userSession).detail(Details.REASON, reason).error(Errors.NOT_ALLOWED);
                throw new ErrorResponseException(OAuthErrorException.UNAUTHORIZED_CLIENT, "Not a role session", Response.Status.BAD_REQUEST);
            }
            return; // not a role session, whatever notes someone else wrote on it
        }
        RoleSessionNotes.RoleSession roleSession = found.get();
        ClientModel client = clientSession.getClient();
        AssumableRole role = roleSession.role();
        if (role != null) {
            List<RoleModel> attached = role.attachedRoles().toList();
            List<RoleModel> granted = inClientScope(client, requestedClientScopes(session, clientSessionCtx, attached), attached);
            RoleSessionNotes.Facts facts = roleSession.facts();
            RoleTokenClaims.apply(token, granted, List.of(), RoleSessionNotes.roleArn(roleSession), facts.sessionName(),
                    UserArn.parse(facts.sourceIdentity()), facts.actSub(), facts.actIss());
            if (!facts.sessionTags().isEmpty()) {
                RoleTokenClaims.applyTags(token, facts.sessionTags(), RoleTokenClaims.awsShapeWanted(userSession.getRealm()));
            }
            applyKeycloakAudience(session, token, client, userSession, clientSessionCtx);
        } else {
            // The role is gone, or the notes do not match the session's user: no role, no audience, dead on arrival.
            token.getOtherClaims().keySet().removeIf(RoleTokenClaims.OWNED::contains);
            token.setRealmAccess(null);
            token.setResourceAccess(null);
            token.audience((String[]) null);
        }
        String acr = RoleTokenClaims.acr(clientSession);
        Long authTime = authTime(userSession);
        RoleTokenClaims.writeLast(token, userSession.getUser().getId(), client.getClientId(), acr, authTime);
        long expiresAt = role == null || token.getIat() == null ? Math.min(roleSession.expiresAt(), token.getIat() == null ? 0L : token.getIat())
                : roleSession.expiresAt();
        if (token.getExp() == null || token.getExp() == 0 || token.getExp() > expiresAt) {
            token.exp(expiresAt);
        }
        refuseMappersRewritingOwnedClaims(session, clientSessionCtx, userSession, client, acr, authTime);
    }

    private static Long authTime(UserSessionModel userSession) {
        String note = userSession.getNote(AuthenticationManager.AUTH_TIME);
        try {
            return note == null ? null : Long.valueOf(note);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /**
     * The ID token, userinfo and introspection answers are written by Keycloak after, or without, any post-processor:
     * an app whose mappers would rewrite a claim keycloak-sts owns there ({@link OwnedClaimMappers}) gets no token of a
     * role session: fail closed, with a user event that names the mapper.
     */
    static void refuseMappersRewritingOwnedClaims(KeycloakSession session, ClientSessionContext clientSessionCtx, UserSessionModel userSession,
                                                  ClientModel client, String acr, Long authTime) {
        Optional<String> reason = OwnedClaimMappers.rewriting(session, clientSessionCtx, userSession, client, acr, authTime, true);
        if (reason.isPresent()) {
            new EventBuilder(userSession.getRealm(), session, session.getContext().getConnection())
                    .event(eventType(clientSessionCtx)).client(client).user(userSession.getUser()).session(userSession)
                    .detail(Details.REASON, reason.get()).error(Errors.NOT_ALLOWED);
            throw new ErrorResponseException(OAuthErrorException.UNAUTHORIZED_CLIENT,
                    "The client's protocol mappers rewrite claims of a role session", Response.Status.BAD_REQUEST);
        }
    }

    private static EventType eventType(ClientSessionContext clientSessionCtx) {
        Object grantType = clientSessionCtx.getAttribute(Constants.GRANT_TYPE, String.class);
        if (OAuth2Constants.REFRESH_TOKEN.equals(grantType)) {
            return EventType.REFRESH_TOKEN_ERROR;
        }
        if (OAuth2Constants.AUTHORIZATION_CODE.equals(grantType)) {
            return EventType.CODE_TO_TOKEN_ERROR;
        }
        return EventType.LOGIN_ERROR;
    }

    /**
     * The attached policies that {@code client} may see, by the rule of {@code TokenManager.getAccess} (Keycloak
     * 26.7.0): full scope allowed → all; otherwise those among the client's own roles and the expanded scope
     * mappings of its client scopes ({@code clientScopes} includes the client itself).
     */
    static List<RoleModel> inClientScope(ClientModel client, Stream<ClientScopeModel> clientScopes, List<RoleModel> attached) {
        if (client.isFullScopeAllowed()) {
            return attached;
        }
        Set<RoleModel> scope = RoleUtils.expandCompositeRolesStream(Stream.concat(client.getRolesStream(),
                clientScopes.flatMap(ClientScopeModel::getScopeMappingsStream))).collect(Collectors.toSet());
        return attached.stream().filter(scope::contains).toList();
    }

    /**
     * The client scopes of this request as Keycloak picks them for a user whose roles are the attached policies
     * ({@code DefaultClientSessionContext}): the client itself, its default scopes and the optional ones named in
     * the {@code scope} parameter, less any scope with role scope mappings none of which the user holds. The
     * context's own list was filtered against the role-session principal, who holds no roles, so it is rebuilt.
     */
    static Stream<ClientScopeModel> requestedClientScopes(KeycloakSession session, ClientSessionContext clientSessionCtx, List<RoleModel> attached) {
        AuthenticatedClientSessionModel clientSession = clientSessionCtx.getClientSession();
        Set<RoleModel> held = RoleUtils.expandCompositeRoles(Set.copyOf(attached));
        return TokenManager.getRequestedClientScopes(session, clientSession.getNote(OAuth2Constants.SCOPE), clientSession.getClient(),
                clientSession.getUserSession().getUser()).filter(scope -> permitted(scope, held));
    }

    /** {@code DefaultClientSessionContext.isClientScopePermittedForUser}, for a user holding {@code held}. */
    private static boolean permitted(ClientScopeModel scope, Set<RoleModel> held) {
        if (scope instanceof ClientModel) {
            return true;
        }
        Set<RoleModel> scopeRoles = scope.getScopeMappingsStream().collect(Collectors.toSet());
        if (scopeRoles.isEmpty()) {
            return true;
        }
        Set<RoleModel> expanded = RoleUtils.expandCompositeRoles(scopeRoles);
        expanded.retainAll(held);
        return !expanded.isEmpty();
    }

    /**
     * Sets {@code aud} as Keycloak's audience mappers of this client session would for a user holding exactly the
     * granted policies: each "Audience" mapper in scope adds its configured audience (run as Keycloak runs it), and
     * an "Audience Resolve" mapper in scope adds every other client whose roles the token carries. Any audience
     * the mappers derived from the role-session principal itself is dropped with the roles it came from.
     */
    static void applyKeycloakAudience(KeycloakSession session, AccessToken token, ClientModel client, UserSessionModel userSession,
                                      ClientSessionContext clientSessionCtx) {
        token.audience((String[]) null);
        List<Map.Entry<ProtocolMapperModel, ProtocolMapper>> mappers = ProtocolMapperUtils.getSortedProtocolMappers(session, clientSessionCtx,
                entry -> entry.getValue() instanceof AudienceProtocolMapper || entry.getValue() instanceof AudienceResolveProtocolMapper).toList();
        for (Map.Entry<ProtocolMapperModel, ProtocolMapper> entry : mappers) {
            if (entry.getValue() instanceof AudienceProtocolMapper audience) {
                ((OIDCAccessTokenMapper) audience).transformAccessToken(token, entry.getKey(), session, userSession, clientSessionCtx);
            } else if (resolveIncludedInAccessToken(entry.getKey()) && token.getResourceAccess() != null) {
                token.getResourceAccess().forEach((clientId, access) -> {
                    if (!clientId.equals(client.getClientId()) && access != null && access.getRoles() != null && !access.getRoles().isEmpty()) {
                        token.addAudience(clientId);
                    }
                });
            }
        }
    }

    /** {@code AudienceResolveProtocolMapper.includeInAccessToken}: absent means yes (backwards compatibility). */
    private static boolean resolveIncludedInAccessToken(ProtocolMapperModel model) {
        String include = model.getConfig() == null ? null : model.getConfig().get("access.token.claim");
        return include == null || "true".equals(include);
    }
}
