package io.github.keycloaksts.exchange;

import java.util.Set;

import io.github.keycloaksts.account.RealmIssuer;
import io.github.keycloaksts.assume.AssumeRoleRefusal;
import org.keycloak.jose.jws.JWSInput;
import org.keycloak.models.ClientModel;
import org.keycloak.models.KeycloakContext;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;
import org.keycloak.models.UserSessionModel;
import org.keycloak.protocol.oidc.TokenExchangeContext;
import org.keycloak.representations.AccessToken;
import org.keycloak.services.managers.AuthenticationManager;

/**
 * Verifies a subject token in the realm that issued it — never in the target realm: the issuer names a realm of
 * this server, and Keycloak's own {@link AuthenticationManager#verifyIdentityToken} then checks signature (with
 * that realm's keys), issuer, expiry, type, revocation, audience {@code sts}, client, user and session there.
 * The request's Keycloak context is switched to the source realm for that and always restored.
 */
final class SubjectTokenVerifier {

    static final String STS_AUDIENCE = "sts";
    static final Set<String> ASYMMETRIC = Set.of("RS256", "RS384", "RS512", "PS256", "PS384", "PS512",
            "ES256", "ES384", "ES512", "EdDSA", "Ed25519");

    record VerifiedSubject(RealmModel realm, UserModel user, UserSessionModel userSession, AccessToken token, String issuer,
                           ClientModel client) {
    }

    private SubjectTokenVerifier() {
    }

    static VerifiedSubject verify(KeycloakSession session, TokenExchangeContext exchange, String subjectToken) {
        JWSInput jws;
        AccessToken unverified;
        try {
            jws = new JWSInput(subjectToken);
            unverified = jws.readJsonContent(AccessToken.class);
        } catch (Exception e) {
            throw AssumeRoleRefusal.invalidToken("subject_token is not a signed JWT");
        }
        String algorithm = jws.getHeader().getRawAlgorithm();
        if (algorithm == null || !ASYMMETRIC.contains(algorithm)) {
            // Tokens of a realm are signed with its asymmetric keys; "none" and HMAC are never accepted here.
            throw AssumeRoleRefusal.invalidToken("subject_token algorithm " + algorithm + " is not accepted");
        }
        String issuer = unverified == null ? null : unverified.getIssuer();
        RealmModel source = realmOfIssuer(session, issuer);
        if (source == null) {
            throw AssumeRoleRefusal.invalidToken("subject_token issuer " + issuer + " is not a realm of this server");
        }
        if (!source.isEnabled()) {
            // A suspended account: Keycloak's token check does not look at the realm's switch, so this one does.
            throw AssumeRoleRefusal.invalidToken("subject_token issued by realm " + source.getName() + ", which is disabled");
        }

        KeycloakContext context = session.getContext();
        RealmModel target = context.getRealm();
        ClientModel client = context.getClient();
        UserSessionModel userSession = context.getUserSession();
        var bearer = context.getBearerToken();
        AuthenticationManager.AuthResult result;
        try {
            context.setRealm(source);
            result = AuthenticationManager.verifyIdentityToken(session, source, context.getUri(),
                    exchange.getClientConnection(), true, true, STS_AUDIENCE, false, subjectToken,
                    exchange.getHeaders(), verifier -> { });
        } catch (RuntimeException e) {
            result = null;
        } finally {
            context.setRealm(target);
            context.setClient(client);
            context.setUserSession(userSession);
            context.setBearerToken(bearer);
        }
        if (result == null) {
            throw AssumeRoleRefusal.invalidToken("subject_token rejected by realm " + source.getName() + hints(unverified));
        }
        return new VerifiedSubject(source, result.user(), result.session(), result.token(), issuer, result.client());
    }

    private static RealmModel realmOfIssuer(KeycloakSession session, String issuer) {
        String name = realmNameOfIssuer(issuer);
        if (name == null) {
            return null;
        }
        RealmModel realm = session.realms().getRealmByName(name);
        if (realm == null) {
            return null;
        }
        String expected = RealmIssuer.of(session.getContext().getUri().getBaseUri(), realm.getName());
        return expected.equals(issuer) ? realm : null;
    }

    /**
     * The realm name an issuer claims ({@code …/realms/<name>}), or null. Only a candidate: the caller accepts the
     * realm only if the issuer is exactly that realm's issuer URL on this server.
     */
    static String realmNameOfIssuer(String issuer) {
        if (issuer == null) {
            return null;
        }
        int at = issuer.lastIndexOf("/realms/");
        if (at < 0) {
            return null;
        }
        String name = issuer.substring(at + "/realms/".length());
        return name.isEmpty() || name.contains("/") ? null : name;
    }

    /** What the unverified token already shows, for the audit reason only. */
    private static String hints(AccessToken token) {
        StringBuilder hints = new StringBuilder();
        if (token != null) {
            if (token.getExp() != null && token.getExp() != 0 && token.isExpired()) {
                hints.append("; expired");
            }
            if (!"Bearer".equalsIgnoreCase(token.getType()) && !"DPoP".equalsIgnoreCase(token.getType())) {
                hints.append("; type ").append(token.getType()).append(" is not an access token");
            }
            if (!token.hasAudience(STS_AUDIENCE)) {
                hints.append("; audience lacks ").append(STS_AUDIENCE);
            }
        }
        return hints.length() == 0 ? " (signature, session, user or revocation check failed)" : " (" + hints.substring(2) + ")";
    }
}
