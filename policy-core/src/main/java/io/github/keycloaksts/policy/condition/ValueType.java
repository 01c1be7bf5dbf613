package io.github.keycloaksts.policy.condition;

/** The type of a condition key's value; each operator works on exactly one type. */
public enum ValueType {
    /** Text, compared exactly, case-insensitively or with {@code *}/{@code ?} globs. */
    STRING,
    /** Decimal number such as {@code 3600} or {@code -1.5} (no exponent). */
    NUMBER,
    /** ISO-8601 date-time with offset, e.g. {@code 2025-01-01T00:00:00Z} or {@code 2019-08-12T17:00:00+08:00}. */
    DATE,
    /** {@code true} or {@code false}. */
    BOOL,
    /** IPv4 or IPv6 address, or CIDR range ({@code 10.0.0.0/8}, {@code 2001:db8::/32}). */
    IP;

    /** @return lowercase name for messages, e.g. {@code "string"} */
    public String label() {
        return switch (this) {
            case STRING -> "string";
            case NUMBER -> "numeric";
            case DATE -> "date";
            case BOOL -> "boolean";
            case IP -> "IP address";
        };
    }
}
