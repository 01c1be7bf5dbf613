package io.github.keycloaksts.adminui;

import static org.assertj.core.api.Assertions.assertThat;

import java.text.MessageFormat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class AssumableRolesPageProviderFactoryTest {

    /** As ComponentResource.localizedErrorResponse formats a validation error (no parameters). */
    @ParameterizedTest
    @ValueSource(strings = {
            "trustPolicy.Statement[0].Principal.RAM[1]: not an ARN: 'not-an-arn'",
            "trustPolicy: not valid JSON ({not json)",
            "roleName: role o'neil {0} } already exists",
            "plain"})
    void theAdminSeesTheMessageUnchanged(String message) {
        assertThat(MessageFormat.format(PageValidation.invalid(message).getMessage(), (Object[]) null))
                .isEqualTo(message);
    }
}
