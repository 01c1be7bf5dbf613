package io.github.keycloaksts.role;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

import io.github.keycloaksts.policy.document.PolicyDocument;

/**
 * Policy documents parsed from stored text, per key (always including the realm), each entry remembering the text it
 * was parsed from and used only while the stored text is still that text. So an entry can never be stale and nothing
 * needs invalidating across the cluster; each node parses a document once instead of on every exchange. The check is
 * cheap even for a trust policy with thousands of principals: Keycloak's caches hand out the same attribute string
 * until it changes, and {@link String#equals} answers an identical reference at once. Bounded: when full, it starts over.
 */
public final class ParsedDocuments {

    private record Parsed(String text, PolicyDocument document) {
    }

    private final int maxEntries;
    private final Map<String, Parsed> parsed = new ConcurrentHashMap<>();

    public ParsedDocuments(int maxEntries) {
        this.maxEntries = maxEntries;
    }

    /** @throws io.github.keycloaksts.policy.PolicyValidationException if {@code parser} refuses the text (not cached) */
    public PolicyDocument get(String key, String text, Function<String, PolicyDocument> parser) {
        Parsed cached = parsed.get(key);
        if (cached != null && cached.text().equals(text)) {
            return cached.document();
        }
        PolicyDocument document = parser.apply(text);
        if (parsed.size() >= maxEntries) {
            parsed.clear();
        }
        parsed.put(key, new Parsed(text, document));
        return document;
    }
}
