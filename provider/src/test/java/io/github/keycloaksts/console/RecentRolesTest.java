package io.github.keycloaksts.console;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The recent-roles cookie value: what is written is read back; anything a browser may send is read without failing. */
class RecentRolesTest {

    static List<RecentRoles.Entry> json(String json) {
        return RecentRoles.parse(Base64.getUrlEncoder().withoutPadding().encodeToString(json.getBytes(StandardCharsets.UTF_8)));
    }

    static List<RecentRoles.Entry> roundTrip(List<RecentRoles.Entry> previous, RecentRoles.Entry latest) {
        return RecentRoles.parse(RecentRoles.encode(previous, latest));
    }

    @Test
    void whatIsWrittenIsReadBackNewestFirst() {
        RecentRoles.Entry first = new RecentRoles.Entry("company-a", "ecs-admin", "Prod", "red");
        RecentRoles.Entry second = new RecentRoles.Entry("11223344", "rds-admin", null, null);

        List<RecentRoles.Entry> entries = roundTrip(roundTrip(List.of(), first), second);

        assertThat(entries).containsExactly(second, first);
        assertThat(entries.get(0).label()).isEqualTo("rds-admin @ 11223344");
        assertThat(entries.get(1).label()).isEqualTo("Prod");
    }

    @Test
    void switchingAgainMovesTheRoleToTheFrontAndKeepsFive() {
        List<RecentRoles.Entry> entries = new ArrayList<>();
        for (int i = 1; i <= 7; i++) {
            entries = roundTrip(entries, new RecentRoles.Entry("acct" + i, "role" + i, null, null));
        }
        assertThat(entries).hasSize(RecentRoles.MAX);
        assertThat(entries.get(0).role()).isEqualTo("role7");
        assertThat(entries.get(4).role()).isEqualTo("role3");

        entries = roundTrip(entries, new RecentRoles.Entry("acct5", "role5", "again", null));

        assertThat(entries).extracting(RecentRoles.Entry::role).containsExactly("role5", "role7", "role6", "role4", "role3");
        assertThat(entries.get(0).displayName()).isEqualTo("again");
    }

    @Test
    void entriesWithoutAccountOrRoleOrWithOverlongValuesAreSkipped() {
        String longName = "x".repeat(65);
        List<RecentRoles.Entry> entries = json("[{\"a\":\"company-a\"},{\"r\":\"ecs-admin\"},"
                + "{\"a\":\"" + longName + "\",\"r\":\"r\"},{\"a\":\"a\",\"r\":\"" + longName + "\"},"
                + "{\"a\":\"company-a\",\"r\":\"ecs-admin\",\"c\":\"not-a-colour\"}]");

        assertThat(entries).containsExactly(new RecentRoles.Entry("company-a", "ecs-admin", null, null));
    }

    @Test
    void moreThanFiveEntriesAreCutToFive() {
        StringBuilder list = new StringBuilder("[");
        for (int i = 0; i < 50; i++) {
            list.append(i == 0 ? "" : ",").append("{\"a\":\"a").append(i).append("\",\"r\":\"r").append(i).append("\"}");
        }
        assertThat(json(list.append(']').toString())).hasSize(RecentRoles.MAX);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "not base64 !", "e30", "bnVsbA", "W10", "WzEsMiwzXQ", "eyJhIjoiYiJ9", "W3siYSI6"})
    void aGarbledCookieIsForgotten(String value) {
        assertThat(RecentRoles.parse(value)).isEmpty();
    }

    @Test
    void noCookieIsNoRecentRoles() {
        assertThat(RecentRoles.parse(null)).isEmpty();
    }
}
