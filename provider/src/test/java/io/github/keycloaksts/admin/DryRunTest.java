package io.github.keycloaksts.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** {@code ?dryRun}: only an exact true or false is understood, so a typo never makes the change it meant to preview. */
class DryRunTest {

    @ParameterizedTest(name = "dryRun={0} previews: {1}")
    @CsvSource(nullValues = "NULL", value = {"NULL, false", "false, false", "true, true", "'', true"})
    void absentOrFalseChangesAndTrueOrABareFlagPreviews(String value, boolean previews) {
        assertThat(DryRun.requested(value)).isEqualTo(previews);
    }

    @ParameterizedTest(name = "dryRun={0}")
    @ValueSource(strings = {"yes", "1", "0", "TRUE", "False", " true", "true ", "no"})
    void anyOtherValueIsRefusedRatherThanGuessed(String value) {
        assertThatThrownBy(() -> DryRun.requested(value)).isInstanceOfSatisfying(AdminApiException.class, e -> {
            assertThat(e.getResponse().getStatus()).isEqualTo(400);
            assertThat(e.code()).isEqualTo("InvalidParameter");
            assertThat(e.message()).isEqualTo("dryRun: must be true or false");
        });
    }
}
