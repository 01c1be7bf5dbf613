package io.github.keycloaksts.policy.analysis;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Optional;

import io.github.keycloaksts.policy.condition.Condition;
import io.github.keycloaksts.policy.condition.ConditionKey;
import io.github.keycloaksts.policy.condition.ConditionOperator;
import io.github.keycloaksts.policy.document.Statement;

/**
 * What the conditions of a trust policy statement say about its term and its external ID. Shared by the analyzer
 * and the server (which ends the live sessions of a trust whose term has ended).
 */
public final class TrustTerms {

    private TrustTerms() {
    }

    /**
     * The term of a statement: when a {@code DateLessThan} or {@code DateLessThanEquals} condition on
     * {@code acs:CurrentTime} stops holding. The values of one condition are alternatives, so a condition holds until
     * its <em>latest</em> value; conditions all must hold, so the statement's term is the <em>earliest</em> of its
     * conditions'. A {@code DateLessThanEquals} still holds at its instant itself: a nanosecond's difference that
     * {@link #isExpired} ignores.
     *
     * @param statement a statement, may be null
     * @return the end of its term, or empty if it has none
     */
    public static Optional<Instant> expiryOf(Statement statement) {
        if (statement == null) {
            return Optional.empty();
        }
        Instant earliest = null;
        for (Condition c : statement.conditions()) {
            if (c.key() != ConditionKey.CURRENT_TIME || (c.operator() != ConditionOperator.DATE_LESS_THAN
                    && c.operator() != ConditionOperator.DATE_LESS_THAN_EQUALS)) {
                continue;
            }
            Instant latest = null;
            for (String v : c.values()) {
                Instant t = parseDate(v);
                if (t != null && (latest == null || t.isAfter(latest))) {
                    latest = t;
                }
            }
            if (latest != null && (earliest == null || latest.isBefore(earliest))) {
                earliest = latest;
            }
        }
        return Optional.ofNullable(earliest);
    }

    /**
     * @param expires the end of a term, may be null (none)
     * @param now     the moment to judge at
     * @return whether the term has ended at {@code now}
     */
    public static boolean isExpired(Instant expires, Instant now) {
        return expires != null && !now.isBefore(expires);
    }

    /**
     * Whether a statement holds only for requests that present an external ID it names: a positive string condition
     * on {@code sts:ExternalId} ({@code StringEquals}, {@code StringEqualsIgnoreCase}, or {@code StringLike} whose
     * every value has a literal character: {@code "*"} accepts any external ID, which any caller can send). A
     * negated operator holds when the key is absent, so it requires nothing.
     *
     * @param statement a statement, may be null
     * @return whether an external ID is required
     */
    public static boolean requiresExternalId(Statement statement) {
        if (statement == null) {
            return false;
        }
        for (Condition c : statement.conditions()) {
            if (c.key() != ConditionKey.EXTERNAL_ID || c.operator().isNegated()) {
                continue;
            }
            if (c.operator() != ConditionOperator.STRING_LIKE || c.values().stream().noneMatch(TrustTerms::onlyWildcards)) {
                return true;
            }
        }
        return false;
    }

    private static boolean onlyWildcards(String value) {
        return value.chars().allMatch(ch -> ch == '*' || ch == '?');
    }

    private static Instant parseDate(String s) {
        if (s == null || s.length() > 64) {
            return null;
        }
        try {
            return OffsetDateTime.parse(s, DateTimeFormatter.ISO_OFFSET_DATE_TIME).toInstant();
        } catch (DateTimeParseException | ArithmeticException e) {
            return null;
        }
    }
}
