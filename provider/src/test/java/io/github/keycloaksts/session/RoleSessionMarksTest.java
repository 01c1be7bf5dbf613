package io.github.keycloaksts.session;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RoleSessionMarksTest {

    static final long HOUR = 3600_000L;

    /**
     * The revoked-token store inserts a key only if absent, so a second per-user revocation in the window of
     * the first finds the first's mark in place. That mark must outlive every session the second revocation ends.
     */
    @Test
    void theFirstMarkOfAWindowOutlivesEverySessionALaterRevocationInItEnds() {
        long windowStart = 20_000 * RoleSessionMarks.WINDOW_SECONDS * 1000;
        long maxSessionMillis = RoleSessionMarks.LIFESPAN_SECONDS * 1000L;
        for (long first = windowStart; first < windowStart + RoleSessionMarks.WINDOW_SECONDS * 1000; first += HOUR / 2) {
            long firstExpires = first + RoleSessionMarks.sourceUserMarkLifespan(first) * 1000;
            for (long second = first; RoleSessionMarks.window(second) == RoleSessionMarks.window(first); second += HOUR / 4) {
                // The second revocation ends sessions issued up to `second`, which live at most the longest duration.
                assertThat(firstExpires).as("first at +%d min, second at +%d min", (first - windowStart) / 60_000, (second - windowStart) / 60_000)
                        .isGreaterThanOrEqualTo(second + maxSessionMillis);
            }
        }
    }

    @Test
    void aRevocationInALaterWindowHasAKeyOfItsOwn() {
        long t = 20_000 * RoleSessionMarks.WINDOW_SECONDS * 1000;
        String anchor = RoleSessionHandleTest.ANCHOR;
        String user = RoleSessionHandleTest.USER;
        assertThat(RoleSessionMarks.sourceUserKey(anchor, user, RoleSessionMarks.window(t)))
                .isNotEqualTo(RoleSessionMarks.sourceUserKey(anchor, user, RoleSessionMarks.window(t + RoleSessionMarks.WINDOW_SECONDS * 1000)));
        assertThat(RoleSessionMarks.sourceUserKey(anchor, user, RoleSessionMarks.window(t)).length()).isLessThanOrEqualTo(64);
        assertThat(RoleSessionMarks.componentKey("0b6c2f8e-4f7a-4c1e-9a55-3d1f2b7c9e01").length()).isLessThanOrEqualTo(64);
    }
}
