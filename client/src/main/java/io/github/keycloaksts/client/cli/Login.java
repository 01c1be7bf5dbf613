package io.github.keycloaksts.client.cli;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import io.github.keycloaksts.client.RoleRequest;
import io.github.keycloaksts.client.StsException;
import io.github.keycloaksts.client.StsHttp;

/**
 * {@code kcsts login}: a sign-in to the source realm. In the browser with PKCE on a loopback redirect
 * ({@code http://127.0.0.1:<port>/callback}, RFC 8252), or, where no browser can reach the machine, with the device
 * authorization grant (RFC 8628). What to open or type goes to stderr; no token is printed.
 */
final class Login {

    private static final SecureRandom RANDOM = new SecureRandom();
    static final Duration WAIT = Duration.ofMinutes(5);

    private final StsHttp http;
    private final PrintStream err;
    private final Clock clock;

    Login(StsHttp http, PrintStream err) {
        this.http = http;
        this.err = err;
        this.clock = http.clock();
    }

    /** RFC 8628: shows the verification URL and code, polls the token endpoint until the user has approved. */
    JsonNode device(String issuer, String clientId) {
        // PKCE on the device grant too (Keycloak asks for it when the client requires PKCE): the verifier stays here.
        String verifier = random(48);
        Map<String, String> form = new LinkedHashMap<>();
        form.put("client_id", clientId);
        form.put("scope", "openid");
        form.put("code_challenge", challenge(verifier));
        form.put("code_challenge_method", "S256");
        JsonNode start = http.postForm(RoleRequest.endpoint(issuer, "/protocol/openid-connect/auth/device"), form, "device authorization");
        String deviceCode = start.path("device_code").asText();
        long interval = Math.max(1, start.path("interval").asLong(5));
        Instant until = clock.instant().plusSeconds(start.path("expires_in").asLong(600));
        err.println("To sign in, open " + start.path("verification_uri").asText() + " and enter the code " + start.path("user_code").asText());
        err.println("or open " + start.path("verification_uri_complete").asText());
        err.flush();
        Map<String, String> poll = new LinkedHashMap<>();
        poll.put("grant_type", "urn:ietf:params:oauth:grant-type:device_code");
        poll.put("client_id", clientId);
        poll.put("device_code", deviceCode);
        poll.put("code_verifier", verifier);
        while (clock.instant().isBefore(until)) {
            sleep(interval);
            try {
                return http.postForm(LoginStore.tokenEndpoint(issuer), poll, "device sign-in");
            } catch (StsException e) {
                if ("authorization_pending".equals(e.error())) {
                    continue;
                }
                if ("slow_down".equals(e.error())) {
                    interval += 5;
                    continue;
                }
                throw e;
            }
        }
        throw new CliException(CliException.REFUSED, "the device code expired before the sign-in was approved");
    }

    /** Authorization code with PKCE on a loopback redirect; {@code open} tries the desktop's browser. */
    JsonNode browser(String issuer, String clientId, boolean open) {
        String verifier = random(48);
        String state = random(24);
        CompletableFuture<Map<String, String>> callback = new CompletableFuture<>();
        HttpServer server;
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        } catch (IOException e) {
            throw new CliException(CliException.CONFIG, "cannot listen on the loopback interface: " + e.getMessage());
        }
        server.createContext("/callback", exchange -> {
            Map<String, String> query = query(exchange.getRequestURI().getRawQuery());
            byte[] page = ("<!doctype html><meta charset=utf-8><title>kcsts</title><p>"
                    + (query.containsKey("code") ? "Signed in. You can close this window." : "The sign-in did not complete.")
                    + "</p>").getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "text/html; charset=utf-8");
            exchange.sendResponseHeaders(200, page.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(page);
            }
            callback.complete(query);
        });
        server.start();
        try {
            String redirect = "http://127.0.0.1:" + server.getAddress().getPort() + "/callback";
            String url = RoleRequest.endpoint(issuer, "/protocol/openid-connect/auth") + "?response_type=code&scope=openid"
                    + "&client_id=" + encode(clientId) + "&redirect_uri=" + encode(redirect) + "&state=" + state
                    + "&code_challenge=" + challenge(verifier) + "&code_challenge_method=S256";
            err.println("To sign in, open " + url);
            err.flush();
            if (open) {
                tryToOpen(url);
            }
            Map<String, String> answer;
            try {
                answer = callback.get(WAIT.toSeconds(), TimeUnit.SECONDS);
            } catch (TimeoutException e) {
                throw new CliException(CliException.REFUSED, "no sign-in within " + WAIT.toMinutes() + " minutes");
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new CliException(CliException.REFUSED, "interrupted");
            } catch (ExecutionException e) {
                throw new CliException(CliException.REFUSED, "the sign-in failed: " + e.getCause());
            }
            if (!state.equals(answer.get("state"))) {
                throw new CliException(CliException.REFUSED, "the sign-in answer's state does not match (another tab?): try again");
            }
            if (answer.get("code") == null) {
                throw new CliException(CliException.REFUSED, "the sign-in was refused: " + answer.getOrDefault("error", "no code")
                        + (answer.containsKey("error_description") ? ": " + answer.get("error_description") : ""));
            }
            Map<String, String> form = new LinkedHashMap<>();
            form.put("grant_type", "authorization_code");
            form.put("client_id", clientId);
            form.put("code", answer.get("code"));
            form.put("redirect_uri", redirect);
            form.put("code_verifier", verifier);
            return http.postForm(LoginStore.tokenEndpoint(issuer), form, "sign-in");
        } finally {
            server.stop(0);
        }
    }

    private void tryToOpen(String url) {
        for (String opener : new String[] {"xdg-open", "open"}) {
            try {
                new ProcessBuilder(opener, url).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
                return;
            } catch (IOException e) {
                // not this desktop's opener: try the next, else the user opens the URL printed above
            }
        }
    }

    private void sleep(long seconds) {
        try {
            Thread.sleep(seconds * 1000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CliException(CliException.REFUSED, "interrupted");
        }
    }

    static String random(int bytes) {
        byte[] b = new byte[bytes];
        RANDOM.nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }

    static String challenge(String verifier) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(verifier.getBytes(StandardCharsets.US_ASCII));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    static Map<String, String> query(String raw) {
        Map<String, String> out = new LinkedHashMap<>();
        if (raw == null) {
            return out;
        }
        for (String pair : raw.split("&")) {
            int eq = pair.indexOf('=');
            if (eq > 0) {
                out.putIfAbsent(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                        URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
            }
        }
        return out;
    }
}
