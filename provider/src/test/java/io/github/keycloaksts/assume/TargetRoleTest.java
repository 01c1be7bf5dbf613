package io.github.keycloaksts.assume;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import io.github.keycloaksts.policy.arn.RoleArn;
import io.github.keycloaksts.policy.arn.UserArn;
import io.github.keycloaksts.policy.condition.RequestContext;
import io.github.keycloaksts.policy.document.PolicyDocument;
import io.github.keycloaksts.policy.eval.AssumeRoleEvaluator;
import io.github.keycloaksts.policy.eval.AssumeRoleRequest;
import io.github.keycloaksts.policy.eval.Decision;
import io.github.keycloaksts.policy.eval.DecisionSide;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class TargetRoleTest {

    /** A missing role is evaluated as one that trusts nobody: a source without a grant hears "no source grant" either way. */
    @ParameterizedTest
    @CsvSource({"12345678, *", "00000000, *", "12345678, acs:ram::99999999:role/*"})
    void aMissingRoleTrustsNobody(String sourceAccount, String grant) {
        RoleArn role = RoleArn.of("11223344", "nope");
        Decision decision = new AssumeRoleEvaluator().evaluate(
                AssumeRoleRequest.of(UserArn.of(sourceAccount, "bob"), role, RequestContext.empty()),
                List.of(PolicyDocument.allowAssumeRole(List.of(grant))), TargetRole.TRUSTS_NOBODY);

        assertThat(decision.isAllowed()).isFalse();
        assertThat(decision.side()).isEqualTo("*".equals(grant) ? DecisionSide.TRUST_POLICY : DecisionSide.SOURCE_GRANT);
    }
}
