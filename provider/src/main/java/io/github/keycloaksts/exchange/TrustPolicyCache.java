package io.github.keycloaksts.exchange;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.github.keycloaksts.policy.document.PolicyDocument;
import io.github.keycloaksts.policy.document.PolicyReader;

/**
 * Parsed trust policies, keyed by realm and role, each entry remembering the JSON it was parsed from. An entry is
 * used only while the stored JSON is still that text, so it can never be stale and nothing needs invalidating
 * across the cluster; each node parses a document once instead of on every exchange. The check is cheap even for
 * a policy with thousands of principals: Keycloak's client cache hands out the same attribute string until the
 * role changes, and {@link String#equals} answers an identical reference at once. Bounded: when full, it starts over.
 */
final class TrustPolicyCache {

    private static final int MAX_ENTRIES = 20_000;
    private static final Map<String, Parsed> PARSED = new ConcurrentHashMap<>();

    private record Parsed(String json, PolicyDocument document) {
    }

    private TrustPolicyCache() {
    }

    /** @throws io.github.keycloaksts.policy.PolicyValidationException if the stored document is invalid (not cached) */
    static PolicyDocument trustPolicy(String realmId, String roleId, String json, PolicyReader reader) {
        String key = realmId + '/' + roleId;
        Parsed cached = PARSED.get(key);
        if (cached != null && cached.json().equals(json)) {
            return cached.document();
        }
        PolicyDocument parsed = reader.readTrustPolicy(json);
        if (PARSED.size() >= MAX_ENTRIES) {
            PARSED.clear();
        }
        PARSED.put(key, new Parsed(json, parsed));
        return parsed;
    }
}
