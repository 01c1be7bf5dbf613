package io.github.keycloaksts.policy.eval;

import static io.github.keycloaksts.policy.internal.Texts.quote;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

import io.github.keycloaksts.policy.condition.Condition;
import io.github.keycloaksts.policy.condition.RequestContext;
import io.github.keycloaksts.policy.document.Effect;
import io.github.keycloaksts.policy.document.PolicyDocument;
import io.github.keycloaksts.policy.document.PolicyKind;
import io.github.keycloaksts.policy.document.Statement;
import io.github.keycloaksts.policy.document.StsAction;

/**
 * Applies a session policy to a role's attached policies. A session policy can only narrow: the
 * result is always a subset of the attached policies. Each attached policy name is treated as
 * the resource: it is kept when an {@code Allow} statement's {@code Resource} pattern matches it
 * (with its conditions holding) and no matching {@code Deny} does. Names are opaque strings
 * (e.g. {@code AliyunECSFullAccess} or {@code clientId/roleName}); patterns use {@code *} and
 * {@code ?}, case-sensitively. Fail closed: on any error every policy is dropped. Thread-safe.
 */
public final class SessionPolicyNarrowing {

    private SessionPolicyNarrowing() {
    }

    /**
     * @param sessionPolicy       a {@link PolicyKind#SESSION} document (required: callers without
     *                            a session policy simply do not narrow)
     * @param attachedPolicyNames the role's attached policy names
     * @param context             the request's condition key values
     * @return the kept names (in input order), the dropped ones, and a decision per name
     */
    public static Result narrow(PolicyDocument sessionPolicy, Collection<String> attachedPolicyNames,
                                RequestContext context) {
        List<String> names = attachedPolicyNames == null ? List.of() : new ArrayList<>(attachedPolicyNames);
        try {
            Objects.requireNonNull(attachedPolicyNames, "attached policy names are null");
            Objects.requireNonNull(sessionPolicy, "session policy is null");
            Objects.requireNonNull(context, "context is null");
            if (sessionPolicy.kind() != PolicyKind.SESSION) {
                throw new IllegalArgumentException("expected a session policy, got a " + sessionPolicy.kind().label());
            }
            Map<String, Decision> decisions = new LinkedHashMap<>();
            for (String name : names) {
                Objects.requireNonNull(name, "attached policy name is null");
                decisions.put(name, decide(sessionPolicy, name, context));
            }
            return new Result(decisions, null);
        } catch (RuntimeException | StackOverflowError e) {
            Decision error = Decision.error(DecisionSide.SESSION_POLICY, e);
            Map<String, Decision> decisions = new LinkedHashMap<>();
            for (String name : names) {
                decisions.put(name, error);
            }
            return new Result(decisions, error.reason());
        }
    }

    private static Decision decide(PolicyDocument policy, String name, RequestContext ctx) {
        List<StatementRef> allows = new ArrayList<>();
        List<StatementRef> denies = new ArrayList<>();
        String firstUnmet = null;
        List<Statement> statements = policy.statements();
        for (int j = 0; j < statements.size(); j++) {
            Statement s = statements.get(j);
            if (!s.covers(StsAction.ASSUME_ROLE) || !s.matchesResource(name)) {
                continue;
            }
            StatementRef ref = new StatementRef(DecisionSide.SESSION_POLICY, 0, j, s.sid().orElse(null));
            Optional<Condition> unmet = s.firstUnmetCondition(ctx);
            if (unmet.isPresent()) {
                if (firstUnmet == null && s.effect() == Effect.ALLOW) {
                    firstUnmet = AssumeRoleEvaluator.unmetText(unmet.get(), ctx) + " in " + ref;
                }
            } else if (s.effect() == Effect.DENY) {
                denies.add(ref);
            } else {
                allows.add(ref);
            }
        }
        if (!denies.isEmpty()) {
            return new Decision(Outcome.EXPLICIT_DENY, DecisionSide.SESSION_POLICY, denies,
                    "attached policy " + quote(name) + ": explicit Deny in " + denies.get(0));
        }
        if (allows.isEmpty()) {
            return new Decision(Outcome.IMPLICIT_DENY, DecisionSide.SESSION_POLICY, List.of(),
                    "attached policy " + quote(name) + ": not allowed by the session policy ("
                            + (firstUnmet != null ? firstUnmet : "no statement matched") + ")");
        }
        return new Decision(Outcome.ALLOW, DecisionSide.NONE, allows,
                "attached policy " + quote(name) + ": allowed by " + allows.get(0));
    }

    /** The outcome of narrowing. Immutable. */
    public static final class Result {

        private final Map<String, Decision> decisions;
        private final List<String> allowed;
        private final List<String> denied;
        private final String error;

        Result(Map<String, Decision> decisions, String error) {
            this.decisions = Collections.unmodifiableMap(new LinkedHashMap<>(decisions));
            List<String> a = new ArrayList<>();
            List<String> d = new ArrayList<>();
            decisions.forEach((name, decision) -> (decision.isAllowed() ? a : d).add(name));
            this.allowed = Collections.unmodifiableList(a);
            this.denied = Collections.unmodifiableList(d);
            this.error = error;
        }

        /** @return the attached policies kept, in input order (a subset of the input) */
        public List<String> allowed() {
            return allowed;
        }

        /** @return the attached policies dropped, in input order */
        public List<String> denied() {
            return denied;
        }

        /** @return the decision for each distinct input name, in input order */
        public Map<String, Decision> decisions() {
            return decisions;
        }

        /** @return one reason per distinct input name (and the error, if evaluation failed) */
        public List<String> reasons() {
            List<String> out = new ArrayList<>();
            if (error != null) {
                out.add(error);
            }
            for (Decision d : decisions.values()) {
                if (error == null) {
                    out.add(d.reason());
                }
            }
            return out;
        }

        /** @return whether evaluation failed (then nothing is allowed) */
        public boolean failed() {
            return error != null;
        }
    }
}
