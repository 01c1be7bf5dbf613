package io.github.keycloaksts.policy.document;

import static io.github.keycloaksts.policy.internal.Texts.quote;

import io.github.keycloaksts.policy.WildcardPattern;

/** The action vocabulary: this engine only decides {@code sts:AssumeRole}. */
final class Actions {

    static final String ASSUME_ROLE = "sts:AssumeRole";

    private Actions() {
    }

    /** @return null if the action pattern names sts:AssumeRole, else the error detail */
    static String problem(String action) {
        if (action.equals("*")) {
            return null;
        }
        if (action.regionMatches(true, 0, "sts:", 0, 4) && WildcardPattern.ofIgnoreCase(action).matches(ASSUME_ROLE)) {
            return null;
        }
        return "unknown action " + quote(action) + " (expected sts:AssumeRole, sts:* or *)";
    }
}
