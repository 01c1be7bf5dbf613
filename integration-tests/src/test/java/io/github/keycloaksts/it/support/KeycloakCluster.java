package io.github.keycloaksts.it.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Two Keycloak nodes in production mode on one PostgreSQL, as Keycloak is run in production: the official
 * distribution with our jars ({@code target/keycloak-it}), built once for PostgreSQL ({@code kc.sh build
 * --db=postgres}, metrics on), copied to {@code target/cluster/node1} and {@code node2}, and started there with
 * {@code kc.sh start --optimized --cache=ispn} (the embedded Infinispan cache, clustered). The nodes find each
 * other with Keycloak's default {@code jdbc-ping} discovery through the shared database; each has its own HTTP,
 * management and JGroups port on localhost, and both share ONE {@code --hostname} (node 1's URL), as nodes behind a
 * load balancer do: tokens issued by either node carry the same issuer.
 *
 * <p>PostgreSQL is Debian's package run by {@code .ci/postgres.sh} (the same script as {@code bench/soak.sh}),
 * initdb'd into {@code target/cluster/postgres}. {@link #shared()} starts everything once per test run, lazily (only
 * when a cluster test runs); {@link SharedServerShutdown} stops it when the launcher session ends, whether tests
 * passed or not (a JVM shutdown hook is the safety net). Logs: {@code target/cluster-node1.log},
 * {@code target/cluster-node2.log}, {@code target/cluster-postgres.log}.
 */
public final class KeycloakCluster implements AutoCloseable {

    static final String DB_PASSWORD = "keycloak-cluster-it";

    /** Build-time options, baked into the nodes' augmented distribution. */
    static final List<String> BUILD_OPTIONS = List.of("--db=postgres", "--health-enabled=true",
            "--metrics-enabled=true", "--event-metrics-user-enabled=true");

    private static KeycloakCluster shared;

    private final Path dir;
    private final Path pgDir;
    private final List<KeycloakServer> nodes = new ArrayList<>();
    private boolean postgresStarted;
    private Duration startup;

    private KeycloakCluster(Path dir) {
        this.dir = dir;
        this.pgDir = dir.resolve("postgres");
    }

    /** The cluster shared by every cluster IT of this run; started on first call. */
    @SuppressWarnings("unused") // held, never read: released when the JVM ends
    private static FileLock clusterLock;

    public static synchronized KeycloakCluster shared() {
        if (shared == null) {
            holdTheClusterLock();
            KeycloakCluster cluster = new KeycloakCluster(KeycloakServer.logDir().resolve("cluster").toAbsolutePath());
            Runtime.getRuntime().addShutdownHook(new Thread(cluster::close, "stop-keycloak-cluster"));
            try {
                cluster.start();
            } catch (RuntimeException | Error e) {
                cluster.close();
                throw e;
            }
            shared = cluster;
        }
        return shared;
    }

    /**
     * A cluster owns fixed ports and one PostgreSQL: when Failsafe runs several JVMs and more than one of them reaches a
     * cluster test (only with {@code -Dit.test}; the whole suite runs them in one JVM), the second waits until the
     * first has ended. The operating system releases the lock with the JVM.
     */
    private static void holdTheClusterLock() {
        try {
            Path file = KeycloakServer.logDir().resolve("cluster.lock").toAbsolutePath();
            Files.createDirectories(file.getParent());
            clusterLock = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE).lock();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static synchronized void stopShared() {
        if (shared != null) {
            shared.close();
            shared = null;
        }
    }

    /** Node 1 or 2. */
    public KeycloakServer node(int number) {
        return nodes.get(number - 1);
    }

    public Duration startup() {
        return startup;
    }

    /** {@code kill -9} of the node's JVM: no graceful leave, as a crashed machine. */
    public void crash(int number) {
        node(number).crash();
    }

    /** Starts a stopped or crashed node again (same home, ports and database); returns when it is ready. */
    public void restart(int number) {
        node(number).startIsolated();
    }

    private void start() {
        Instant started = Instant.now();
        try {
            Path repo = KeycloakServer.repoRoot();
            int pgPort = KeycloakServer.freePort();
            KeycloakServer.run(List.of(repo.resolve(".ci/postgres.sh").toString(), "start", pgDir.toString(),
                    Integer.toString(pgPort), DB_PASSWORD), repo);
            postgresStarted = true;
            Instant built = Instant.now();

            // Build once, for PostgreSQL and Infinispan, then copy: both nodes start --optimized (no re-augmentation).
            Path home1 = dir.resolve("node1");
            Path home2 = dir.resolve("node2");
            KeycloakServer.run(List.of("rm", "-rf", home1.toString(), home2.toString()), null);
            KeycloakServer.run(List.of("cp", "-a", KeycloakServer.distributionHome().toString(), home1.toString()), null);
            List<String> build = new ArrayList<>(List.of(home1.resolve("bin/kc.sh").toString(), "build"));
            build.addAll(BUILD_OPTIONS);
            KeycloakServer.run(build, home1);
            KeycloakServer.run(List.of("cp", "-a", home1.toString(), home2.toString()), null);
            System.out.printf("Keycloak cluster: PostgreSQL started in %d s, nodes built in %d s%n",
                    Duration.between(started, built).toSeconds(), Duration.between(built, Instant.now()).toSeconds());

            int http1 = KeycloakServer.freePort();
            String hostname = "http://localhost:" + http1;
            for (int n = 1; n <= 2; n++) {
                Path home = n == 1 ? home1 : home2;
                int http = n == 1 ? http1 : KeycloakServer.freePort();
                int management = KeycloakServer.freePort();
                int jgroups = KeycloakServer.freePort();
                List<String> args = new ArrayList<>(List.of("start", "--optimized", "--cache=ispn",
                        "--db-url=jdbc:postgresql://localhost:" + pgPort + "/keycloak", "--db-username=keycloak",
                        "--hostname=" + hostname,
                        "--http-enabled=true", "--http-port=" + http, "--http-management-port=" + management,
                        "--cache-embedded-network-bind-address=127.0.0.1",
                        "--cache-embedded-network-bind-port=" + jgroups));
                if (n == 1) {
                    args.add("--import-realm"); // the demo accounts, imported once by the first node
                }
                Path log = KeycloakServer.logDir().resolve("cluster-node" + n + ".log").toAbsolutePath();
                Files.deleteIfExists(log);
                KeycloakServer node = KeycloakServer.node(home, args, Map.of(
                        "KC_DB_PASSWORD", DB_PASSWORD,
                        "JAVA_OPTS_APPEND", "-XX:TieredStopAtLevel=1 -Djava.net.preferIPv4Stack=true"), log, http, management);
                if (n == 1) {
                    node.installRealmConfig();
                }
                nodes.add(node);
            }
            // One after the other: node 1 creates the schema and imports the realms, node 2 joins its cluster.
            for (KeycloakServer node : nodes) {
                node.startIsolated();
            }
            startup = Duration.between(started, Instant.now());
            System.out.printf("Keycloak cluster (2 nodes, PostgreSQL on port %d) started in %d s: %s, %s (logs: %s)%n", pgPort,
                    startup.toSeconds(), node(1).baseUrl(), node(2).baseUrl(), KeycloakServer.logDir().toAbsolutePath());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public synchronized void close() {
        for (KeycloakServer node : nodes) {
            try {
                node.close();
            } catch (RuntimeException e) {
                System.err.println("Stopping a cluster node failed: " + e);
            }
        }
        nodes.clear();
        if (postgresStarted) {
            postgresStarted = false;
            try {
                KeycloakServer.run(List.of(KeycloakServer.repoRoot().resolve(".ci/postgres.sh").toString(), "stop", pgDir.toString()), null);
                Files.copy(pgDir.resolve("postgres.log"), KeycloakServer.logDir().resolve("cluster-postgres.log"),
                        StandardCopyOption.REPLACE_EXISTING);
            } catch (IOException | RuntimeException e) {
                System.err.println("Stopping the cluster's PostgreSQL failed: " + e);
            }
        }
    }
}
