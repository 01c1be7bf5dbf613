package io.github.keycloaksts.exchange;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.keycloaksts.assume.AssumeRoleRefusal;
import org.junit.jupiter.api.Test;
import org.keycloak.representations.AccessToken;
import org.keycloak.representations.dpop.DPoP;

class SenderConstraintTest {

    static AccessToken token(String jkt, String x5t) {
        AccessToken token = new AccessToken();
        token.type("Bearer");
        if (jkt != null || x5t != null) {
            AccessToken.Confirmation cnf = new AccessToken.Confirmation();
            cnf.setKeyThumbprint(jkt);
            cnf.setCertThumbprint(x5t);
            token.setConfirmation(cnf);
        }
        return token;
    }

    static DPoP proof(String thumbprint) {
        DPoP proof = new DPoP();
        proof.setThumbprint(thumbprint);
        return proof;
    }

    static void refused(Runnable check, String eventError, String reasonPart) {
        assertThatThrownBy(check::run).isInstanceOfSatisfying(AssumeRoleRefusal.class, f -> {
            assertThat(f.oauthError()).isEqualTo("invalid_request");
            assertThat(f.status()).isEqualTo(400);
            assertThat(f.eventError()).isEqualTo(eventError);
            assertThat(f.reason()).startsWith(SenderConstraint.REASON_PREFIX).contains(reasonPart);
        });
    }

    @Test
    void anUnboundTokenNeedsNoProof() {
        assertThatCode(() -> SenderConstraint.check(token(null, null), null, t -> false)).doesNotThrowAnyException();
    }

    @Test
    void aDpopBoundTokenNeedsAProofOfTheSameKey() {
        AccessToken bound = token("key-1", null);
        refused(() -> SenderConstraint.check(bound, null, t -> true), "invalid_dpop_proof", "DPoP proof is missing");
        refused(() -> SenderConstraint.check(bound, proof("key-2"), t -> true), "invalid_dpop_proof", "doesn't match");
        assertThatCode(() -> SenderConstraint.check(bound, proof("key-1"), t -> false)).doesNotThrowAnyException();
    }

    @Test
    void anMtlsBoundTokenNeedsTheSameCertificate() {
        AccessToken bound = token(null, "cert-1");
        refused(() -> SenderConstraint.check(bound, proof("key-1"), t -> false), "invalid_request", "x5t#S256");
        assertThatCode(() -> SenderConstraint.check(bound, null, t -> true)).doesNotThrowAnyException();
    }

    @Test
    void unknownConfirmationMethodsAreRefused() {
        AccessToken empty = token(null, null);
        empty.setConfirmation(new AccessToken.Confirmation());
        refused(() -> SenderConstraint.check(empty, proof("x"), t -> true), "invalid_request", "unsupported confirmation method");

        AccessToken attested = token("key-1", null);
        attested.getConfirmation().setJktType("ABCA");
        refused(() -> SenderConstraint.check(attested, proof("key-1"), t -> true), "invalid_request", "not DPoP");
    }

    @Test
    void theRoleTokenKeepsTheBinding() {
        AccessToken role = token(null, null);
        assertThat(SenderConstraint.carryOver(token(null, "cert-1"), role)).isFalse();
        assertThat(role.getConfirmation().getCertThumbprint()).isEqualTo("cert-1");

        AccessToken dpopRole = token(null, null);
        assertThat(SenderConstraint.carryOver(token("key-1", null), dpopRole)).isTrue();
        assertThat(dpopRole.getConfirmation().getKeyThumbprint()).isEqualTo("key-1");
        assertThat(dpopRole.getType()).isEqualTo("DPoP");

        AccessToken plain = token(null, null);
        assertThat(SenderConstraint.carryOver(token(null, null), plain)).isFalse();
        assertThat(plain.getConfirmation()).isNull();
        assertThat(plain.getType()).isEqualTo("Bearer");
    }
}
