package io.github.keycloaksts.admin;

import java.util.List;
import java.util.Map;
import java.util.function.Function;

import io.github.keycloaksts.admin.representation.SimulationRepresentation;
import io.github.keycloaksts.admin.representation.SimulationRepresentation.StatementResult;
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
        return new StatementResult(statement, s.ref().sid().orElse(null), s.effect().jsonName(),
                grant == null ? null : grant[0], grant == null ? null : grant[1],
                s.failure().map(f -> f.kind().name().toLowerCase()).orElse(null),
                s.failure().map(StatementExplanation.Failure::path).orElse(null),
                s.failure().map(StatementExplanation.Failure::detail).orElse(null));
    }
}
