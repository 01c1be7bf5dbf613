package io.github.keycloaksts.bench;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import io.github.keycloaksts.policy.analysis.AccountFacts;
import io.github.keycloaksts.policy.analysis.AnalysisOptions;
import io.github.keycloaksts.policy.analysis.EdgeKey;
import io.github.keycloaksts.policy.analysis.GrantFacts;
import io.github.keycloaksts.policy.analysis.PlatformSnapshot;
import io.github.keycloaksts.policy.analysis.RoleFacts;
import io.github.keycloaksts.policy.analysis.TrustAnalysis;
import io.github.keycloaksts.policy.analysis.TrustAnalyzer;
import io.github.keycloaksts.policy.analysis.TrustGraphReport;
import io.github.keycloaksts.policy.analysis.Usage;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * The platform-wide trust analysis over a synthetic platform of {@code accounts} accounts with 10 roles each (so
 * 1,000 accounts give 10,000 trust policies to parse): each role trusts 1-3 other accounts (a third with an external
 * ID, a fifth with a term on acs:CurrentTime, some expired), 5 % are admin-grade, 1 % of trusts name an ID no account
 * holds and 0.5 % one a deleted account held, 5 % of roles trust their account's OIDC provider; two grants per
 * account, 5 % broad; usage recorded for half the edges. {@code analyze} is the whole analysis (parsing included);
 * {@code render} the HTML report of the full analysis. Setup prints the sizes once.
 *
 * <p>A single timing without warm-up, in the benchmark's own JVM:
 * {@code java -jar bench/target/keycloak-sts-bench.jar AnalysisBenchmark -bm ss -wi 0 -i 1 -f 0 -p accounts=1000}.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@State(Scope.Benchmark)
public class AnalysisBenchmark {

    private static final Instant NOW = Instant.parse("2026-06-01T00:00:00Z");
    private static final int ROLES_PER_ACCOUNT = 10;

    @Param({"1000"})
    public int accounts;

    private final TrustAnalyzer analyzer = new TrustAnalyzer();
    private PlatformSnapshot snapshot;
    private AnalysisOptions options;
    private TrustAnalysis analysis;

    @Setup(Level.Trial)
    public void setUp() {
        snapshot = platform(accounts, new Random(20260601));
        options = new AnalysisOptions(NOW, Duration.ofDays(90), Duration.ofDays(30), NOW.minus(Duration.ofDays(365)));
        analysis = analyze();
        String html = render();
        System.out.println("\n" + snapshot.roles().size() + " roles, " + analysis + ", report "
                + html.length() / 1024 + " KiB");
    }

    @Benchmark
    public TrustAnalysis analyze() {
        return analyzer.analyze(snapshot, options);
    }

    @Benchmark
    public String render() {
        return TrustGraphReport.html(analysis, "Trust of " + accounts + " accounts");
    }

    static PlatformSnapshot platform(int n, Random random) {
        List<AccountFacts> accountList = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            accountList.add(new AccountFacts(id(i), "realm-" + i, i % 5 == 4 ? null : "org-" + i % 20));
        }
        Map<String, String> retired = new HashMap<>();
        for (int i = 0; i < Math.max(1, n / 20); i++) {
            retired.put(String.valueOf(80_000_000 + i), "deleted-" + i);
        }
        List<RoleFacts> roles = new ArrayList<>(n * ROLES_PER_ACCOUNT);
        Map<EdgeKey, Usage> usage = new HashMap<>();
        Map<EdgeKey, Integer> live = new HashMap<>();
        for (int i = 0; i < n; i++) {
            String account = id(i);
            for (int r = 0; r < ROLES_PER_ACCOUNT; r++) {
                String name = "role-" + r;
                String roleArn = "acs:ram::" + account + ":role/" + name;
                List<String> sources = new ArrayList<>();
                int count = 1 + random.nextInt(3);
                for (int k = 0; k < count; k++) {
                    int roll = random.nextInt(1000);
                    String source = roll < 10 ? String.valueOf(90_000_000 + random.nextInt(1000))
                            : roll < 15 ? String.valueOf(80_000_000 + random.nextInt(retired.size()))
                            : id(random.nextInt(n));
                    sources.add(source);
                    if (random.nextBoolean()) {
                        usage.put(new EdgeKey(roleArn, source), new Usage(NOW.minus(Duration.ofDays(random.nextInt(200))),
                                random.nextInt(10) == 0 ? NOW.minus(Duration.ofDays(1)) : null));
                    }
                    if (random.nextInt(20) == 0) {
                        live.put(new EdgeKey(roleArn, source), 1 + random.nextInt(5));
                    }
                }
                StringBuilder json = new StringBuilder("{\"Version\":\"1\",\"Statement\":[{\"Effect\":\"Allow\",")
                        .append("\"Action\":\"sts:AssumeRole\",\"Principal\":{\"RAM\":[");
                for (int k = 0; k < sources.size(); k++) {
                    json.append(k == 0 ? "" : ",").append(random.nextBoolean() ? "\"" + sources.get(k) + "\""
                            : "\"acs:ram::" + sources.get(k) + ":role/ci-" + k + "\"");
                }
                json.append("]}");
                StringBuilder condition = new StringBuilder();
                if (random.nextInt(3) == 0) {
                    condition.append("\"StringEquals\":{\"sts:ExternalId\":\"ext-").append(i).append("\"}");
                }
                if (random.nextInt(5) == 0) {
                    condition.append(condition.length() == 0 ? "" : ",").append("\"DateLessThan\":{\"acs:CurrentTime\":\"")
                            .append(NOW.plus(Duration.ofDays(random.nextInt(400) - 100))).append("\"}");
                }
                if (condition.length() > 0) {
                    json.append(",\"Condition\":{").append(condition).append('}');
                }
                json.append('}');
                if (random.nextInt(20) == 0) {
                    json.append(",{\"Effect\":\"Allow\",\"Action\":\"sts:AssumeRole\",\"Principal\":{\"Federated\":")
                            .append("\"acs:ram::").append(account).append(":oidc-provider/github\"},\"Condition\":{")
                            .append("\"StringLike\":{\"oidc:sub\":\"repo:org-").append(i).append("/app:*\"}}}");
                }
                json.append("]}");
                roles.add(new RoleFacts(account, name, json.toString(), random.nextInt(20) == 0,
                        NOW.minus(Duration.ofDays(random.nextInt(500)))));
            }
        }
        List<GrantFacts> grants = new ArrayList<>(2 * n);
        for (int i = 0; i < n; i++) {
            String other = id(random.nextInt(n));
            grants.add(new GrantFacts(id(i), "deployers", List.of("acs:ram::" + other + ":role/ecs-*",
                    "acs:ram::" + other + ":role/role-1")));
            int roll = random.nextInt(40);
            grants.add(new GrantFacts(id(i), "admins", roll == 0 ? List.of("*")
                    : roll == 1 ? List.of("acs:ram::" + other + ":role/*") : List.of("acs:ram::" + id(i) + ":role/role-0")));
        }
        return new PlatformSnapshot(accountList, roles, grants, usage, live, retired);
    }

    private static String id(int i) {
        return String.valueOf(10_000_000 + i);
    }
}
