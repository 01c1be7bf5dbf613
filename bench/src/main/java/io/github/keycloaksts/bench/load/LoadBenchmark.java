package io.github.keycloaksts.bench.load;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.HdrHistogram.Histogram;

/**
 * HTTP load against one running Keycloak: (1) client-credentials grant, (2) Keycloak's same-realm standard token
 * exchange (V2), (3) keycloak-sts AssumeRole across realms — at several concurrencies, rounds interleaved so that
 * machine drift hits all three alike. Prints throughput, p50/p99 latency, errors and the AssumeRole/V2 ratios.
 *
 * <p>Usage: {@code java -cp bench/target/keycloak-sts-bench.jar io.github.keycloaksts.bench.load.LoadBenchmark
 * --server http://localhost:18080 --seconds 10 --rounds 3 --concurrency 1,8,32} (see bench/load.sh).
 */
public final class LoadBenchmark {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String EXCHANGE = "urn:ietf:params:oauth:grant-type:token-exchange";
    private static final String ACCESS_TOKEN = "urn:ietf:params:oauth:token-type:access_token";

    final String server;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    LoadBenchmark(String server) {
        this.server = server;
    }

    HttpClient http() {
        return http;
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> options = new LinkedHashMap<>(Map.of("--server", "http://localhost:18080", "--seconds", "10",
                "--rounds", "3", "--concurrency", "1,8,32", "--warmup", "10"));
        for (int i = 0; i + 1 < args.length; i += 2) {
            options.put(args[i], args[i + 1]);
        }
        LoadBenchmark bench = new LoadBenchmark(options.get("--server"));
        int seconds = Integer.parseInt(options.get("--seconds"));
        int rounds = Integer.parseInt(options.get("--rounds"));
        List<Integer> concurrencies = List.of(options.get("--concurrency").split(",")).stream().map(Integer::valueOf).toList();

        Map<String, Workload> workloads = bench.setUp();
        if (options.containsKey("--guardrails")) {
            bench.guardrails(Integer.parseInt(options.get("--guardrails")));
        }
        if (options.containsKey("--workloads")) {
            // e.g. for a profile of two workloads only: --workloads assume-role,standard-exchange-v2
            workloads.keySet().retainAll(List.of(options.get("--workloads").split(",")));
        }
        System.out.printf("warm-up %d s per workload%n", Integer.parseInt(options.get("--warmup")));
        for (Workload w : workloads.values()) {
            bench.run(w, 8, Integer.parseInt(options.get("--warmup")));
        }
        Map<String, Result> results = new LinkedHashMap<>();
        Map<String, List<Result>> perRound = new LinkedHashMap<>();
        for (int round = 1; round <= rounds; round++) {
            for (int concurrency : concurrencies) {
                for (Workload w : workloads.values()) {
                    Result r = bench.run(w, concurrency, seconds);
                    results.merge(w.name + "@" + concurrency, r, Result::plus);
                    perRound.computeIfAbsent(w.name + "@" + concurrency, k -> new ArrayList<>()).add(r);
                    // the window (epoch ms) lets ProfileBreakdown attribute a JFR recording's samples to this run
                    System.out.printf("round %d  %-22s c=%-3d %8.1f req/s  p50 %6.2f ms  p99 %7.2f ms  errors %d  window %d-%d ok %d%n",
                            round, w.name, concurrency, r.throughput(), r.p(50), r.p(99), r.errors.get(), r.startedAt, r.endedAt,
                            r.ok.get());
                }
            }
        }
        System.out.println();
        System.out.println("| workload | concurrency | throughput (req/s) | p50 (ms) | p99 (ms) | errors |");
        System.out.println("|---|---|---|---|---|---|");
        for (Map.Entry<String, Result> e : results.entrySet()) {
            String[] key = e.getKey().split("@");
            Result r = e.getValue();
            System.out.printf(Locale.ROOT, "| %s | %s | %.1f | %.2f | %.2f | %d |%n", key[0], key[1], r.throughput(), r.p(50), r.p(99), r.errors.get());
        }
        ratios("AssumeRole / standard V2", "assume-role", "standard-exchange-v2", concurrencies, results, perRound);
        ratios("role-token / ordinary introspection", "introspect-role-token", "introspect-ordinary", concurrencies, results, perRound);
        ratios("chained / first-hop AssumeRole", "assume-role-chained", "assume-role", concurrencies, results, perRound);
    }

    /** Throughput and p99 of {@code subject} over {@code reference}, merged and per round (the spread is the noise). */
    private static void ratios(String title, String subject, String reference, List<Integer> concurrencies,
                               Map<String, Result> results, Map<String, List<Result>> perRound) {
        if (!results.containsKey(subject + "@" + concurrencies.get(0)) || !results.containsKey(reference + "@" + concurrencies.get(0))) {
            return;
        }
        System.out.println();
        System.out.printf("| concurrency | %s throughput | per round | %s p99 | per round |%n", title, title);
        System.out.println("|---|---|---|---|---|");
        for (int c : concurrencies) {
            Result s = results.get(subject + "@" + c);
            Result r = results.get(reference + "@" + c);
            List<Result> sRounds = perRound.get(subject + "@" + c);
            List<Result> rRounds = perRound.get(reference + "@" + c);
            List<String> throughputs = new ArrayList<>();
            List<String> p99s = new ArrayList<>();
            for (int i = 0; i < sRounds.size(); i++) {
                throughputs.add(String.format(Locale.ROOT, "%.2f", sRounds.get(i).throughput() / rRounds.get(i).throughput()));
                p99s.add(String.format(Locale.ROOT, "%.2f", sRounds.get(i).p(99) / rRounds.get(i).p(99)));
            }
            System.out.printf(Locale.ROOT, "| %d | %.2f | %s | %.2f | %s |%n", c, s.throughput() / r.throughput(),
                    String.join(", ", throughputs), s.p(99) / r.p(99), String.join(", ", p99s));
        }
    }

    /** A request repeated under load; it succeeds when the answer is 200 and its body contains {@code success}. */
    record Workload(String name, String url, String body, String success) {
        Workload(String name, String url, String body) {
            this(name, url, body, "access_token");
        }
    }

    static final class Result {
        final Histogram histogram = new Histogram(3_600_000_000L, 3);
        final AtomicLong ok = new AtomicLong();
        final AtomicLong errors = new AtomicLong();
        double seconds;
        long startedAt;
        long endedAt;

        double throughput() {
            return ok.get() / seconds;
        }

        double p(double percentile) {
            return histogram.getValueAtPercentile(percentile) / 1000.0;
        }

        Result plus(Result other) {
            Result sum = new Result();
            sum.histogram.add(histogram);
            sum.histogram.add(other.histogram);
            sum.ok.set(ok.get() + other.ok.get());
            sum.errors.set(errors.get() + other.errors.get());
            sum.seconds = seconds + other.seconds;
            return sum;
        }
    }

    Result run(Workload workload, int concurrency, int seconds) throws InterruptedException {
        Result result = new Result();
        long end = System.nanoTime() + seconds * 1_000_000_000L;
        CountDownLatch done = new CountDownLatch(concurrency);
        Histogram[] perThread = new Histogram[concurrency];
        long started = System.nanoTime();
        result.startedAt = System.currentTimeMillis();
        for (int t = 0; t < concurrency; t++) {
            Histogram h = new Histogram(3_600_000_000L, 3);
            perThread[t] = h;
            startDaemon(() -> {
                try {
                    while (System.nanoTime() < end) {
                        long t0 = System.nanoTime();
                        boolean success = send(workload);
                        long micros = (System.nanoTime() - t0) / 1000;
                        if (success) {
                            h.recordValue(Math.max(1, micros));
                            result.ok.incrementAndGet();
                        } else {
                            result.errors.incrementAndGet();
                        }
                    }
                } finally {
                    done.countDown();
                }
            });
        }
        done.await();
        result.endedAt = System.currentTimeMillis();
        result.seconds = (System.nanoTime() - started) / 1e9;
        for (Histogram h : perThread) {
            result.histogram.add(h);
        }
        return result;
    }

    boolean send(Workload workload) {
        try {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(workload.url()))
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(HttpRequest.BodyPublishers.ofString(workload.body())).build(), HttpResponse.BodyHandlers.ofString());
            return response.statusCode() == 200 && response.body().contains(workload.success());
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Creates the benchmark accounts through the admin API and returns the three workloads. */
    Map<String, Workload> setUp() throws Exception {
        String admin = token("master", Map.of("grant_type", "password", "client_id", "admin-cli", "username", "admin", "password", "admin"));
        for (String realm : List.of("bench-a", "bench-b")) {
            request("DELETE", server + "/admin/realms/" + realm, null, admin);
        }
        Map<String, Object> audienceSts = mapper("aud-sts", "sts");
        Map<String, Object> audienceExchanger = mapper("aud-exchanger", "bench-exchanger");
        check(request("POST", server + "/admin/realms", Map.of(
                "realm", "bench-b", "enabled", true, "eventsEnabled", true, "accessTokenLifespan", 7200,
                "attributes", Map.of("sts.account-id", "31000002"),
                "roles", Map.of("realm", List.of(Map.of("name", "assumer", "attributes", Map.of("sts.assume-role", List.of("acs:ram::31000001:role/*", "acs:ram::31000003:role/*", "acs:ram::31000004:role/*"))))),
                "clients", List.of(
                        Map.of("clientId", "app", "publicClient", true, "directAccessGrantsEnabled", true, "standardFlowEnabled", false,
                                "protocolMappers", List.of(audienceSts, audienceExchanger)),
                        Map.of("clientId", "sts", "publicClient", true, "standardFlowEnabled", false),
                        Map.of("clientId", "bench-exchanger", "publicClient", false, "secret", "exchanger-secret", "standardFlowEnabled", false,
                                "attributes", Map.of("standard.token.exchange.enabled", "true"))),
                "users", List.of(Map.of("username", "bench-user", "enabled", true, "email", "bench@example.org", "emailVerified", true,
                        "firstName", "Bench", "lastName", "User",
                        "credentials", List.of(Map.of("type", "password", "value", "bench-pass-1", "temporary", false)),
                        "realmRoles", List.of("assumer")))), admin), "create bench-b");
        // bench-rs: a resource server that introspects both an ordinary user token of bench-a (issued through bench-app
        // for its audience) and a role token carrying its client role "read" (so it is in the role token's aud).
        check(request("POST", server + "/admin/realms", Map.of(
                "realm", "bench-a", "enabled", true, "eventsEnabled", true, "accessTokenLifespan", 7200,
                "roles", Map.of("realm", List.of(Map.of("name", "BenchPolicy")), "client", Map.of("bench-rs", List.of(Map.of("name", "read")))),
                "clients", List.of(Map.of("clientId", "bench-cc", "publicClient", false, "secret", "cc-secret",
                                "serviceAccountsEnabled", true, "standardFlowEnabled", false),
                        Map.of("clientId", "bench-rs", "publicClient", false, "secret", "rs-secret", "standardFlowEnabled", false),
                        Map.of("clientId", "bench-app", "publicClient", true, "directAccessGrantsEnabled", true, "standardFlowEnabled", false,
                                "protocolMappers", List.of(mapper("aud-rs", "bench-rs")))),
                "users", List.of(Map.of("username", "bench-a-user", "enabled", true, "email", "bench-a@example.org", "emailVerified", true,
                        "firstName", "Bench", "lastName", "User",
                        "credentials", List.of(Map.of("type", "password", "value", "bench-pass-1", "temporary", false)),
                        "clientRoles", Map.of("bench-rs", List.of("read"))))), admin), "create bench-a");
        check(request("PUT", server + "/admin/realms/bench-a/sts/account", Map.of("accountId", "31000001"), admin), "account bench-a");
        check(request("POST", server + "/admin/realms/bench-a/sts/roles", Map.of("roleName", "bench-role",
                "trustPolicy", Map.of("Version", "1", "Statement", List.of(Map.of("Effect", "Allow", "Action", "sts:AssumeRole",
                        "Principal", Map.of("RAM", List.of("acs:ram::31000002:root")))))), admin), "create role");
        check(request("POST", server + "/admin/realms/bench-a/sts/roles/bench-role/policies", Map.of("policyName", "BenchPolicy"), admin), "attach");
        check(request("POST", server + "/admin/realms/bench-a/sts/roles/bench-role/policies", Map.of("policyName", "read", "clientId", "bench-rs"),
                admin), "attach read");
        // Role chaining: bench-chain's sessions (granted bench-hop onward by the policy Chainer) assume bench-hop.
        check(request("POST", server + "/admin/realms/bench-a/roles", Map.of("name", "Chainer",
                "attributes", Map.of("sts.assume-role", List.of("acs:ram::31000001:role/bench-hop"))), admin), "create Chainer");
        check(request("POST", server + "/admin/realms/bench-a/sts/roles", Map.of("roleName", "bench-chain",
                "trustPolicy", Map.of("Version", "1", "Statement", List.of(Map.of("Effect", "Allow", "Action", "sts:AssumeRole",
                        "Principal", Map.of("RAM", List.of("acs:ram::31000002:root")))))), admin), "create bench-chain");
        check(request("POST", server + "/admin/realms/bench-a/sts/roles/bench-chain/policies", Map.of("policyName", "Chainer"), admin),
                "attach Chainer");
        check(request("POST", server + "/admin/realms/bench-a/sts/roles", Map.of("roleName", "bench-hop",
                "trustPolicy", Map.of("Version", "1", "Statement", List.of(Map.of("Effect", "Allow", "Action", "sts:AssumeRole",
                        "Principal", Map.of("RAM", List.of("acs:ram::31000001:role/bench-chain")))))), admin), "create bench-hop");
        check(request("POST", server + "/admin/realms/bench-a/sts/roles/bench-hop/policies", Map.of("policyName", "BenchPolicy"), admin),
                "attach to bench-hop");
        return workloads();
    }

    /**
     * Puts {@code count} (at most 3) platform guardrails in force, the three examples of the docs: every AssumeRole then
     * evaluates them (none refuses the benchmark's requests: its accounts are in the organization, its roles carry no
     * admin policy, its subjects are users). Guardrails left by an earlier run are replaced. A server without guardrails
     * (a version before them) answers 404: then nothing is put, and the figures are the plain ones.
     */
    void guardrails(int count) throws Exception {
        String admin = token("master", Map.of("grant_type", "password", "client_id", "admin-cli", "username", "admin", "password", "admin"));
        String platform = server + "/admin/realms/master/sts/platform";
        HttpResponse<String> org = request("PUT", platform + "/organizations/bench-org",
                Map.of("accounts", List.of("31000001", "31000002")), admin);
        if (org.statusCode() == 404) {
            System.out.println("guardrails: not supported by this server; none put");
            return;
        }
        check(org, "organization bench-org");
        List<Map<String, Object>> documents = List.of(
                Map.of("Statement", List.of(Map.of("Effect", "Deny", "Action", "sts:AssumeRole", "Resource", "*",
                        "Condition", Map.of("StringEquals", Map.of("acs:ResourceOrgId", "bench-org"),
                                "StringNotEquals", Map.of("acs:PrincipalOrgId", "bench-org"))))),
                Map.of("Statement", List.of(Map.of("Effect", "Deny", "Action", "sts:AssumeRole", "Resource", "*",
                        "Condition", Map.of("Bool", Map.of("sts:RoleAdminGrade", "true"),
                                "NumericGreaterThan", Map.of("sts:DurationSeconds", "3600"))))),
                Map.of("Statement", List.of(Map.of("Effect", "Deny", "Action", "sts:AssumeRole", "Resource", "*",
                        "Condition", Map.of("StringEquals", Map.of("acs:PrincipalType", "WebIdentity"),
                                "StringNotEquals", Map.of("sts:TrustConditionKeys", "oidc:aud"))))));
        List<String> names = List.of("bench-org-only", "bench-short-admin", "bench-federated-aud");
        for (int i = 0; i < Math.min(count, documents.size()); i++) {
            Map<String, Object> document = new LinkedHashMap<>(documents.get(i));
            document.put("Version", "1");
            check(request("PUT", platform + "/guardrails/" + names.get(i), Map.of("document", document), admin), "guardrail " + names.get(i));
        }
        System.out.printf("guardrails: %d in force%n", Math.min(count, documents.size()));
    }

    /**
     * The workloads against realms that {@link #setUp()} created earlier, with fresh tokens (a password grant, an
     * AssumeRole): usable after a restart of the server without creating anything.
     */
    Map<String, Workload> workloads() throws Exception {
        String subject = token("bench-b", Map.of("grant_type", "password", "client_id", "app", "username", "bench-user", "password", "bench-pass-1"));
        Map<String, Workload> workloads = new LinkedHashMap<>();
        workloads.put("client-credentials", new Workload("client-credentials", server + "/realms/bench-a/protocol/openid-connect/token",
                form(Map.of("grant_type", "client_credentials", "client_id", "bench-cc", "client_secret", "cc-secret"))));
        workloads.put("standard-exchange-v2", new Workload("standard-exchange-v2", server + "/realms/bench-b/protocol/openid-connect/token",
                form(Map.of("grant_type", EXCHANGE, "client_id", "bench-exchanger", "client_secret", "exchanger-secret",
                        "subject_token", subject, "subject_token_type", ACCESS_TOKEN))));
        workloads.put("assume-role", new Workload("assume-role", server + "/realms/bench-a/protocol/openid-connect/token",
                form(Map.of("grant_type", EXCHANGE, "client_id", "sts", "subject_token", subject, "subject_token_type", ACCESS_TOKEN,
                        "role_arn", "acs:ram::31000001:role/bench-role"))));
        String ordinary = token("bench-a", Map.of("grant_type", "password", "client_id", "bench-app", "username", "bench-a-user",
                "password", "bench-pass-1"));
        String roleToken = JSON.readTree(http.send(HttpRequest.newBuilder(URI.create(workloads.get("assume-role").url()))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(workloads.get("assume-role").body())).build(), HttpResponse.BodyHandlers.ofString())
                .body()).get("access_token").asText();
        String chainToken = JSON.readTree(http.send(HttpRequest.newBuilder(URI.create(workloads.get("assume-role").url()))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form(Map.of("grant_type", EXCHANGE, "client_id", "sts", "subject_token", subject,
                        "subject_token_type", ACCESS_TOKEN, "role_arn", "acs:ram::31000001:role/bench-chain")))).build(),
                        HttpResponse.BodyHandlers.ofString()).body()).path("access_token").asText(null);
        if (chainToken != null) {
            workloads.put("assume-role-chained", new Workload("assume-role-chained", workloads.get("assume-role").url(),
                    form(Map.of("grant_type", EXCHANGE, "client_id", "sts", "subject_token", chainToken, "subject_token_type", ACCESS_TOKEN,
                            "role_arn", "acs:ram::31000001:role/bench-hop"))));
        }
        String introspect = server + "/realms/bench-a/protocol/openid-connect/token/introspect";
        workloads.put("introspect-ordinary", new Workload("introspect-ordinary", introspect,
                form(Map.of("client_id", "bench-rs", "client_secret", "rs-secret", "token", ordinary)), "\"active\":true"));
        workloads.put("introspect-role-token", new Workload("introspect-role-token", introspect,
                form(Map.of("client_id", "bench-rs", "client_secret", "rs-secret", "token", roleToken)), "\"active\":true"));
        for (Workload w : workloads.values()) {
            if (!send(w)) {
                throw new IllegalStateException("workload " + w.name + " does not succeed once; check the server log");
            }
        }
        return workloads;
    }

    private static Map<String, Object> mapper(String name, String audience) {
        return Map.of("name", name, "protocol", "openid-connect", "protocolMapper", "oidc-audience-mapper",
                "config", Map.of("included.client.audience", audience, "access.token.claim", "true"));
    }

    String token(String realm, Map<String, String> form) throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(server + "/realms/" + realm + "/protocol/openid-connect/token"))
                .header("Content-Type", "application/x-www-form-urlencoded").POST(HttpRequest.BodyPublishers.ofString(form(form))).build(),
                HttpResponse.BodyHandlers.ofString());
        JsonNode json = JSON.readTree(response.body());
        if (!json.has("access_token")) {
            throw new IllegalStateException("no token from " + realm + ": " + response.body());
        }
        return json.get("access_token").asText();
    }

    HttpResponse<String> request(String method, String url, Object body, String bearer) throws Exception {
        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(url)).header("Authorization", "Bearer " + bearer);
        if (body == null) {
            builder.method(method, HttpRequest.BodyPublishers.noBody());
        } else {
            builder.header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)));
        }
        return http.send(builder.build(), HttpResponse.BodyHandlers.ofString());
    }

    static void check(HttpResponse<String> response, String what) {
        if (response.statusCode() >= 300) {
            throw new IllegalStateException(what + ": HTTP " + response.statusCode() + " " + response.body());
        }
    }

    static String form(Map<String, String> form) {
        return form.entrySet().stream()
                .map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
    }

    private static void startDaemon(Runnable task) {
        Thread thread = new Thread(task, "load");
        thread.setDaemon(true);
        thread.start();
    }
}
