package io.github.keycloaksts.exchange;

import java.util.function.Predicate;

import io.github.keycloaksts.assume.AssumeRoleRefusal;
import org.keycloak.common.VerificationException;
import org.keycloak.events.Errors;
import org.keycloak.models.KeycloakSession;
import org.keycloak.representations.AccessToken;
import org.keycloak.representations.dpop.DPoP;
import org.keycloak.services.util.DPoPUtil;
import org.keycloak.services.util.MtlsHoKTokenUtil;

/**
 * Sender-constrained subject tokens (RFC 7800 {@code cnf}) stay sender-constrained. As Keycloak's
 * {@code StandardTokenExchangeProvider} does, a bound subject token is exchanged only with proof of possession:
 * a DPoP-bound token ({@code cnf.jkt}, RFC 9449) with a DPoP proof of the same key, which Keycloak's token endpoint
 * has already validated for this request (signature, {@code htm}, {@code htu} = this token endpoint, freshness,
 * replay); an mTLS-bound token ({@code cnf.x5t#S256}, RFC 8705) over a TLS connection with the same client
 * certificate. The role token is then bound to the same key or certificate. Unlike Keycloak's provider this fails
 * closed: a {@code cnf.jkt} is never accepted without a proof (even with the {@code dpop} feature off), and a
 * confirmation method we do not know is a refusal. Keycloak's additional rule that the requesting client be the
 * token's {@code azp} does not carry over: the subject token comes from another realm, where client IDs name other
 * clients; possession of the key is what binds the token to its holder.
 */
final class SenderConstraint {

    static final String REASON_PREFIX = "subject_token is sender-constrained";

    private SenderConstraint() {
    }

    /** Throws {@link AssumeRoleRefusal} unless this request proves possession of the key {@code subject} is bound to. */
    static void requireProof(KeycloakSession session, AccessToken subject) {
        if (subject.getConfirmation() == null) {
            return;
        }
        check(subject, session.getAttribute(DPoPUtil.DPOP_SESSION_ATTRIBUTE, DPoP.class),
                token -> MtlsHoKTokenUtil.verifyTokenBindingWithClientCertificate(token, session.getContext().getHttpRequest(), session));
    }

    /**
     * @param proof              the DPoP proof of this request as the token endpoint validated it, or null
     * @param certificateMatches whether this request's TLS client certificate is the one the token is bound to
     */
    static void check(AccessToken subject, DPoP proof, Predicate<AccessToken> certificateMatches) {
        AccessToken.Confirmation cnf = subject.getConfirmation();
        if (cnf == null) {
            return;
        }
        if (cnf.getKeyThumbprint() == null && cnf.getCertThumbprint() == null) {
            throw AssumeRoleRefusal.proofMissing(Errors.INVALID_REQUEST, "Sender-constrained subject_token not supported",
                    REASON_PREFIX + " by an unsupported confirmation method (cnf without jkt or x5t#S256)");
        }
        if (cnf.getCertThumbprint() != null && !certificateMatches.test(subject)) {
            throw AssumeRoleRefusal.proofMissing(Errors.INVALID_REQUEST, MtlsHoKTokenUtil.CERT_VERIFY_ERROR_DESC,
                    REASON_PREFIX + " (cnf.x5t#S256, mTLS): " + MtlsHoKTokenUtil.CERT_VERIFY_ERROR_DESC);
        }
        if (cnf.getKeyThumbprint() != null) {
            if (cnf.getJktType() != null && !DPoPUtil.DPOP_JKT_TYPE.equals(cnf.getJktType())) {
                throw AssumeRoleRefusal.proofMissing(Errors.INVALID_REQUEST, "Sender-constrained subject_token not supported",
                        REASON_PREFIX + " (cnf.jkt) with key type " + cnf.getJktType() + ", not DPoP");
            }
            if (proof == null) {
                throw AssumeRoleRefusal.proofMissing(Errors.INVALID_DPOP_PROOF, "DPoP proof is missing",
                        REASON_PREFIX + " (cnf.jkt, DPoP): DPoP proof is missing");
            }
            try {
                DPoPUtil.validateBinding(subject, proof);
            } catch (VerificationException e) {
                throw AssumeRoleRefusal.proofMissing(Errors.INVALID_DPOP_PROOF, e.getMessage(),
                        REASON_PREFIX + " (cnf.jkt, DPoP): " + e.getMessage());
            }
        }
    }

    /**
     * Binds the role token to what the subject token was bound to (its proof was checked by {@link #check}). Keycloak's
     * own DPoP mapper already binds every token issued with a DPoP proof; this makes sure of it for a DPoP-bound subject
     * and carries an mTLS binding over. Returns whether the role token is DPoP-bound (its token type is then DPoP).
     */
    static boolean carryOver(AccessToken subject, AccessToken roleToken) {
        AccessToken.Confirmation cnf = subject.getConfirmation();
        if (cnf != null && (cnf.getCertThumbprint() != null || cnf.getKeyThumbprint() != null)) {
            AccessToken.Confirmation bound = roleToken.getConfirmation();
            if (bound == null) {
                bound = new AccessToken.Confirmation();
                roleToken.setConfirmation(bound);
            }
            if (cnf.getCertThumbprint() != null) {
                bound.setCertThumbprint(cnf.getCertThumbprint());
            }
            if (cnf.getKeyThumbprint() != null) {
                bound.setKeyThumbprint(cnf.getKeyThumbprint());
                bound.setJktType(DPoPUtil.DPOP_JKT_TYPE);
            }
        }
        AccessToken.Confirmation bound = roleToken.getConfirmation();
        boolean dpop = bound != null && bound.getKeyThumbprint() != null;
        if (dpop) {
            roleToken.type(DPoPUtil.DPOP_TOKEN_TYPE);
        }
        return dpop;
    }
}
