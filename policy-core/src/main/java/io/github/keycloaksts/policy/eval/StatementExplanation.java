package io.github.keycloaksts.policy.eval;

import java.util.Objects;
import java.util.Optional;

import io.github.keycloaksts.policy.document.Effect;

/**
 * How one statement took part in an evaluation: it {@linkplain #matched() matched} (its action named the action
 * evaluated, its principal or resource named the request and every condition held), or it did not, and then
 * {@link #failure()} says the first thing that failed, with the JSON path of that part of the document. Immutable.
 */
public final class StatementExplanation {

    /** What part of a statement failed to match. */
    public enum FailureKind {
        /** No {@code Action} pattern names the action evaluated (e.g. a {@code sts:TagSession}-only statement). */
        ACTION,
        /** {@code Principal.RAM} names neither the requester, its account nor (for a role session) its role. */
        PRINCIPAL,
        /** No {@code Resource} pattern matches the role ARN. */
        RESOURCE,
        /** A condition does not hold. */
        CONDITION
    }

    /**
     * The first failing part of a statement.
     *
     * @param kind   action, principal, resource or condition
     * @param path   the JSON path in its document, e.g. {@code Statement[1].Condition.StringEquals.sts:ExternalId}
     * @param detail what failed, e.g. {@code StringEquals sts:ExternalId not met (sts:ExternalId absent)}; never
     *               a condition's values (they may be secrets such as an external ID)
     */
    public record Failure(FailureKind kind, String path, String detail) {
        public Failure {
            Objects.requireNonNull(kind, "kind");
            Objects.requireNonNull(path, "path");
            Objects.requireNonNull(detail, "detail");
        }
    }

    private final StatementRef ref;
    private final Effect effect;
    private final Failure failure;

    StatementExplanation(StatementRef ref, Effect effect, Failure failure) {
        this.ref = Objects.requireNonNull(ref, "ref");
        this.effect = Objects.requireNonNull(effect, "effect");
        this.failure = failure;
    }

    /** @return which statement */
    public StatementRef ref() {
        return ref;
    }

    /** @return the statement's effect */
    public Effect effect() {
        return effect;
    }

    /** @return whether the statement applied to the request (action, principal or resource, and every condition) */
    public boolean matched() {
        return failure == null;
    }

    /** @return the first failing part, for a statement that did not match */
    public Optional<Failure> failure() {
        return Optional.ofNullable(failure);
    }

    @Override
    public String toString() {
        return ref + " (" + effect + "): " + (failure == null ? "matched" : failure.path() + ": " + failure.detail());
    }
}
