package io.github.keycloaksts.admin.representation;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;

/** {@code GET /sts/oidc-providers[/{alias}]}: an OIDC provider usable in Federated trust and its allowed audiences. */
@JsonPropertyOrder({"alias", "arn", "issuer", "clientIds"})
public record OidcProviderRepresentation(String alias, String arn, String issuer, List<String> clientIds) {
}
