package io.github.keycloaksts.policy.document;

import java.util.Optional;

/** The effect of a statement. */
public enum Effect {
    /** {@code "Allow"}. */
    ALLOW("Allow"),
    /** {@code "Deny"}: an explicit deny, which wins over every Allow. */
    DENY("Deny");

    private final String jsonName;

    Effect(String jsonName) {
        this.jsonName = jsonName;
    }

    /** @return {@code Allow} or {@code Deny} */
    public String jsonName() {
        return jsonName;
    }

    /**
     * @param value exactly {@code Allow} or {@code Deny} (case-sensitive)
     * @return the effect, or empty for anything else
     */
    public static Optional<Effect> fromJson(String value) {
        if ("Allow".equals(value)) {
            return Optional.of(ALLOW);
        }
        if ("Deny".equals(value)) {
            return Optional.of(DENY);
        }
        return Optional.empty();
    }

    @Override
    public String toString() {
        return jsonName;
    }
}
