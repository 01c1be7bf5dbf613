package io.github.keycloaksts.it;

import static io.github.keycloaksts.it.ClusterAccounts.active;
import static io.github.keycloaksts.it.ClusterAccounts.arn;
import static io.github.keycloaksts.it.ClusterAccounts.within;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import io.github.keycloaksts.it.support.Admin;
import io.github.keycloaksts.it.support.Http;
import io.github.keycloaksts.it.support.KeycloakCluster;
import io.github.keycloaksts.it.support.KeycloakServer;
import io.github.keycloaksts.it.support.Sts;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A node dies ({@code kill -9} of its JVM) while both nodes serve a steady AssumeRole load: the survivor answers
 * every request, no revocation is lost (neither one committed on the dead node just before it died nor one made on
 * the survivor while it was down), and the node restarts and rejoins the cluster.
 */
class ClusterFailoverIT {

    static final String TARGET = "cl-f-target";
    static final String TARGET_ID = "73200001";
    static final String LOAD = "cl-f-load";
    static final String LOAD_ID = "73200002";
    static final String EARLY = "cl-f-early";
    static final String EARLY_ID = "73200003";
    static final String LATE = "cl-f-late";
    static final String LATE_ID = "73200004";

    final KeycloakCluster cluster = KeycloakCluster.shared();
    final KeycloakServer node1 = cluster.node(1);
    final KeycloakServer node2 = cluster.node(2);

    @AfterEach
    void cleanUp() {
        if (!node2.running()) {
            cluster.restart(2);
        }
        ClusterAccounts.cleanUp(node1, TARGET, LOAD, EARLY, LATE);
    }

    /** Requests, failures and the slowest answer of the load against one node. */
    record Tally(AtomicInteger ok, List<String> failures, AtomicLong slowestMillis) {
        Tally() {
            this(new AtomicInteger(), new CopyOnWriteArrayList<>(), new AtomicLong());
        }
    }

    @Test
    void theSurvivorAnswersEveryRequestLosesNoRevocationAndTheKilledNodeRejoins() throws Exception {
        ClusterAccounts.createTarget(node1, TARGET, TARGET_ID);
        ClusterAccounts.createRole(node1, TARGET, "load", LOAD_ID);
        ClusterAccounts.createRole(node1, TARGET, "ops", EARLY_ID, LATE_ID);
        Admin admin = new Admin(node1);
        admin.createSourceAccount(LOAD, LOAD_ID, "lou", "lou-pass-1", List.of(arn(TARGET_ID, "*")));
        admin.createSourceAccount(EARLY, EARLY_ID, "eli", "eli-pass-1", List.of(arn(TARGET_ID, "*")));
        admin.createSourceAccount(LATE, LATE_ID, "lia", "lia-pass-1", List.of(arn(TARGET_ID, "*")));

        String eliToken = new Sts(node2).assumeRole(TARGET, new Sts(node2).signIn(EARLY, "app", "eli", "eli-pass-1"), arn(TARGET_ID, "ops")).accessToken();
        String liaToken = new Sts(node2).assumeRole(TARGET, new Sts(node2).signIn(LATE, "app", "lia", "lia-pass-1"), arn(TARGET_ID, "ops")).accessToken();
        assertThat(active(node2, TARGET, liaToken)).as("lia's token, cached at node 2").isTrue();

        // Steady load: two clients per node, each exchanging lou's token for the role "load" in a loop.
        Map<KeycloakServer, Tally> tallies = new ConcurrentHashMap<>(Map.of(node1, new Tally(), node2, new Tally()));
        Map<KeycloakServer, AtomicBoolean> running = Map.of(node1, new AtomicBoolean(true), node2, new AtomicBoolean(true));
        ExecutorService load = Executors.newFixedThreadPool(4);
        for (KeycloakServer node : List.of(node1, node1, node2, node2)) {
            String lou = new Sts(node).signIn(LOAD, "app", "lou", "lou-pass-1");
            load.submit(() -> {
                Tally tally = tallies.get(node);
                while (running.get(node).get()) {
                    long start = System.nanoTime();
                    try {
                        Http.Response response = new Sts(node).assumeRole(TARGET, lou, arn(TARGET_ID, "load"));
                        if (response.status() == 200) {
                            tally.ok().incrementAndGet();
                        } else {
                            tally.failures().add(Instant.now() + " " + response);
                        }
                    } catch (RuntimeException e) {
                        tally.failures().add(Instant.now() + " " + e);
                    }
                    tally.slowestMillis().accumulateAndGet(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start), Math::max);
                }
            });
        }
        try {
            Thread.sleep(5_000); // the load runs on both nodes
            assertThat(tallies.get(node2).ok().get()).as("node 2 served load").isPositive();
            int node1Before = tallies.get(node1).ok().get();

            // A revocation committed on node 2, then node 2 dies: the revocation is not lost.
            Http.Response early = Http.delete(node2.adminUrl(TARGET) + "/sts/roles/ops/sessions?sourceAccountId=" + EARLY_ID, node2.adminToken());
            assertThat(early.status()).as(early.toString()).isBetween(200, 204);
            running.get(node2).set(false); // the clients of node 2 stop: their node is about to die
            cluster.crash(2);
            Instant killed = Instant.now();
            assertThat(node2.running()).isFalse();
            assertThat(active(node1, TARGET, eliToken)).as("revoked on node 2 just before it died").isFalse();

            // While node 2 is down: a revocation on node 1.
            Thread.sleep(5_000);
            Http.Response late = Http.sendJson("PUT", node1.adminUrl(TARGET) + "/sts/roles/ops/trust-policy",
                    ClusterAccounts.trust(EARLY_ID), node1.adminToken());
            assertThat(late.status()).as(late.toString()).isEqualTo(200);
            assertThat(active(node1, TARGET, liaToken)).isFalse();

            // Node 2 comes back while node 1 keeps serving the load.
            Instant restarting = Instant.now();
            cluster.restart(2);
            System.out.printf("node 2 killed at %s, restarted in %d s%n", killed, Duration.between(restarting, Instant.now()).toSeconds());
            Thread.sleep(2_000);
            running.get(node1).set(false);
            load.shutdown();
            assertThat(load.awaitTermination(60, TimeUnit.SECONDS)).isTrue();

            Tally survivor = tallies.get(node1);
            System.out.printf("load on node 1: %d exchanges (%d after the kill), %d failed, slowest %d ms; node 2 before its death: %d%n",
                    survivor.ok().get(), survivor.ok().get() - node1Before, survivor.failures().size(), survivor.slowestMillis().get(),
                    tallies.get(node2).ok().get());
            assertThat(survivor.failures()).as("failed requests against the surviving node").isEmpty();
            assertThat(survivor.ok().get() - node1Before).as("node 1 kept answering after the kill").isPositive();

            // The restarted node: no revocation lost, and it is a member of the cluster again (sees node 1's writes at once).
            assertThat(active(node2, TARGET, liaToken)).as("revoked on node 1 while node 2 was down").isFalse();
            assertThat(active(node2, TARGET, eliToken)).as("revoked on node 2 before it died").isFalse();
            String fresh = new Sts(node2).assumeRole(TARGET, new Sts(node2).signIn(EARLY, "app", "eli", "eli-pass-1"), arn(TARGET_ID, "ops")).accessToken();
            assertThat(active(node2, TARGET, fresh)).isTrue();
            Http.Response revoked = Http.delete(node1.adminUrl(TARGET) + "/sts/roles/ops/sessions", node1.adminToken());
            assertThat(revoked.status()).isBetween(200, 204);
            assertThat(within(Duration.ofSeconds(1), () -> !active(node2, TARGET, fresh)))
                    .as("the rejoined node 2 sees node 1's revocation within 1 s").isNotNull();
        } finally {
            running.values().forEach(r -> r.set(false));
            load.shutdownNow();
        }
    }
}
