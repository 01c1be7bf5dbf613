package io.github.keycloaksts.policy.tags;

import java.util.Optional;

/**
 * Session tags, or a hop's merge of them, are not acceptable. The message names the offending tag key where there is
 * one (quoted and truncated, control characters escaped), so it is safe to return to the caller and to write to an
 * audit log; {@link #key()} gives the key as given, for callers that want to act on it.
 */
public class TagValidationException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    private final String key;

    /**
     * @param key     the offending tag key as given, or null when the fault is not one key's (a count, malformed JSON)
     * @param message what is wrong, naming the key
     */
    public TagValidationException(String key, String message) {
        super(message);
        this.key = key;
    }

    /** @return the offending tag key, if the fault is one key's */
    public Optional<String> key() {
        return Optional.ofNullable(key);
    }
}
