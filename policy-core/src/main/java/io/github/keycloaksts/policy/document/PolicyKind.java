package io.github.keycloaksts.policy.document;

/** What a policy document is for; it decides which statement fields are allowed and required. */
public enum PolicyKind {
    /**
     * A role's trust policy: {@code Principal} required, {@code Resource} not allowed (the resource
     * is the role itself).
     */
    TRUST("trust policy"),
    /**
     * A source-side identity policy granting {@code sts:AssumeRole}: {@code Resource} (role ARN
     * patterns) required, {@code Principal} not allowed.
     */
    PERMISSION("permission policy"),
    /**
     * A session policy passed with a request: {@code Resource} holds patterns over the names of
     * the role's attached policies (opaque strings, globs with {@code *} and {@code ?}),
     * {@code Principal} not allowed.
     */
    SESSION("session policy"),
    /**
     * A platform guardrail (the SCP / RCP analogue): {@code Deny} statements only (a guardrail never grants),
     * {@code Resource} (role ARN patterns) required, {@code Principal} not allowed; evaluated after both accounts'
     * policies, with the platform's condition keys ({@code acs:PrincipalOrgId}, ...).
     */
    GUARDRAIL("guardrail");

    private final String label;

    PolicyKind(String label) {
        this.label = label;
    }

    /** @return e.g. {@code trust policy} */
    public String label() {
        return label;
    }
}
