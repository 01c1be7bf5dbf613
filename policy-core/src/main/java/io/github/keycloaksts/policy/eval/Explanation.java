package io.github.keycloaksts.policy.eval;

import java.util.List;
import java.util.Objects;

/**
 * A {@link Decision} with the part every statement took in it: the answer of the policy simulators. Made by
 * {@link AssumeRoleEvaluator#explain}, {@link AssumeRoleEvaluator#explainTrust} and
 * {@link AssumeRoleEvaluator#explainSource}, which run the same code as {@link AssumeRoleEvaluator#evaluate}, and
 * {@link AssumeRoleEvaluator#explainTagSession}, which runs that of {@link AssumeRoleEvaluator#evaluateTagSession}:
 * the decision here is the decision the exchange takes for the same request and documents. Immutable.
 */
public final class Explanation {

    private final Decision decision;
    private final List<StatementExplanation> statements;

    Explanation(Decision decision, List<StatementExplanation> statements) {
        this.decision = Objects.requireNonNull(decision, "decision");
        this.statements = List.copyOf(statements);
    }

    /**
     * @param decision a decision with no statements to show (the platform's refusal of unreadable guardrails, say)
     * @return an explanation of it without statements
     */
    public static Explanation of(Decision decision) {
        return new Explanation(decision, List.of());
    }

    /** @return the decision */
    public Decision decision() {
        return decision;
    }

    /**
     * @return every statement of the evaluated documents, source grants first (document then statement order), then
     *         the trust policy; empty when the evaluation failed
     */
    public List<StatementExplanation> statements() {
        return statements;
    }

    /** @return the statements that applied to the request */
    public List<StatementExplanation> matched() {
        return statements.stream().filter(StatementExplanation::matched).toList();
    }

    /** @return the statements that did not, each with its first failing part */
    public List<StatementExplanation> unmatched() {
        return statements.stream().filter(s -> !s.matched()).toList();
    }

    @Override
    public String toString() {
        return decision + " " + statements;
    }
}
