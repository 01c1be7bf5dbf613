package io.github.keycloaksts.it;

import static io.github.keycloaksts.it.support.Accounts.trusting;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.keycloaksts.client.StsHttp;
import io.github.keycloaksts.client.SubjectTokenSource;
import io.github.keycloaksts.client.cli.Kcsts;
import io.github.keycloaksts.client.samples.PlainJavaSample;
import io.github.keycloaksts.client.samples.SpringTokenExchangeSample;
import io.github.keycloaksts.it.support.Accounts;
import io.github.keycloaksts.it.support.Admin;
import io.github.keycloaksts.it.support.Browser;
import io.github.keycloaksts.it.support.Http;
import io.github.keycloaksts.it.support.KeycloakServer;
import io.github.keycloaksts.it.support.RoleTokens;
import io.github.keycloaksts.it.support.TestOidcIssuer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.springframework.security.authentication.TestingAuthenticationToken;
import org.springframework.security.oauth2.client.OAuth2AuthorizationContext;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClient;
import org.springframework.security.oauth2.core.OAuth2AccessToken;

/**
 * The {@code kcsts} CLI against the real server, its sign-in driven in Chromium. B ({@value #B_ID}): carol, and the
 * public client {@code kcsts} (loopback redirect with PKCE, device grant, audience {@code sts}). A ({@value #A_ID}):
 * {@code deployer} trusts B and grants {@code next} onward; {@code next} trusts {@code deployer}; {@code ci} trusts the
 * OIDC provider {@code ci}. Profiles: {@code b} signs in to B; {@code deployer} assumes A's deployer from {@code b};
 * {@code next} chains from {@code deployer}; {@code ci} assumes {@code ci} with a web identity token file.
 */
class KcstsCliIT {

    static final String B = "it-cli-b";
    static final String A = "it-cli-a";
    static final String B_ID = "75400001";
    static final String A_ID = "75400002";

    static final KeycloakServer SERVER = KeycloakServer.shared();
    static final Admin ADMIN = new Admin(SERVER);
    static Accounts.Account a;
    static TestOidcIssuer issuer;
    static Path home;
    static boolean signedIn;

    record Run(int exit, String out, String err) {
        JsonNode json() {
            try {
                return Http.JSON.readTree(out);
            } catch (IOException e) {
                throw new AssertionError("not JSON: " + out + "\nstderr: " + err, e);
            }
        }
    }

    @BeforeAll
    static void accounts() throws IOException {
        Browser.requireInstalled();
        issuer = TestOidcIssuer.start("/cli-ci");
        a = new Accounts(SERVER).account(A, A_ID);
        a.api("api", "api-secret-1", "reader")
                .realmRole("onward", a.roleArn("next"))
                .role("deployer", trusting(List.of("acs:ram::" + B_ID + ":root")), 3600).attachClientRole("deployer", "api", "reader")
                .attachRealmRole("deployer", "onward")
                .role("next", trusting(List.of(a.roleArn("deployer"))), 3600).attachClientRole("next", "api", "reader")
                .role("ci", Map.of("Version", "1", "Statement", List.of(Map.of("Effect", "Allow", "Action", "sts:AssumeRole",
                        "Principal", Map.of("Federated", List.of("acs:ram::" + A_ID + ":oidc-provider/ci")),
                        "Condition", Map.of("StringEquals", Map.of("oidc:sub", "repo:org/app:ref:refs/heads/main"))))), 3600)
                .attachClientRole("ci", "api", "reader");
        RoleTokens.created(Http.sendJson("POST", SERVER.adminUrl(A) + "/identity-provider/instances", issuer.identityProvider("ci"),
                ADMIN.token()));
        RoleTokens.ok(Http.sendJson("PUT", SERVER.adminUrl(A) + "/sts/oidc-providers/ci", Map.of("clientIds", List.of("sts.cli")),
                ADMIN.token()));
        ADMIN.createSourceAccount(B, B_ID, "carol", "carol-pass-1", List.of(a.roleArn("deployer")));
        RoleTokens.created(Http.sendJson("POST", SERVER.adminUrl(B) + "/clients", Map.of("clientId", "kcsts", "publicClient", true,
                "standardFlowEnabled", true, "directAccessGrantsEnabled", false, "redirectUris", List.of("http://127.0.0.1/callback"),
                "attributes", Map.of("pkce.code.challenge.method", "S256", "oauth2.device.authorization.grant.enabled", "true"),
                "protocolMappers", List.of(Map.of("name", "audience sts", "protocol", "openid-connect", "protocolMapper", "oidc-audience-mapper",
                        "config", Map.of("included.client.audience", "sts", "access.token.claim", "true")))), ADMIN.token()));
        home = Files.createTempDirectory("kcsts-home-");
    }

    @AfterAll
    static void removeAccounts() {
        ADMIN.deleteRealmIfExists(A);
        ADMIN.deleteRealmIfExists(B);
        if (issuer != null) {
            issuer.close();
        }
    }

    @BeforeEach
    void profiles() throws IOException {
        writeConfig(Map.of());
    }

    static void writeConfig(Map<String, String> deployerExtra) throws IOException {
        StringBuilder deployer = new StringBuilder();
        deployerExtra.forEach((k, v) -> deployer.append(k).append(" = ").append(v).append('\n'));
        Path config = home.resolve(".config/kcsts/config");
        Files.createDirectories(config.getParent());
        Files.writeString(config, """
                # kcsts profiles of KcstsCliIT
                [profile b]
                issuer = %1$s
                client_id = kcsts

                [profile deployer]
                issuer = %2$s
                role_arn = %3$s
                source_profile = b
                role_session_name = carol-ci
                %4$s
                [profile next]
                issuer = %2$s
                role_arn = %5$s
                source_profile = deployer

                [profile ci]
                issuer = %2$s
                role_arn = %6$s
                web_identity_token_file = %7$s
                role_session_name = ci-run-1
                """.formatted(SERVER.realmUrl(B), SERVER.realmUrl(A), a.roleArn("deployer"), deployer, a.roleArn("next"),
                a.roleArn("ci"), home.resolve("ci-token")));
    }

    static Map<String, String> env() {
        Map<String, String> env = new HashMap<>();
        env.put("HOME", home.toString());
        return env;
    }

    static Run kcsts(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exit = Kcsts.run(new StsHttp(), env(), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), args);
        return new Run(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    static Run ok(String... args) {
        Run run = kcsts(args);
        assertThat(run.exit()).as(String.join(" ", args) + "\nstderr: " + run.err()).isZero();
        assertThat(run.err()).as("no token on stderr").doesNotContain("eyJ");
        return run;
    }

    /** Signs carol in to B through the CLI's loopback PKCE sign-in, the browser part in Chromium (once per class). */
    static synchronized void signIn() throws Exception {
        if (signedIn) {
            return;
        }
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream errStream = new PrintStream(err, true, StandardCharsets.UTF_8);
        CompletableFuture<Integer> login = CompletableFuture.supplyAsync(() -> Kcsts.run(new StsHttp(), env(),
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8), errStream, "login", "--profile", "b", "--no-browser"));
        String url = awaitLine(err, Pattern.compile("To sign in, open (\\S+)"));
        assertThat(url).startsWith(SERVER.realmUrl(B) + "/protocol/openid-connect/auth?").contains("code_challenge_method=S256")
                .contains("redirect_uri=http%3A%2F%2F127.0.0.1%3A");
        try (Browser browser = Browser.open()) {
            browser.get(url);
            logIn(browser);
            browser.until(d -> browser.source().contains("Signed in. You can close this window."), "the CLI's loopback page\n" + browser.describe());
        }
        assertThat(login.get(30, TimeUnit.SECONDS)).as(err.toString(StandardCharsets.UTF_8)).isZero();
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("Signed in to " + SERVER.realmUrl(B) + " as carol.")
                .contains("Roles you may assume: " + a.roleArn("deployer")).doesNotContain("eyJ");
        signedIn = true;
    }

    static void logIn(Browser browser) {
        browser.waitFor(By.id("username"));
        browser.type(By.id("username"), "carol");
        browser.type(By.id("password"), "carol-pass-1");
        browser.find(By.id("kc-login")).click();
    }

    static String awaitLine(ByteArrayOutputStream err, Pattern pattern) throws InterruptedException {
        Instant until = Instant.now().plusSeconds(20);
        while (Instant.now().isBefore(until)) {
            Matcher m = pattern.matcher(err.toString(StandardCharsets.UTF_8));
            if (m.find()) {
                return m.group(1);
            }
            Thread.sleep(50);
        }
        throw new AssertionError("no line " + pattern + " on stderr: " + err.toString(StandardCharsets.UTF_8));
    }

    static Set<PosixFilePermission> mode(Path file) throws IOException {
        return Files.getPosixFilePermissions(file);
    }

    static List<Path> files(String dir) throws IOException {
        Path path = home.resolve(".cache/kcsts").resolve(dir);
        if (!Files.isDirectory(path)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(path)) {
            return files.filter(Files::isRegularFile).toList();
        }
    }

    @Test
    void aSignedInUserAssumesARoleTheTokenIsCachedAndEveryParameterIsPartOfTheKey() throws Exception {
        signIn();
        assertThat(files("login")).hasSize(1).allSatisfy(f -> assertThat(mode(f)).isEqualTo(PosixFilePermissions.fromString("rw-------")));
        assertThat(Files.readString(files("login").get(0))).contains("refresh_token").doesNotContain("access_token");

        Run first = ok("token", "--profile", "deployer");
        JsonNode answer = first.json();
        String token = answer.get("access_token").asText();
        JsonNode claims = Http.claims(token);
        assertThat(claims.get("role_arn").asText()).isEqualTo(a.roleArn("deployer"));
        assertThat(claims.get("role_session_name").asText()).isEqualTo("carol-ci");
        assertThat(claims.get("source_identity").asText()).isEqualTo("acs:ram::" + B_ID + ":user/carol");
        assertThat(answer.get("assumed_role_user").get("arn").asText()).isEqualTo(a.roleArn("deployer") + "/carol-ci");
        assertThat(Instant.parse(answer.get("expires_at").asText())).isAfter(Instant.now().plusSeconds(3000));
        assertThat(first.err()).isEmpty();
        assertThat(files("tokens")).isNotEmpty().allSatisfy(f -> assertThat(mode(f)).isEqualTo(PosixFilePermissions.fromString("rw-------")));

        assertThat(ok("token", "--profile", "deployer").json().get("access_token").asText()).as("cached").isEqualTo(token);
        writeConfig(Map.of("duration_seconds", "1800"));
        String other = ok("token", "--profile", "deployer").json().get("access_token").asText();
        assertThat(other).as("another duration misses the cache").isNotEqualTo(token);
        assertThat(Http.claims(other).get("exp").asLong() - Http.claims(other).get("iat").asLong()).isEqualTo(1800);
        writeConfig(Map.of());
        assertThat(ok("token", "--profile", "deployer").json().get("access_token").asText()).as("the first entry again").isEqualTo(token);
        assertThat(ok("token", "--profile", "deployer", "--force-refresh").json().get("access_token").asText()).isNotEqualTo(token);
    }

    @Test
    void aSourceProfileChainAssumesTheNextRoleWithTheFirstRoleToken() throws Exception {
        signIn();
        JsonNode claims = Http.claims(ok("token", "--profile", "next").json().get("access_token").asText());
        assertThat(claims.get("role_arn").asText()).isEqualTo(a.roleArn("next"));
        assertThat(claims.get("source_identity").asText()).isEqualTo("acs:ram::" + B_ID + ":user/carol");
        assertThat(claims.get("act").has("act")).as("act nests").isTrue();
    }

    @Test
    void kubectlGetsAnExecCredentialV1AndEnvAndExecCarryTheToken() throws Exception {
        signIn();
        JsonNode credential = ok("token", "--profile", "deployer", "--format", "kubectl").json();
        assertThat(credential.get("kind").asText()).isEqualTo("ExecCredential");
        assertThat(credential.get("apiVersion").asText()).isEqualTo("client.authentication.k8s.io/v1");
        assertThat(credential.get("status").get("token").asText()).startsWith("eyJ");
        assertThat(Instant.parse(credential.get("status").get("expirationTimestamp").asText())).isAfter(Instant.now());
        List<String> fields = new ArrayList<>();
        credential.fieldNames().forEachRemaining(fields::add);
        assertThat(fields).containsExactly("kind", "apiVersion", "spec", "status");
        List<String> status = new ArrayList<>();
        credential.get("status").fieldNames().forEachRemaining(status::add);
        assertThat(status).as("ExecCredentialStatus fields only").containsExactlyInAnyOrder("expirationTimestamp", "token");

        assertThat(ok("token", "--profile", "deployer", "--format", "env").out()).startsWith("KCSTS_ACCESS_TOKEN=eyJ")
                .contains("KCSTS_ASSUMED_ROLE_ARN=" + a.roleArn("deployer") + "/carol-ci");

        Path seen = home.resolve("exec-saw");
        Run exec = kcsts("exec", "--profile", "deployer", "--", "sh", "-c", "printf %s \"$KCSTS_ASSUMED_ROLE_ARN\" > " + seen + "; exit 7");
        assertThat(exec.exit()).as("the command's exit code").isEqualTo(7);
        assertThat(Files.readString(seen)).isEqualTo(a.roleArn("deployer") + "/carol-ci");
    }

    @Test
    void whoamiNamesTheRoleSessionAndTheSignedInUser() throws Exception {
        signIn();
        JsonNode role = ok("whoami", "--profile", "deployer").json();
        assertThat(role.get("type").asText()).isEqualTo("AssumedRole");
        assertThat(role.get("accountId").asText()).isEqualTo(A_ID);
        assertThat(role.get("arn").asText()).isEqualTo(a.roleArn("deployer") + "/carol-ci");
        assertThat(role.get("sourceIdentity").asText()).isEqualTo("acs:ram::" + B_ID + ":user/carol");
        JsonNode user = ok("whoami", "--profile", "b").json();
        assertThat(user.get("type").asText()).isEqualTo("User");
        assertThat(user.get("arn").asText()).isEqualTo("acs:ram::" + B_ID + ":user/carol");
    }

    @Test
    void companyAsRevocationGivesOneClearErrorLineAndExitCodeWithoutRetries() throws Exception {
        signIn();
        String token = ok("token", "--profile", "deployer").json().get("access_token").asText();
        String trustUrl = SERVER.adminUrl(A) + "/sts/roles/deployer/trust-policy";
        JsonNode trust = Http.get(trustUrl, ADMIN.token()).json();
        RoleTokens.ok(Http.sendJson("PUT", trustUrl, trusting(List.of("acs:ram::99999999:root")), ADMIN.token()));
        try {
            Run whoami = kcsts("whoami", "--profile", "deployer");
            assertThat(whoami.exit()).as(whoami.err()).isEqualTo(3);
            assertThat(whoami.err().lines()).hasSize(1);
            assertThat(whoami.err()).startsWith("kcsts: refused: invalid_token (HTTP 401)");

            int refusalsBefore = a.events("TOKEN_EXCHANGE_ERROR", 100).size();
            Run refused = kcsts("token", "--profile", "deployer", "--force-refresh");
            assertThat(refused.exit()).isEqualTo(3);
            assertThat(refused.out()).isEmpty();
            assertThat(refused.err().lines()).hasSize(1);
            assertThat(refused.err()).matches("(?s)kcsts: refused: access_denied \\(HTTP 403, request_id [0-9a-f-]{36}\\): .*");
            assertThat(refused.err()).doesNotContain(token).doesNotContain("eyJ");
            assertThat(a.events("TOKEN_EXCHANGE_ERROR", 100).size()).as("one exchange, no retry").isEqualTo(refusalsBefore + 1);
        } finally {
            RoleTokens.ok(Http.sendJson("PUT", trustUrl, trust, ADMIN.token()));
        }
    }

    @Test
    void revokeEndsTheRoleSessionAtTheServerAndCleanForgetsEveryToken() throws Exception {
        signIn();
        String token = ok("token", "--profile", "deployer").json().get("access_token").asText();
        assertThat(Http.get(SERVER.realmUrl(A) + "/sts/caller-identity", token).status()).isEqualTo(200);

        assertThat(ok("revoke", "--profile", "deployer").err()).contains("Role session of profile deployer ended.");
        assertThat(Http.get(SERVER.realmUrl(A) + "/sts/caller-identity", token).status()).as("revoked at the server").isEqualTo(401);
        assertThat(ok("token", "--profile", "deployer").json().get("access_token").asText()).as("a new session").isNotEqualTo(token);

        assertThat(files("tokens")).isNotEmpty();
        assertThat(ok("clean").err()).startsWith("Forgot ");
        assertThat(files("tokens")).isEmpty();
        assertThat(files("login")).as("the sign-in stays").hasSize(1);
    }

    /** README's Java sample, as written there: company-b's app calls company-a's caller-identity API with a role token. */
    @Test
    void thePlainJavaSampleCallsAnApiOfCompanyAWithARoleToken() throws Exception {
        String carolToken = Http.passwordGrant(SERVER, B, "app", "carol", "carol-pass-1").json().get("access_token").asText();
        PlainJavaSample sample = new PlainJavaSample(URI.create(SERVER.realmUrl(A)), a.roleArn("deployer"),
                SubjectTokenSource.accessToken(carolToken));
        JsonNode identity = Http.JSON.readTree(sample.get(URI.create(SERVER.realmUrl(A) + "/sts/caller-identity")));
        assertThat(identity.get("arn").asText()).isEqualTo(a.roleArn("deployer") + "/billing-job");
        assertThat(sample.get(URI.create(SERVER.realmUrl(A) + "/sts/caller-identity"))).as("the same role session: cached")
                .contains("\"userId\":\"" + identity.get("userId").asText() + "\"");
    }

    /** The Spring Security sample: Spring's TokenExchangeOAuth2AuthorizedClientProvider gets a role token of A for carol. */
    @Test
    void theSpringSecuritySampleExchangesTheCallersTokenForARoleToken() {
        String carolToken = Http.passwordGrant(SERVER, B, "app", "carol", "carol-pass-1").json().get("access_token").asText();
        Instant now = Instant.now();
        TestingAuthenticationToken caller = new TestingAuthenticationToken(
                new OAuth2AccessToken(OAuth2AccessToken.TokenType.BEARER, carolToken, now, now.plusSeconds(300)), null);
        OAuth2AuthorizedClient authorized = SpringTokenExchangeSample.provider(a.roleArn("deployer"), "spring-app").authorize(
                OAuth2AuthorizationContext.withClientRegistration(SpringTokenExchangeSample.registration("a-deployer", SERVER.realmUrl(A)))
                        .principal(caller).build());
        assertThat(authorized).isNotNull();
        JsonNode claims = Http.claims(authorized.getAccessToken().getTokenValue());
        assertThat(claims.get("role_arn").asText()).isEqualTo(a.roleArn("deployer"));
        assertThat(claims.get("role_session_name").asText()).isEqualTo("spring-app");
        assertThat(claims.get("source_identity").asText()).isEqualTo("acs:ram::" + B_ID + ":user/carol");
        assertThat(authorized.getAccessToken().getExpiresAt()).isAfter(now.plusSeconds(3000));
    }

    /** caller-identity answers only for a live access token of its own realm: the attacker's other tokens get 401. */
    @Test
    void callerIdentityRefusesEveryTokenButALiveAccessTokenOfItsRealm() {
        JsonNode carol = Http.passwordGrant(SERVER, B, "app", "carol", "carol-pass-1").json();
        String callerIdentityOfA = SERVER.realmUrl(A) + "/sts/caller-identity";
        String callerIdentityOfB = SERVER.realmUrl(B) + "/sts/caller-identity";
        assertThat(Http.get(callerIdentityOfB, carol.get("access_token").asText()).json().get("username").asText()).isEqualTo("carol");

        Http.Response none = Http.get(callerIdentityOfB);
        assertThat(none.status()).isEqualTo(401);
        assertThat(none.json().get("error").asText()).isEqualTo("invalid_request");
        assertThat(none.header("WWW-Authenticate")).startsWith("Bearer");
        for (Map.Entry<String, String> wrong : Map.of(
                "another realm's access token", callerIdentityOfA + " " + carol.get("access_token").asText(),
                "a refresh token", callerIdentityOfB + " " + carol.get("refresh_token").asText(),
                "a forged token", callerIdentityOfB + " " + carol.get("access_token").asText().replaceFirst("\\.[^.]*$", ".c2lnbmF0dXJl"),
                "garbage", callerIdentityOfB + " not-a-jwt").entrySet()) {
            String[] urlAndToken = wrong.getValue().split(" ", 2);
            Http.Response refused = Http.get(urlAndToken[0], urlAndToken[1]);
            assertThat(refused.status()).as(wrong.getKey()).isEqualTo(401);
            assertThat(refused.json().get("error").asText()).as(wrong.getKey()).isEqualTo("invalid_token");
            assertThat(refused.json().get("error_description").asText()).as("terse").isEqualTo("Token verification failed");
        }
        assertThat(Http.get(SERVER.realmUrl("master") + "/sts/caller-identity", carol.get("access_token").asText()).status())
                .as("master is not an account").isEqualTo(404);

        Http.postForm(SERVER.realmUrl(B) + "/protocol/openid-connect/logout", Map.of("client_id", "app",
                "refresh_token", carol.get("refresh_token").asText()));
        assertThat(Http.get(callerIdentityOfB, carol.get("access_token").asText()).status()).as("after sign-out").isEqualTo(401);
    }

    @Test
    void aCiJobAssumesItsRoleWithAWebIdentityTokenFile() throws IOException {
        Files.writeString(home.resolve("ci-token"), issuer.sign(issuer.githubClaims("org/app", "refs/heads/main", "sts.cli")));
        JsonNode claims = Http.claims(ok("token", "--profile", "ci").json().get("access_token").asText());
        assertThat(claims.get("role_arn").asText()).isEqualTo(a.roleArn("ci"));
        assertThat(claims.get("source_identity").asText()).isEqualTo("acs:ram::" + A_ID + ":oidc-provider/ci/repo:org/app:ref:refs/heads/main");
    }

    @Test
    void theDeviceGrantSignsInWithTheVerificationPageInChromium() throws Exception {
        Path deviceHome = Files.createTempDirectory("kcsts-device-");
        Files.createDirectories(deviceHome.resolve(".config/kcsts"));
        Files.writeString(deviceHome.resolve(".config/kcsts/config"), "[default]\nissuer = " + SERVER.realmUrl(B) + "\nclient_id = kcsts\n");
        Map<String, String> env = Map.of("HOME", deviceHome.toString());
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        CompletableFuture<Integer> login = CompletableFuture.supplyAsync(() -> Kcsts.run(new StsHttp(), env,
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8),
                "login", "--device"));
        String url = awaitLine(err, Pattern.compile("or open (\\S+)"));
        assertThat(url).contains("/device?user_code=");
        try (Browser browser = Browser.open()) {
            browser.get(url);
            if (browser.present(By.id("kc-login")) && !browser.present(By.id("username"))) {
                browser.find(By.id("kc-login")).click(); // the user code is filled in: submit it
            }
            logIn(browser);
            browser.until(d -> browser.source().contains("Device Login Successful") || browser.present(By.id("kc-login")),
                    "the device page\n" + browser.describe());
            if (!browser.source().contains("Device Login Successful")) {
                browser.find(By.id("kc-login")).click(); // consent: Yes
            }
        }
        assertThat(login.get(60, TimeUnit.SECONDS)).as(err.toString(StandardCharsets.UTF_8)).isZero();
        try (Stream<Path> logins = Files.list(deviceHome.resolve(".cache/kcsts/login"))) {
            assertThat(logins.toList()).hasSize(1).allSatisfy(f -> assertThat(mode(f)).isEqualTo(PosixFilePermissions.fromString("rw-------")));
        }
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("as carol").doesNotContain("eyJ");
    }

    @Test
    void theLauncherRunsTheShadedJar() throws Exception {
        Path launcher = Path.of(System.getProperty("kcsts.launcher", "../client/bin/kcsts")).toAbsolutePath().normalize();
        ProcessBuilder builder = new ProcessBuilder(launcher.toString(), "--version").redirectErrorStream(true);
        builder.environment().put("KCSTS_CACHE_DIR", home.resolve(".cache/kcsts").toString());
        Process process = builder.start();
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.exitValue()).as(output).isZero();
        assertThat(output.strip()).isEqualTo("kcsts 0.1.0");
    }
}
