package io.github.keycloaksts.policy.document;

import static io.github.keycloaksts.policy.internal.Texts.quote;

import io.github.keycloaksts.policy.WildcardPattern;

/**
 * The action vocabulary: {@code sts:AssumeRole} everywhere, {@code sts:TagSession} in trust policies. An action
 * pattern ({@code sts:*}, {@code *}, {@code sts:Assume*}, case-insensitive) must name at least one of them, or it
 * would be a statement about nothing.
 */
final class Actions {

    static final String ASSUME_ROLE = StsAction.ASSUME_ROLE.actionName();

    private Actions() {
    }

    /**
     * @param kind   the kind of document the action is in
     * @param action an action pattern
     * @return null if the pattern names an action the kind of document decides, else the error detail
     */
    static String problem(PolicyKind kind, String action) {
        int mask = mask(action);
        if (kind == PolicyKind.TRUST) {
            return mask != 0 ? null
                    : "unknown action " + quote(action) + " (expected sts:AssumeRole, sts:TagSession, sts:* or *)";
        }
        if ((mask & StsAction.ASSUME_ROLE.bit()) != 0) {
            return null;
        }
        if (mask != 0) {
            return "action " + quote(action) + " names only sts:TagSession, which trust policies alone decide"
                    + " (a " + kind.label() + " decides sts:AssumeRole)";
        }
        return "unknown action " + quote(action) + " (expected sts:AssumeRole, sts:* or *)";
    }

    /** @return the bits ({@link StsAction#bit()}) of the actions the pattern matches */
    static int mask(String action) {
        if (action.equals("*")) {
            return all();
        }
        if (!action.regionMatches(true, 0, "sts:", 0, 4)) {
            return 0;
        }
        WildcardPattern pattern = WildcardPattern.ofIgnoreCase(action);
        int mask = 0;
        for (StsAction a : StsAction.values()) {
            if (pattern.matches(a.actionName())) {
                mask |= a.bit();
            }
        }
        return mask;
    }

    private static int all() {
        int mask = 0;
        for (StsAction a : StsAction.values()) {
            mask |= a.bit();
        }
        return mask;
    }
}
