package io.github.keycloaksts.admin.representation;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.databind.JsonNode;

/**
 * An assumable role. {@code description} and {@code trustPolicy} are always present (null when there is none, or
 * when the stored trust policy cannot be read — then {@code trustPolicyError} says why); {@code createDate} only for
 * roles that record it. {@code trustedPrincipals}: the principals of the trust policy's Allow statements.
 */
@JsonPropertyOrder({"roleName", "arn", "description", "maxSessionDuration", "createDate", "trustPolicy", "trustPolicyError",
        "trustedPrincipals", "attachedPolicies"})
public record RoleRepresentation(
        String roleName,
        String arn,
        @JsonInclude(JsonInclude.Include.ALWAYS) String description,
        int maxSessionDuration,
        @JsonInclude(JsonInclude.Include.NON_NULL) String createDate,
        @JsonInclude(JsonInclude.Include.ALWAYS) JsonNode trustPolicy,
        @JsonInclude(JsonInclude.Include.NON_NULL) String trustPolicyError,
        List<String> trustedPrincipals,
        List<PolicyRepresentation> attachedPolicies) {
}
