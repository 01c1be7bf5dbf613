package io.github.keycloaksts.exchange;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.github.keycloaksts.policy.document.PolicyDocument;
import io.github.keycloaksts.policy.document.PolicyReader;

/**
 * Parsed trust policies, keyed by realm and by the stored JSON itself. Keyed by content, an entry can never be
 * stale: a changed policy is a different key, so nothing needs invalidating across the cluster, and each node
 * parses a document once instead of on every exchange. Bounded: when full, it starts over.
 */
final class TrustPolicyCache {

    private static final int MAX_ENTRIES = 4096;
    private static final Map<String, PolicyDocument> PARSED = new ConcurrentHashMap<>();

    private TrustPolicyCache() {
    }

    /** @throws io.github.keycloaksts.policy.PolicyValidationException if the stored document is invalid (not cached) */
    static PolicyDocument trustPolicy(String realmId, String json, PolicyReader reader) {
        String key = realmId + '\n' + json;
        PolicyDocument cached = PARSED.get(key);
        if (cached != null) {
            return cached;
        }
        PolicyDocument parsed = reader.readTrustPolicy(json);
        if (PARSED.size() >= MAX_ENTRIES) {
            PARSED.clear();
        }
        PARSED.put(key, parsed);
        return parsed;
    }
}
