package io.github.keycloaksts.policy.condition;

import static io.github.keycloaksts.policy.internal.Texts.quote;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Condition operators. Names are case-sensitive. Each works on one {@link ValueType} and can
 * only be used with keys of that type.
 *
 * <p>Semantics (AWS / Alibaba RAM): the values listed for one key are alternatives, so a positive
 * operator holds if the request value matches <em>any</em> of them; a negated operator
 * ({@link #isNegated()}) holds if the request value matches <em>none</em> of them. When the key
 * is absent from the request, positive operators are false and negated operators are true.
 */
public enum ConditionOperator {
    /** Exact, case-sensitive string equality. */
    STRING_EQUALS("StringEquals", ValueType.STRING, false),
    /** Negation of {@link #STRING_EQUALS}. */
    STRING_NOT_EQUALS("StringNotEquals", ValueType.STRING, true),
    /** String equality after {@link java.util.Locale#ROOT} lowercasing of both sides. */
    STRING_EQUALS_IGNORE_CASE("StringEqualsIgnoreCase", ValueType.STRING, false),
    /** Negation of {@link #STRING_EQUALS_IGNORE_CASE}. */
    STRING_NOT_EQUALS_IGNORE_CASE("StringNotEqualsIgnoreCase", ValueType.STRING, true),
    /** Case-sensitive glob: {@code *} any run, {@code ?} one character. */
    STRING_LIKE("StringLike", ValueType.STRING, false),
    /** Negation of {@link #STRING_LIKE}. */
    STRING_NOT_LIKE("StringNotLike", ValueType.STRING, true),
    /** Numeric equality (scale-insensitive: 5 equals 5.0). */
    NUMERIC_EQUALS("NumericEquals", ValueType.NUMBER, false),
    /** Negation of {@link #NUMERIC_EQUALS}. */
    NUMERIC_NOT_EQUALS("NumericNotEquals", ValueType.NUMBER, true),
    /** Request value &lt; policy value. */
    NUMERIC_LESS_THAN("NumericLessThan", ValueType.NUMBER, false),
    /** Request value &le; policy value. */
    NUMERIC_LESS_THAN_EQUALS("NumericLessThanEquals", ValueType.NUMBER, false),
    /** Request value &gt; policy value. */
    NUMERIC_GREATER_THAN("NumericGreaterThan", ValueType.NUMBER, false),
    /** Request value &ge; policy value. */
    NUMERIC_GREATER_THAN_EQUALS("NumericGreaterThanEquals", ValueType.NUMBER, false),
    /** Same instant. */
    DATE_EQUALS("DateEquals", ValueType.DATE, false),
    /** Negation of {@link #DATE_EQUALS}. */
    DATE_NOT_EQUALS("DateNotEquals", ValueType.DATE, true),
    /** Request time before the policy time. */
    DATE_LESS_THAN("DateLessThan", ValueType.DATE, false),
    /** Request time at or before the policy time. */
    DATE_LESS_THAN_EQUALS("DateLessThanEquals", ValueType.DATE, false),
    /** Request time after the policy time. */
    DATE_GREATER_THAN("DateGreaterThan", ValueType.DATE, false),
    /** Request time at or after the policy time. */
    DATE_GREATER_THAN_EQUALS("DateGreaterThanEquals", ValueType.DATE, false),
    /** Boolean equality; values {@code true} / {@code false}. */
    BOOL("Bool", ValueType.BOOL, false),
    /** Request address inside one of the ranges (IPv4 and IPv6; an address is a /32 or /128). */
    IP_ADDRESS("IpAddress", ValueType.IP, false),
    /** Negation of {@link #IP_ADDRESS}. */
    NOT_IP_ADDRESS("NotIpAddress", ValueType.IP, true);

    private static final Map<String, ConditionOperator> BY_NAME = Stream.of(values())
            .collect(Collectors.toUnmodifiableMap(o -> o.operatorName, Function.identity()));

    private final String operatorName;
    private final ValueType valueType;
    private final boolean negated;

    ConditionOperator(String operatorName, ValueType valueType, boolean negated) {
        this.operatorName = operatorName;
        this.valueType = valueType;
        this.negated = negated;
    }

    /** @return the name as written in policies, e.g. {@code StringEquals} */
    public String operatorName() {
        return operatorName;
    }

    /** @return the type of values (and keys) the operator works on */
    public ValueType valueType() {
        return valueType;
    }

    /** @return whether the operator is a negation (true when the key is absent) */
    public boolean isNegated() {
        return negated;
    }

    /**
     * @param name an operator name (case-sensitive), may be null
     * @return the operator, or empty if unknown
     */
    public static Optional<ConditionOperator> fromName(String name) {
        return name == null ? Optional.empty() : Optional.ofNullable(BY_NAME.get(name));
    }

    /**
     * Checks a policy value for this operator.
     *
     * @param value the value as a string (booleans as {@code true}/{@code false}, numbers in plain notation)
     * @return null if valid, else what is wrong (for an error message)
     */
    public String valueProblem(String value) {
        if (value == null) {
            return "value is null";
        }
        return switch (valueType) {
            case STRING -> null;
            case NUMBER -> parseNumber(value) == null ? "not a number: " + quote(value) : null;
            case DATE -> parseDate(value) == null
                    ? "not an ISO-8601 date-time with offset (e.g. 2025-01-01T00:00:00Z): " + quote(value) : null;
            case BOOL -> value.equals("true") || value.equals("false") ? null
                    : "not a boolean (true or false): " + quote(value);
            case IP -> IpRange.parse(value) == null ? "not an IP address or CIDR range: " + quote(value) : null;
        };
    }

    /** Plain decimal: optional minus, 1-30 digits, optional fraction of 1-30 digits. */
    static BigDecimal parseNumber(String s) {
        int n = s.length();
        int i = 0;
        if (i < n && s.charAt(i) == '-') {
            i++;
        }
        int intStart = i;
        while (i < n && isDigit(s.charAt(i))) {
            i++;
        }
        int intDigits = i - intStart;
        if (intDigits < 1 || intDigits > 30) {
            return null;
        }
        if (i < n) {
            if (s.charAt(i) != '.') {
                return null;
            }
            i++;
            int fracStart = i;
            while (i < n && isDigit(s.charAt(i))) {
                i++;
            }
            int fracDigits = i - fracStart;
            if (fracDigits < 1 || fracDigits > 30 || i != n) {
                return null;
            }
        }
        return new BigDecimal(s);
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    static Instant parseDate(String s) {
        if (s.length() > 64) {
            return null;
        }
        try {
            return OffsetDateTime.parse(s, DateTimeFormatter.ISO_OFFSET_DATE_TIME).toInstant();
        } catch (DateTimeParseException | ArithmeticException e) {
            return null;
        }
    }

    @Override
    public String toString() {
        return operatorName;
    }
}
