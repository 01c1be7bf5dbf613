package io.github.keycloaksts.policy.eval;

/** Which policy decided a deny (or where a deciding statement comes from). */
public enum DecisionSide {
    /** No side: the decision is an allow, or the request itself could not be evaluated. */
    NONE("request"),
    /** The source account's grants to its user (the {@code sts.assume-role} role attributes). */
    SOURCE_GRANT("source grant"),
    /** The target role's trust policy. */
    TRUST_POLICY("trust policy"),
    /** The session policy passed with the request. */
    SESSION_POLICY("session policy"),
    /** A platform guardrail: Deny statements the platform's administrators set, after both accounts' policies. */
    GUARDRAIL("platform guardrail");

    private final String label;

    DecisionSide(String label) {
        this.label = label;
    }

    /** @return e.g. {@code trust policy} */
    public String label() {
        return label;
    }
}
