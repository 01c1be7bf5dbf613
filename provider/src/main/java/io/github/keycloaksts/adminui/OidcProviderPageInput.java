package io.github.keycloaksts.adminui;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.github.keycloaksts.federation.OidcProviders;
import io.github.keycloaksts.policy.tags.TagClaims;
import io.github.keycloaksts.policy.tags.TagValidationException;

/**
 * What an entry of the "OIDC providers" page asks for, read from the form's fields with the checks of
 * {@code PUT /sts/oidc-providers/{alias}}: the allowed audiences and the tag claims. The page's factory
 * ({@link OidcProvidersPageProviderFactory}) keeps the mirror of the providers; this class only reads input.
 */
final class OidcProviderPageInput {

    private OidcProviderPageInput() {
    }

    /** The page's audiences with the checks of {@code PUT /sts/oidc-providers/{alias}}. */
    static List<String> clientIds(Map<String, List<String>> config) {
        List<String> values = config == null || config.get(OidcProvidersPageProviderFactory.CLIENT_IDS) == null ? List.of() : config.get(OidcProvidersPageProviderFactory.CLIENT_IDS);
        List<String> out = new ArrayList<>();
        for (int i = 0; i < values.size(); i++) {
            String value = values.get(i);
            if (value == null || value.isBlank()) {
                continue; // the console sends an empty row for an empty multivalued field
            }
            if (value.length() > OidcProviders.MAX_CLIENT_ID_LENGTH || value.chars().anyMatch(Character::isISOControl)) {
                throw PageValidation.invalid("clientIds[" + i + "]: at most " + OidcProviders.MAX_CLIENT_ID_LENGTH
                        + " characters without control characters");
            }
            if (!out.contains(value)) {
                out.add(value);
            }
        }
        if (out.size() > OidcProviders.MAX_CLIENT_IDS) {
            throw PageValidation.invalid("clientIds: at most " + OidcProviders.MAX_CLIENT_IDS);
        }
        return out;
    }

    /**
     * The page's tag claims, rows {@code <tag key>=<claim name>} (split at the first {@code =}: a key has none), with
     * the checks of {@code PUT /sts/oidc-providers/{alias}}.
     */
    static TagClaims tagClaims(Map<String, List<String>> config) {
        List<String> rows = config == null || config.get(OidcProvidersPageProviderFactory.TAG_CLAIMS) == null ? List.of() : config.get(OidcProvidersPageProviderFactory.TAG_CLAIMS);
        Map<String, String> claimByTag = new LinkedHashMap<>();
        for (int i = 0; i < rows.size(); i++) {
            String row = rows.get(i);
            if (row == null || row.isBlank()) {
                continue;
            }
            int split = row.indexOf('=');
            if (split <= 0 || split == row.length() - 1) {
                throw PageValidation.invalid("tagClaims[" + i + "]: write <tag key>=<claim name>, e.g. Repository=repository");
            }
            String key = row.substring(0, split).strip();
            if (claimByTag.put(key, row.substring(split + 1).strip()) != null) {
                throw PageValidation.invalid("tagClaims[" + i + "]: the tag key " + key + " is given twice");
            }
        }
        try {
            return TagClaims.of(claimByTag, "tagClaims");
        } catch (TagValidationException e) {
            throw PageValidation.invalid(e.getMessage());
        }
    }
}
