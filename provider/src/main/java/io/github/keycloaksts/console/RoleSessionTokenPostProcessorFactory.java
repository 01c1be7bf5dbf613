package io.github.keycloaksts.console;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import io.github.keycloaksts.exchange.RoleTokenClaims;
import io.github.keycloaksts.policy.arn.RoleArn;
import io.github.keycloaksts.policy.arn.UserArn;
import io.github.keycloaksts.role.AssumableRole;
import io.github.keycloaksts.role.AssumableRoleStore;
import org.keycloak.OAuth2Constants;
import org.keycloak.models.AuthenticatedClientSessionModel;
import org.keycloak.models.ClientModel;
import org.keycloak.models.ClientScopeModel;
import org.keycloak.models.ClientSessionContext;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.ProtocolMapperModel;
import org.keycloak.models.RealmModel;
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

/**
 * Tokens that apps of the target realm get inside a browser role session carry the same claims as an exchanged
 * role token: the role's attached policies, {@code role_arn}, {@code role_session_name}, {@code source_identity},
 * {@code act}, and never outlive the role session.
 *
 * <p>Each app sees the policies through its own scope, as Keycloak does for ordinary users (issue 11, item 6): an
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

    static void process(KeycloakSession session, TokenPostProcessorContext context) {
        AccessToken token = context.accessToken();
        ClientSessionContext clientSessionCtx = context.clientSessionCtx();
        if (token == null || clientSessionCtx == null) {
            return;
        }
        UserSessionModel userSession = clientSessionCtx.getClientSession().getUserSession();
        String roleArnText = userSession.getNote(RoleSessionNotes.ROLE_ARN);
        if (roleArnText == null) {
            return;
        }
        RealmModel realm = userSession.getRealm();
        ClientModel client = clientSessionCtx.getClientSession().getClient();
        AssumableRole role = new AssumableRoleStore(session, realm).find(userSession.getNote(RoleSessionNotes.ROLE_NAME)).orElse(null);
        List<RoleModel> attached = role == null ? List.of() : role.attachedRoles().toList();
        List<RoleModel> granted = inClientScope(client, requestedClientScopes(session, clientSessionCtx, attached), attached);
        RoleTokenClaims.apply(token, granted, List.of(), RoleArn.parse(roleArnText),
                userSession.getNote(RoleSessionNotes.SESSION_NAME), UserArn.parse(userSession.getNote(RoleSessionNotes.SOURCE_IDENTITY)),
                userSession.getNote(RoleSessionNotes.ACT_SUB), userSession.getNote(RoleSessionNotes.ACT_ISS));
        applyKeycloakAudience(session, token, client, userSession, clientSessionCtx);
        long expiresAt = Long.parseLong(userSession.getNote(RoleSessionNotes.EXPIRES_AT));
        if (role == null) {
            expiresAt = token.getIat(); // the role is gone: a token that is dead on arrival (fail closed)
        }
        if (token.getExp() == null || token.getExp() > expiresAt) {
            token.exp(expiresAt);
        }
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
