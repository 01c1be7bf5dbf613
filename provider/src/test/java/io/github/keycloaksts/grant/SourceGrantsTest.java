package io.github.keycloaksts.grant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.keycloaksts.policy.PolicyValidationException;
import io.github.keycloaksts.policy.document.PolicyDocument;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link SourceGrants#grantOf}: the one check of an {@code sts.assume-role} value, behind both the exchange and
 * {@code GET /sts/grants} (the listing used to accept concrete ARNs that are not roles').
 */
class SourceGrantsTest {

    @ParameterizedTest
    @ValueSource(strings = {"acs:ram::11223344:role/ecs-admin", "acs:ram::11223344:role/*", "acs:ram:*:11223344:role/ecs-*", "*",
            "acs:ram::11223344:*"})
    void aRolePatternGrantsAssumingIt(String value) {
        PolicyDocument grant = SourceGrants.grantOf(value);

        assertThat(grant.statements()).hasSize(1);
        assertThat(grant.statements().get(0).resources()).containsExactly(value);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "acs:ram::11223344:user/alice | not a role ARN: \"acs:ram::11223344:user/alice\"",
            "acs:ram::11223344:root       | not a role ARN: \"acs:ram::11223344:root\"",
            "arn:aws:iam::11223344:role/x | not an ARN pattern: \"arn:aws:iam::11223344:role/x\" (expected acs:ram:... or *)",
            "acs:ram::1122:role/*         | account ID must be 8-16 digits: \"1122\""})
    void anythingElseGrantsNothingAndSaysWhyWithoutADocumentPath(String value, String message) {
        assertThatThrownBy(() -> SourceGrants.grantOf(value))
                .isInstanceOf(PolicyValidationException.class)
                .hasMessage(message)
                .extracting(e -> ((PolicyValidationException) e).path()).isEqualTo("");
    }
}
