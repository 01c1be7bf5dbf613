package io.github.keycloaksts.admin.representation;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.databind.JsonNode;

/** {@code /sts/platform/guardrails/{name}}: a platform guardrail, its description and its document (canonical form). */
@JsonPropertyOrder({"name", "description", "document"})
public record GuardrailRepresentation(String name, String description, JsonNode document) {
}
