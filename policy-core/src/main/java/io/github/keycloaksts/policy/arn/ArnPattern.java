package io.github.keycloaksts.policy.arn;

import static io.github.keycloaksts.policy.internal.Texts.quote;

import io.github.keycloaksts.policy.WildcardPattern;

/**
 * A pattern over ARNs, as used in {@code Resource} and in the {@code sts.assume-role} role
 * attribute: {@code *}, a concrete ARN, or an {@code acs:ram:} ARN with {@code *} / {@code ?}
 * wildcards anywhere, e.g. {@code acs:ram::11223344:role/*} or
 * {@code acs:ram:*:11223344:role/ecs-*}. The glob applies to the whole canonical ARN string
 * (see {@link WildcardPattern}: {@code *} also spans {@code :} and {@code /}); matching is
 * case-sensitive and linear-time.
 *
 * <p>Syntax checks: only {@code A-Z a-z 0-9 _ . @ + = , - : / * ?}; an {@code acs:ram:} prefix
 * (unless the whole pattern is {@code *}); at most five {@code :}-separated fields; a region field
 * that is empty or wild; an account field that is 8-16 digits unless wild; and a pattern without
 * wildcards must be a valid ARN.
 */
public final class ArnPattern {

    private static final String EXTRA_CHARS = "_.@+=,-:/*?";

    private final String pattern;
    private final WildcardPattern glob;

    private ArnPattern(String pattern) {
        this.pattern = pattern;
        this.glob = WildcardPattern.of(pattern);
    }

    /**
     * @param pattern the pattern text
     * @return the compiled pattern
     * @throws InvalidArnException naming the value if it is not a valid ARN pattern
     */
    public static ArnPattern parse(String pattern) {
        if (pattern == null) {
            throw new InvalidArnException("not an ARN pattern: null");
        }
        if (pattern.equals("*")) {
            return new ArnPattern(pattern);
        }
        if (!pattern.startsWith("acs:")) {
            throw new InvalidArnException("not an ARN pattern: " + quote(pattern) + " (expected acs:ram:... or *)");
        }
        if (!pattern.startsWith("acs:ram:")) {
            throw new InvalidArnException("only acs:ram: ARN patterns are supported: " + quote(pattern));
        }
        for (int i = 0; i < pattern.length(); i++) {
            char c = pattern.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || EXTRA_CHARS.indexOf(c) >= 0;
            if (!ok) {
                throw new InvalidArnException("invalid character " + quote(String.valueOf(c))
                        + " in ARN pattern " + quote(pattern));
            }
        }
        boolean wild = pattern.indexOf('*') >= 0 || pattern.indexOf('?') >= 0;
        if (!wild) {
            Arn.parse(pattern);
            return new ArnPattern(pattern);
        }
        String[] fields = pattern.split(":", -1);
        if (fields.length > 5) {
            throw new InvalidArnException("too many \":\" in ARN pattern " + quote(pattern));
        }
        if (fields.length == 5) {
            if (!fields[2].isEmpty() && !isWild(fields[2])) {
                throw new InvalidArnException("region must be empty or a wildcard in ARN pattern " + quote(pattern));
            }
            if (!isWild(fields[3]) && !AccountId.isValid(fields[3])) {
                throw new InvalidArnException("account ID must be 8-16 digits: " + quote(fields[3]));
            }
        } else if (pattern.indexOf('*') < 0) {
            throw new InvalidArnException("incomplete ARN pattern " + quote(pattern)
                    + " (expected acs:ram:<region>:<accountId>:<resource>)");
        }
        return new ArnPattern(pattern);
    }

    private static boolean isWild(String s) {
        return s.indexOf('*') >= 0 || s.indexOf('?') >= 0;
    }

    /** @return the pattern text */
    public String pattern() {
        return pattern;
    }

    /** @return whether the pattern contains {@code *} or {@code ?} */
    public boolean hasWildcards() {
        return glob.hasWildcards();
    }

    /**
     * @param arn an ARN, may be null
     * @return whether the canonical form of {@code arn} matches
     */
    public boolean matches(Arn arn) {
        return arn != null && glob.matches(arn.toString());
    }

    /**
     * @param arn an ARN string, may be null
     * @return whether it matches (as text; no ARN parsing)
     */
    public boolean matches(String arn) {
        return glob.matches(arn);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ArnPattern p && p.pattern.equals(pattern);
    }

    @Override
    public int hashCode() {
        return pattern.hashCode();
    }

    @Override
    public String toString() {
        return pattern;
    }
}
