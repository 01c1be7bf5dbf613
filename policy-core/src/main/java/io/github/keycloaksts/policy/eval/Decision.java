package io.github.keycloaksts.policy.eval;

import java.util.List;
import java.util.Objects;

/**
 * The result of an evaluation: never a bare boolean. It says what was decided
 * ({@link #outcome()}), which side decided a deny ({@link #side()}), the statements that decided
 * ({@link #decidingStatements()}: the matching Deny statements for an explicit deny, the matching
 * Allow statements of both sides for an allow, none for an implicit deny) and a
 * human-readable {@link #reason()} for logs and events. Immutable.
 */
public final class Decision {

    private final Outcome outcome;
    private final DecisionSide side;
    private final List<StatementRef> decidingStatements;
    private final String reason;

    Decision(Outcome outcome, DecisionSide side, List<StatementRef> decidingStatements, String reason) {
        this.outcome = Objects.requireNonNull(outcome, "outcome");
        this.side = Objects.requireNonNull(side, "side");
        this.decidingStatements = List.copyOf(decidingStatements);
        this.reason = Objects.requireNonNull(reason, "reason");
    }

    static final String ERROR_PREFIX = "evaluation error: ";

    /**
     * @param reason why the platform refuses (its guardrails cannot be read, say)
     * @return an implicit deny of the {@link DecisionSide#GUARDRAIL} side
     */
    public static Decision refusedByPlatform(String reason) {
        return new Decision(Outcome.IMPLICIT_DENY, DecisionSide.GUARDRAIL, List.of(), reason);
    }

    static Decision error(DecisionSide side, Throwable e) {
        String msg = e.getMessage() == null ? e.getClass().getSimpleName()
                : e.getClass().getSimpleName() + ": " + e.getMessage();
        if (msg.length() > 300) {
            msg = msg.substring(0, 300) + "...";
        }
        return new Decision(Outcome.IMPLICIT_DENY, side, List.of(), ERROR_PREFIX + msg);
    }

    /** @return ALLOW, EXPLICIT_DENY or IMPLICIT_DENY */
    public Outcome outcome() {
        return outcome;
    }

    /** @return whether the outcome is {@link Outcome#ALLOW} */
    public boolean isAllowed() {
        return outcome == Outcome.ALLOW;
    }

    /**
     * @return the side that decided a deny; {@link DecisionSide#NONE} for an allow (and for an
     *         error that is not attributable to one side)
     */
    public DecisionSide side() {
        return side;
    }

    /** @return the deciding statements (see the class comment) */
    public List<StatementRef> decidingStatements() {
        return decidingStatements;
    }

    /**
     * @return why, e.g. {@code explicit Deny in trust policy Statement[1] (Sid "NoExternal")} or
     *         {@code trust policy of acs:ram::11223344:role/ecs-admin does not trust
     *         acs:ram::12345678:user/bob (no statement matched principal)}
     */
    public String reason() {
        return reason;
    }

    @Override
    public String toString() {
        return outcome + (side == DecisionSide.NONE ? "" : " (" + side.label() + ")") + ": " + reason;
    }
}
