package io.github.keycloaksts.admin;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

import io.github.keycloaksts.admin.representation.SimulationRepresentation;
import io.github.keycloaksts.admin.representation.SimulationRepresentation.StatementResult;
import io.github.keycloaksts.policy.eval.DecisionSide;
import io.github.keycloaksts.policy.eval.Explanation;
import io.github.keycloaksts.policy.eval.Outcome;
import io.github.keycloaksts.policy.eval.StatementExplanation;
import io.github.keycloaksts.policy.eval.StatementRef;

/** Turns the policy core's {@link Explanation} into the simulators' answer. */
final class Simulations {

    private Simulations() {
    }

    static String decision(Outcome outcome) {
        return switch (outcome) {
            case ALLOW -> "Allow";
            case EXPLICIT_DENY -> "ExplicitDeny";
            case IMPLICIT_DENY -> "ImplicitDeny";
        };
    }

    static SimulationRepresentation representation(Explanation explanation, String principal, String roleArn, String policySource,
                                                   Map<String, Object> context, List<SimulationRepresentation.GrantHolding> grants,
                                                   List<String> notes) {
        return representation(explanation, principal, roleArn, policySource, context, grants, notes, ref -> null);
    }

    /** {@code grantOf} names the grant (Keycloak role and value) behind a source grant statement, or null. */
    static SimulationRepresentation representation(Explanation explanation, String principal, String roleArn, String policySource,
                                                   Map<String, Object> context, List<SimulationRepresentation.GrantHolding> grants,
                                                   List<String> notes, Function<StatementRef, String[]> grantOf) {
        List<StatementResult> matched = explanation.matched().stream().map(s -> result(s, grantOf)).toList();
        List<StatementResult> unmatched = explanation.unmatched().stream().map(s -> result(s, grantOf)).toList();
        return new SimulationRepresentation(decision(explanation.decision().outcome()), explanation.decision().reason(), principal, roleArn,
                policySource, context, matched, unmatched, grants, notes);
    }

    private static StatementResult result(StatementExplanation s, Function<StatementRef, String[]> grantOf) {
        String[] grant = grantOf.apply(s.ref());
        String statement = "Statement[" + s.ref().statementIndex() + "]";
        return new StatementResult(s.ref().side() == DecisionSide.GUARDRAIL ? s.ref().policyName().orElse(null) : null,
                statement, s.ref().sid().orElse(null), s.effect().jsonName(),
                grant == null ? null : grant[0], grant == null ? null : grant[1],
                s.failure().map(f -> f.kind().name().toLowerCase()).orElse(null),
                s.failure().map(StatementExplanation.Failure::path).orElse(null),
                s.failure().map(StatementExplanation.Failure::detail).orElse(null));
    }

    /**
     * The answer with the platform's guardrails after the side's own statements: their statements follow, and a
     * guardrail that refuses decides (the side's own refusal stands otherwise: a guardrail never grants).
     */
    static SimulationRepresentation withGuardrails(SimulationRepresentation side, Optional<Explanation> guardrails) {
        if (guardrails.isEmpty()) {
            return side;
        }
        Explanation g = guardrails.get();
        List<StatementResult> matched = new ArrayList<>(side.matchedStatements());
        List<StatementResult> unmatched = new ArrayList<>(side.unmatchedStatements());
        g.matched().forEach(s -> matched.add(result(s, ref -> null)));
        g.unmatched().forEach(s -> unmatched.add(result(s, ref -> null)));
        boolean platformRefuses = g.decision().side() == DecisionSide.GUARDRAIL;
        List<String> allNotes = new ArrayList<>(side.notes() == null ? List.of() : side.notes());
        allNotes.add(platformRefuses ? "refused by the platform: " + g.decision().reason()
                : "the platform's guardrails do not refuse this request");
        return new SimulationRepresentation(platformRefuses ? decision(g.decision().outcome()) : side.decision(),
                platformRefuses ? g.decision().reason() : side.reason(), side.principal(), side.roleArn(), side.policySource(),
                side.context(), matched, unmatched, side.grants(), allNotes);
    }
}
