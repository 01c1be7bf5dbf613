package io.github.keycloaksts.caller;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.github.keycloaksts.account.Account;
import io.github.keycloaksts.exchange.RoleTokenClaims;
import io.github.keycloaksts.grant.SourceGrants;
import io.github.keycloaksts.policy.arn.UserArn;
import jakarta.ws.rs.core.CacheControl;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.jboss.logging.Logger;
import org.keycloak.TokenVerifier;
import org.keycloak.TokenVerifier.Predicate;
import org.keycloak.common.VerificationException;
import org.keycloak.crypto.CryptoUtils;
import org.keycloak.crypto.SignatureVerifierContext;
import org.keycloak.jose.jws.JWSHeader;
import org.keycloak.models.ClientModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;
import org.keycloak.protocol.oidc.OIDCLoginProtocol;
import org.keycloak.protocol.oidc.TokenManager;
import org.keycloak.protocol.oidc.TokenManager.NotBeforeCheck;
import org.keycloak.representations.AccessToken;
import org.keycloak.representations.JsonWebToken;
import org.keycloak.services.Urls;
import org.keycloak.services.managers.AppAuthManager;
import org.keycloak.services.util.DPoPUtil;
import org.keycloak.services.util.UserSessionUtil;
import org.keycloak.util.TokenUtil;

/**
 * {@code GET /realms/{realm}/sts/caller-identity}: who the bearer token of this realm acts as (GetCallerIdentity of AWS
 * and Alibaba Cloud), for a role token or an ordinary access token. The token is checked as Keycloak's userinfo checks
 * it (signature, issuer, expiry, not-before of realm and client, revocation, DPoP binding, a live session: for a role
 * token the live role session), without requiring the {@code openid} scope. A token that does not pass is {@code 401}
 * with one terse {@code error_description}; the reason goes to the server log at debug level only (a read, no event).
 */
public final class CallerIdentityResource {

    private static final Logger LOG = Logger.getLogger(CallerIdentityResource.class);

    private final KeycloakSession session;
    private final RealmModel realm;

    public CallerIdentityResource(KeycloakSession session) {
        this.session = session;
        this.realm = session.getContext().getRealm();
    }

    public Response get() {
        return answer((account, token, user) -> identity(account, token, user));
    }

    /**
     * {@code GET /realms/{realm}/sts/my-grants}: the role ARN patterns the bearer's account lets him assume (his own
     * {@code sts.assume-role} values that grant something, as the exchange reads them), for {@code kcsts login}. A role
     * session's user holds no roles: its list is empty.
     */
    public Response grants() {
        return answer((account, token, user) -> {
            List<String> patterns = SourceGrants.held(realm, user).stream().filter(held -> held.grant() != null)
                    .map(SourceGrants.Held::value).distinct().sorted().toList();
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("accountId", account.accountId());
            out.put("grants", patterns);
            return out;
        });
    }

    private interface Answer {
        Map<String, Object> of(Account account, AccessToken token, UserModel user);
    }

    private Response answer(Answer answer) {
        Optional<Account> account = Account.of(session, realm);
        if (account.isEmpty()) {
            return error(Response.Status.NOT_FOUND, "not_found", "realm " + realm.getName() + " is not an account");
        }
        AppAuthManager.AuthHeader header;
        try {
            header = AppAuthManager.extractAuthorizationHeaderTokenOrReturnNull(session.getContext().getRequestHeaders());
        } catch (RuntimeException e) {
            header = null;
        }
        if (header == null || header.getToken() == null) {
            return error(Response.Status.UNAUTHORIZED, "invalid_request", "a bearer token of realm " + realm.getName() + " is required");
        }
        AccessToken token;
        UserModel user;
        try {
            token = verify(header.getToken());
            user = liveUser(token);
        } catch (VerificationException e) {
            LOG.debugf("caller-identity of realm %s refused a token: %s", realm.getName(), e.getMessage());
            return error(Response.Status.UNAUTHORIZED, "invalid_token", "Token verification failed");
        }
        return Response.ok(answer.of(account.get(), token, user)).type(MediaType.APPLICATION_JSON_TYPE).cacheControl(noStore()).build();
    }

    /** As Keycloak's userinfo verifies an access token, without asking for the openid scope. */
    private AccessToken verify(String encoded) throws VerificationException {
        TokenVerifier<AccessToken> verifier = TokenVerifier.create(encoded, AccessToken.class).withDefaultChecks()
                .realmUrl(Urls.realmIssuer(session.getContext().getUri().getBaseUri(), realm.getName()))
                .tokenType(List.of(TokenUtil.TOKEN_TYPE_BEARER, TokenUtil.TOKEN_TYPE_DPOP));
        verifier = DPoPUtil.withDPoPVerifier(verifier, realm, new DPoPUtil.Validator(session)
                .request(session.getContext().getHttpRequest()).uriInfo(session.getContext().getUri()).accessToken(encoded));
        JWSHeader header = verifier.getHeader();
        if (header.getAlgorithm() == null) {
            throw new VerificationException("missing token algorithm");
        }
        SignatureVerifierContext signature = CryptoUtils.getSignatureProvider(session, header.getAlgorithm().name()).verifier(header.getKeyId());
        verifier.verifierContext(signature);
        AccessToken token = verifier.verify().getToken();
        ClientModel client = realm.getClientByClientId(token.getIssuedFor());
        if (client == null || !client.isEnabled() || !OIDCLoginProtocol.LOGIN_PROTOCOL.equals(client.getProtocol())) {
            throw new VerificationException("client " + token.getIssuedFor() + " not found, disabled or not OpenID Connect");
        }
        Predicate<JsonWebToken> revocation = new TokenManager.TokenRevocationCheck(session);
        TokenVerifier.createWithoutSignature(token)
                .withChecks(NotBeforeCheck.forModel(realm), NotBeforeCheck.forModel(client), revocation)
                .verify();
        return token;
    }

    /** The token's live session and user, as userinfo finds them (a role token's transient session: its live role session). */
    private UserModel liveUser(AccessToken token) throws VerificationException {
        ClientModel client = realm.getClientByClientId(token.getIssuedFor());
        UserSessionUtil.UserSessionValidationResult found = UserSessionUtil.findValidSessionForAccessToken(session, realm, token, client,
                invalid -> { });
        if (found.getError() != null || found.getUserSession() == null || found.getUserSession().getUser() == null
                || !found.getUserSession().getUser().isEnabled()) {
            throw new VerificationException("no live session: " + found.getError());
        }
        return found.getUserSession().getUser();
    }

    private static Map<String, Object> identity(Account account, AccessToken token, UserModel user) {
        Map<String, Object> claims = token.getOtherClaims();
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("accountId", account.accountId());
        out.put("accountAlias", account.alias());
        Object roleArn = claims.get(RoleTokenClaims.ROLE_ARN);
        if (roleArn instanceof String arn) {
            Object sessionName = claims.get(RoleTokenClaims.ROLE_SESSION_NAME);
            out.put("type", "AssumedRole");
            out.put("arn", arn + "/" + sessionName);
            out.put("roleArn", arn);
            out.put("roleSessionName", sessionName);
            out.put("sourceIdentity", claims.get(RoleTokenClaims.SOURCE_IDENTITY));
            if (claims.get(RoleTokenClaims.SESSION_TAGS) instanceof Map<?, ?> tags && !tags.isEmpty()) {
                out.put("sessionTags", tags);
            }
        } else {
            out.put("type", "User");
            out.put("arn", UserArn.isValidUserName(user.getUsername()) ? UserArn.of(account.accountId(), user.getUsername()).toString() : null);
            out.put("username", user.getUsername());
        }
        out.put("userId", token.getSubject());
        out.put("clientId", token.getIssuedFor());
        out.put("expiresAt", token.getExp());
        out.put("expiration", token.getExp() == null ? null : Instant.ofEpochSecond(token.getExp()).toString());
        return out;
    }

    private static Response error(Response.Status status, String error, String description) {
        Map<String, String> body = new LinkedHashMap<>();
        body.put("error", error);
        body.put("error_description", description);
        Response.ResponseBuilder response = Response.status(status).type(MediaType.APPLICATION_JSON_TYPE).entity(body).cacheControl(noStore());
        if (status == Response.Status.UNAUTHORIZED) {
            response.header(HttpHeaders.WWW_AUTHENTICATE, "Bearer error=\"" + error + "\"");
        }
        return response.build();
    }

    private static CacheControl noStore() {
        CacheControl noStore = new CacheControl();
        noStore.setNoStore(true);
        return noStore;
    }
}
