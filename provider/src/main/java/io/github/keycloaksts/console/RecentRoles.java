package io.github.keycloaksts.console;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import jakarta.ws.rs.core.Cookie;
import jakarta.ws.rs.core.NewCookie;

/** The last five roles a browser switched to, for one-click switching: a cookie of the source realm's /sts path. */
final class RecentRoles {

    static final String COOKIE = "STS_RECENT_ROLES";
    static final int MAX = 5;
    private static final ObjectMapper JSON = new ObjectMapper();

    record Entry(String account, String role, String displayName, String color) {
        String label() {
            return displayName != null && !displayName.isBlank() ? displayName : role + " @ " + account;
        }

        /** For the template: FreeMarker reads maps, not records of non-public classes. */
        Map<String, String> toTemplate() {
            return Map.of("account", account, "role", role, "label", label(),
                    "displayName", displayName == null ? "" : displayName, "color", color == null ? "" : color);
        }
    }

    private RecentRoles() {
    }

    static List<Entry> read(Cookie cookie) {
        return parse(cookie == null ? null : cookie.getValue());
    }

    /** The entries of a cookie value as a browser sent it; anything malformed is dropped, never an error. */
    static List<Entry> parse(String value) {
        List<Entry> entries = new ArrayList<>();
        if (value == null) {
            return entries;
        }
        try {
            JsonNode list = JSON.readTree(Base64.getUrlDecoder().decode(value));
            for (JsonNode e : list) {
                if (entries.size() == MAX) {
                    break;
                }
                String account = e.path("a").asText(null);
                String role = e.path("r").asText(null);
                if (account != null && role != null && account.length() <= 64 && role.length() <= 64) {
                    entries.add(new Entry(account, role, e.path("d").asText(null), SwitchRoleResource.color(e.path("c").asText(null))));
                }
            }
        } catch (Exception e) {
            return new ArrayList<>(); // a garbled cookie is just forgotten
        }
        return entries;
    }

    static NewCookie write(List<Entry> previous, Entry latest, String path, boolean secure) {
        return new NewCookie.Builder(COOKIE).value(encode(previous, latest)).path(path).maxAge(90 * 24 * 3600)
                .httpOnly(true).secure(secure).sameSite(NewCookie.SameSite.LAX).build();
    }

    /** The cookie value after switching to {@code latest}: it first, then the previous others, at most {@link #MAX}. */
    static String encode(List<Entry> previous, Entry latest) {
        List<Entry> entries = new ArrayList<>();
        entries.add(latest);
        for (Entry e : previous) {
            if (entries.size() < MAX && !(e.account().equals(latest.account()) && e.role().equals(latest.role()))) {
                entries.add(e);
            }
        }
        ArrayNode list = JSON.createArrayNode();
        for (Entry e : entries) {
            ObjectNode node = list.addObject().put("a", e.account()).put("r", e.role());
            if (e.displayName() != null && !e.displayName().isBlank()) {
                node.put("d", e.displayName());
            }
            if (e.color() != null) {
                node.put("c", e.color());
            }
        }
        return Base64.getUrlEncoder().withoutPadding().encodeToString(list.toString().getBytes(StandardCharsets.UTF_8));
    }
}
