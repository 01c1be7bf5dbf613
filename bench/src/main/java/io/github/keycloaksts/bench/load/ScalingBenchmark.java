package io.github.keycloaksts.bench.load;

import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;

/**
 * Does AssumeRole stay flat as the server grows? Against one running Keycloak, in one run, with rounds interleaved:
 * <ul>
 *   <li>roles: AssumeRole into {@code bench-a} (1 assumable role) vs into {@code bench-r10k} (10,000 roles);</li>
 *   <li>principals: the role's trust policy with 1 principal ({@code bench-a}) vs 2,000 ({@code bench-p2k}, the caller's
 *       account last);</li>
 *   <li>accounts: everything above measured again after 1,000 more account realms were created on the server.</li>
 * </ul>
 * Keycloak's standard token exchange V2 runs in every round as the reference for machine drift. Setup times are
 * printed too (creating the 10,000th role must cost what the first did).
 *
 * <p>Usage: {@code bench/load.sh --scaling [--roles 10000] [--principals 2000] [--accounts 1000] [--accounts-minutes 15]
 * [--seconds 10] [--rounds 3] [--concurrency 8]}. The server gets a file database and a larger heap for this run
 * (see load.sh): the in-memory H2 of the plain load run would hold 10,000 roles and 1,000 realms in Keycloak's heap.
 */
public final class ScalingBenchmark {

    private final LoadBenchmark bench;
    private String adminToken;
    private long adminTokenAt;

    private ScalingBenchmark(LoadBenchmark bench) {
        this.bench = bench;
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> options = new LinkedHashMap<>(Map.of("--server", "http://localhost:18080", "--seconds", "10",
                "--rounds", "3", "--concurrency", "8", "--warmup", "30", "--roles", "10000", "--principals", "2000",
                "--accounts", "1000", "--accounts-minutes", "15"));
        for (int i = 0; i + 1 < args.length; i += 2) {
            options.put(args[i], args[i + 1]);
        }
        int roles = Integer.parseInt(options.get("--roles"));
        int principals = Integer.parseInt(options.get("--principals"));
        int accounts = Integer.parseInt(options.get("--accounts"));
        int seconds = Integer.parseInt(options.get("--seconds"));
        int rounds = Integer.parseInt(options.get("--rounds"));
        int concurrency = Integer.parseInt(options.get("--concurrency"));

        ScalingBenchmark scaling = new ScalingBenchmark(new LoadBenchmark(options.get("--server")));
        Map<String, LoadBenchmark.Workload> base = scaling.bench.setUp();
        LoadBenchmark.Workload oneRole = base.get("assume-role");
        Map<String, LoadBenchmark.Workload> workloads = new LinkedHashMap<>();
        workloads.put("assume-role, 1 role, 1 principal", oneRole);
        workloads.put("assume-role, " + roles + " roles", scaling.manyRoles(oneRole, roles));
        workloads.put("assume-role, " + principals + " principals", scaling.manyPrincipals(oneRole, principals));
        workloads.put("standard-exchange-v2", base.get("standard-exchange-v2"));
        for (Map.Entry<String, LoadBenchmark.Workload> w : workloads.entrySet()) {
            if (!scaling.bench.send(w.getValue())) {
                throw new IllegalStateException("workload " + w.getKey() + " does not succeed once; check the server log");
            }
        }

        int realmsBefore = scaling.realmCount();
        Map<String, LoadBenchmark.Result> before = scaling.measure(workloads, "few accounts", concurrency, seconds, rounds,
                Integer.parseInt(options.get("--warmup")));
        scaling.manyAccounts(accounts, Integer.parseInt(options.get("--accounts-minutes")));
        int realmsAfter = scaling.realmCount();
        Map<String, LoadBenchmark.Result> after = scaling.measure(workloads, "+" + accounts + " accounts", concurrency, seconds, rounds,
                Integer.parseInt(options.get("--warmup")));

        System.out.println();
        System.out.printf("realms on the server: %d in the first phase, %d in the second; concurrency %d, %d rounds × %d s%n%n",
                realmsBefore, realmsAfter, concurrency, rounds, seconds);
        System.out.println("| workload | realms on the server | throughput (req/s) | p50 (ms) | p99 (ms) | errors |");
        System.out.println("|---|---|---|---|---|---|");
        for (String name : workloads.keySet()) {
            print(name, realmsBefore, before.get(name));
        }
        for (String name : workloads.keySet()) {
            print(name, realmsAfter, after.get(name));
        }
        System.out.println();
        System.out.println("| comparison | throughput ratio | change | p99 ratio |");
        System.out.println("|---|---|---|---|");
        List<String> names = new ArrayList<>(workloads.keySet());
        ratio("1 → " + roles + " roles (first phase)", before.get(names.get(0)), before.get(names.get(1)));
        ratio("1 → " + principals + " principals (first phase)", before.get(names.get(0)), before.get(names.get(2)));
        ratio("1 → " + roles + " roles (second phase)", after.get(names.get(0)), after.get(names.get(1)));
        ratio("1 → " + principals + " principals (second phase)", after.get(names.get(0)), after.get(names.get(2)));
        ratio(realmsBefore + " → " + realmsAfter + " realms, AssumeRole", before.get(names.get(0)), after.get(names.get(0)));
        ratio(realmsBefore + " → " + realmsAfter + " realms, standard V2 (drift reference)", before.get(names.get(3)), after.get(names.get(3)));
    }

    private static void print(String name, int realms, LoadBenchmark.Result r) {
        System.out.printf(Locale.ROOT, "| %s | %d | %.1f | %.2f | %.2f | %d |%n", name, realms, r.throughput(), r.p(50), r.p(99), r.errors.get());
    }

    private static void ratio(String what, LoadBenchmark.Result from, LoadBenchmark.Result to) {
        double t = to.throughput() / from.throughput();
        System.out.printf(Locale.ROOT, "| %s | %.2f | %+.1f %% | %.2f |%n", what, t, (t - 1) * 100, to.p(99) / from.p(99));
    }

    private Map<String, LoadBenchmark.Result> measure(Map<String, LoadBenchmark.Workload> workloads, String phase, int concurrency,
                                                      int seconds, int rounds, int warmup) throws InterruptedException {
        for (LoadBenchmark.Workload w : workloads.values()) {
            bench.run(w, concurrency, warmup);
        }
        Map<String, LoadBenchmark.Result> results = new LinkedHashMap<>();
        for (int round = 1; round <= rounds; round++) {
            for (Map.Entry<String, LoadBenchmark.Workload> w : workloads.entrySet()) {
                LoadBenchmark.Result r = bench.run(w.getValue(), concurrency, seconds);
                results.merge(w.getKey(), r, LoadBenchmark.Result::plus);
                System.out.printf(Locale.ROOT, "%s, round %d  %-36s %8.1f req/s  p50 %6.2f ms  p99 %7.2f ms  errors %d%n",
                        phase, round, w.getKey(), r.throughput(), r.p(50), r.p(99), r.errors.get());
            }
        }
        return results;
    }

    /** Realm {@code bench-r10k} (account 31000003): {@code count - 1} other roles, then the benchmark's role. */
    private LoadBenchmark.Workload manyRoles(LoadBenchmark.Workload oneRole, int count) throws Exception {
        String realm = "bench-r10k";
        createAccount(realm, "31000003");
        Map<String, Object> policy = trustPolicy(List.of("acs:ram::31000009:root"));
        parallel("roles in " + realm, count - 1, i -> () -> {
            check(bench.request("POST", adminUrl(realm) + "/sts/roles",
                    Map.of("roleName", String.format("filler-%05d", i), "trustPolicy", policy), admin()), "create role");
            return true;
        });
        benchRole(realm, trustPolicy(List.of("acs:ram::31000002:root")));
        return retarget(oneRole, realm, "31000003");
    }

    /** Realm {@code bench-p2k} (account 31000004): the role trusts {@code count} accounts, the caller's last. */
    private LoadBenchmark.Workload manyPrincipals(LoadBenchmark.Workload oneRole, int count) throws Exception {
        String realm = "bench-p2k";
        createAccount(realm, "31000004");
        List<String> principals = new ArrayList<>();
        for (int i = 1; i < count; i++) {
            principals.add(String.format("acs:ram::%08d:root", 60_000_000 + i));
        }
        principals.add("acs:ram::31000002:root");
        benchRole(realm, trustPolicy(principals));
        return retarget(oneRole, realm, "31000004");
    }

    /**
     * {@code count} more account realms, each with an account ID — or as many as {@code minutes} allow: Keycloak's
     * own realm creation slows down as realms accumulate (the master admin role gains every realm's management roles).
     */
    private void manyAccounts(int count, int minutes) throws Exception {
        long deadline = System.nanoTime() + minutes * 60_000_000_000L;
        AtomicInteger skipped = new AtomicInteger();
        parallel("account realms", count, i -> () -> {
            if (System.nanoTime() > deadline) {
                skipped.incrementAndGet();
                return false;
            }
            String realm = String.format("bench-acct-%04d", i);
            check(bench.request("POST", bench.server + "/admin/realms", Map.of("realm", realm, "enabled", true), admin()), "create " + realm);
            check(bench.request("PUT", adminUrl(realm) + "/sts/account", Map.of("accountId", String.format("%08d", 50_000_000 + i)), admin()),
                    "account " + realm);
            return true;
        });
        if (skipped.get() > 0) {
            System.out.printf("setup: stopped after %d minutes with %d of %d account realms created%n", minutes, count - skipped.get(), count);
        }
    }

    private void createAccount(String realm, String accountId) throws Exception {
        bench.request("DELETE", adminUrl(realm), null, admin());
        check(bench.request("POST", bench.server + "/admin/realms", Map.of("realm", realm, "enabled", true, "eventsEnabled", true,
                "roles", Map.of("realm", List.of(Map.of("name", "BenchPolicy")))), admin()), "create " + realm);
        check(bench.request("PUT", adminUrl(realm) + "/sts/account", Map.of("accountId", accountId), admin()), "account " + realm);
    }

    private void benchRole(String realm, Map<String, Object> trustPolicy) throws Exception {
        check(bench.request("POST", adminUrl(realm) + "/sts/roles", Map.of("roleName", "bench-role", "trustPolicy", trustPolicy), admin()),
                "create bench-role in " + realm);
        check(bench.request("POST", adminUrl(realm) + "/sts/roles/bench-role/policies", Map.of("policyName", "BenchPolicy"), admin()),
                "attach in " + realm);
    }

    private static Map<String, Object> trustPolicy(List<String> principals) {
        return Map.of("Version", "1", "Statement", List.of(Map.of("Effect", "Allow", "Action", "sts:AssumeRole",
                "Principal", Map.of("RAM", principals))));
    }

    private LoadBenchmark.Workload retarget(LoadBenchmark.Workload oneRole, String realm, String accountId) {
        return new LoadBenchmark.Workload(oneRole.name(), oneRole.url().replace("/realms/bench-a/", "/realms/" + realm + "/"),
                oneRole.body().replace("%3A%3A31000001%3A", "%3A%3A" + accountId + "%3A"));
    }

    private int realmCount() throws Exception {
        HttpResponse<String> response = bench.request("GET", bench.server + "/admin/realms?briefRepresentation=true", null, admin());
        check(response, "list realms");
        return new com.fasterxml.jackson.databind.ObjectMapper().readTree(response.body()).size();
    }

    private String adminUrl(String realm) {
        return bench.server + "/admin/realms/" + realm;
    }

    /** An admin token, renewed before the master realm's 60-second lifespan runs out. */
    private synchronized String admin() throws Exception {
        if (adminToken == null || System.nanoTime() - adminTokenAt > 30_000_000_000L) {
            adminToken = bench.token("master", Map.of("grant_type", "password", "client_id", "admin-cli", "username", "admin", "password", "admin"));
            adminTokenAt = System.nanoTime();
        }
        return adminToken;
    }

    /** One admin call; false when it was skipped (time budget spent). */
    private interface Step {
        boolean run() throws Exception;
    }

    /** Runs {@code count} admin calls on 4 threads, printing the rate of every tenth of them. */
    private void parallel(String what, int count, IntFunction<Step> step) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(4);
        AtomicInteger done = new AtomicInteger();
        long started = System.nanoTime();
        long[] lastAt = {started};
        int tenth = Math.max(1, count / 10);
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int i = 1; i <= count; i++) {
                Step s = step.apply(i);
                futures.add(pool.submit(() -> {
                    if (!s.run()) {
                        return null;
                    }
                    int n = done.incrementAndGet();
                    if (n % tenth == 0) {
                        synchronized (lastAt) {
                            long now = System.nanoTime();
                            System.out.printf(Locale.ROOT, "setup: %d/%d %s, %.1f per second over the last %d%n", n, count, what,
                                    tenth / ((now - lastAt[0]) / 1e9), tenth);
                            lastAt[0] = now;
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : futures) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
        System.out.printf(Locale.ROOT, "setup: %d %s in %.0f s%n", done.get(), what, (System.nanoTime() - started) / 1e9);
    }

    private static void check(HttpResponse<String> response, String what) {
        LoadBenchmark.check(response, what);
    }
}
