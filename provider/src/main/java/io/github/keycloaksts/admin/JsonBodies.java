package io.github.keycloaksts.admin;

import java.util.Iterator;
import java.util.Set;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.github.keycloaksts.role.AssumableRoleValidation;

/** Strict reading of admin request bodies: errors name the field and say what was expected. */
final class JsonBodies {

    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .build();
    private static final int MAX_BODY_CHARS = 256 * 1024;

    private JsonBodies() {
    }

    static JsonNode object(String body) {
        if (body == null || body.isBlank()) {
            throw StsAdminException.badRequest("InvalidParameter", "request body: a JSON object is required");
        }
        if (body.length() > MAX_BODY_CHARS) {
            throw StsAdminException.badRequest("InvalidParameter", "request body: larger than " + MAX_BODY_CHARS + " characters");
        }
        JsonNode node;
        try {
            node = MAPPER.readTree(body);
        } catch (Exception e) {
            throw StsAdminException.badRequest("InvalidParameter", "request body: not valid JSON");
        }
        if (node == null || !node.isObject()) {
            throw StsAdminException.badRequest("InvalidParameter", "request body: a JSON object is required");
        }
        return node;
    }

    static void onlyFields(JsonNode body, Set<String> allowed) {
        for (Iterator<String> names = body.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!allowed.contains(name)) {
                throw StsAdminException.badRequest("InvalidParameter", name + ": unknown field (expected one of " + allowed + ")");
            }
        }
    }

    // Field checks are the shared ones of the assumable-role validation (also behind the admin console page).

    static String requiredText(JsonNode body, String field) {
        return StsAdminException.checked(() -> AssumableRoleValidation.requiredText(body, field));
    }

    static String optionalText(JsonNode body, String field, int maxLength) {
        return StsAdminException.checked(() -> AssumableRoleValidation.optionalText(body, field, maxLength));
    }

    static Integer optionalInt(JsonNode body, String field, int min, int max) {
        return StsAdminException.checked(() -> AssumableRoleValidation.optionalInt(body, field, min, max));
    }
}
