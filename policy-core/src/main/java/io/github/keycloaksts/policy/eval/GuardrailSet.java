package io.github.keycloaksts.policy.eval;

import java.util.Comparator;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

import io.github.keycloaksts.policy.condition.Condition;
import io.github.keycloaksts.policy.condition.ConditionKey;
import io.github.keycloaksts.policy.document.Statement;

/**
 * The guardrails in force, sorted by name (so citations and explanations do not depend on storage order), with what the
 * evaluator must prepare for them worked out once. Immutable; build it once per stored version and share it.
 */
public final class GuardrailSet {

    private static final GuardrailSet NONE = new GuardrailSet(List.of());

    private final List<Guardrail> guardrails;
    private final Set<ConditionKey> testedKeys = EnumSet.noneOf(ConditionKey.class);

    private GuardrailSet(List<Guardrail> guardrails) {
        this.guardrails = guardrails;
        for (Guardrail g : guardrails) {
            for (Statement s : g.document().statements()) {
                for (Condition c : s.conditions()) {
                    testedKeys.add(c.key());
                }
            }
        }
    }

    /** @return the empty set: nothing is refused by the platform */
    public static GuardrailSet none() {
        return NONE;
    }

    /**
     * @param guardrails the guardrails; names must be unique
     * @return the set, sorted by name
     * @throws IllegalArgumentException for a repeated name
     */
    public static GuardrailSet of(List<Guardrail> guardrails) {
        List<Guardrail> sorted = guardrails.stream().sorted(Comparator.comparing(Guardrail::name)).toList();
        for (int i = 1; i < sorted.size(); i++) {
            if (sorted.get(i).name().equals(sorted.get(i - 1).name())) {
                throw new IllegalArgumentException("two guardrails are named " + sorted.get(i).name());
            }
        }
        return sorted.isEmpty() ? NONE : new GuardrailSet(sorted);
    }

    /** @return the guardrails, by name */
    public List<Guardrail> guardrails() {
        return guardrails;
    }

    /** @return whether there are none */
    public boolean isEmpty() {
        return guardrails.isEmpty();
    }

    /**
     * @param key a condition key
     * @return whether a statement tests it: the keys that cost work to know ({@code sts:TrustConditionKeys},
     *         {@code sts:RoleAdminGrade}) are worked out only then
     */
    public boolean tests(ConditionKey key) {
        return testedKeys.contains(key);
    }
}
