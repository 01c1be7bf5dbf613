package io.github.keycloaksts.admin.representation;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;

/** {@code GET}/{@code PUT /sts/account}: the realm's account ID, its alias (the realm name) and its root ARN. */
@JsonPropertyOrder({"accountId", "alias", "arn"})
public record AccountRepresentation(String accountId, String alias, String arn) {
}
