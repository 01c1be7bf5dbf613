package io.github.keycloaksts.it;

import static io.github.keycloaksts.it.ClusterAccounts.arn;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;

import io.github.keycloaksts.it.support.Admin;
import io.github.keycloaksts.it.support.Http;
import io.github.keycloaksts.it.support.KeycloakCluster;
import io.github.keycloaksts.it.support.KeycloakServer;
import io.github.keycloaksts.it.support.Sts;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What operators see on Keycloak's Prometheus endpoint ({@code /metrics} on the management port, with
 * {@code --metrics-enabled=true --event-metrics-user-enabled=true}): AssumeRole in Keycloak's own
 * {@code keycloak_user_events_total{event="token_exchange"}} of both realms, and keycloak-sts' refusal counter by
 * reason class, latency timer and revocation counter, with labels bounded to realm and class (no user, role or
 * session names).
 */
class ClusterMetricsIT {

    static final String TARGET = "cl-m-target";
    static final String TARGET_ID = "73100001";
    static final String SOURCE = "cl-m-source";
    static final String SOURCE_ID = "73100002";
    static final String STRANGER = "cl-m-stranger";
    static final String STRANGER_ID = "73100003";

    final KeycloakServer node = KeycloakCluster.shared().node(1);
    final Sts sts = new Sts(node);

    @BeforeEach
    void accounts() {
        ClusterAccounts.createTarget(node, TARGET, TARGET_ID);
        ClusterAccounts.createRole(node, TARGET, "ops", SOURCE_ID);
        Admin admin = new Admin(node);
        admin.createSourceAccount(SOURCE, SOURCE_ID, "mia", "mia-pass-1", List.of(arn(TARGET_ID, "*")));
        admin.createUser(SOURCE, "nogrant", "nogrant-pass-1", null, List.of());
        admin.createSourceAccount(STRANGER, STRANGER_ID, "stan", "stan-pass-1", List.of(arn(TARGET_ID, "*")));
    }

    @AfterEach
    void cleanUp() {
        ClusterAccounts.cleanUp(node, TARGET, SOURCE, STRANGER);
    }

    /** The sum of the samples of {@code name} whose labels include every one of {@code labels}. */
    double sample(String scrape, String name, Map<String, String> labels) {
        double sum = 0;
        for (String line : scrape.split("\n")) {
            if (line.startsWith("#") || !(line.startsWith(name + "{") || line.startsWith(name + " "))) {
                continue;
            }
            String labelPart = line.contains("{") ? line.substring(line.indexOf('{'), line.lastIndexOf('}') + 1) : "";
            if (labels.entrySet().stream().allMatch(l -> labelPart.contains(l.getKey() + "=\"" + l.getValue() + "\""))) {
                sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        return sum;
    }

    String scrape() {
        Http.Response metrics = Http.get(node.managementUrl() + "/metrics");
        assertThat(metrics.status()).as("GET /metrics on the management port").isEqualTo(200);
        return metrics.body();
    }

    @Test
    void assumeRoleMovesKeycloaksUserEventCountersAndOursByReasonClass() {
        String before = scrape();
        String mia = sts.signIn(SOURCE, "app", "mia", "mia-pass-1");

        assertThat(sts.assumeRole(TARGET, mia, arn(TARGET_ID, "ops")).status()).isEqualTo(200);
        assertThat(sts.assumeRole(TARGET, mia, arn(TARGET_ID, "ops")).status()).isEqualTo(200);
        // not_trusted: the role does not trust the stranger's account
        assertThat(sts.assumeRole(TARGET, sts.signIn(STRANGER, "app", "stan", "stan-pass-1"), arn(TARGET_ID, "ops")).status()).isEqualTo(403);
        // no_grant: a user of the trusted account without an sts.assume-role grant
        assertThat(sts.assumeRole(TARGET, sts.signIn(SOURCE, "app", "nogrant", "nogrant-pass-1"), arn(TARGET_ID, "ops")).status()).isEqualTo(403);
        // bad_token
        assertThat(sts.assumeRole(TARGET, "not-a-token", arn(TARGET_ID, "ops")).status()).isEqualTo(400);
        // bad_request: an invalid role_session_name
        Map<String, String> badName = sts.form(mia, arn(TARGET_ID, "ops"));
        badName.put("role_session_name", "x");
        assertThat(sts.exchange(TARGET, badName).status()).isEqualTo(400);
        // unauthorized_client: a confidential client of the target that has not opted in to AssumeRole
        Map<String, String> wrongClient = sts.form(mia, arn(TARGET_ID, "ops"));
        wrongClient.put("client_id", ClusterAccounts.INSPECTOR);
        wrongClient.put("client_secret", ClusterAccounts.INSPECTOR_SECRET);
        Http.Response refusedClient = sts.exchange(TARGET, wrongClient);
        assertThat(refusedClient.status()).as(refusedClient.toString()).isEqualTo(400);
        assertThat(refusedClient.json().get("error").asText()).isEqualTo("unauthorized_client");

        String after = scrape();
        // Keycloak's own user-event metrics: the target's and the source's TOKEN_EXCHANGE events.
        String events = "keycloak_user_events_total";
        assertThat(delta(before, after, events, Map.of("event", "token_exchange", "realm", TARGET, "error", ""))).isEqualTo(2);
        assertThat(delta(before, after, events, Map.of("event", "token_exchange", "realm", SOURCE, "error", ""))).isEqualTo(2);
        assertThat(delta(before, after, events, Map.of("event", "token_exchange", "realm", TARGET, "error", "not_allowed"))).isEqualTo(2);
        assertThat(delta(before, after, events, Map.of("event", "token_exchange", "realm", TARGET, "error", "invalid_token"))).isEqualTo(1);

        // Ours: refusals by class, latency of every exchange.
        String refusals = "keycloak_sts_assume_role_refusals_total";
        for (String reason : List.of("not_trusted", "no_grant", "bad_token", "bad_request", "unauthorized_client")) {
            assertThat(delta(before, after, refusals, Map.of("realm", TARGET, "reason", reason))).as(reason).isEqualTo(1);
        }
        String duration = "keycloak_sts_assume_role_duration_seconds_count";
        assertThat(delta(before, after, duration, Map.of("realm", TARGET, "outcome", "success"))).isEqualTo(2);
        assertThat(delta(before, after, duration, Map.of("realm", TARGET, "outcome", "refused"))).isEqualTo(5);
        assertThat(sample(after, "keycloak_sts_assume_role_duration_seconds_bucket", Map.of("realm", TARGET, "outcome", "success", "le", "+Inf")))
                .as("buckets for quantiles").isGreaterThanOrEqualTo(2);

        // Revocations: the sessions of one (role, source account) ended, by DELETE …/sessions and by a trust-policy change.
        String admin = node.adminToken();
        assertThat(Http.delete(node.adminUrl(TARGET) + "/sts/roles/ops/sessions", admin).status()).isBetween(200, 204);
        assertThat(sts.assumeRole(TARGET, mia, arn(TARGET_ID, "ops")).status()).isEqualTo(200);
        assertThat(Http.sendJson("PUT", node.adminUrl(TARGET) + "/sts/roles/ops/trust-policy", ClusterAccounts.trust(STRANGER_ID), admin).status())
                .isEqualTo(200);
        String revokedScrape = scrape();
        String revoked = "keycloak_sts_role_sessions_revoked_total";
        assertThat(delta(after, revokedScrape, revoked, Map.of("realm", TARGET, "cause", "revoke"))).isEqualTo(1);
        assertThat(delta(after, revokedScrape, revoked, Map.of("realm", TARGET, "cause", "trust_policy"))).isEqualTo(1);

        // Bounded labels: no user, role or session name in any of our series.
        List<String> ours = revokedScrape.lines().filter(l -> l.startsWith("keycloak_sts_")).toList();
        assertThat(ours).isNotEmpty().noneMatch(l -> l.contains("mia") || l.contains("stan") || l.contains("nogrant") || l.contains("ops"));
    }

    double delta(String before, String after, String name, Map<String, String> labels) {
        return sample(after, name, labels) - sample(before, name, labels);
    }
}
