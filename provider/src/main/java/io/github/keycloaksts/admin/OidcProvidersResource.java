package io.github.keycloaksts.admin;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.keycloaksts.account.Account;
import io.github.keycloaksts.admin.representation.OidcProviderRepresentation;
import io.github.keycloaksts.federation.OidcProviders;
import io.github.keycloaksts.federation.OidcProviders.OidcProvider;
import io.github.keycloaksts.policy.tags.TagClaims;
import io.github.keycloaksts.policy.tags.TagValidationException;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.keycloak.events.admin.OperationType;

/**
 * {@code /sts/oidc-providers}: the realm's OpenID Connect identity providers usable in Federated trust (signature
 * validation on, an issuer), with their ARNs, allowed audiences ({@code clientIds}) and the claims that become their
 * subjects' principal tags ({@code tagClaims}). The identity providers themselves are created, disabled and deleted with Keycloak's own admin API and console.
 */
public final class OidcProvidersResource {

    static final String OIDC_PROVIDER_RESOURCE = "STS_OIDC_PROVIDER";

    private final AdminContext context;

    OidcProvidersResource(AdminContext context) {
        this.context = context;
    }

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    public List<OidcProviderRepresentation> list() {
        context.auth.realm().requireViewRealm();
        Account account = context.account();
        return new OidcProviders(context.session, context.realm).all().stream()
                .filter(provider -> provider.problem() == null)
                .map(provider -> representation(account, provider))
                .toList();
    }

    @GET
    @Path("{alias}")
    @Produces(MediaType.APPLICATION_JSON)
    public OidcProviderRepresentation get(@PathParam("alias") String alias) {
        context.auth.realm().requireViewRealm();
        return representation(context.account(), usable(alias));
    }

    @PUT
    @Path("{alias}")
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    public OidcProviderRepresentation put(@PathParam("alias") String alias, String body) {
        context.auth.realm().requireManageRealm();
        Account account = context.account();
        OidcProvider provider = usable(alias);
        JsonNode request = RequestBody.object(body, Set.of("clientIds", "tagClaims"));
        if (!request.has("clientIds") && !request.has("tagClaims")) {
            throw AdminApiException.badRequest("InvalidParameter", "request body: clientIds, tagClaims or both are required");
        }
        // A field left out stays as it is, so that setting one never clears the other.
        List<String> clientIds = request.has("clientIds") ? clientIds(request) : null;
        TagClaims tagClaims = request.has("tagClaims") ? tagClaims(request.get("tagClaims")) : null;
        OidcProvider updated = new OidcProviders(context.session, context.realm).update(provider, clientIds, tagClaims);
        OidcProviderRepresentation representation = representation(account, updated);
        context.adminEvent.operation(OperationType.UPDATE).resource(OIDC_PROVIDER_RESOURCE)
                .resourcePath(context.uri()).representation(representation).success();
        return representation;
    }

    /** 404 for an unknown alias (or a provider that is not OpenID Connect), 400 for one that cannot validate signatures. */
    private OidcProvider usable(String alias) {
        OidcProvider provider = new OidcProviders(context.session, context.realm).byAlias(alias)
                .orElseThrow(() -> AdminApiException.notFound("EntityNotExist.OIDCProvider",
                        "no OpenID Connect identity provider " + alias + " in this realm"));
        String problem = provider.problem();
        if (problem != null) {
            throw AdminApiException.badRequest("InvalidParameter.OIDCProvider",
                    "identity provider " + alias + " cannot be used in Federated trust: " + problem);
        }
        return provider;
    }

    static List<String> clientIds(JsonNode body) {
        JsonNode node = body.get("clientIds");
        if (node == null || !node.isArray()) {
            throw AdminApiException.badRequest("InvalidParameter.ClientIds", "clientIds: a list of strings is required");
        }
        if (node.size() > OidcProviders.MAX_CLIENT_IDS) {
            throw AdminApiException.badRequest("InvalidParameter.ClientIds", "clientIds: at most " + OidcProviders.MAX_CLIENT_IDS);
        }
        List<String> out = new ArrayList<>();
        for (int i = 0; i < node.size(); i++) {
            JsonNode value = node.get(i);
            String text = value.isTextual() ? value.textValue() : null;
            if (text == null || text.isBlank() || text.length() > OidcProviders.MAX_CLIENT_ID_LENGTH
                    || text.chars().anyMatch(Character::isISOControl)) {
                throw AdminApiException.badRequest("InvalidParameter.ClientIds", "clientIds[" + i + "]: a non-empty string of at most "
                        + OidcProviders.MAX_CLIENT_ID_LENGTH + " characters without control characters is required");
            }
            if (!out.contains(text)) {
                out.add(text);
            }
        }
        return out;
    }

    static TagClaims tagClaims(JsonNode node) {
        try {
            return TagClaims.of(TagClaims.node(node, "tagClaims"), "tagClaims");
        } catch (TagValidationException e) {
            throw AdminApiException.badRequest("InvalidParameter.TagClaims", e.getMessage());
        }
    }

    private static OidcProviderRepresentation representation(Account account, OidcProvider provider) {
        return new OidcProviderRepresentation(provider.alias(), OidcProviders.arnOf(account, provider.alias()), provider.issuer(),
                provider.clientIds(), provider.tagClaims().claimByTag(), provider.tagClaimsProblem());
    }
}
