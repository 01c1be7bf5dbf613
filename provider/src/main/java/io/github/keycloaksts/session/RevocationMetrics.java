package io.github.keycloaksts.session;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Metrics;
import io.micrometer.core.instrument.Tags;
import org.keycloak.models.AbstractKeycloakTransaction;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;

/**
 * {@code keycloak_sts_role_sessions_revoked_total{realm,cause}}: role sessions ended, counted per (role, source
 * account) or per OIDC provider whose sessions ended, once the revoking transaction committed; {@code cause}
 * {@code trust_policy} (a trust-policy change), {@code revoke} ({@code DELETE …/sessions}, role deletion, a detach) or
 * {@code oidc_provider}. Registered like {@code exchange/AssumeRoleMetrics}, on Micrometer's global registry.
 */
final class RevocationMetrics {

    static final String REVOKED = "keycloak.sts.role.sessions.revoked";

    private static final Meter.MeterProvider<Counter> REVOKED_COUNTER = Counter.builder(REVOKED)
            .description("keycloak-sts role sessions revoked, per (role, source account), by cause")
            .withRegistry(Metrics.globalRegistry);

    private RevocationMetrics() {
    }

    /** {@code count} session sets of {@code realm} end when this session's transaction commits. */
    static void sessionsRevoked(KeycloakSession session, RealmModel realm, String cause, int count) {
        if (count == 0) {
            return;
        }
        String name = realm == null ? "" : realm.getName();
        session.getTransactionManager().enlistAfterCompletion(new AbstractKeycloakTransaction() {
            @Override
            protected void commitImpl() {
                REVOKED_COUNTER.withTags(Tags.of("realm", name, "cause", cause)).increment(count);
            }

            @Override
            protected void rollbackImpl() {
            }
        });
    }
}
