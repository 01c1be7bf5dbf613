package io.github.keycloaksts.policy.analysis;

/**
 * What a {@link Finding} says. Trust findings concern a role's trust policy (the role's account); grant findings
 * ({@link #grantSide()}) concern a Keycloak role's {@code sts.assume-role} values (the granting account).
 */
public enum FindingKind {
    /** HIGH: a trust names an account ID no account holds: whoever is given that ID inherits the trust. */
    UNKNOWN_ACCOUNT(false),
    /** HIGH: a trust names an account ID a deleted account held: a new account given that ID inherits the trust. */
    RETIRED_ACCOUNT(false),
    /** HIGH: a stored trust policy names {@code *} or a wildcard principal; the reader refuses it, so the role
     *  refuses every assumption until it is fixed. */
    WILDCARD_PRINCIPAL(false),
    /** HIGH: a stored trust policy trusts an OIDC provider without pinning {@code oidc:sub} (absent, negated or
     *  matching every subject); refused by the reader, so the role refuses every assumption until it is fixed. */
    BROAD_OIDC_SUB(false),
    /** HIGH: a stored trust policy the reader refuses for another reason; the role refuses every assumption. */
    UNREADABLE_TRUST_POLICY(false),
    /** MEDIUM: a third-party account is trusted without an {@code sts:ExternalId} condition (confused deputy). */
    NO_EXTERNAL_ID(false),
    /** HIGH: a role with admin-grade permissions is trusted by another account or an OIDC provider. */
    ADMIN_ROLE_TRUSTED_CROSS_ACCOUNT(false),
    /** LOW: a cross-account or federated trust not used for longer than {@link AnalysisOptions#unusedAfter()}. */
    UNUSED_TRUST(false),
    /** INFO: the trust's term ({@code DateLessThan} on {@code acs:CurrentTime}) ends within
     *  {@link AnalysisOptions#expiringWithin()}. */
    TRUST_EXPIRING(false),
    /** LOW: the trust's term has ended: it allows nothing any more, remove it. */
    TRUST_EXPIRED(false),
    /** MEDIUM (LOW for the own account): a grant pattern matching every role of another account, of any account,
     *  or {@code *}. */
    BROAD_GRANT(true),
    /** LOW: a grant value that is not a role ARN pattern; the server ignores or refuses it. */
    UNREADABLE_GRANT(true);

    private final boolean grantSide;

    FindingKind(boolean grantSide) {
        this.grantSide = grantSide;
    }

    /** @return whether the finding concerns a source-side grant rather than a trust policy */
    public boolean grantSide() {
        return grantSide;
    }
}
