package io.github.keycloaksts.console;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.github.keycloaksts.policy.tags.SessionTags;
import org.junit.jupiter.api.Test;

/** The facts of a browser role session as notes: written and read back, and unreadable tags making them unreadable. */
class RoleSessionNotesFactsTest {

    static RoleSessionNotes.Facts facts(SessionTags tags) {
        return new RoleSessionNotes.Facts("ops", "acs:ram::11223344:role/ops", "bob", "acs:ram::12345678:user/bob", "company-b", "bob",
                "12345678", "user-id", "http://kc/realms/company-b", 2_000_000_000L, 3600, "session-id", null, "blue", tags);
    }

    @Test
    void tagsGoThroughTheNotesAndBack() {
        RoleSessionNotes.Facts written = facts(SessionTags.of(Map.of("team", "blue", "cost center", "4711"), List.of()));
        Map<String, String> notes = written.notes();
        assertThat(notes.get(RoleSessionNotes.SESSION_TAGS)).contains("\"team\":\"blue\"");

        RoleSessionNotes.Facts read = RoleSessionNotes.Facts.read(notes::get).orElseThrow();

        assertThat(read.sessionTags().tags()).containsOnly(Map.entry("team", "blue"), Map.entry("cost center", "4711"));
        assertThat(read).isEqualTo(written);
    }

    @Test
    void aSessionWithoutTagsHasNoTagsNote() {
        Map<String, String> notes = facts(SessionTags.none()).notes();
        assertThat(notes).doesNotContainKey(RoleSessionNotes.SESSION_TAGS);
        assertThat(RoleSessionNotes.Facts.read(notes::get).orElseThrow().sessionTags().isEmpty()).isTrue();
    }

    @Test
    void tagsThatDoNotReadAsTagsMakeTheFactsUnreadable() {
        for (String bad : List.of("{\"team\":1}", "{\"acs:team\":\"x\"}", "[\"team\"]", "{\"Team\":\"a\",\"team\":\"b\"}", "not json")) {
            Map<String, String> notes = new HashMap<>(facts(SessionTags.none()).notes());
            notes.put(RoleSessionNotes.SESSION_TAGS, bad);
            assertThat(RoleSessionNotes.Facts.read(notes::get)).as(bad).isEmpty();
        }
    }
}
