package io.github.keycloaksts.policy.analysis;

/** What a trust policy principal names. */
public enum PrincipalKind {
    /** An account ({@code acs:ram::<id>:root} or a bare ID): every user and role session of it. */
    ACCOUNT,
    /** One user of an account. */
    USER,
    /** The sessions of one role of an account. */
    ROLE,
    /** The external subjects of an OIDC provider ({@code Principal.Federated}). */
    OIDC_PROVIDER
}
