package io.github.keycloaksts.policy.condition;

import static io.github.keycloaksts.policy.internal.Texts.quote;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

import io.github.keycloaksts.policy.PolicyValidationException;
import io.github.keycloaksts.policy.WildcardPattern;
import io.github.keycloaksts.policy.tags.SessionTags;

/**
 * One operator applied to one key with one or more values, e.g.
 * {@code "StringEquals": {"sts:ExternalId": ["a1", "b2"]}}. Values are alternatives (see
 * {@link ConditionOperator} for the positive/negated semantics and absent keys). Values are
 * validated and pre-compiled when the condition is created; evaluation allocates nothing.
 * For a key that {@linkplain ConditionKey#hasTagKey() takes a tag key} ({@code acs:RequestTag/Project}) the
 * condition holds the tag key ({@link #tagKey()}), looked up ignoring case. Immutable and thread-safe.
 */
public final class Condition {

    private final ConditionOperator operator;
    private final ConditionKey key;
    private final String tagKey;
    private final String foldedTagKey;
    private final List<String> values;

    // compiled forms; only the one for the operator's type is set
    private final Set<String> strings;
    private final WildcardPattern[] globs;
    private final BigDecimal[] numbers;
    private final Instant[] dates;
    private final IpRange[] ranges;
    private final boolean[] bools;

    private Condition(ConditionOperator operator, ConditionKey key, String tagKey, List<String> values) {
        this.operator = operator;
        this.key = key;
        this.tagKey = tagKey;
        this.foldedTagKey = tagKey == null ? null : SessionTags.foldKey(tagKey);
        this.values = values;
        Set<String> s = null;
        WildcardPattern[] g = null;
        BigDecimal[] n = null;
        Instant[] d = null;
        IpRange[] r = null;
        boolean[] b = null;
        int size = values.size();
        switch (operator) {
            case STRING_EQUALS, STRING_NOT_EQUALS -> s = new HashSet<>(values);
            case STRING_EQUALS_IGNORE_CASE, STRING_NOT_EQUALS_IGNORE_CASE -> {
                s = new HashSet<>();
                for (String v : values) {
                    s.add(v.toLowerCase(Locale.ROOT));
                }
            }
            case STRING_LIKE, STRING_NOT_LIKE -> {
                g = new WildcardPattern[size];
                for (int i = 0; i < size; i++) {
                    g[i] = WildcardPattern.of(values.get(i));
                }
            }
            default -> {
                switch (operator.valueType()) {
                    case NUMBER -> {
                        n = new BigDecimal[size];
                        for (int i = 0; i < size; i++) {
                            n[i] = ConditionOperator.parseNumber(values.get(i));
                        }
                    }
                    case DATE -> {
                        d = new Instant[size];
                        for (int i = 0; i < size; i++) {
                            d[i] = ConditionOperator.parseDate(values.get(i));
                        }
                    }
                    case IP -> {
                        r = new IpRange[size];
                        for (int i = 0; i < size; i++) {
                            r[i] = IpRange.parse(values.get(i));
                        }
                    }
                    case BOOL -> {
                        b = new boolean[size];
                        for (int i = 0; i < size; i++) {
                            b[i] = values.get(i).equals("true");
                        }
                    }
                    default -> throw new IllegalStateException("unreachable: " + operator);
                }
            }
        }
        this.strings = s;
        this.globs = g;
        this.numbers = n;
        this.dates = d;
        this.ranges = r;
        this.bools = b;
    }

    /**
     * Creates a condition after checking that the operator suits the key and every value suits
     * the operator.
     *
     * @param operator the operator
     * @param key      the key (one that takes no tag key)
     * @param values   one or more values, as strings (see {@link ConditionOperator#valueProblem(String)})
     * @return the condition
     * @throws PolicyValidationException (with an empty path; {@code [i]} for a bad value) if invalid
     */
    public static Condition of(ConditionOperator operator, ConditionKey key, List<String> values) {
        return of(operator, key, null, values);
    }

    /**
     * Creates a condition on a key that may {@linkplain ConditionKey#hasTagKey() take a tag key}, after the same
     * checks as {@link #of(ConditionOperator, ConditionKey, List)} and that the tag key is valid
     * ({@link SessionTags#keyProblem(String)}).
     *
     * @param operator the operator
     * @param key      the key
     * @param tagKey   the tag key, e.g. {@code Project} for {@code acs:RequestTag/Project}; null for other keys
     * @param values   one or more values
     * @return the condition
     * @throws PolicyValidationException (with an empty path; {@code [i]} for a bad value) if invalid
     */
    public static Condition of(ConditionOperator operator, ConditionKey key, String tagKey, List<String> values) {
        Objects.requireNonNull(operator, "operator");
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(values, "values");
        String problem = tagKeyProblem(key, tagKey);
        if (problem != null) {
            throw new PolicyValidationException("", "key " + quote(keyName(key, tagKey)) + " " + problem);
        }
        problem = compatibilityProblem(operator, key, tagKey);
        if (problem != null) {
            throw new PolicyValidationException("", problem);
        }
        if (values.isEmpty()) {
            throw new PolicyValidationException("", "at least one value is required");
        }
        List<String> copy = List.copyOf(values);
        for (int i = 0; i < copy.size(); i++) {
            String p = operator.valueProblem(copy.get(i));
            if (p != null) {
                throw new PolicyValidationException("[" + i + "]", p);
            }
        }
        return new Condition(operator, key, tagKey, copy);
    }

    /**
     * @param key    the key
     * @param tagKey its tag key as written ({@code ""} for none after the slash), or null for none at all
     * @return null if the key has a valid tag key or takes none and has none, else the error detail, e.g.
     *         {@code needs a tag key (acs:RequestTag/<tag key>)} or {@code tag key is empty}
     */
    public static String tagKeyProblem(ConditionKey key, String tagKey) {
        if (!key.hasTagKey()) {
            return tagKey == null ? null : "takes no tag key";
        }
        if (tagKey == null || tagKey.isEmpty()) {
            return "needs a tag key (" + key.keyName() + "/<tag key>)";
        }
        String problem = SessionTags.keyProblem(tagKey);
        return problem == null ? null : "tag key " + problem;
    }

    private static String keyName(ConditionKey key, String tagKey) {
        return key.hasTagKey() ? key.keyName() + "/" + (tagKey == null ? "" : tagKey) : key.keyName();
    }

    /**
     * @return null if {@code operator} can be used with {@code key}, else the error detail, e.g.
     *         {@code operator IpAddress cannot be used with key "sts:ExternalId" (a string key)}
     */
    public static String compatibilityProblem(ConditionOperator operator, ConditionKey key) {
        return compatibilityProblem(operator, key, null);
    }

    /**
     * @param tagKey the tag key of a key that takes one, for the message; null for other keys
     * @return as {@link #compatibilityProblem(ConditionOperator, ConditionKey)}, naming e.g.
     *         {@code "acs:RequestTag/Project"}
     */
    public static String compatibilityProblem(ConditionOperator operator, ConditionKey key, String tagKey) {
        if (operator.valueType() == key.type()) {
            return null;
        }
        return "operator " + operator.operatorName() + " cannot be used with key " + quote(keyName(key, tagKey))
                + " (" + (key.type() == ValueType.IP ? "an " : "a ") + key.type().label() + " key)";
    }

    /** @return the operator */
    public ConditionOperator operator() {
        return operator;
    }

    /** @return the key */
    public ConditionKey key() {
        return key;
    }

    /** @return the tag key, as written, of a key that takes one ({@code Project} in {@code acs:RequestTag/Project}) */
    public Optional<String> tagKey() {
        return Optional.ofNullable(tagKey);
    }

    /** @return the key's canonical name, with its tag key: {@code sts:ExternalId}, {@code acs:RequestTag/Project} */
    public String keyName() {
        return keyName(key, tagKey);
    }

    /**
     * @param context the request's key values
     * @return whether the request has a value for this condition's key (for a tag key: has that tag)
     */
    public boolean keyPresent(RequestContext context) {
        return actual(context) != null;
    }

    private Object actual(RequestContext context) {
        return foldedTagKey == null ? context.value(key) : context.tagValue(key, foldedTagKey);
    }

    /** @return the values as written (canonical strings), in order */
    public List<String> values() {
        return values;
    }

    /**
     * @param context the request's key values
     * @return whether the condition holds
     */
    public boolean test(RequestContext context) {
        Object actual = actual(context);
        if (actual == null) {
            return operator.isNegated();
        }
        boolean any;
        if (actual instanceof List<?> several) {
            // a multi-valued key (oidc:aud, acs:TagKeys): positive operators hold when any value matches, negated when none does
            any = false;
            for (Object one : several) {
                if (anyMatches(one)) {
                    any = true;
                    break;
                }
            }
        } else {
            any = anyMatches(actual);
        }
        return operator.isNegated() != any;
    }

    private boolean anyMatches(Object actual) {
        switch (operator) {
            case STRING_EQUALS, STRING_NOT_EQUALS:
                return strings.contains((String) actual);
            case STRING_EQUALS_IGNORE_CASE, STRING_NOT_EQUALS_IGNORE_CASE:
                return strings.contains(((String) actual).toLowerCase(Locale.ROOT));
            case STRING_LIKE, STRING_NOT_LIKE:
                for (WildcardPattern g : globs) {
                    if (g.matches((String) actual)) {
                        return true;
                    }
                }
                return false;
            case BOOL:
                for (boolean b : bools) {
                    if (b == (Boolean) actual) {
                        return true;
                    }
                }
                return false;
            case IP_ADDRESS, NOT_IP_ADDRESS:
                for (IpRange r : ranges) {
                    if (r.contains((byte[]) actual)) {
                        return true;
                    }
                }
                return false;
            default:
                break;
        }
        if (numbers != null) {
            BigDecimal a = (BigDecimal) actual;
            for (BigDecimal v : numbers) {
                if (compares(a.compareTo(v))) {
                    return true;
                }
            }
            return false;
        }
        Instant a = (Instant) actual;
        for (Instant v : dates) {
            if (compares(a.compareTo(v))) {
                return true;
            }
        }
        return false;
    }

    /** @param cmp sign of (request value - policy value) */
    private boolean compares(int cmp) {
        return switch (operator) {
            case NUMERIC_EQUALS, NUMERIC_NOT_EQUALS, DATE_EQUALS, DATE_NOT_EQUALS -> cmp == 0;
            case NUMERIC_LESS_THAN, DATE_LESS_THAN -> cmp < 0;
            case NUMERIC_LESS_THAN_EQUALS, DATE_LESS_THAN_EQUALS -> cmp <= 0;
            case NUMERIC_GREATER_THAN, DATE_GREATER_THAN -> cmp > 0;
            case NUMERIC_GREATER_THAN_EQUALS, DATE_GREATER_THAN_EQUALS -> cmp >= 0;
            default -> throw new IllegalStateException("unreachable: " + operator);
        };
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Condition c && c.operator == operator && c.key == key && Objects.equals(c.tagKey, tagKey)
                && c.values.equals(values);
    }

    @Override
    public int hashCode() {
        return Objects.hash(operator, key, tagKey, values);
    }

    /** @return e.g. {@code StringEquals sts:ExternalId} (values omitted: they may be secrets) */
    @Override
    public String toString() {
        return operator.operatorName() + " " + keyName();
    }
}
