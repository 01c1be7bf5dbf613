package io.github.keycloaksts.policy.analysis;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * The clock and thresholds of one analysis.
 *
 * @param now            the moment the analysis judges at (terms, unused trust)
 * @param unusedAfter    a cross-account or federated trust not used for this long is unused
 *                       ({@link #DEFAULT_UNUSED_AFTER} if null)
 * @param expiringWithin a trust whose term ends within this is expiring ({@link #DEFAULT_EXPIRING_WITHIN} if null)
 * @param trackingSince  when the server started recording usage, or null if unknown: a trust never used can only
 *                       be called unused from the later of this and the role's {@code trustSince}; with neither
 *                       known, it is not judged
 */
public record AnalysisOptions(Instant now, Duration unusedAfter, Duration expiringWithin, Instant trackingSince) {

    /** 90 days, as AWS IAM Access Analyzer's default for unused access. */
    public static final Duration DEFAULT_UNUSED_AFTER = Duration.ofDays(90);
    /** 30 days. */
    public static final Duration DEFAULT_EXPIRING_WITHIN = Duration.ofDays(30);

    /** Fills in the defaults. */
    public AnalysisOptions {
        Objects.requireNonNull(now, "now");
        unusedAfter = unusedAfter == null || unusedAfter.isNegative() ? DEFAULT_UNUSED_AFTER : unusedAfter;
        expiringWithin = expiringWithin == null || expiringWithin.isNegative() ? DEFAULT_EXPIRING_WITHIN
                : expiringWithin;
    }

    /**
     * @param now the moment to judge at
     * @return the defaults, usage tracking start unknown
     */
    public static AnalysisOptions at(Instant now) {
        return new AnalysisOptions(now, null, null, null);
    }
}
