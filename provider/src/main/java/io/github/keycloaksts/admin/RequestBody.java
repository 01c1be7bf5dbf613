package io.github.keycloaksts.admin;

import java.util.Iterator;
import java.util.Set;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;

/**
 * Strict reading of admin request bodies: one JSON object, no duplicate keys, bounded size, and only the fields a
 * request knows. Errors name the field and say what was expected. Field values are checked by the shared
 * assumable-role validation (through {@link AdminContext}).
 */
final class RequestBody {

    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            // One JSON object: anything after it would otherwise be dropped without a word.
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();
    private static final int MAX_BODY_CHARS = 256 * 1024;

    private RequestBody() {
    }

    /** The body as a JSON object; {@code allowed} null means any field (a policy document's own fields). */
    static JsonNode object(String body, Set<String> allowed) {
        if (body == null || body.isBlank()) {
            throw AdminApiException.badRequest("InvalidParameter", "request body: a JSON object is required");
        }
        if (body.length() > MAX_BODY_CHARS) {
            throw AdminApiException.badRequest("InvalidParameter", "request body: larger than " + MAX_BODY_CHARS + " characters");
        }
        JsonNode node;
        try {
            node = MAPPER.readTree(body);
        } catch (Exception e) {
            throw AdminApiException.badRequest("InvalidParameter", "request body: not valid JSON");
        }
        if (node == null || !node.isObject()) {
            throw AdminApiException.badRequest("InvalidParameter", "request body: a JSON object is required");
        }
        if (allowed != null) {
            for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
                String name = names.next();
                if (!allowed.contains(name)) {
                    throw AdminApiException.badRequest("InvalidParameter", name + ": unknown field (expected one of " + allowed + ")");
                }
            }
        }
        return node;
    }
}
