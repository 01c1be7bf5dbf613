package io.github.keycloaksts.policy.document;

import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

import io.github.keycloaksts.policy.condition.Condition;
import io.github.keycloaksts.policy.condition.RequestContext;
import io.github.keycloaksts.policy.tags.SessionTags;

/**
 * One statement of a policy document. Created by {@link PolicyReader}; immutable and
 * thread-safe. A statement applies to a request for an action when one of its action patterns
 * names the action ({@link #covers(StsAction)}: {@code sts:AssumeRole} or, in trust policies,
 * {@code sts:TagSession}), its principal (trust policies) or resource (permission and session
 * policies) matches, and all its conditions hold.
 */
public final class Statement {

    private final String sid;
    private final Effect effect;
    private final List<String> actions;
    private final int actionMask;
    private final Principals principals;
    private final Resources resources;
    private final List<Condition> conditions;

    Statement(String sid, Effect effect, List<String> actions, Principals principals, Resources resources,
              List<Condition> conditions) {
        this.sid = sid;
        this.effect = Objects.requireNonNull(effect, "effect");
        this.actions = List.copyOf(new LinkedHashSet<>(actions));
        // once here, so that evaluation asks a bit and not the patterns
        int mask = 0;
        for (String a : this.actions) {
            mask |= Actions.mask(a);
        }
        this.actionMask = mask;
        this.principals = Objects.requireNonNull(principals, "principals");
        this.resources = Objects.requireNonNull(resources, "resources");
        // canonical order: by operator, then key, then tag key ignoring case (at most one condition per operator and
        // key, tag keys compared ignoring case)
        this.conditions = conditions.stream()
                .sorted(Comparator.comparing(Condition::operator).thenComparing(Condition::key)
                        .thenComparing(c -> c.tagKey().map(SessionTags::foldKey).orElse(""))
                        .thenComparing(Condition::keyName))
                .toList();
    }

    /** @return the statement ID, if given */
    public Optional<String> sid() {
        return Optional.ofNullable(sid);
    }

    /** @return Allow or Deny */
    public Effect effect() {
        return effect;
    }

    /** @return the action patterns as written (duplicates dropped) */
    public List<String> actions() {
        return actions;
    }

    /**
     * @param action an action
     * @return whether one of the statement's action patterns names it (O(1))
     */
    public boolean covers(StsAction action) {
        return (actionMask & action.bit()) != 0;
    }

    /** @return the principals (empty outside trust policies) */
    public Principals principals() {
        return principals;
    }

    /** @return the resource patterns as written (duplicates dropped; empty in trust policies) */
    public List<String> resources() {
        return resources.patterns();
    }

    /** @return the conditions, sorted by operator, then key, then tag key */
    public List<Condition> conditions() {
        return conditions;
    }

    /**
     * @param key the requester's lookup keys
     * @return whether the principal block names the requester (O(1))
     */
    public boolean matchesPrincipal(PrincipalKey key) {
        return principals.matches(key);
    }

    /**
     * @param resource a role ARN string (permission policies) or an attached policy name (session policies)
     * @return whether a resource pattern matches it
     */
    public boolean matchesResource(String resource) {
        return resources.matches(resource);
    }

    /**
     * @param context the request's key values
     * @return the first condition that does not hold, or empty if all hold
     */
    public Optional<Condition> firstUnmetCondition(RequestContext context) {
        for (Condition c : conditions) {
            if (!c.test(context)) {
                return Optional.of(c);
            }
        }
        return Optional.empty();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Statement s && Objects.equals(s.sid, sid) && s.effect == effect
                && s.actions.equals(actions) && s.principals.equals(principals)
                && s.resources.patterns().equals(resources.patterns()) && s.conditions.equals(conditions);
    }

    @Override
    public int hashCode() {
        return Objects.hash(sid, effect, actions, principals, resources.patterns(), conditions);
    }

    @Override
    public String toString() {
        return "Statement{" + (sid == null ? "" : "Sid=" + sid + ", ") + effect + ", actions=" + actions
                + (principals.isEmpty() ? "" : ", principals=" + principals.size())
                + (resources.patterns().isEmpty() ? "" : ", resources=" + resources.patterns())
                + (conditions.isEmpty() ? "" : ", conditions=" + conditions) + "}";
    }
}
