package io.github.keycloaksts.bench.profile;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordingFile;

/**
 * Where a workload's CPU goes, from a JFR recording of Keycloak taken while {@code LoadBenchmark} ran: every execution
 * sample inside a workload's time window (printed by the driver) counts for that workload, so CPU outside our code
 * (HTTP, client authentication, the transaction commit that stores events) is counted too. Parts are inclusive: a
 * sample counts for a part when any frame of its stack is one of the part's methods.
 *
 * <p>Usage: {@code JAVA_OPTS_APPEND="-XX:StartFlightRecording=filename=/tmp/kc.jfr,settings=profile" bench/load.sh
 * --workloads assume-role,standard-exchange-v2 --concurrency 8 --rounds 3 | tee /tmp/load.txt}, then
 * {@code java -cp bench/target/keycloak-sts-bench.jar io.github.keycloaksts.bench.profile.ProfileBreakdown /tmp/kc.jfr /tmp/load.txt}.
 * The JFR file is written when Keycloak stops (the script stops it on exit).
 */
public final class ProfileBreakdown {

    private static final String UNDER = System.getProperty("under");
    private static final int INCLUSIVE_LIMIT = Integer.getInteger("inclusive", 60);
    private static final Pattern WINDOW = Pattern.compile("round \\d+\\s+(\\S+)\\s+c=(\\d+).*window (\\d+)-(\\d+) ok (\\d+)");

    /** Named parts of a request, each a list of method-name prefixes ("class.method"). */
    private static final Map<String, List<String>> PARTS = new LinkedHashMap<>();

    static {
        PARTS.put("token endpoint, all of it (`TokenEndpoint.processGrantRequest`)",
                List.of("org.keycloak.protocol.oidc.endpoints.TokenEndpoint.processGrantRequest"));
        PARTS.put("client authentication", List.of("org.keycloak.protocol.oidc.utils.AuthorizeClientUtil.authorizeClient"));
        PARTS.put("subject-token verification (JWT signature and checks)",
                List.of("io.github.keycloaksts.exchange.SubjectTokenVerifier.verify",
                        "org.keycloak.protocol.oidc.tokenexchange.StandardTokenExchangeProvider.validateAndGetSubjectToken",
                        "org.keycloak.protocol.oidc.tokenexchange.AbstractTokenExchangeProvider.validateAndGetSubjectToken",
                        "org.keycloak.protocol.oidc.tokenexchange.AbstractTokenExchangeProvider.exchangeExternalToken",
                        "org.keycloak.services.managers.AuthenticationManager.verifyIdentityToken"));
        PARTS.put("AssumeRole authorization (grants, trust policy, attached policies)",
                List.of("io.github.keycloaksts.assume.AssumeRoleAuthorizer.authorize"));
        PARTS.put("role-session anchor and user (`obtain`, `userFor`)",
                List.of("io.github.keycloaksts.session.RoleSessionPrincipals.obtain", "io.github.keycloaksts.session.LiveRoleSessions.userFor"));
        PARTS.put("live check of a role session (`LiveRoleSessions.lookUp`)", List.of("io.github.keycloaksts.session.LiveRoleSessions.lookUp"));
        PARTS.put("authentication session create + remove",
                List.of("org.keycloak.services.managers.AuthenticationSessionManager.createAuthenticationSession",
                        "org.keycloak.models.sessions.infinispan.InfinispanAuthenticationSessionProvider.removeRootAuthenticationSession",
                        "org.keycloak.models.sessions.infinispan.RootAuthenticationSessionAdapter.createAuthenticationSession"));
        PARTS.put("user session create", List.of("org.keycloak.services.managers.UserSessionManager.createUserSession"));
        PARTS.put("client scopes (`setClientScopesInSession`, `attachAuthenticationSession`)",
                List.of("org.keycloak.services.managers.AuthenticationManager.setClientScopesInSession",
                        "org.keycloak.protocol.oidc.TokenManager.attachAuthenticationSession"));
        PARTS.put("claims: protocol mappers (`generateAccessToken`)",
                List.of("org.keycloak.protocol.oidc.TokenManager$AccessTokenResponseBuilder.generateAccessToken"));
        PARTS.put("role-token claims (ours)", List.of("io.github.keycloaksts.exchange.RoleTokenClaims."));
        PARTS.put("response build (`AccessTokenResponseBuilder.build`)",
                List.of("org.keycloak.protocol.oidc.TokenManager$AccessTokenResponseBuilder.build"));
        PARTS.put("RSA signing (`java.security.Signature.sign`)", List.of("java.security.Signature.sign"));
        PARTS.put("RSA verification (`java.security.Signature.verify`)", List.of("java.security.Signature.verify"));
        PARTS.put("events: building and sending both (`EventBuilder.success/error`)",
                List.of("org.keycloak.events.EventBuilder.success", "org.keycloak.events.EventBuilder.error",
                        "org.keycloak.events.EventBuilder.send"));
        PARTS.put("source realm's audit event (`mirrorInSource`)",
                List.of("io.github.keycloaksts.exchange.AssumeRoleTokenExchangeProvider.mirrorInSource"));
        PARTS.put("transaction commit (stores the events)", List.of("org.keycloak.services.DefaultKeycloakTransactionManager.commit"));
        PARTS.put("metrics (Micrometer)", List.of("io.micrometer."));
        PARTS.put("any keycloak-sts frame", List.of("io.github.keycloaksts."));
    }

    public static void main(String[] args) throws IOException {
        if (args.length != 2) {
            System.err.println("usage: ProfileBreakdown <recording.jfr> <LoadBenchmark output>");
            System.exit(2);
        }
        List<Window> windows = new ArrayList<>();
        for (String line : Files.readAllLines(Path.of(args[1]))) {
            Matcher m = WINDOW.matcher(line);
            if (m.find()) {
                windows.add(new Window(m.group(1) + " c=" + m.group(2), Long.parseLong(m.group(3)), Long.parseLong(m.group(4)),
                        Long.parseLong(m.group(5))));
            }
        }
        if (windows.isEmpty()) {
            throw new IllegalArgumentException(args[1] + " has no 'window' lines: run the LoadBenchmark of this repository");
        }
        Map<String, Tally> tallies = new LinkedHashMap<>();
        windows.forEach(w -> tallies.computeIfAbsent(w.name, Tally::new).requests += w.ok);
        try (RecordingFile recording = new RecordingFile(Path.of(args[0]))) {
            while (recording.hasMoreEvents()) {
                RecordedEvent event = recording.readEvent();
                if (!event.getEventType().getName().equals("jdk.ExecutionSample") || event.getStackTrace() == null) {
                    continue;
                }
                long at = event.getStartTime().toEpochMilli();
                for (Window w : windows) {
                    if (at >= w.start && at < w.end) {
                        tallies.get(w.name).add(event.getStackTrace().getFrames());
                        break;
                    }
                }
            }
        }
        for (Tally t : tallies.values()) {
            t.print();
        }
    }

    private record Window(String name, long start, long end, long ok) {
    }

    private static final class Tally {
        final String name;
        long requests;
        long samples;
        final Map<String, Long> parts = new LinkedHashMap<>();
        final Map<String, Long> self = new TreeMap<>();
        final Map<String, Long> inclusive = new TreeMap<>();
        final Map<String, Long> callees = new TreeMap<>();
        long underSamples;

        Tally(String name) {
            this.name = name;
            PARTS.keySet().forEach(p -> parts.put(p, 0L));
        }

        void add(List<RecordedFrame> frames) {
            samples++;
            List<String> methods = frames.stream().map(f -> f.getMethod().getType().getName() + "." + f.getMethod().getName()).toList();
            if (!methods.isEmpty()) {
                self.merge(methods.get(0), 1L, Long::sum);
            }
            methods.stream().filter(m -> m.startsWith("org.keycloak.") || m.startsWith("io.github.keycloaksts.")).distinct()
                    .forEach(m -> inclusive.merge(m, 1L, Long::sum));
            if (UNDER != null) {
                // what a method of interest spends its samples in (-Dunder=class.method)
                int outermost = -1;
                for (int i = methods.size() - 1; i >= 0 && outermost < 0; i--) {
                    if (methods.get(i).startsWith(UNDER)) {
                        outermost = i;
                    }
                }
                if (outermost >= 0) {
                    underSamples++;
                    List<String> related = Boolean.getBoolean("callers") ? methods.subList(outermost + 1, methods.size())
                            : methods.subList(0, outermost);
                    related.stream().distinct().forEach(m -> callees.merge(m, 1L, Long::sum));
                }
            }
            for (Map.Entry<String, List<String>> part : PARTS.entrySet()) {
                if (methods.stream().anyMatch(m -> part.getValue().stream().anyMatch(m::startsWith))) {
                    parts.merge(part.getKey(), 1L, Long::sum);
                }
            }
        }

        void print() {
            System.out.printf(Locale.ROOT, "%n### %s: %d samples, %d requests, %.2f samples per 100 requests%n%n", name, samples,
                    requests, 100.0 * samples / Math.max(1, requests));
            System.out.println("| part | samples | per 100 requests | share of the workload's samples |");
            System.out.println("|---|---|---|---|");
            parts.forEach((part, n) -> System.out.printf(Locale.ROOT, "| %s | %d | %.2f | %.1f %% |%n", part, n,
                    100.0 * n / Math.max(1, requests), 100.0 * n / Math.max(1, samples)));
            System.out.println();
            System.out.println("Hottest methods (self samples):");
            self.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed()).limit(15)
                    .forEach(e -> System.out.printf(Locale.ROOT, "  %5d  %s%n", e.getValue(), e.getKey()));
            System.out.println("Keycloak and keycloak-sts methods (inclusive samples):");
            inclusive.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed()).limit(INCLUSIVE_LIMIT)
                    .forEach(e -> System.out.printf(Locale.ROOT, "  %5d  %s%n", e.getValue(), e.getKey()));
            if (UNDER != null) {
                System.out.printf("Under %s (%d samples), inclusive:%n", UNDER, underSamples);
                callees.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed()).limit(40)
                        .forEach(e -> System.out.printf(Locale.ROOT, "  %5d  %s%n", e.getValue(), e.getKey()));
            }
        }
    }
}
