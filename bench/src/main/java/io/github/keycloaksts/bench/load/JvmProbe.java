package io.github.keycloaksts.bench.load;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The Keycloak JVM seen from outside, with {@code jcmd} (which must be on the PATH and run as the JVM's user): heap
 * and metaspace after a forced full GC, thread count. Shared by {@link SoakBenchmark} and {@link ScalingBenchmark}.
 */
final class JvmProbe {

    private static final Pattern HEAP = Pattern.compile("heap\\s+total (\\d+)K, used (\\d+)K");
    private static final Pattern METASPACE = Pattern.compile("Metaspace\\s+used (\\d+)K");
    private static final Pattern MAX_HEAP = Pattern.compile("-XX:MaxHeapSize=(\\d+)");

    private JvmProbe() {
    }

    /** Heap after a forced full GC: used, committed and metaspace used, in KB. */
    record AfterGc(long heapUsedKb, long heapCommittedKb, long metaspaceKb) {
    }

    /**
     * Two full GCs ({@code jcmd GC.run}: the second clears what the first only made collectable — soft references,
     * finalizers), then {@code GC.heap_info}.
     */
    static AfterGc afterGc(String pid) throws IOException, InterruptedException {
        jcmd(pid, "GC.run");
        jcmd(pid, "GC.run");
        String heapInfo = jcmd(pid, "GC.heap_info");
        long[] heap = heapKb(heapInfo);
        return new AfterGc(heap[1], heap[0], find(METASPACE, heapInfo));
    }

    /** {@code -XX:MaxHeapSize} of the JVM, in bytes. */
    static long maxHeapBytes(String pid) throws IOException, InterruptedException {
        return find(MAX_HEAP, jcmd(pid, "VM.flags"));
    }

    static String jcmd(String pid, String command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder("jcmd", pid, command).redirectErrorStream(true).start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (process.waitFor() != 0) {
            throw new IllegalStateException("jcmd " + pid + " " + command + " failed: " + out);
        }
        return out;
    }

    /** {committed, used} in KB from {@code GC.heap_info}. */
    static long[] heapKb(String heapInfo) {
        Matcher m = HEAP.matcher(heapInfo);
        if (!m.find()) {
            throw new IllegalStateException("no heap figures in: " + heapInfo);
        }
        return new long[] {Long.parseLong(m.group(1)), Long.parseLong(m.group(2))};
    }

    static long find(Pattern pattern, String text) {
        Matcher m = pattern.matcher(text);
        if (!m.find()) {
            throw new IllegalStateException(pattern + " not found in: " + text);
        }
        return Long.parseLong(m.group(1));
    }

    static int threads(String pid) throws IOException {
        return Files.readAllLines(Path.of("/proc", pid, "status")).stream().filter(l -> l.startsWith("Threads:"))
                .map(l -> Integer.parseInt(l.substring("Threads:".length()).trim())).findFirst().orElseThrow();
    }
}
