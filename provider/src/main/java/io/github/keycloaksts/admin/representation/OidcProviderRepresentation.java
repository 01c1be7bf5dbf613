package io.github.keycloaksts.admin.representation;

import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;

/**
 * {@code GET /sts/oidc-providers[/{alias}]}: an OIDC provider usable in Federated trust, its allowed audiences and its
 * tag claims; {@code tagClaimsProblem} only when the stored tag claims do not read (its exchanges are then refused).
 */
@JsonPropertyOrder({"alias", "arn", "issuer", "clientIds", "tagClaims", "tagClaimsProblem"})
public record OidcProviderRepresentation(String alias, String arn, String issuer, List<String> clientIds, Map<String, String> tagClaims,
                                         @JsonInclude(JsonInclude.Include.NON_NULL) String tagClaimsProblem) {
}
