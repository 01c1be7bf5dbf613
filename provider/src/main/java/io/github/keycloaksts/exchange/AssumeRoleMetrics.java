package io.github.keycloaksts.exchange;

import java.time.Duration;

import io.github.keycloaksts.assume.AssumeRoleRefusal;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Metrics;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import org.keycloak.OAuthErrorException;
import org.keycloak.events.Errors;
import org.keycloak.models.RealmModel;

/**
 * AssumeRole's own meters, registered as Keycloak registers its own (e.g. the user-event metrics listener): on
 * Micrometer's global registry, which Keycloak's Prometheus endpoint ({@code /metrics} on the management port)
 * exports when {@code --metrics-enabled=true}; without it the global registry has no registry and these are no-ops.
 *
 * <ul>
 *   <li>{@code keycloak_sts_assume_role_refusals_total{realm,reason}}: refused exchanges by reason class;</li>
 *   <li>{@code keycloak_sts_assume_role_duration_seconds{realm,outcome}}: how long exchanges take, {@code outcome}
 *       {@code success} or {@code refused}, with a few fixed buckets (SLO boundaries) for quantiles.</li>
 * </ul>
 * Revocations are counted by {@code session/RevocationMetrics}.
 * Labels are bounded: the target realm (an account: as many as the server has realms) and a fixed set of classes;
 * never a user, role, session name or the reason text (that stays in the events).
 */
public final class AssumeRoleMetrics {

    static final String REFUSALS = "keycloak.sts.assume.role.refusals";
    static final String DURATION = "keycloak.sts.assume.role.duration";

    /** Refused by the target account: no such role, its trust policy does not allow the caller, ARN of another account. */
    static final String NOT_TRUSTED = "not_trusted";
    /** Refused on the source side: no matching {@code sts.assume-role} grant, role chaining, source not an account. */
    static final String NO_GRANT = "no_grant";
    /** Refused by the platform: a guardrail's Deny, or guardrails it cannot read. */
    static final String GUARDRAIL = "guardrail";
    /** The subject token is not a valid token of a realm of this server. */
    static final String BAD_TOKEN = "bad_token";
    /** A malformed request (parameters, scope, audience, duration beyond the role's limit, missing DPoP/mTLS proof). */
    static final String BAD_REQUEST = "bad_request";
    /** The requesting client may not run AssumeRole. */
    static final String UNAUTHORIZED_CLIENT = "unauthorized_client";
    /** An unexpected error, refused fail-closed (the cause is in the server log). */
    static final String INTERNAL_ERROR = "internal_error";

    private static final Meter.MeterProvider<Counter> REFUSAL_COUNTER = Counter.builder(REFUSALS)
            .description("keycloak-sts AssumeRole exchanges refused, by reason class")
            .withRegistry(Metrics.globalRegistry);
    private static final Meter.MeterProvider<Timer> DURATION_TIMER = Timer.builder(DURATION)
            .description("keycloak-sts AssumeRole exchange duration")
            .serviceLevelObjectives(Duration.ofMillis(25), Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofMillis(250),
                    Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofMillis(2500))
            .withRegistry(Metrics.globalRegistry);

    private AssumeRoleMetrics() {
    }

    static void succeeded(RealmModel realm, long startedNanos) {
        DURATION_TIMER.withTags(Tags.of("realm", name(realm), "outcome", "success")).record(Duration.ofNanos(System.nanoTime() - startedNanos));
    }

    static void refused(RealmModel realm, String reasonClass, long startedNanos) {
        String name = name(realm);
        REFUSAL_COUNTER.withTags(Tags.of("realm", name, "reason", reasonClass)).increment();
        DURATION_TIMER.withTags(Tags.of("realm", name, "outcome", "refused")).record(Duration.ofNanos(System.nanoTime() - startedNanos));
    }

    /** The reason class of a refusal: one of the constants above. */
    static String reasonClass(AssumeRoleRefusal failure) {
        if (OAuthErrorException.UNAUTHORIZED_CLIENT.equals(failure.oauthError())) {
            return UNAUTHORIZED_CLIENT;
        }
        if (Errors.INVALID_TOKEN.equals(failure.eventError())) {
            return BAD_TOKEN;
        }
        if (OAuthErrorException.ACCESS_DENIED.equals(failure.oauthError())) {
            return failure.decidedByPlatform() ? GUARDRAIL : failure.decidedByTarget() ? NOT_TRUSTED : NO_GRANT;
        }
        return BAD_REQUEST;
    }

    private static String name(RealmModel realm) {
        return realm == null ? "" : realm.getName();
    }
}
