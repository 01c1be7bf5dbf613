package io.github.keycloaksts.role;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** A stored maximum session duration is not trusted: it is clamped to 3,600..43,200 s when read. */
class AssumableRoleDurationTest {

    @ParameterizedTest
    @CsvSource(nullValues = "null", value = {
            "null, 3600",
            "7200, 7200",
            "3600, 3600",
            "43200, 43200",
            "43201, 43200",
            "2000000000, 43200",
            "99999999999999, 43200",
            "100, 3600",
            "-5, 3600",
            "' 7200 ', 7200",
            "an hour, 3600",
            "'', 3600"})
    void clampedWhenRead(String stored, int read) {
        assertThat(AssumableRole.clampedMaxSessionDuration(stored)).isEqualTo(read);
    }
}
