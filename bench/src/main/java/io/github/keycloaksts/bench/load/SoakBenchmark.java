package io.github.keycloaksts.bench.load;

import java.io.IOException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * Soak test of keycloak-sts AssumeRole: one Keycloak in production mode on PostgreSQL, driven at a fixed rate for a
 * long time, to show that nothing accumulates — no errors, no heap or thread growth that survives a full GC, and no
 * database rows written per exchange except the audit events.
 *
 * <p>What it does, in order:
 * <ol>
 *   <li>creates the benchmark realms with {@link LoadBenchmark#setUp()} and uses its {@code assume-role} workload
 *       (bench-user of bench-b assumes {@code acs:ram::31000001:role/bench-role} at bench-a);</li>
 *   <li>warms up at the same rate ({@code --warmup} seconds; this also creates the one principal user that the first
 *       exchange of an (account, role) pair writes, by design);</li>
 *   <li>"before" snapshot: exact {@code count(*)} of every table of the Keycloak database, and of the Keycloak JVM
 *       ({@code --pid}) the heap used after a forced full GC ({@code jcmd GC.run}, then {@code GC.heap_info}),
 *       metaspace and the thread count ({@code /proc/<pid>/status});</li>
 *   <li>the soak: an open model — request i is due at start + i / rate whatever the server does, sent by a pool of
 *       {@code --workers} threads, and its latency is counted from that due time, so a stalled server shows as
 *       latency instead of a lower request rate (no coordinated omission). Every {@code --interval} seconds one line:
 *       requests, errors, p50/p99 of that interval, heap used (no forced GC), threads;</li>
 *   <li>"after" snapshot as before (after the last response plus a few seconds), then a Markdown report: summary,
 *       time series, every table whose row count changed plus the session and event tables, JVM before/after.</li>
 * </ol>
 *
 * <p>Run: {@code bench/soak.sh [--minutes 10] [--rate 40]} — it starts PostgreSQL and Keycloak and passes its
 * arguments here. Options (defaults): {@code --server http://localhost:28080 --minutes 10 --rate 40 --warmup 30
 * --interval 30 --workers 64 --pid <Keycloak JVM> --jdbc jdbc:postgresql://localhost:55432/keycloak --db-user keycloak
 * --db-password keycloak}. {@code jcmd} must be on the PATH and run as the user of the Keycloak JVM.
 */
public final class SoakBenchmark {

    private static final long MAX_MICROS = 3_600_000_000L;
    /** Always shown in the row table, changed or not: the session stores and the audit event table. */
    private static final Set<String> ALWAYS_SHOWN = Set.of("offline_user_session", "offline_client_session", "event_entity");

    private final Map<String, String> options;
    private final LoadBenchmark bench;
    private final double rate;
    private final String pid;
    private LoadBenchmark.Workload workload;

    private SoakBenchmark(Map<String, String> options) {
        this.options = options;
        this.bench = new LoadBenchmark(options.get("--server"));
        this.rate = Double.parseDouble(options.get("--rate"));
        this.pid = options.get("--pid");
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> options = new LinkedHashMap<>();
        String[][] defaults = {{"--server", "http://localhost:28080"}, {"--minutes", "10"}, {"--rate", "40"}, {"--warmup", "30"},
                {"--interval", "30"}, {"--workers", "64"}, {"--pid", ""}, {"--jdbc", "jdbc:postgresql://localhost:55432/keycloak"},
                {"--db-user", "keycloak"}, {"--db-password", "keycloak"}};
        for (String[] d : defaults) {
            options.put(d[0], d[1]);
        }
        for (int i = 0; i + 1 < args.length; i += 2) {
            if (!options.containsKey(args[i])) {
                throw new IllegalArgumentException("unknown option " + args[i] + "; known: " + options.keySet());
            }
            options.put(args[i], args[i + 1]);
        }
        if (options.get("--pid").isEmpty()) {
            throw new IllegalArgumentException("--pid <Keycloak JVM> is required (bench/soak.sh passes it)");
        }
        new SoakBenchmark(options).soak();
    }

    private void soak() throws Exception {
        workload = bench.setUp().get("assume-role");
        int warmup = Integer.parseInt(options.get("--warmup"));
        int seconds = (int) Math.round(Double.parseDouble(options.get("--minutes")) * 60);
        System.out.printf(Locale.ROOT, "soak: %s at %.1f req/s for %d s after %d s warm-up, %s workers, Keycloak pid %s%n",
                workload.name(), rate, seconds, warmup, options.get("--workers"), pid);

        Run warm = run(warmup, warmup, false);
        System.out.printf(Locale.ROOT, "warm-up: %d requests, %d errors, p99 %.2f ms%n", warm.requests(), warm.errors, ms(warm.all, 99));
        Snapshot before = snapshot();
        System.out.printf("before: heap after GC %d MB, threads %d, %d tables%n", before.heapUsedKb / 1024, before.threads, before.rows.size());

        Run soak = run(seconds, Integer.parseInt(options.get("--interval")), true);
        Thread.sleep(5_000); // let anything written after the response (asynchronous stores) land before counting
        Snapshot after = snapshot();
        System.out.printf("after: heap after GC %d MB, threads %d%n%n", after.heapUsedKb / 1024, after.threads);
        report(soak, before, after);
    }

    /** One sample of the time series; latency in ms, heap in KB. */
    record Interval(int elapsed, long requests, long errors, double p50, double p99, long heapUsedKb, int threads) {
    }

    static final class Run {
        final Histogram all = new Histogram(MAX_MICROS, 3);
        final List<Interval> intervals = new ArrayList<>();
        long errors;
        double seconds;

        long requests() {
            return all.getTotalCount() + errors;
        }
    }

    /** Sends requests at the fixed rate for the given time; samples every {@code intervalSeconds} (printed if asked). */
    private Run run(int seconds, int intervalSeconds, boolean print) throws Exception {
        Recorder recorder = new Recorder(MAX_MICROS, 3);
        AtomicLong failed = new AtomicLong();
        ExecutorService pool = Executors.newFixedThreadPool(Integer.parseInt(options.get("--workers")), task -> {
            Thread thread = new Thread(task, "soak-worker");
            thread.setDaemon(true);
            return thread;
        });
        long total = Math.round(seconds * rate);
        long start = System.nanoTime();
        Thread scheduler = new Thread(() -> {
            for (long i = 0; i < total; i++) {
                long due = start + (long) (i * 1e9 / rate);
                for (long wait = due - System.nanoTime(); wait > 0; wait = due - System.nanoTime()) {
                    LockSupport.parkNanos(wait);
                }
                pool.execute(() -> {
                    boolean success = bench.send(workload);
                    long micros = (System.nanoTime() - due) / 1000;
                    if (success) {
                        recorder.recordValue(Math.min(MAX_MICROS, Math.max(1, micros)));
                    } else {
                        failed.incrementAndGet();
                    }
                });
            }
        }, "soak-scheduler");
        scheduler.setDaemon(true);
        scheduler.start();

        Run run = new Run();
        int count = (seconds + intervalSeconds - 1) / intervalSeconds;
        for (int k = 1; k <= count; k++) {
            int elapsed = Math.min(seconds, k * intervalSeconds);
            for (long wait = start + elapsed * 1_000_000_000L - System.nanoTime(); wait > 0; wait = start + elapsed * 1_000_000_000L - System.nanoTime()) {
                Thread.sleep(Math.max(1, wait / 1_000_000));
            }
            if (k == count) { // the last interval also takes the responses still in flight
                scheduler.join();
                pool.shutdown();
                if (!pool.awaitTermination(5, TimeUnit.MINUTES)) {
                    throw new IllegalStateException("requests still pending 5 minutes after the end");
                }
                run.seconds = (System.nanoTime() - start) / 1e9;
            }
            Histogram h = recorder.getIntervalHistogram();
            long errors = failed.get() - run.errors;
            run.errors += errors;
            run.all.add(h);
            if (print) {
                Interval i = new Interval(elapsed, h.getTotalCount() + errors, errors, ms(h, 50), ms(h, 99), JvmProbe.heapKb(JvmProbe.jcmd(pid, "GC.heap_info"))[1], threads());
                run.intervals.add(i);
                System.out.printf(Locale.ROOT, "%5d s  requests %6d  errors %4d  p50 %7.2f ms  p99 %8.2f ms  heap %5d MB  threads %4d%n",
                        i.elapsed, i.requests, i.errors, i.p50, i.p99, i.heapUsedKb / 1024, i.threads);
            }
        }
        return run;
    }

    record Snapshot(Map<String, Long> rows, long heapUsedKb, long heapCommittedKb, long metaspaceKb, int threads) {
    }

    /** Row counts of every table, then heap and metaspace after a forced full GC, and the thread count. */
    private Snapshot snapshot() throws Exception {
        Map<String, Long> rows = new TreeMap<>();
        try (Connection db = DriverManager.getConnection(options.get("--jdbc"), options.get("--db-user"), options.get("--db-password"));
             Statement statement = db.createStatement()) {
            List<String> tables = new ArrayList<>();
            try (ResultSet rs = statement.executeQuery("select table_name from information_schema.tables"
                    + " where table_schema = current_schema() and table_type = 'BASE TABLE'")) {
                while (rs.next()) {
                    tables.add(rs.getString(1));
                }
            }
            for (String table : tables) {
                try (ResultSet rs = statement.executeQuery("select count(*) from \"" + table.replace("\"", "\"\"") + "\"")) {
                    rs.next();
                    rows.put(table, rs.getLong(1));
                }
            }
        }
        JvmProbe.AfterGc heap = JvmProbe.afterGc(pid); // two full GCs, then GC.heap_info
        return new Snapshot(rows, heap.heapUsedKb(), heap.heapCommittedKb(), heap.metaspaceKb(), threads());
    }

    private void report(Run soak, Snapshot before, Snapshot after) throws Exception {
        long requests = soak.requests();
        System.out.printf(Locale.ROOT, "Soak: `%s` at a fixed %.1f req/s for %.0f min, Keycloak 26.7.0 in production mode on PostgreSQL "
                        + "(latency from each request's scheduled time; %s s warm-up before the \"before\" snapshot).%n%n",
                workload.name(), rate, Double.parseDouble(options.get("--minutes")), options.get("--warmup"));
        System.out.println("| requests | errors | target rate (req/s) | achieved rate (req/s) | p50 (ms) | p99 (ms) | max (ms) |");
        System.out.println("|---|---|---|---|---|---|---|");
        System.out.printf(Locale.ROOT, "| %d | %d | %.1f | %.1f | %.2f | %.2f | %.2f |%n%n", requests, soak.errors, rate,
                requests / soak.seconds, ms(soak.all, 50), ms(soak.all, 99), soak.all.getMaxValue() / 1000.0);

        System.out.println("| elapsed (s) | requests | errors | p50 (ms) | p99 (ms) | heap used, no forced GC (MB) | threads |");
        System.out.println("|---|---|---|---|---|---|---|");
        for (Interval i : soak.intervals) {
            System.out.printf(Locale.ROOT, "| %d | %d | %d | %.2f | %.2f | %d | %d |%n", i.elapsed, i.requests, i.errors, i.p50, i.p99,
                    i.heapUsedKb / 1024, i.threads);
        }

        System.out.printf("%nRow counts (exact `count(*)` of all %d tables after the warm-up and after the soak; %d requests in between); "
                + "tables not listed did not change:%n%n", after.rows.size(), requests);
        System.out.println("| table | before | after | delta | delta per request |");
        System.out.println("|---|---|---|---|---|");
        Set<String> tables = new TreeSet<>(before.rows.keySet());
        tables.addAll(after.rows.keySet());
        for (String table : tables) {
            long b = before.rows.getOrDefault(table, 0L);
            long a = after.rows.getOrDefault(table, 0L);
            if (a != b || ALWAYS_SHOWN.contains(table)) {
                System.out.printf(Locale.ROOT, "| %s | %d | %d | %+d | %.3f |%n", table, b, a, a - b, (a - b) / (double) requests);
            }
        }

        long maxHeap = JvmProbe.maxHeapBytes(pid);
        System.out.printf("%nKeycloak JVM (max heap %d MB; heap and metaspace after a forced full GC, `jcmd GC.run`):%n%n", maxHeap / (1024 * 1024));
        System.out.println("| | before | after | change |");
        System.out.println("|---|---|---|---|");
        row("heap used after GC (MB)", before.heapUsedKb / 1024, after.heapUsedKb / 1024);
        row("heap committed (MB)", before.heapCommittedKb / 1024, after.heapCommittedKb / 1024);
        row("metaspace used (MB)", before.metaspaceKb / 1024, after.metaspaceKb / 1024);
        row("threads", before.threads, after.threads);
    }

    private static void row(String what, long before, long after) {
        System.out.printf("| %s | %d | %d | %+d |%n", what, before, after, after - before);
    }

    private static double ms(Histogram h, double percentile) {
        return h.getValueAtPercentile(percentile) / 1000.0;
    }

    private int threads() throws IOException {
        return JvmProbe.threads(pid);
    }
}
