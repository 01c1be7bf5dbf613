package io.github.keycloaksts.policy.eval;

/** The outcome of an evaluation. */
public enum Outcome {
    /** Every required side allows and nothing denies. */
    ALLOW,
    /** A matching {@code Deny} statement decided (it wins over every Allow). */
    EXPLICIT_DENY,
    /** No statement allowed (or the evaluation could not complete: fail closed). */
    IMPLICIT_DENY
}
