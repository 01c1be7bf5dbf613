package io.github.keycloaksts.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@link RoleCredentials} against a token endpoint on a loopback HTTP server: the exchange's form, one exchange for
 * many threads, renewal before expiry on an injected clock, refusals handed out and never retried in a loop.
 */
class RoleCredentialsTest {

    HttpServer server;
    final AtomicInteger exchanges = new AtomicInteger();
    final Map<String, String> lastForm = new ConcurrentHashMap<>();
    volatile int status = 200;
    volatile long delayMillis;
    volatile int expiresIn = 3600;
    final AtomicReference<Instant> now = new AtomicReference<>(Instant.parse("2026-12-07T10:00:00Z"));
    final Clock clock = new Clock() {
        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now.get();
        }
    };

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setExecutor(Executors.newFixedThreadPool(8));
        server.createContext("/realms/company-a/protocol/openid-connect/token", exchange -> {
            int n = exchanges.incrementAndGet();
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            lastForm.clear();
            for (String pair : body.split("&")) {
                String[] kv = pair.split("=", 2);
                lastForm.put(URLDecoder.decode(kv[0], StandardCharsets.UTF_8), URLDecoder.decode(kv[1], StandardCharsets.UTF_8));
            }
            try {
                Thread.sleep(delayMillis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            String answer = status == 200
                    ? "{\"access_token\":\"role-token-" + n + "\",\"expires_in\":" + expiresIn + ",\"request_id\":\"req-" + n
                      + "\",\"issued_token_type\":\"urn:ietf:params:oauth:token-type:access_token\","
                      + "\"assumed_role_user\":{\"arn\":\"acs:ram::11223344:role/ecs-admin/bob\"}}"
                    : "{\"error\":\"access_denied\",\"error_description\":\"Access denied\",\"request_id\":\"req-" + n + "\"}";
            byte[] bytes = answer.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(status, bytes.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        });
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    RoleRequest request() {
        return new RoleRequest(URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/realms/company-a"), "sts",
                "acs:ram::11223344:role/ecs-admin", "bob-ops", 900, "ext-1", null);
    }

    RoleCredentials credentials(RoleCredentials.TokenStore store) {
        StsHttp http = new StsHttp(HttpClient.newHttpClient(), clock, Duration.ofSeconds(10));
        return new RoleCredentials(http, request(), SubjectTokenSource.accessToken("bob-token"), store, request().cacheKey(),
                RoleCredentials.DEFAULT_REFRESH_BEFORE);
    }

    @Test
    void sendsEveryParameterOfTheRequestAndReadsTheAnswer() {
        RoleToken token = credentials(RoleCredentials.TokenStore.NONE).token();

        assertThat(lastForm).containsEntry("grant_type", StsHttp.TOKEN_EXCHANGE).containsEntry("client_id", "sts")
                .containsEntry("subject_token", "bob-token").containsEntry("subject_token_type", SubjectTokenSource.ACCESS_TOKEN)
                .containsEntry("role_arn", "acs:ram::11223344:role/ecs-admin").containsEntry("role_session_name", "bob-ops")
                .containsEntry("duration_seconds", "900").containsEntry("external_id", "ext-1").doesNotContainKey("policy");
        assertThat(token.accessToken()).isEqualTo("role-token-1");
        assertThat(token.expiresAt()).isEqualTo(now.get().plusSeconds(3600));
        assertThat(token.assumedRoleArn()).isEqualTo("acs:ram::11223344:role/ecs-admin/bob");
        assertThat(token.requestId()).isEqualTo("req-1");
        assertThat(token.toString()).doesNotContain("role-token");
    }

    @Test
    void manyThreadsAtOnceCauseOneExchange() throws Exception {
        delayMillis = 300;
        RoleCredentials credentials = credentials(RoleCredentials.TokenStore.NONE);
        int threads = 32;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        CountDownLatch go = new CountDownLatch(1);
        List<Future<RoleToken>> results = new ArrayList<>();
        for (int i = 0; i < threads; i++) {
            results.add(pool.submit(() -> {
                go.await();
                return credentials.token();
            }));
        }
        go.countDown();
        for (Future<RoleToken> result : results) {
            assertThat(result.get().accessToken()).isEqualTo("role-token-1");
        }
        pool.shutdown();
        assertThat(exchanges.get()).isEqualTo(1);
    }

    @Test
    void theTokenIsReusedAndExchangedAgainBeforeItExpires() {
        RoleCredentials credentials = credentials(RoleCredentials.TokenStore.NONE);
        assertThat(credentials.token().accessToken()).isEqualTo("role-token-1");
        now.set(now.get().plusSeconds(3600 - 301));
        assertThat(credentials.token().accessToken()).as("more than five minutes left").isEqualTo("role-token-1");
        now.set(now.get().plusSeconds(2));
        assertThat(credentials.token().accessToken()).as("less than five minutes left").isEqualTo("role-token-2");
        assertThat(exchanges.get()).isEqualTo(2);
    }

    @Test
    void aShortSessionIsRenewedAtThreeQuartersOfItsLifetimeNotOnEveryCall() {
        expiresIn = 60;
        RoleCredentials credentials = credentials(RoleCredentials.TokenStore.NONE);
        credentials.token();
        now.set(now.get().plusSeconds(44));
        assertThat(credentials.token().accessToken()).isEqualTo("role-token-1");
        now.set(now.get().plusSeconds(2));
        assertThat(credentials.token().accessToken()).isEqualTo("role-token-2");
    }

    @Test
    void aRefusalReachesEveryWaitingCallerOnceAndIsNotRetried() throws Exception {
        status = 403;
        delayMillis = 300;
        RoleCredentials credentials = credentials(RoleCredentials.TokenStore.NONE);
        ExecutorService pool = Executors.newFixedThreadPool(8);
        CountDownLatch go = new CountDownLatch(1);
        List<Future<?>> results = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            results.add(pool.submit(() -> {
                go.await();
                return credentials.token();
            }));
        }
        go.countDown();
        for (Future<?> result : results) {
            assertThatThrownBy(result::get).hasCauseInstanceOf(StsException.class);
        }
        pool.shutdown();
        assertThat(exchanges.get()).as("one exchange for all of them, no retry").isEqualTo(1);

        StsException refusal = (StsException) catchThrowable(credentials::token);
        assertThat(refusal.status()).isEqualTo(403);
        assertThat(refusal.error()).isEqualTo("access_denied");
        assertThat(refusal.requestId()).isEqualTo("req-2");
        assertThat(refusal.retryable()).isFalse();
        assertThat(exchanges.get()).as("the next call tries once more").isEqualTo(2);
    }

    @Test
    void aStoredTokenIsUsedWithoutAnExchangeAndForgetExchangesAgain() {
        Map<String, RoleToken> saved = new ConcurrentHashMap<>();
        RoleCredentials.TokenStore store = new RoleCredentials.TokenStore() {
            @Override
            public Optional<RoleToken> load(String key) {
                return Optional.ofNullable(saved.get(key));
            }

            @Override
            public void save(String key, RoleToken token) {
                saved.put(key, token);
            }

            @Override
            public void forget(String key) {
                saved.remove(key);
            }
        };
        credentials(store).token();
        assertThat(credentials(store).token().accessToken()).as("another process, same key").isEqualTo("role-token-1");
        assertThat(exchanges.get()).isEqualTo(1);
        RoleCredentials again = credentials(store);
        again.forget();
        assertThat(again.token().accessToken()).isEqualTo("role-token-2");
    }

    @Test
    void theCacheKeyCoversEveryParameter() {
        RoleRequest base = request();
        List<RoleRequest> variants = List.of(base.withSessionName("other"), base.withDurationSeconds(901), base.withExternalId("ext-2"),
                base.withPolicy("{}"), base.withSessionName(null), base.withExternalId(null),
                new RoleRequest(URI.create("http://127.0.0.1:1/realms/company-c"), "sts", base.roleArn(), "bob-ops", 900, "ext-1", null),
                new RoleRequest(base.issuer(), "other-client", base.roleArn(), "bob-ops", 900, "ext-1", null),
                new RoleRequest(base.issuer(), "sts", "acs:ram::11223344:role/other", "bob-ops", 900, "ext-1", null));
        assertThat(variants).extracting(RoleRequest::cacheKey).doesNotContain(base.cacheKey()).doesNotHaveDuplicates();
        assertThat(base.withSessionName("a|b").cacheKey()).isNotEqualTo(base.withSessionName("a").withExternalId("b|ext-1").cacheKey());
    }
}
