package io.github.keycloaksts.exchange;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import com.fasterxml.jackson.core.type.TypeReference;
import io.github.keycloaksts.account.Account;
import io.github.keycloaksts.assume.AssumeRoleRefusal;
import io.github.keycloaksts.assume.EventDetails;
import io.github.keycloaksts.federation.OidcProviders;
import io.github.keycloaksts.federation.OidcProviders.OidcProvider;
import io.github.keycloaksts.policy.arn.OidcProviderArn;
import io.github.keycloaksts.policy.tags.TagValidationException;
import org.jboss.logging.Logger;
import org.keycloak.common.util.Time;
import org.keycloak.crypto.KeyWrapper;
import org.keycloak.crypto.SignatureProvider;
import org.keycloak.events.EventBuilder;
import org.keycloak.jose.jws.JWSInput;
import org.keycloak.keys.loader.PublicKeyStorageManager;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.representations.JsonWebToken;
import org.keycloak.util.JsonSerialization;

/**
 * Verifies the external JWT of an AssumeRoleWithOIDC exchange against an OIDC provider of the target account
 * (contract: docs/api.md, "Federated principals"), the way Keycloak's own JWT authorization grant does
 * ({@code JWTAuthorizationGrantIdentityProvider}, {@code AbstractBaseJWTValidator}): the provider's keys through
 * {@link PublicKeyStorageManager#getIdentityProviderKeyWrapper} (Keycloak's key cache: an unknown {@code kid} reloads
 * the JWKS at most every {@code minTimeBetweenRequests}, 10 s by default, so a rotated key is picked up without a
 * restart), asymmetric algorithms only, {@code iss} exactly the provider's, {@code aud} ∩ allowed audiences,
 * {@code exp}/{@code nbf}/{@code iat} with a small skew, a maximum age, and a {@code jti} used once
 * ({@link org.keycloak.models.SingleUseObjectProvider}, keyed by realm and issuer, for the token's lifetime).
 *
 * <p>Every refusal is an {@link AssumeRoleRefusal#invalidToken}: the caller learns only that the token is invalid;
 * the target realm's event gets the reason and the provider, issuer, subject and audience as far as they are known.
 */
final class OidcSubjectTokenVerifier {

    /** Alibaba's limit for OIDC tokens. */
    static final int MAX_TOKEN_CHARS = 20_000;
    static final int CLOCK_SKEW_SECONDS = 30;
    /** Oldest accepted token ({@code iat}), or longest remaining lifetime of a token without {@code iat}. */
    static final int MAX_TOKEN_AGE_SECONDS = 24 * 3600;
    static final int MAX_SUBJECT_CHARS = 512;
    static final String JTI_KEY_PREFIX = "sts-oidc-jti:";

    private static final Logger LOG = Logger.getLogger(OidcSubjectTokenVerifier.class);

    /** A verified external subject. */
    record VerifiedExternal(OidcProvider provider, OidcProviderArn providerArn, String issuer, String subject,
                            List<String> audiences, List<String> clientIds, Map<String, String> principalTags) {
    }

    private OidcSubjectTokenVerifier() {
    }

    static VerifiedExternal verify(KeycloakSession session, RealmModel realm, String subjectToken, String subjectIssuer,
                                   EventBuilder event) {
        if (subjectToken.length() > MAX_TOKEN_CHARS) {
            throw AssumeRoleRefusal.invalidToken("subject_token longer than " + MAX_TOKEN_CHARS + " characters");
        }
        JWSInput jws;
        JsonWebToken token;
        try {
            jws = new JWSInput(subjectToken);
            token = jws.readJsonContent(JsonWebToken.class);
        } catch (Exception e) {
            throw AssumeRoleRefusal.invalidToken("subject_token is not a signed JWT");
        }
        if (token == null) {
            throw AssumeRoleRefusal.invalidToken("subject_token has no claims");
        }
        String issuer = token.getIssuer();
        String subject = token.getSubject();
        List<String> audiences = token.getAudience() == null ? List.of()
                : Arrays.stream(token.getAudience()).filter(a -> a != null).toList();
        // What the unverified token claims, for the audit (AssumeRoleParameters.printable keeps control characters out).
        event.detail(EventDetails.OIDC_ISSUER, AssumeRoleParameters.printable(issuer));
        event.detail(EventDetails.OIDC_SUBJECT, AssumeRoleParameters.printable(subject));
        event.detail(EventDetails.OIDC_AUDIENCE, AssumeRoleParameters.printable(String.join(",", audiences)));

        String algorithm = jws.getHeader().getRawAlgorithm();
        if (algorithm == null || !SubjectTokenVerifier.ASYMMETRIC.contains(algorithm)) {
            throw AssumeRoleRefusal.invalidToken("subject_token algorithm " + AssumeRoleParameters.printable(algorithm)
                    + " is not accepted (asymmetric algorithms only)");
        }

        OidcProviders providers = new OidcProviders(session, realm);
        OidcProvider provider;
        if (subjectIssuer != null) {
            provider = providers.byAlias(subjectIssuer).orElseThrow(() -> AssumeRoleRefusal.invalidToken(
                    "subject_issuer " + AssumeRoleParameters.printable(subjectIssuer) + " is not an OIDC provider of realm " + realm.getName()));
        } else {
            List<OidcProvider> candidates = issuer == null ? List.of()
                    : providers.all().stream().filter(p -> issuer.equals(p.issuer())).toList();
            if (candidates.size() != 1) {
                throw AssumeRoleRefusal.invalidToken("subject_token issuer " + AssumeRoleParameters.printable(issuer)
                        + (candidates.isEmpty() ? " is not the issuer of an OIDC provider of realm " + realm.getName()
                        : " is the issuer of several OIDC providers (" + candidates.stream().map(OidcProvider::alias)
                        .collect(Collectors.joining(",")) + "): name one in subject_issuer"));
            }
            provider = candidates.get(0);
        }
        event.detail(EventDetails.OIDC_PROVIDER, provider.alias());
        String problem = provider.problem();
        if (problem != null) {
            throw AssumeRoleRefusal.invalidToken("OIDC provider " + provider.alias() + " cannot be used: " + problem);
        }
        if (!provider.enabled()) {
            throw AssumeRoleRefusal.invalidToken("OIDC provider " + provider.alias() + " is disabled");
        }
        if (issuer == null || !issuer.equals(provider.issuer())) {
            throw AssumeRoleRefusal.invalidToken("subject_token issuer " + AssumeRoleParameters.printable(issuer)
                    + " is not the issuer " + provider.issuer() + " of OIDC provider " + provider.alias());
        }

        verifySignature(session, realm, provider, jws, algorithm);

        int now = Time.currentTime();
        if (token.getExp() == null || token.getExp() == 0) {
            throw AssumeRoleRefusal.invalidToken("subject_token has no exp");
        }
        if (now > token.getExp() + CLOCK_SKEW_SECONDS) {
            throw AssumeRoleRefusal.invalidToken("subject_token expired at " + token.getExp());
        }
        if (token.getNbf() != null && token.getNbf() != 0 && token.getNbf() > now + CLOCK_SKEW_SECONDS) {
            throw AssumeRoleRefusal.invalidToken("subject_token is not valid before " + token.getNbf());
        }
        if (token.getIat() != null && token.getIat() != 0) {
            if (token.getIat() > now + CLOCK_SKEW_SECONDS) {
                throw AssumeRoleRefusal.invalidToken("subject_token was issued in the future (iat " + token.getIat() + ")");
            }
            if (now - token.getIat() > MAX_TOKEN_AGE_SECONDS) {
                throw AssumeRoleRefusal.invalidToken("subject_token was issued more than " + MAX_TOKEN_AGE_SECONDS + " s ago");
            }
        } else if (token.getExp() - now > MAX_TOKEN_AGE_SECONDS) {
            throw AssumeRoleRefusal.invalidToken("subject_token without iat is valid for more than " + MAX_TOKEN_AGE_SECONDS + " s");
        }

        if (subject == null || subject.isBlank() || subject.length() > MAX_SUBJECT_CHARS
                || AssumeRoleParameters.hasControlCharacter(subject, false)) {
            throw AssumeRoleRefusal.invalidToken("subject_token sub is missing, longer than " + MAX_SUBJECT_CHARS
                    + " characters or has control characters");
        }

        List<String> allowed = provider.clientIds();
        if (allowed.isEmpty()) {
            throw AssumeRoleRefusal.invalidToken("OIDC provider " + provider.alias() + " has no allowed audiences (clientIds)");
        }
        List<String> clientIds = new ArrayList<>();
        for (String audience : audiences) {
            if (allowed.contains(audience) && !clientIds.contains(audience)) {
                clientIds.add(audience);
            }
        }
        if (clientIds.isEmpty()) {
            throw AssumeRoleRefusal.invalidToken("subject_token audience " + AssumeRoleParameters.printable(audiences.toString())
                    + " is not among the allowed audiences of OIDC provider " + provider.alias());
        }

        Map<String, String> principalTags = principalTags(provider, jws);

        String jti = token.getId();
        if (jti != null) {
            long lifespan = Math.max(1, (long) token.getExp() + CLOCK_SKEW_SECONDS - now);
            String key = JTI_KEY_PREFIX + realm.getId() + ":" + issuer + ":" + jti;
            if (!session.singleUseObjects().putIfAbsent(key, lifespan)) {
                throw AssumeRoleRefusal.invalidToken("subject_token jti " + AssumeRoleParameters.printable(jti) + " was already used");
            }
        }

        Account account = Account.of(session, realm)
                .orElseThrow(() -> AssumeRoleRefusal.deniedByTarget("target realm " + realm.getName() + " is not an account"));
        return new VerifiedExternal(provider, provider.arn(account.accountId()), issuer, subject, audiences, List.copyOf(clientIds),
                principalTags);
    }

    /**
     * The subject's principal tags: the provider's tag claims read from the verified token. Stored tag claims that do
     * not read refuse the request (fail closed: the administrators meant conditions to see these tags).
     */
    private static Map<String, String> principalTags(OidcProvider provider, JWSInput jws) {
        if (provider.tagClaimsProblem() != null) {
            throw AssumeRoleRefusal.deniedByTarget("the tag claims of OIDC provider " + provider.alias() + " do not read: "
                    + provider.tagClaimsProblem());
        }
        if (provider.tagClaims().isEmpty()) {
            return Map.of();
        }
        Map<String, Object> claims;
        try {
            claims = JsonSerialization.readValue(jws.getContent(), new TypeReference<Map<String, Object>>() { });
        } catch (Exception e) {
            throw AssumeRoleRefusal.invalidToken("subject_token claims are not a JSON object");
        }
        try {
            return provider.tagClaims().tagsFrom(claims);
        } catch (TagValidationException e) {
            throw AssumeRoleRefusal.invalidRequest("tags: " + e.getMessage());
        }
    }

    private static void verifySignature(KeycloakSession session, RealmModel realm, OidcProvider provider, JWSInput jws,
                                        String algorithm) {
        KeyWrapper key;
        try {
            key = PublicKeyStorageManager.getIdentityProviderKeyWrapper(session, realm, provider.config(), jws);
        } catch (RuntimeException e) {
            LOG.debugf(e, "Keys of OIDC provider %s could not be loaded", provider.alias());
            key = null;
        }
        if (key == null) {
            throw AssumeRoleRefusal.invalidToken("no key of OIDC provider " + provider.alias() + " for kid "
                    + AssumeRoleParameters.printable(jws.getHeader().getKeyId()) + " and algorithm " + algorithm);
        }
        SignatureProvider signatures = session.getProvider(SignatureProvider.class, algorithm);
        boolean valid;
        try {
            valid = signatures != null && signatures.verifier(key)
                    .verify(jws.getEncodedSignatureInput().getBytes(StandardCharsets.UTF_8), jws.getSignature());
        } catch (Exception e) {
            LOG.debugf(e, "Signature of a subject_token of OIDC provider %s failed to verify", provider.alias());
            valid = false;
        }
        if (!valid) {
            throw AssumeRoleRefusal.invalidToken("subject_token signature does not verify with the keys of OIDC provider "
                    + provider.alias());
        }
    }
}
