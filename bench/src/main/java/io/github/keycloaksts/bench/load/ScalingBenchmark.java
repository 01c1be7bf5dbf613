package io.github.keycloaksts.bench.load;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPairGenerator;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

/**
 * Does AssumeRole stay flat as the server grows? Against one Keycloak (file H2 database), rounds interleaved:
 * <ul>
 *   <li>roles: AssumeRole into {@code bench-a} (1 assumable role) vs into {@code bench-r10k} (10,000 roles);</li>
 *   <li>principals: the role's trust policy with 1 principal ({@code bench-a}) vs 2,000 ({@code bench-p2k}, the caller's
 *       account last);</li>
 *   <li>accounts: everything above measured again with 1,000 account realms on the server.</li>
 * </ul>
 * Keycloak's standard token exchange V2 runs in every round as the reference for machine drift, and each phase prints
 * every workload's ratio to it: the ratios, not raw throughputs, are what compares across the restart in between.
 *
 * <p>Two phases, run by {@code bench/load.sh --scaling}, with the server restarted in between:
 * <ol>
 *   <li>{@code --phase 1}, on a fresh server: heap after GC of the empty server; the benchmark realms, 10,000 roles
 *       and 2,000 principals created through the admin REST API, as an operator would (timed); warm-up; heap after
 *       GC; the measured rounds. Then it writes one realm file per missing account
 *       ({@code --accounts-dir}/bench-acct-NNNN-realm.json: realm attribute {@code sts.account-id}, which the
 *       extension claims when the realm is created by an import, and gives it the {@code sts} client) so that the
 *       server will hold {@code --accounts} account realms, and its results to {@code --state}.</li>
 *   <li>load.sh stops the server and imports the files with Keycloak's own {@code kc.sh import --dir} into the stopped
 *       server's database (the admin REST API slows to 0.3 realm/s past 400 realms: the master admin role gains every
 *       new realm's management roles), then starts it again; both timed by load.sh.</li>
 *   <li>{@code --phase 2}: checks that the realms are there, takes fresh tokens for the existing benchmark realms
 *       (nothing is created) and checks every workload, AssumeRole included, still succeeds after the restart;
 *       heap after GC before and after the warm-up; the measured rounds; then the tables of both phases: build times,
 *       throughput, ratios to V2 per phase and across, heap after GC.</li>
 * </ol>
 *
 * <p>Usage: {@code bench/load.sh --scaling [--roles 10000] [--principals 2000] [--accounts 1000] [--seconds 10]
 * [--rounds 3] [--concurrency 8] [--warmup 30] [--account-keys generated|shared] [--roles-per-account 0]} (see
 * {@code writeAccountFiles}; with roles per account, phase 2 also times the platform view over all of them). Options load.sh sets: {@code --phase 1|2 --pid <Keycloak JVM>
 * --state <file> --accounts-dir <dir>}, and for phase 2 {@code --start-seconds --import-seconds --imported
 * --restart-seconds}. The heap figures need {@code jcmd} on the PATH, run as the Keycloak JVM's user.
 */
public final class ScalingBenchmark {

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private static final String V2 = "standard-exchange-v2";
    private static final String[][] DEFAULTS = {{"--server", "http://localhost:18080"}, {"--seconds", "10"}, {"--rounds", "3"},
            {"--concurrency", "8"}, {"--warmup", "30"}, {"--roles", "10000"}, {"--principals", "2000"}, {"--accounts", "1000"},
            {"--phase", ""}, {"--pid", ""}, {"--state", "bench/target/scaling-state.json"}, {"--accounts-dir", "bench/target/scaling-accounts"},
            {"--account-keys", "generated"}, {"--roles-per-account", "0"},
            {"--start-seconds", ""}, {"--import-seconds", ""}, {"--imported", ""}, {"--restart-seconds", ""}};

    /** One workload's figures over a phase's rounds, and each round's (their spread is the noise). */
    public record Summary(double throughput, double p50, double p99, long errors, List<Double> roundThroughputs, List<Double> roundP99s) {
    }

    /** Heap after a forced full GC at one moment of the run. */
    public record Heap(String moment, int realms, long usedKb, long committedKb, long metaspaceKb) {
    }

    /** What phase 1 hands to phase 2 across the restart. */
    public record State(int roles, int principals, int realms, int accountFiles, double rolesSeconds, long maxHeapMb,
                        Map<String, Summary> results, List<Heap> heap) {
    }

    private final LoadBenchmark bench;
    private final Map<String, String> options;
    private final String pid;
    private String adminToken;
    private long adminTokenAt;

    private ScalingBenchmark(Map<String, String> options) {
        this.options = options;
        this.bench = new LoadBenchmark(options.get("--server"));
        this.pid = options.get("--pid");
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> options = new LinkedHashMap<>();
        for (String[] d : DEFAULTS) {
            options.put(d[0], d[1]);
        }
        if (args.length % 2 != 0) {
            throw new IllegalArgumentException("options come in pairs: " + String.join(" ", args));
        }
        for (int i = 0; i < args.length; i += 2) {
            if (!options.containsKey(args[i])) {
                throw new IllegalArgumentException("unknown option " + args[i] + "; known: " + options.keySet());
            }
            options.put(args[i], args[i + 1]);
        }
        ScalingBenchmark scaling = new ScalingBenchmark(options);
        switch (options.get("--phase")) {
            case "1" -> scaling.phase1();
            case "2" -> scaling.phase2();
            default -> throw new IllegalArgumentException("--phase 1 or --phase 2 (bench/load.sh --scaling runs both)");
        }
    }

    private int option(String name) {
        return Integer.parseInt(options.get(name));
    }

    // ---------------------------------------------------------------- phase 1: few realms

    private void phase1() throws Exception {
        int roles = option("--roles");
        int principals = option("--principals");
        List<Heap> heap = new ArrayList<>();
        heap(heap, "empty server, just started", realmCount());

        Map<String, LoadBenchmark.Workload> base = bench.setUp();
        LoadBenchmark.Workload oneRole = base.get("assume-role");
        long rolesStarted = System.nanoTime();
        LoadBenchmark.Workload manyRoles = manyRoles(oneRole, roles);
        double rolesSeconds = (System.nanoTime() - rolesStarted) / 1e9;
        LoadBenchmark.Workload manyPrincipals = manyPrincipals(oneRole, principals);
        Map<String, LoadBenchmark.Workload> workloads = workloads(oneRole, manyRoles, manyPrincipals, base.get(V2), roles, principals);
        verify(workloads, "phase 1");

        int realms = realmCount();
        Map<String, Summary> results = measure(workloads, "phase 1", realms, heap,
                "after " + roles + " roles, " + principals + " principals and the warm-up");
        int files = writeAccountFiles(option("--accounts") - (realms - 1)); // every realm but master is an account
        long maxHeapMb = pid.isEmpty() ? 0 : JvmProbe.maxHeapBytes(pid) / (1024 * 1024);
        State state = new State(roles, principals, realms, files, rolesSeconds, maxHeapMb, results, heap);
        Files.writeString(Path.of(options.get("--state")), JSON.writeValueAsString(state), StandardCharsets.UTF_8);

        System.out.printf(Locale.ROOT, "%nphase 1: %d realms on the server; %d roles created in %.0f s (%.0f roles/s); "
                + "%d account realm files written to %s%n%n", realms, roles, rolesSeconds, roles / rolesSeconds, files, options.get("--accounts-dir"));
        throughputTable(Map.of(), state, null, 0);
        ratioToV2Table(Map.of("phase 1 (" + realms + " realms)", results));
    }

    /**
     * Realm files for {@code count} more accounts, named as {@code kc.sh import --dir} expects ({@code <realm>-realm.json}).
     * With {@code --account-keys generated} (the default) each realm gets Keycloak's default keys, generated by the import
     * as for any new realm: two RSA-2048 key pairs per realm, which are most of the import's time. With {@code shared},
     * every file carries the same pre-generated RSA key pair (signing and encryption providers of type {@code rsa} and
     * {@code rsa-enc}, plus Keycloak's generated HMAC and AES keys), so the import generates no RSA keys.
     */
    private int writeAccountFiles(int count) throws Exception {
        Path dir = Path.of(options.get("--accounts-dir"));
        Files.createDirectories(dir);
        try (var old = Files.list(dir)) {
            for (Path p : old.toList()) {
                Files.delete(p);
            }
        }
        Map<String, Object> keys = switch (options.get("--account-keys")) {
            case "generated" -> null;
            case "shared" -> sharedKeyProviders();
            default -> throw new IllegalArgumentException("--account-keys generated|shared");
        };
        ObjectMapper json = new ObjectMapper();
        for (int i = 1; i <= count; i++) {
            String realm = String.format("bench-acct-%04d", i);
            // An account as an operator's realm export has it: the ID as the carrier attribute, events stored. The
            // extension claims the ID when the import creates the realm and adds the sts and sts-console clients.
            Map<String, Object> representation = new LinkedHashMap<>(Map.of("realm", realm, "enabled", true, "eventsEnabled", true,
                    "attributes", Map.of("sts.account-id", String.format("%08d", 50_000_000 + i))));
            if (keys != null) {
                representation.put("components", keys);
            }
            int perAccount = option("--roles-per-account");
            if (perAccount > 0) {
                representation.put("clients", roleClients(i, count, perAccount));
            }
            Files.writeString(dir.resolve(realm + "-realm.json"), json.writeValueAsString(representation), StandardCharsets.UTF_8);
        }
        return Math.max(0, count);
    }

    /**
     * {@code perAccount} assumable roles of account {@code i} as a realm export holds them (role clients with their trust
     * policy attribute, locked by the extension when imported): each trusts one to three other accounts of the run, some
     * with an external ID, some with a term, one in thirty an account ID nobody holds, so that the platform view has
     * edges and every kind of trust finding to compute.
     */
    private static List<Map<String, Object>> roleClients(int i, int count, int perAccount) {
        List<Map<String, Object>> clients = new ArrayList<>();
        for (int r = 0; r < perAccount; r++) {
            int seed = i * 31 + r * 7;
            List<String> principals = new ArrayList<>();
            for (int k = 0; k <= seed % 3; k++) {
                int other = 1 + (i + 1 + k * 97 + r) % Math.max(1, count);
                principals.add(String.format("acs:ram::%08d:root", seed % 30 == 0 && k == 0 ? 59_999_999 : 50_000_000 + other));
            }
            Map<String, Object> statement = new LinkedHashMap<>(Map.of("Effect", "Allow", "Action", "sts:AssumeRole",
                    "Principal", Map.of("RAM", principals)));
            if (seed % 4 == 0) {
                statement.put("Condition", Map.of("StringEquals", Map.of("sts:ExternalId", "ext-" + i + "-" + r)));
            } else if (seed % 5 == 0) {
                statement.put("Condition", Map.of("DateLessThan", Map.of("acs:CurrentTime", "2027-0" + (1 + seed % 9) + "-01T00:00:00Z")));
            }
            String trust;
            try {
                trust = new ObjectMapper().writeValueAsString(Map.of("Version", "1", "Statement", List.of(statement)));
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
            String name = "role-" + r;
            clients.add(Map.of("clientId", "sts-role:" + name, "serviceAccountsEnabled", true, "publicClient", false,
                    "attributes", Map.of("sts.role-name", name, "sts.trust-policy", trust)));
        }
        return clients;
    }

    /** The realm representation's key providers with one RSA key pair made here (the certificate is made by Keycloak). */
    private static Map<String, Object> sharedKeyProviders() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        String privateKey = Base64.getEncoder().encodeToString(generator.generateKeyPair().getPrivate().getEncoded());
        return Map.of("org.keycloak.keys.KeyProvider", List.of(
                Map.of("name", "rsa", "providerId", "rsa", "config",
                        Map.of("priority", List.of("100"), "privateKey", List.of(privateKey), "algorithm", List.of("RS256"))),
                Map.of("name", "rsa-enc", "providerId", "rsa-enc", "config",
                        Map.of("priority", List.of("100"), "privateKey", List.of(privateKey), "algorithm", List.of("RSA-OAEP"))),
                Map.of("name", "hmac-generated", "providerId", "hmac-generated", "config",
                        Map.of("priority", List.of("100"), "algorithm", List.of("HS512"))),
                Map.of("name", "aes-generated", "providerId", "aes-generated", "config", Map.of("priority", List.of("100")))));
    }

    // ---------------------------------------------------------------- phase 2: after the import and a restart

    private void phase2() throws Exception {
        State state = JSON.readValue(Path.of(options.get("--state")).toFile(), State.class);
        int realms = realmCount();
        int expected = state.realms() + state.accountFiles();
        if (realms < expected) {
            throw new IllegalStateException("the server has " + realms + " realms after the import, expected " + expected
                    + " (" + state.realms() + " + " + state.accountFiles() + " imported); see the import log");
        }
        verifyImportedAccounts(state.accountFiles());
        List<Heap> heap = new ArrayList<>(state.heap());
        heap(heap, "restarted with " + realms + " realms, before the warm-up", realms);

        Map<String, LoadBenchmark.Workload> base = bench.workloads(); // fresh tokens; the realms exist already
        LoadBenchmark.Workload oneRole = base.get("assume-role");
        Map<String, LoadBenchmark.Workload> workloads = workloads(oneRole, retarget(oneRole, "bench-r10k", "31000003"),
                retarget(oneRole, "bench-p2k", "31000004"), base.get(V2), state.roles(), state.principals());
        verify(workloads, "phase 2 (after the restart)");
        Map<String, Summary> results = measure(workloads, "phase 2", realms, heap, "restarted with " + realms + " realms, after the warm-up");

        int concurrency = option("--concurrency");
        System.out.printf(Locale.ROOT, "%nScaling: concurrency %d, %d rounds × %d s per workload and phase (after %d s warm-up each); "
                        + "realms on the server: %d in phase 1, %d in phase 2 (%d account realms)%n%n", concurrency, option("--rounds"),
                option("--seconds"), option("--warmup"), state.realms(), realms, realms - 1);
        buildTable(state, realms);
        throughputTable(results, state, workloads.keySet(), realms);
        Map<String, Map<String, Summary>> phases = new LinkedHashMap<>();
        phases.put("phase 1 (" + state.realms() + " realms)", state.results());
        phases.put("phase 2 (" + realms + " realms)", results);
        ratioToV2Table(phases);
        comparisonTable(state, results, realms);
        heapTable(heap, state.maxHeapMb());
        if (option("--roles-per-account") > 0) {
            platformViewTable(realms);
        }
    }

    /** The platform view over every account: the trust graph and the findings, three times each (first, then warm). */
    private void platformViewTable(int realms) throws Exception {
        String base = adminUrl("master") + "/sts/platform/trust-graph";
        System.out.printf("%nPlatform view with %d realms (--roles-per-account %s):%n%n| request | run | seconds | answer |%n|---|---|---|---|%n",
                realms, options.get("--roles-per-account"));
        for (String path : List.of("", "/findings", "/report")) {
            for (int run = 1; run <= 3; run++) {
                long started = System.nanoTime();
                HttpResponse<String> answer = bench.request("GET", base + path, null, admin());
                double seconds = (System.nanoTime() - started) / 1e9;
                check(answer, "GET trust-graph" + path);
                String summary = path.equals("/report") ? answer.body().length() / 1024 + " KiB"
                        : path.isEmpty() ? JSON.readTree(answer.body()).path("edges").size() + " edges, "
                                + JSON.readTree(answer.body()).path("findings").size() + " findings"
                        : JSON.readTree(answer.body()).size() + " findings";
                System.out.printf(Locale.ROOT, "| GET trust-graph%s | %d | %.2f | %s |%n", path, run, seconds, summary);
            }
        }
    }

    /**
     * The imported realms are accounts, not just realms: the first, middle and last of them hold their account ID in
     * the registry (claimed at import) and have the {@code sts} client.
     */
    private void verifyImportedAccounts(int files) throws Exception {
        for (int i : new int[] {1, (files + 1) / 2, files}) {
            if (i < 1) {
                continue;
            }
            String realm = String.format("bench-acct-%04d", i);
            String expected = String.format("%08d", 50_000_000 + i);
            HttpResponse<String> account = bench.request("GET", adminUrl(realm) + "/sts/account", null, admin());
            check(account, "account of imported realm " + realm);
            String accountId = JSON.readTree(account.body()).path("accountId").asText();
            if (!expected.equals(accountId)) {
                throw new IllegalStateException("imported realm " + realm + " has account ID '" + accountId + "', expected " + expected
                        + ": " + account.body());
            }
            HttpResponse<String> sts = bench.request("GET", adminUrl(realm) + "/clients?clientId=sts", null, admin());
            check(sts, "sts client of " + realm);
            if (JSON.readTree(sts.body()).size() != 1) {
                throw new IllegalStateException("imported realm " + realm + " has no sts client");
            }
        }
        System.out.printf("phase 2: imported realms checked (account ID registered, sts client): bench-acct-0001, -%04d, -%04d%n",
                (files + 1) / 2, files);
    }

    // ---------------------------------------------------------------- workloads and rounds

    private static Map<String, LoadBenchmark.Workload> workloads(LoadBenchmark.Workload oneRole, LoadBenchmark.Workload manyRoles,
                                                                 LoadBenchmark.Workload manyPrincipals, LoadBenchmark.Workload v2,
                                                                 int roles, int principals) {
        Map<String, LoadBenchmark.Workload> workloads = new LinkedHashMap<>();
        workloads.put("assume-role, 1 role, 1 principal", oneRole);
        workloads.put("assume-role, " + roles + " roles", manyRoles);
        workloads.put("assume-role, " + principals + " principals", manyPrincipals);
        workloads.put(V2, v2);
        return workloads;
    }

    private void verify(Map<String, LoadBenchmark.Workload> workloads, String phase) {
        for (Map.Entry<String, LoadBenchmark.Workload> w : workloads.entrySet()) {
            if (!bench.send(w.getValue())) {
                throw new IllegalStateException(phase + ": workload " + w.getKey() + " does not succeed once; check the server log");
            }
        }
    }

    /** Warm-up of every workload, heap after GC, then the rounds, interleaved. */
    private Map<String, Summary> measure(Map<String, LoadBenchmark.Workload> workloads, String phase, int realms, List<Heap> heap,
                                         String heapMoment) throws Exception {
        int concurrency = option("--concurrency");
        for (LoadBenchmark.Workload w : workloads.values()) {
            bench.run(w, concurrency, option("--warmup"));
        }
        heap(heap, heapMoment, realms);
        Map<String, LoadBenchmark.Result> merged = new LinkedHashMap<>();
        Map<String, List<LoadBenchmark.Result>> perRound = new LinkedHashMap<>();
        for (int round = 1; round <= option("--rounds"); round++) {
            for (Map.Entry<String, LoadBenchmark.Workload> w : workloads.entrySet()) {
                LoadBenchmark.Result r = bench.run(w.getValue(), concurrency, option("--seconds"));
                merged.merge(w.getKey(), r, LoadBenchmark.Result::plus);
                perRound.computeIfAbsent(w.getKey(), k -> new ArrayList<>()).add(r);
                System.out.printf(Locale.ROOT, "%s (%d realms), round %d  %-36s %8.1f req/s  p50 %6.2f ms  p99 %7.2f ms  errors %d%n",
                        phase, realms, round, w.getKey(), r.throughput(), r.p(50), r.p(99), r.errors.get());
            }
        }
        Map<String, Summary> results = new LinkedHashMap<>();
        for (Map.Entry<String, LoadBenchmark.Result> e : merged.entrySet()) {
            LoadBenchmark.Result r = e.getValue();
            List<LoadBenchmark.Result> rounds = perRound.get(e.getKey());
            results.put(e.getKey(), new Summary(r.throughput(), r.p(50), r.p(99), r.errors.get(),
                    rounds.stream().map(LoadBenchmark.Result::throughput).toList(), rounds.stream().map(x -> x.p(99)).toList()));
        }
        return results;
    }

    private void heap(List<Heap> heap, String moment, int realms) throws Exception {
        if (pid.isEmpty()) {
            return;
        }
        JvmProbe.AfterGc gc = JvmProbe.afterGc(pid);
        heap.add(new Heap(moment, realms, gc.heapUsedKb(), gc.heapCommittedKb(), gc.metaspaceKb()));
        System.out.printf(Locale.ROOT, "heap after GC, %s: %d MB used, %d MB committed, metaspace %d MB%n", moment,
                gc.heapUsedKb() / 1024, gc.heapCommittedKb() / 1024, gc.metaspaceKb() / 1024);
    }

    // ---------------------------------------------------------------- tables

    private void buildTable(State state, int realms) {
        System.out.println("| build step | count | wall clock (s) | rate |");
        System.out.println("|---|---|---|---|");
        System.out.printf(Locale.ROOT, "| first start, empty file database (`kc.sh start-dev`, until ready) | 1 realm | %s | |%n",
                options.get("--start-seconds"));
        System.out.printf(Locale.ROOT, "| roles created through the admin REST API (phase 1, 4 threads) | %d roles | %.0f | %.0f roles/s |%n",
                state.roles(), state.rolesSeconds(), state.roles() / state.rolesSeconds());
        String imported = options.get("--imported");
        String importSeconds = options.get("--import-seconds");
        String rate = imported.isEmpty() || importSeconds.isEmpty() ? ""
                : String.format(Locale.ROOT, "%.1f realms/s", Integer.parseInt(imported) / Double.parseDouble(importSeconds));
        System.out.printf(Locale.ROOT, "| account realms imported, server stopped (`kc.sh import --dir`, whole command) | %s realms | %s | %s |%n",
                imported, importSeconds, rate);
        System.out.printf(Locale.ROOT, "| restart with all realms (`kc.sh start-dev`, until ready) | %d realms | %s | |%n%n",
                realms, options.get("--restart-seconds"));
    }

    /** Both phases' figures; phase 2's are left out when {@code phase2Names} is null (phase 1 prints its own). */
    private static void throughputTable(Map<String, Summary> phase2, State state, Iterable<String> phase2Names, int realms2) {
        System.out.println("| workload | realms on the server | throughput (req/s) | p50 (ms) | p99 (ms) | errors | per round (req/s) |");
        System.out.println("|---|---|---|---|---|---|---|");
        state.results().forEach((name, s) -> row(name, state.realms(), s));
        if (phase2Names != null) {
            for (String name : phase2Names) {
                row(name, realms2, phase2.get(name));
            }
        }
        System.out.println();
    }

    private static void row(String name, int realms, Summary s) {
        System.out.printf(Locale.ROOT, "| %s | %d | %.1f | %.2f | %.2f | %d | %s |%n", name, realms, s.throughput(), s.p50(), s.p99(),
                s.errors(), join(s.roundThroughputs(), "%.0f"));
    }

    /** Every workload over standard V2 of the same phase: throughput and p99, merged and per round. */
    private static void ratioToV2Table(Map<String, Map<String, Summary>> phases) {
        System.out.println("| phase | workload | throughput / V2 | per round | p99 / V2 | per round |");
        System.out.println("|---|---|---|---|---|---|");
        phases.forEach((phase, results) -> {
            Summary v2 = results.get(V2);
            results.forEach((name, s) -> {
                if (name.equals(V2)) {
                    return;
                }
                List<Double> t = new ArrayList<>();
                List<Double> p = new ArrayList<>();
                for (int i = 0; i < s.roundThroughputs().size(); i++) {
                    t.add(s.roundThroughputs().get(i) / v2.roundThroughputs().get(i));
                    p.add(s.roundP99s().get(i) / v2.roundP99s().get(i));
                }
                System.out.printf(Locale.ROOT, "| %s | %s | %.2f | %s | %.2f | %s |%n", phase, name, s.throughput() / v2.throughput(),
                        join(t, "%.2f"), s.p99() / v2.p99(), join(p, "%.2f"));
            });
        });
        System.out.println();
    }

    private static void comparisonTable(State state, Map<String, Summary> after, int realmsAfter) {
        Map<String, Summary> before = state.results();
        List<String> names = new ArrayList<>(before.keySet());
        System.out.println("| comparison | throughput ratio | change | p99 ratio |");
        System.out.println("|---|---|---|---|");
        ratio("1 → " + state.roles() + " roles (phase 1)", before.get(names.get(0)), before.get(names.get(1)));
        ratio("1 → " + state.principals() + " principals (phase 1)", before.get(names.get(0)), before.get(names.get(2)));
        ratio("1 → " + state.roles() + " roles (phase 2)", after.get(names.get(0)), after.get(names.get(1)));
        ratio("1 → " + state.principals() + " principals (phase 2)", after.get(names.get(0)), after.get(names.get(2)));
        String realms = state.realms() + " → " + realmsAfter + " realms";
        ratio(realms + ", AssumeRole (1 role), raw", before.get(names.get(0)), after.get(names.get(0)));
        ratio(realms + ", standard V2 (drift reference), raw", before.get(V2), after.get(V2));
        // Across the restart the machine and the JIT state differ; the ratio to V2 of the same phase cancels that.
        for (String name : names) {
            if (!name.equals(V2)) {
                double t = (after.get(name).throughput() / after.get(V2).throughput()) / (before.get(name).throughput() / before.get(V2).throughput());
                double p = (after.get(name).p99() / after.get(V2).p99()) / (before.get(name).p99() / before.get(V2).p99());
                System.out.printf(Locale.ROOT, "| %s, %s, relative to V2 | %.2f | %+.1f %% | %.2f |%n", realms, name, t, (t - 1) * 100, p);
            }
        }
        System.out.println();
    }

    private static void ratio(String what, Summary from, Summary to) {
        double t = to.throughput() / from.throughput();
        System.out.printf(Locale.ROOT, "| %s | %.2f | %+.1f %% | %.2f |%n", what, t, (t - 1) * 100, to.p99() / from.p99());
    }

    private static void heapTable(List<Heap> heap, long maxHeapMb) {
        if (heap.isEmpty()) {
            System.out.println("(no heap figures: no --pid)");
            return;
        }
        long empty = heap.get(0).usedKb();
        System.out.printf("Keycloak JVM heap after a forced full GC (`jcmd <pid> GC.run` twice, then `GC.heap_info`; max heap %d MB):%n%n", maxHeapMb);
        System.out.println("| moment | realms on the server | heap used after GC (MB) | vs the empty server (MB) | heap committed (MB) | metaspace used (MB) |");
        System.out.println("|---|---|---|---|---|---|");
        for (Heap h : heap) {
            System.out.printf(Locale.ROOT, "| %s | %d | %.0f | %+.0f | %.0f | %.0f |%n", h.moment(), h.realms(), h.usedKb() / 1024.0,
                    (h.usedKb() - empty) / 1024.0, h.committedKb() / 1024.0, h.metaspaceKb() / 1024.0);
        }
        System.out.println();
    }

    private static String join(List<Double> values, String format) {
        return String.join(", ", values.stream().map(v -> String.format(Locale.ROOT, format, v)).toList());
    }

    // ---------------------------------------------------------------- setup through the admin REST API

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

    private static LoadBenchmark.Workload retarget(LoadBenchmark.Workload oneRole, String realm, String accountId) {
        return new LoadBenchmark.Workload(oneRole.name(), oneRole.url().replace("/realms/bench-a/", "/realms/" + realm + "/"),
                oneRole.body().replace("%3A%3A31000001%3A", "%3A%3A" + accountId + "%3A"));
    }

    private int realmCount() throws Exception {
        HttpResponse<String> response = bench.request("GET", bench.server + "/admin/realms?briefRepresentation=true", null, admin());
        check(response, "list realms");
        return JSON.readTree(response.body()).size();
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

    /** One admin call. */
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
