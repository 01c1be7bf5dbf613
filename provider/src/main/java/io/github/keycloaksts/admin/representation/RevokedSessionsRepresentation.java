package io.github.keycloaksts.admin.representation;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;

/** {@code DELETE /sts/roles/{roleName}/sessions}: the source accounts whose sessions of the role were ended. */
@JsonPropertyOrder({"roleName", "revokedAccounts"})
public record RevokedSessionsRepresentation(String roleName, List<String> revokedAccounts) {
}
