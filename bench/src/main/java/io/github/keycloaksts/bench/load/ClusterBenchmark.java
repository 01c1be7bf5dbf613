package io.github.keycloaksts.bench.load;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.HdrHistogram.Histogram;

/**
 * AssumeRole on a two-node cluster (see bench/cluster.sh): (1) throughput and latency against node 1 alone vs the
 * same number of clients spread over both nodes, rounds interleaved, with Keycloak's own client-credentials grant
 * measured the same way as the control; (2) the time from a revocation
 * ({@code DELETE /sts/roles/{role}/sessions}) on node 1 until node 2's introspection answers {@code active: false},
 * over many trials. Prints Markdown.
 *
 * <p>Usage: {@code java -cp bench/target/keycloak-sts-bench.jar io.github.keycloaksts.bench.load.ClusterBenchmark
 * --node1 http://localhost:28081 --node2 http://localhost:28082 [--seconds 10] [--rounds 3] [--concurrency 8]
 * [--warmup 10] [--trials 100]}
 */
public final class ClusterBenchmark {

    private static final ObjectMapper JSON = new ObjectMapper();

    public static void main(String[] args) throws Exception {
        Map<String, String> options = new LinkedHashMap<>(Map.of("--node1", "http://localhost:28081", "--node2", "http://localhost:28082",
                "--seconds", "10", "--rounds", "3", "--concurrency", "8", "--warmup", "10", "--trials", "100"));
        for (int i = 0; i + 1 < args.length; i += 2) {
            options.put(args[i], args[i + 1]);
        }
        String node1 = options.get("--node1");
        String node2 = options.get("--node2");
        int seconds = Integer.parseInt(options.get("--seconds"));
        int concurrency = Integer.parseInt(options.get("--concurrency"));

        LoadBenchmark bench1 = new LoadBenchmark(node1);
        LoadBenchmark bench2 = new LoadBenchmark(node2);
        Map<String, LoadBenchmark.Workload> workloads = bench1.setUp();
        LoadBenchmark.Workload assume1 = workloads.get("assume-role");
        LoadBenchmark.Workload assume2 = new LoadBenchmark.Workload("assume-role@node2", assume1.url().replace(node1, node2), assume1.body());
        // The same comparison for Keycloak's own client-credentials grant: what a second JVM on the same cores costs
        // any request, without keycloak-sts in the path.
        LoadBenchmark.Workload cc1 = workloads.get("client-credentials");
        LoadBenchmark.Workload cc2 = new LoadBenchmark.Workload("client-credentials@node2", cc1.url().replace(node1, node2), cc1.body());
        if (!bench2.send(assume2) || !bench2.send(cc2)) {
            throw new IllegalStateException("AssumeRole or client credentials at node 2 does not succeed once");
        }
        int warmup = Integer.parseInt(options.get("--warmup"));
        System.out.printf("warm-up %d s on each node%n", warmup);
        spread(bench1, assume1, bench2, assume2, concurrency, warmup);
        spread(bench1, cc1, bench2, cc2, concurrency, Math.max(1, warmup / 4));

        Histogram oneHistogram = new Histogram(3_600_000_000L, 3);
        Histogram twoHistogram = new Histogram(3_600_000_000L, 3);
        double oneOk = 0, oneSeconds = 0, twoThroughput = 0;
        long oneErrors = 0, twoErrors = 0;
        int rounds = Integer.parseInt(options.get("--rounds"));
        double ccOne = 0, ccTwo = 0;
        for (int round = 1; round <= rounds; round++) {
            LoadBenchmark.Result ccAlone = bench1.run(cc1, concurrency, seconds);
            LoadBenchmark.Result[] ccSpread = spread(bench1, cc1, bench2, cc2, concurrency, seconds);
            ccOne += ccAlone.throughput();
            ccTwo += ccSpread[0].throughput() + ccSpread[1].throughput();
            System.out.printf(Locale.ROOT, "round %d  client-credentials: node 1 only %.1f req/s, spread over two %.1f req/s (errors %d)%n",
                    round, ccAlone.throughput(), ccSpread[0].throughput() + ccSpread[1].throughput(),
                    ccAlone.errors.get() + ccSpread[0].errors.get() + ccSpread[1].errors.get());
            LoadBenchmark.Result one = bench1.run(assume1, concurrency, seconds);
            oneHistogram.add(one.histogram);
            oneOk += one.ok.get();
            oneSeconds += one.seconds;
            oneErrors += one.errors.get();
            System.out.printf(Locale.ROOT, "round %d  node 1 only      c=%d  %8.1f req/s  p50 %6.2f ms  p99 %7.2f ms  errors %d%n",
                    round, concurrency, one.throughput(), one.p(50), one.p(99), one.errors.get());
            LoadBenchmark.Result[] two = spread(bench1, assume1, bench2, assume2, concurrency, seconds);
            double throughput = two[0].throughput() + two[1].throughput();
            twoThroughput += throughput;
            twoHistogram.add(two[0].histogram);
            twoHistogram.add(two[1].histogram);
            twoErrors += two[0].errors.get() + two[1].errors.get();
            System.out.printf(Locale.ROOT, "round %d  spread over two  c=%d  %8.1f req/s  (node 1 %.1f, node 2 %.1f)  errors %d%n",
                    round, concurrency, throughput, two[0].throughput(), two[1].throughput(), two[0].errors.get() + two[1].errors.get());
        }

        String inspector = setUpInspector(bench1, node1);
        List<Double> afterReturn = new ArrayList<>();
        List<Double> fromRequest = new ArrayList<>();
        int trials = Integer.parseInt(options.get("--trials"));
        String admin = bench1.token("master", Map.of("grant_type", "password", "client_id", "admin-cli", "username", "admin", "password", "admin"));
        for (int trial = 0; trial < trials; trial++) {
            if (trial % 20 == 19) {
                admin = bench1.token("master", Map.of("grant_type", "password", "client_id", "admin-cli", "username", "admin", "password", "admin"));
            }
            HttpResponse<String> issued = bench1.http().send(HttpRequest.newBuilder(URI.create(assume1.url()))
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(HttpRequest.BodyPublishers.ofString(assume1.body())).build(), HttpResponse.BodyHandlers.ofString());
            String token = JSON.readTree(issued.body()).get("access_token").asText();
            if (!active(bench2, node2, inspector, token)) {
                throw new IllegalStateException("trial " + trial + ": a fresh role token is not active at node 2");
            }
            long sent = System.nanoTime();
            LoadBenchmark.check(bench1.request("DELETE", node1 + "/admin/realms/bench-a/sts/roles/bench-role/sessions", null, admin), "revoke");
            long returned = System.nanoTime();
            while (active(bench2, node2, inspector, token)) {
                if (System.nanoTime() - returned > 10_000_000_000L) {
                    throw new IllegalStateException("trial " + trial + ": still active at node 2 after 10 s");
                }
            }
            long inactive = System.nanoTime();
            afterReturn.add((inactive - returned) / 1e6);
            fromRequest.add((inactive - sent) / 1e6);
        }

        System.out.println();
        System.out.println("| AssumeRole, " + concurrency + " clients | throughput (req/s) | p50 (ms) | p99 (ms) | errors |");
        System.out.println("|---|---|---|---|---|");
        System.out.printf(Locale.ROOT, "| node 1 only | %.1f | %.2f | %.2f | %d |%n", oneOk / oneSeconds,
                oneHistogram.getValueAtPercentile(50) / 1000.0, oneHistogram.getValueAtPercentile(99) / 1000.0, oneErrors);
        System.out.printf(Locale.ROOT, "| spread over node 1 and node 2 | %.1f | %.2f | %.2f | %d |%n", twoThroughput / rounds,
                twoHistogram.getValueAtPercentile(50) / 1000.0, twoHistogram.getValueAtPercentile(99) / 1000.0, twoErrors);
        System.out.printf(Locale.ROOT, "| (Keycloak's client credentials: node 1 only %.1f req/s, spread %.1f req/s, ratio %.2f) |%n",
                ccOne / rounds, ccTwo / rounds, ccTwo / ccOne);
        System.out.printf(Locale.ROOT, "| (AssumeRole ratio spread / node 1 only: %.2f) |%n", (twoThroughput / rounds) / (oneOk / oneSeconds));
        System.out.println();
        System.out.println("| revocation on node 1 → inactive at node 2 (" + trials + " trials) | median (ms) | p90 (ms) | max (ms) |");
        System.out.println("|---|---|---|---|");
        System.out.printf(Locale.ROOT, "| after the DELETE returned | %.1f | %.1f | %.1f |%n", pct(afterReturn, 50), pct(afterReturn, 90), pct(afterReturn, 100));
        System.out.printf(Locale.ROOT, "| from sending the DELETE | %.1f | %.1f | %.1f |%n", pct(fromRequest, 50), pct(fromRequest, 90), pct(fromRequest, 100));
    }

    /** Half the clients against each node at once; returns both results. */
    static LoadBenchmark.Result[] spread(LoadBenchmark bench1, LoadBenchmark.Workload w1, LoadBenchmark bench2, LoadBenchmark.Workload w2,
                                         int concurrency, int seconds) throws InterruptedException {
        LoadBenchmark.Result[] results = new LoadBenchmark.Result[2];
        Thread other = new Thread(() -> {
            try {
                results[1] = bench2.run(w2, concurrency - concurrency / 2, seconds);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        other.start();
        results[0] = bench1.run(w1, concurrency / 2, seconds);
        other.join();
        return results;
    }

    /** A confidential client of bench-a that introspects tokens (without the audience check). */
    static String setUpInspector(LoadBenchmark bench, String node1) throws Exception {
        String admin = bench.token("master", Map.of("grant_type", "password", "client_id", "admin-cli", "username", "admin", "password", "admin"));
        LoadBenchmark.check(bench.request("POST", node1 + "/admin/realms/bench-a/clients", Map.of("clientId", "bench-inspector",
                "publicClient", false, "secret", "inspector-secret", "standardFlowEnabled", false,
                "attributes", Map.of("allow.token.introspection.without.audience.check", "true")), admin), "create bench-inspector");
        return "bench-inspector";
    }

    static boolean active(LoadBenchmark bench, String node, String client, String token) throws Exception {
        HttpResponse<String> response = bench.http().send(HttpRequest.newBuilder(URI.create(node + "/realms/bench-a/protocol/openid-connect/token/introspect"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(LoadBenchmark.form(Map.of("client_id", client, "client_secret", "inspector-secret",
                        "token", token)))).build(), HttpResponse.BodyHandlers.ofString());
        LoadBenchmark.check(response, "introspect");
        return JSON.readTree(response.body()).get("active").asBoolean();
    }

    static double pct(List<Double> values, double percentile) {
        List<Double> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        int index = (int) Math.ceil(percentile / 100.0 * sorted.size()) - 1;
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, index)));
    }
}
