package io.github.keycloaksts.admin.representation;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;

/**
 * {@code GET /sts/grants}: a Keycloak role of the source account (a realm role, or a client role with its
 * {@code clientId}) whose {@code sts.assume-role} values grant assuming the roles matched by {@code allows}. Values the
 * exchange ignores are listed under {@code invalid} (absent when there are none), so administrators can fix them.
 */
@JsonPropertyOrder({"roleName", "clientId", "allows", "invalid"})
public record GrantRepresentation(
        String roleName,
        @JsonInclude(JsonInclude.Include.NON_NULL) String clientId,
        List<String> allows,
        @JsonInclude(JsonInclude.Include.NON_EMPTY) List<InvalidValue> invalid) {

    /** An {@code sts.assume-role} value that grants nothing, and why. */
    @JsonPropertyOrder({"value", "error"})
    public record InvalidValue(String value, String error) {
    }
}
