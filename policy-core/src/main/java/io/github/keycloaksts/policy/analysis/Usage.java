package io.github.keycloaksts.policy.analysis;

import java.time.Instant;

/**
 * What the server recorded for one {@link EdgeKey}.
 *
 * @param lastAllowed the last assumption the trust policy allowed, or null for none recorded
 * @param lastRefused the last assumption that was refused, or null for none recorded
 */
public record Usage(Instant lastAllowed, Instant lastRefused) {
}
