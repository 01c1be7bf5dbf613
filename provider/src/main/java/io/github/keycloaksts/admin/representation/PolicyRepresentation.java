package io.github.keycloaksts.admin.representation;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;

/** A permission policy attached to a role: a realm role, or a client role with its {@code clientId}. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({"policyName", "clientId"})
public record PolicyRepresentation(String policyName, String clientId) {
}
