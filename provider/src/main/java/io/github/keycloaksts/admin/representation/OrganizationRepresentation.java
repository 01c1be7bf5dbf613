package io.github.keycloaksts.admin.representation;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;

/** {@code /sts/platform/organizations/{id}}: an organization, its description and its member accounts (by ID, sorted). */
@JsonPropertyOrder({"id", "description", "accounts"})
public record OrganizationRepresentation(String id, String description, List<String> accounts) {
}
