package io.github.keycloaksts.admin;

import java.util.Iterator;
import java.util.Set;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;

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

    static String requiredText(JsonNode body, String field) {
        JsonNode value = body.get(field);
        if (value == null || value.isNull()) {
            throw StsAdminException.badRequest("InvalidParameter", field + ": required");
        }
        if (!value.isTextual()) {
            throw StsAdminException.badRequest("InvalidParameter", field + ": must be a string");
        }
        return value.asText();
    }

    static String optionalText(JsonNode body, String field, int maxLength) {
        JsonNode value = body.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isTextual()) {
            throw StsAdminException.badRequest("InvalidParameter", field + ": must be a string");
        }
        if (value.asText().length() > maxLength) {
            throw StsAdminException.badRequest("InvalidParameter", field + ": longer than " + maxLength + " characters");
        }
        return value.asText();
    }

    static Integer optionalInt(JsonNode body, String field, int min, int max) {
        JsonNode value = body.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isIntegralNumber() || !value.canConvertToInt() || value.asInt() < min || value.asInt() > max) {
            throw StsAdminException.badRequest("InvalidParameter", field + ": must be an integer from " + min + " to " + max);
        }
        return value.asInt();
    }
}
