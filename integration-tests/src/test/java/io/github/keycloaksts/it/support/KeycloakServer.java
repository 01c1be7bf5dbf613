package io.github.keycloaksts.it.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The official Keycloak distribution (unzipped by Maven into {@code target/keycloak-it}, with our jars in
 * {@code providers/}) started as a child process with {@code kc.sh start-dev} on free ports.
 *
 * <p>{@link #shared()} starts one server per test run, lazily on first use, and {@link SharedServerShutdown}
 * stops it when the JUnit launcher session ends (a JVM shutdown hook is the safety net), so a failing test never
 * leaves a server behind. Set {@code -Dsts.it.server.url=http://localhost:8080} to run the ITs against a server
 * you started yourself (for example with {@code ./mvnw -Prun}).
 */
public final class KeycloakServer implements AutoCloseable {

    public static final String ADMIN_USERNAME = "admin";
    public static final String ADMIN_PASSWORD = "admin";

    // Generous: a loaded 2-core machine has been seen to need 4 minutes (augmentation + H2 schema + import).
    private static final Duration STARTUP_TIMEOUT = Duration.ofMinutes(10);
    private static KeycloakServer shared;

    private final Path home;
    private final List<String> extraArgs;
    private final Path log;
    private final Map<String, Path> importOverrides = new HashMap<>();
    private Process process;
    /** A cluster node's {@code kc.sh} arguments (production mode, fixed ports); null for a dev-mode server. */
    private List<String> nodeArgs;
    private Map<String, String> nodeEnv = Map.of();
    private boolean declarativeUi = true;
    private String baseUrl;
    private int managementPort;
    /** Well inside master's 60 s access token lifespan. */
    private static final Duration ADMIN_TOKEN_REUSE = Duration.ofSeconds(30);
    private String adminToken;
    private long adminTokenObtained;

    private KeycloakServer(Path home, List<String> extraArgs, Path log) {
        this.home = home;
        this.extraArgs = List.copyOf(extraArgs);
        this.log = log;
    }

    /** The server shared by every IT of this run; started on first call. */
    public static synchronized KeycloakServer shared() {
        if (shared == null) {
            String remote = System.getProperty("sts.it.server.url");
            if (remote != null && !remote.isBlank()) {
                shared = remote(remote);
            } else {
                String fork = forkOfSeveral();
                Path home = fork == null ? distributionHome() : copyOfDistribution("keycloak-fork-" + fork);
                KeycloakServer server = new KeycloakServer(home, List.of("--db=dev-mem"),
                        logDir().resolve(fork == null ? "keycloak-it.log" : "keycloak-it-" + fork + ".log"));
                Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                    server.close();
                    if (fork != null) {
                        removeQuietly(home); // a copy per JVM: none left behind to fill the disk run after run
                    }
                }, "stop-keycloak"));
                server.start();
                shared = server;
            }
        }
        return shared;
    }

    /**
     * A server of its own, for tests that restart a server or move data between servers: a copy of the
     * distribution in {@code target/<name>} with an H2 file database there, not started yet.
     */
    public static KeycloakServer isolated(String name) {
        Path home = copyOfDistribution(name);
        KeycloakServer server = new KeycloakServer(home, List.of("--db=dev-file"), logDir().resolve(name + ".log"));
        Runtime.getRuntime().addShutdownHook(new Thread(server::close, "stop-" + name));
        return server;
    }

    /**
     * A node of a cluster ({@link KeycloakCluster}): {@code kc.sh <args>} in {@code home} on fixed ports, in
     * production mode; not started yet. {@link #startIsolated()} starts it, {@link #close()} stops it gracefully,
     * {@link #crash()} kills its JVM.
     */
    static KeycloakServer node(Path home, List<String> args, Map<String, String> env, Path log, int httpPort, int managementPort) {
        KeycloakServer node = new KeycloakServer(home, List.of(), log);
        node.nodeArgs = List.copyOf(args);
        node.nodeEnv = Map.copyOf(env);
        node.managementPort = managementPort;
        node.baseUrl = "http://localhost:" + httpPort;
        return node;
    }

    /** The management interface ({@code /health}, {@code /metrics}). */
    public String managementUrl() {
        return "http://localhost:" + managementPort;
    }

    /**
     * Simulates a crash: {@code kill -9} of the Keycloak JVM. {@code kc.sh} runs Java as its child (or execs it), and
     * killing only {@code kc.sh} would leave the server running.
     */
    public synchronized void crash() {
        if (process == null) {
            return;
        }
        List<ProcessHandle> javas = process.descendants()
                .filter(p -> p.info().command().map(c -> c.endsWith("/java")).orElse(false)).toList();
        if (javas.isEmpty()) {
            process.destroyForcibly();
        } else {
            javas.forEach(ProcessHandle::destroyForcibly);
        }
        javas.forEach(p -> p.onExit().join());
        try {
            process.waitFor(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        process.destroyForcibly();
        process = null;
        adminToken = null; // a restarted server may not know the old session
    }

    public synchronized boolean running() {
        return process != null && process.isAlive();
    }

    /**
     * Starts this isolated server with {@code realmFile} (e.g. a realm export) imported in place of the
     * realm-config/ file of the same name.
     */
    public KeycloakServer startIsolatedWith(Path realmFile, String asFileName) {
        importOverrides.put(asFileName, realmFile);
        return startIsolated();
    }

    /** Whether the next start of this isolated server turns on the {@code declarative-ui} feature (default: on). */
    public KeycloakServer declarativeUi(boolean on) {
        declarativeUi = on;
        return this;
    }

    /** Starts this isolated server (again); returns it for chaining. */
    public KeycloakServer startIsolated() {
        if (process == null) {
            start();
        }
        return this;
    }

    /** Runs {@code kc.sh <args>} on this server's home to completion (e.g. {@code export}); the server must be stopped. */
    public void kc(List<String> args) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(home.resolve("bin/kc.sh").toString());
        command.addAll(args);
        command.addAll(extraArgs);
        run(command, home);
    }

    public Path home() {
        return home;
    }

    static void run(List<String> command, Path directory) throws IOException {
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        if (directory != null) {
            builder.directory(directory.toFile());
        }
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes());
        try {
            if (process.waitFor() != 0) {
                throw new IllegalStateException(String.join(" ", command) + " failed:\n" + output);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    static synchronized void stopShared() {
        if (shared != null) {
            shared.close();
            shared = null;
        }
    }

    private static KeycloakServer remote(String url) {
        KeycloakServer server = new KeycloakServer(null, List.of(), null);
        server.baseUrl = url.replaceAll("/+$", "");
        return server;
    }

    /**
     * A name of this JVM's own when Failsafe runs several ({@code it.forks}), else null: each fork's shared server then
     * runs from a copy of its own, since {@code kc.sh start-dev} writes into its distribution (build, transaction logs).
     * By process ID: Failsafe's fork number does not reach JUnit Platform forks here.
     */
    private static String forkOfSeveral() {
        String forks = System.getProperty("sts.it.forks", "1");
        return forks.isBlank() || forks.equals("1") ? null : Long.toString(ProcessHandle.current().pid());
    }

    /** A fresh copy of the distribution in {@code target/<name>}: no database or build left over from an earlier run. */
    private static Path copyOfDistribution(String name) {
        Path home = logDir().resolve(name).toAbsolutePath();
        try {
            run(List.of("rm", "-rf", home.toString()), null);
            run(List.of("cp", "-a", distributionHome().toString(), home.toString()), null);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return home;
    }

    private static void removeQuietly(Path home) {
        try {
            run(List.of("rm", "-rf", home.toString()), null);
        } catch (IOException | RuntimeException e) {
            System.err.println("Could not remove " + home + ": " + e);
        }
    }

    public static Path distributionHome() {
        String home = System.getProperty("sts.it.kc.home");
        if (home == null) {
            throw new IllegalStateException("System property sts.it.kc.home is not set: run the ITs through Maven "
                    + "(./mvnw verify), which unpacks the distribution, or set -Dsts.it.server.url");
        }
        Path path = Path.of(home);
        if (!Files.isExecutable(path.resolve("bin/kc.sh"))) {
            throw new IllegalStateException("No Keycloak distribution at " + path);
        }
        return path;
    }

    public static Path repoRoot() {
        return Path.of(System.getProperty("sts.repo.root", "..")).toAbsolutePath().normalize();
    }

    static Path logDir() {
        return Path.of(System.getProperty("sts.it.log.dir", "target"));
    }

    private void start() {
        try {
            List<String> command;
            if (nodeArgs != null) {
                command = new ArrayList<>(List.of(home.resolve("bin/kc.sh").toString()));
                command.addAll(nodeArgs);
            } else {
                installRealmConfig();
                int httpPort = freePort();
                managementPort = freePort();
                baseUrl = "http://localhost:" + httpPort;
                command = new ArrayList<>(List.of(home.resolve("bin/kc.sh").toString(), "start-dev",
                        "--http-port=" + httpPort,
                        "--http-management-port=" + managementPort,
                        "--health-enabled=true",
                        "--import-realm"));
                if (declarativeUi) {
                    command.add("--features=declarative-ui"); // as the run command: the admin console page on
                }
                command.addAll(extraArgs);
            }
            ProcessBuilder builder = new ProcessBuilder(command)
                    .directory(home.toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(nodeArgs != null ? ProcessBuilder.Redirect.appendTo(log.toFile())
                            : ProcessBuilder.Redirect.to(log.toFile()));
            Map<String, String> env = builder.environment();
            env.putAll(nodeEnv);
            env.put("KC_BOOTSTRAP_ADMIN_USERNAME", ADMIN_USERNAME);
            env.put("KC_BOOTSTRAP_ADMIN_PASSWORD", ADMIN_PASSWORD);
            env.putIfAbsent("JAVA_OPTS_APPEND", "-XX:TieredStopAtLevel=1");
            Instant started = Instant.now();
            process = builder.start();
            adminToken = null;
            awaitReady();
            System.out.printf("Keycloak started at %s in %d s (log: %s)%n", baseUrl,
                    Duration.between(started, Instant.now()).toSeconds(), log.toAbsolutePath());
        } catch (IOException e) {
            close();
            throw new UncheckedIOException(e);
        } catch (RuntimeException | Error e) {
            close();
            throw e;
        }
    }

    /** Keycloak's standard import: every JSON of realm-config/ into data/import, read by --import-realm. */
    void installRealmConfig() throws IOException {
        Path target = home.resolve("data/import");
        Files.createDirectories(target);
        try (Stream<Path> files = Files.list(repoRoot().resolve("realm-config"))) {
            for (Path file : files.filter(f -> f.toString().endsWith(".json")).toList()) {
                Path source = importOverrides.getOrDefault(file.getFileName().toString(), file);
                Files.copy(source, target.resolve(file.getFileName()), StandardCopyOption.REPLACE_EXISTING);
            }
        }
    }

    private void awaitReady() {
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        URI ready = URI.create("http://localhost:" + managementPort + "/health/ready");
        Instant deadline = Instant.now().plus(STARTUP_TIMEOUT);
        while (Instant.now().isBefore(deadline)) {
            if (!process.isAlive()) {
                throw new IllegalStateException("Keycloak exited with " + process.exitValue() + " during startup:\n" + logTail());
            }
            try {
                HttpResponse<Void> response = client.send(HttpRequest.newBuilder(ready).timeout(Duration.ofSeconds(5)).build(),
                        HttpResponse.BodyHandlers.discarding());
                if (response.statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("Interrupted while waiting for Keycloak", e);
            }
            sleep(Duration.ofMillis(500));
        }
        throw new IllegalStateException("Keycloak not ready after " + STARTUP_TIMEOUT + ":\n" + logTail());
    }

    private String logTail() {
        try {
            List<String> lines = Files.readAllLines(log);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 60), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    public String baseUrl() {
        return baseUrl;
    }

    public String realmUrl(String realm) {
        return baseUrl + "/realms/" + realm;
    }

    public String adminUrl(String realm) {
        return baseUrl + "/admin/realms/" + realm;
    }

    /**
     * An access token of the bootstrap admin of master, reused for up to {@link #ADMIN_TOKEN_REUSE}: a password grant per
     * admin call would open thousands of master sessions in a run, and the server slows down as they pile up.
     */
    public synchronized String adminToken() {
        long now = System.nanoTime();
        if (adminToken == null || now - adminTokenObtained > ADMIN_TOKEN_REUSE.toNanos()) {
            adminToken = Http.passwordGrant(this, "master", "admin-cli", ADMIN_USERNAME, ADMIN_PASSWORD).accessToken();
            adminTokenObtained = now;
        }
        return adminToken;
    }

    @Override
    public synchronized void close() {
        if (process == null) {
            return;
        }
        List<ProcessHandle> children = process.descendants().toList();
        process.destroy(); // kc.sh forwards SIGTERM to the JVM: a graceful stop
        try {
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
        children.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
        process = null;
        adminToken = null; // a restarted server may not know the old session
    }

    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        }
    }

    private static void sleep(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
