package io.github.keycloaksts.exchange;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

import org.keycloak.models.ClientModel;
import org.keycloak.models.ClientSessionContext;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.ProtocolMapperModel;
import org.keycloak.models.UserSessionModel;
import org.keycloak.protocol.ProtocolMapper;
import org.keycloak.protocol.ProtocolMapperUtils;
import org.keycloak.protocol.oidc.mappers.OIDCAccessTokenMapper;
import org.keycloak.protocol.oidc.mappers.OIDCIDTokenMapper;
import org.keycloak.protocol.oidc.mappers.TokenIntrospectionTokenMapper;
import org.keycloak.protocol.oidc.mappers.UserInfoTokenMapper;
import org.keycloak.representations.AccessToken;
import org.keycloak.representations.IDToken;

/**
 * Protocol mappers that would rewrite a claim keycloak-sts owns where Keycloak, not keycloak-sts, writes last: the ID
 * token, the userinfo answer and the introspection answer, which Keycloak builds after, or without, any token
 * post-processor, by running the client's mappers again. Each mapper is tried on a probe carrying the role session's
 * own {@code sub}, {@code azp}, {@code sid}, {@code acr} and {@code auth_time}; one that changes any of them, or writes
 * another owned claim ({@link RoleTokenClaims#OWNED}: a forged {@code role_arn}, roles, …) is a finding. Keycloak's own
 * mappers (the {@code sub} and {@code auth_time} of the basic scope, the ACR mapper without an acr-to-LoA map, the role
 * mappers, which find no roles on a role-session user) write the same values and pass.
 */
public final class OwnedClaimMappers {

    private OwnedClaimMappers() {
    }

    /**
     * The first mapper of {@code clientSessionCtx} that rewrites an owned claim of the role session {@code userSession}
     * in an introspection or userinfo answer (and, when {@code idToken}, in an ID token; when not, the token was minted by
     * the exchange, whose audience is the caller's, so an introspection audience counts too), described for the
     * audit; or empty.
     */
    public static Optional<String> rewriting(KeycloakSession session, ClientSessionContext clientSessionCtx, UserSessionModel userSession,
                                             ClientModel client, String acr, Long authTime, boolean idToken) {
        String subject = userSession.getUser().getId();
        List<Map.Entry<ProtocolMapperModel, ProtocolMapper>> mappers = ProtocolMapperUtils.getSortedProtocolMappers(session, clientSessionCtx,
                entry -> entry.getValue() instanceof OIDCIDTokenMapper || entry.getValue() instanceof UserInfoTokenMapper
                        || entry.getValue() instanceof TokenIntrospectionTokenMapper || entry.getValue() instanceof OIDCAccessTokenMapper).toList();
        for (Map.Entry<ProtocolMapperModel, ProtocolMapper> entry : mappers) {
            String claim = null;
            String where = null;
            if (idToken && entry.getValue() instanceof OIDCAccessTokenMapper accessTokenMapper) {
                // AccessTokenResponseBuilder.generateIDToken copies azp from the access token as the mappers left it,
                // before any post-processor runs.
                AccessToken written = accessTokenMapper.transformAccessToken(probe(new AccessToken(), subject, client, userSession, acr, authTime),
                        entry.getKey(), session, userSession, clientSessionCtx);
                if (written != null && !Objects.equals(written.getIssuedFor(), client.getClientId())) {
                    claim = "azp";
                    where = "ID token (copied from the access token)";
                }
            }
            if (claim == null && idToken && entry.getValue() instanceof OIDCIDTokenMapper idTokenMapper) {
                IDToken written = idTokenMapper.transformIDToken(probe(new IDToken(), subject, client, userSession, acr, authTime),
                        entry.getKey(), session, userSession, clientSessionCtx);
                claim = rewritten(written, subject, client, userSession, acr, authTime);
                where = "ID token";
            }
            if (claim == null && entry.getValue() instanceof UserInfoTokenMapper userInfoMapper) {
                AccessToken written = userInfoMapper.transformUserInfoToken(probe(new AccessToken(), subject, client, userSession, acr, authTime),
                        entry.getKey(), session, userSession, clientSessionCtx);
                claim = rewritten(written, subject, client, userSession, acr, authTime);
                where = "userinfo";
            }
            if (claim == null && entry.getValue() instanceof TokenIntrospectionTokenMapper introspectionMapper) {
                AccessToken written = introspectionMapper.transformIntrospectionToken(
                        probe(new AccessToken(), subject, client, userSession, acr, authTime), entry.getKey(), session, userSession,
                        clientSessionCtx);
                claim = rewritten(written, subject, client, userSession, acr, authTime);
                if (claim == null && !idToken && written != null && written.getAudience() != null && written.getAudience().length > 0) {
                    // A role token's audience is what the caller asked for: Keycloak lets a client in the introspection
                    // answer's audience introspect a token without one.
                    claim = "aud";
                }
                where = "introspection answer";
            }
            if (claim != null) {
                return Optional.of("protocol mapper " + entry.getKey().getName() + " (" + entry.getKey().getProtocolMapper() + ") of client "
                        + client.getClientId() + " writes claim " + claim + " of a role session's " + where);
            }
        }
        return Optional.empty();
    }

    private static <T extends IDToken> T probe(T token, String subject, ClientModel client, UserSessionModel userSession, String acr, Long authTime) {
        token.subject(subject);
        token.issuedFor(client.getClientId());
        token.setSessionId(userSession.getId());
        token.setAcr(acr);
        token.setAuth_time(authTime);
        return token;
    }

    /** The first owned claim {@code written} no longer carries as the probe did, or null. */
    private static String rewritten(IDToken written, String subject, ClientModel client, UserSessionModel userSession, String acr, Long authTime) {
        if (written == null) {
            return null;
        }
        if (!Objects.equals(written.getSubject(), subject)) {
            return "sub";
        }
        if (!Objects.equals(written.getIssuedFor(), client.getClientId())) {
            return "azp";
        }
        if (!Objects.equals(written.getSessionId(), userSession.getId())) {
            return "sid";
        }
        if (!Objects.equals(written.getAcr(), acr)) {
            return "acr";
        }
        if (!Objects.equals(written.getAuth_time(), authTime)) {
            return "auth_time";
        }
        if (written instanceof AccessToken access && (access.getRealmAccess() != null || access.getResourceAccess() != null
                && !access.getResourceAccess().isEmpty())) {
            return "realm_access/resource_access";
        }
        // preferred_username is the one owned claim Keycloak's own profile mapper writes there: the role-session user's
        // username, harmless in an ID token (role tokens drop it: Keycloak's fallback look-up by username).
        return written.getOtherClaims().keySet().stream().filter(RoleTokenClaims.OWNED::contains)
                .filter(name -> !"preferred_username".equals(name)).findFirst().orElse(null);
    }
}
