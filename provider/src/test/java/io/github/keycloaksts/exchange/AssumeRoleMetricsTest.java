package io.github.keycloaksts.exchange;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.keycloaksts.assume.AssumeRoleRefusal;
import org.junit.jupiter.api.Test;
import org.keycloak.events.Errors;

/** Every refusal falls in one of the few fixed reason classes of the refusal counter (bounded label values). */
class AssumeRoleMetricsTest {

    @Test
    void refusalsAreClassifiedByWhoRefusedAndWhy() {
        assertThat(AssumeRoleMetrics.reasonClass(AssumeRoleRefusal.deniedByTarget("role r does not trust 12345678")))
                .isEqualTo(AssumeRoleMetrics.NOT_TRUSTED);
        assertThat(AssumeRoleMetrics.reasonClass(AssumeRoleRefusal.denied("no sts.assume-role grant of user bob matches")))
                .isEqualTo(AssumeRoleMetrics.NO_GRANT);
        assertThat(AssumeRoleMetrics.reasonClass(AssumeRoleRefusal.deniedByPlatform("explicit Deny in platform guardrail \"g\" Statement[0]")))
                .isEqualTo(AssumeRoleMetrics.GUARDRAIL);
        assertThat(AssumeRoleMetrics.reasonClass(AssumeRoleRefusal.invalidToken("subject_token expired")))
                .isEqualTo(AssumeRoleMetrics.BAD_TOKEN);
        assertThat(AssumeRoleMetrics.reasonClass(AssumeRoleRefusal.invalidRequest("role_session_name: 2 to 64 characters")))
                .isEqualTo(AssumeRoleMetrics.BAD_REQUEST);
        assertThat(AssumeRoleMetrics.reasonClass(AssumeRoleRefusal.proofMissing(Errors.INVALID_DPOP_PROOF, "DPoP proof is missing", "no proof")))
                .isEqualTo(AssumeRoleMetrics.BAD_REQUEST);
        assertThat(AssumeRoleMetrics.reasonClass(AssumeRoleRefusal.unauthorizedClient("client app has not opted in")))
                .isEqualTo(AssumeRoleMetrics.UNAUTHORIZED_CLIENT);
    }
}
