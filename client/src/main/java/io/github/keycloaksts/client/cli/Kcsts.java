package io.github.keycloaksts.client.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.github.keycloaksts.client.RoleCredentials;
import io.github.keycloaksts.client.RoleRequest;
import io.github.keycloaksts.client.RoleToken;
import io.github.keycloaksts.client.StsException;
import io.github.keycloaksts.client.StsHttp;
import io.github.keycloaksts.client.SubjectTokenSource;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.ScopeType;

/**
 * {@code kcsts}: role tokens of keycloak-sts for engineers, scripts, CI jobs and kubectl. Tokens go to stdout only;
 * everything else (what to open to sign in, one-line errors) to stderr. Exit codes: 0 ok, 1 configuration, 2 usage,
 * 3 refused by the server (retrying will not help), 4 server unavailable, 5 not signed in; {@code exec} exits with
 * its command's code.
 */
@Command(name = "kcsts", mixinStandardHelpOptions = true, version = "kcsts 0.1.0",
        description = "Role tokens of keycloak-sts (AssumeRole and AssumeRoleWithOIDC), cached and renewed before they expire.",
        subcommands = {Kcsts.LoginCommand.class, Kcsts.TokenCommand.class, Kcsts.ExecCommand.class, Kcsts.WhoamiCommand.class,
                Kcsts.RevokeCommand.class, Kcsts.CleanCommand.class})
public final class Kcsts {

    static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private static final int MAX_CHAIN = 5;

    @Option(names = "--profile", scope = ScopeType.INHERIT, description = "the profile (env KCSTS_PROFILE, default: default)")
    String profile;

    @Option(names = "--config", scope = ScopeType.INHERIT, description = "the config file (env KCSTS_CONFIG_FILE, default ~/.config/kcsts/config)")
    Path config;

    @Option(names = "--cache-dir", scope = ScopeType.INHERIT, description = "where tokens and the sign-in are kept, mode 0600 (env KCSTS_CACHE_DIR, default ~/.cache/kcsts)")
    Path cacheDir;

    final StsHttp http;
    final Map<String, String> env;
    final PrintStream out;
    final PrintStream err;

    Kcsts(StsHttp http, Map<String, String> env, PrintStream out, PrintStream err) {
        this.http = http;
        this.env = env;
        this.out = out;
        this.err = err;
    }

    public static void main(String[] args) {
        System.exit(run(new StsHttp(), System.getenv(), System.out, System.err, args));
    }

    /** Runs the CLI with this environment and these streams (tests, embedding); the exit code. */
    public static int run(StsHttp http, Map<String, String> env, PrintStream out, PrintStream err, String... args) {
        Kcsts kcsts = new Kcsts(http, env, out, err);
        CommandLine cli = new CommandLine(kcsts);
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        cli.setExecutionExceptionHandler((e, line, parsed) -> kcsts.report(e));
        return cli.execute(args);
    }

    /** One line on stderr for a failure, and its exit code. Never a token: errors carry none. */
    int report(Exception e) {
        if (e instanceof CliException cli) {
            err.println("kcsts: " + cli.getMessage());
            return cli.exitCode();
        }
        if (e instanceof StsException sts) {
            err.println("kcsts: " + (sts.retryable() ? "unavailable: " : "refused: ") + sts.error() + " (HTTP " + sts.status()
                    + (sts.requestId() == null ? "" : ", request_id " + sts.requestId()) + ")"
                    + (sts.errorDescription() == null ? "" : ": " + sts.errorDescription()));
            return sts.retryable() ? CliException.UNAVAILABLE : CliException.REFUSED;
        }
        if (e instanceof UncheckedIOException io) {
            err.println("kcsts: " + io.getMessage() + ": " + io.getCause().getMessage());
            return CliException.CONFIG;
        }
        err.println("kcsts: " + e);
        return CliException.CONFIG;
    }

    // ---------------------------------------------------------------- where things are

    String profileName() {
        return profile != null ? profile : env.getOrDefault("KCSTS_PROFILE", "default");
    }

    Path home() {
        return Path.of(env.getOrDefault("HOME", System.getProperty("user.home")));
    }

    Path configFile() {
        if (config != null) {
            return config;
        }
        if (env.get("KCSTS_CONFIG_FILE") != null) {
            return Path.of(env.get("KCSTS_CONFIG_FILE"));
        }
        String xdg = env.get("XDG_CONFIG_HOME");
        return (xdg != null ? Path.of(xdg) : home().resolve(".config")).resolve("kcsts").resolve("config");
    }

    Path cache() {
        if (cacheDir != null) {
            return cacheDir;
        }
        if (env.get("KCSTS_CACHE_DIR") != null) {
            return Path.of(env.get("KCSTS_CACHE_DIR"));
        }
        String xdg = env.get("XDG_CACHE_HOME");
        return (xdg != null ? Path.of(xdg) : home().resolve(".cache")).resolve("kcsts");
    }

    Profiles profiles() {
        return Profiles.read(configFile());
    }

    LoginStore logins() {
        return new LoginStore(cache().resolve("login"));
    }

    FileTokenStore tokens() {
        return new FileTokenStore(cache().resolve("tokens"));
    }

    static String clientId(Profiles.Profile profile, String fallback) {
        String clientId = profile.get("client_id");
        return clientId == null || clientId.isBlank() ? fallback : clientId;
    }

    // ---------------------------------------------------------------- profiles to credentials

    /** The role credentials of role profile {@code name}, its source resolved (a sign-in, a token file, another role). */
    RoleCredentials credentials(Profiles profiles, String name, Set<String> seen) {
        if (!seen.add(name) || seen.size() > MAX_CHAIN) {
            throw new CliException(CliException.CONFIG, "source_profile of " + name + " loops or chains more than " + MAX_CHAIN + " profiles");
        }
        Profiles.Profile p = profiles.get(name);
        if (!p.isRole()) {
            throw new CliException(CliException.CONFIG, "profile " + name + " has no role_arn (it is a sign-in profile: use kcsts login)");
        }
        RoleRequest request;
        try {
            request = new RoleRequest(URI.create(p.get("issuer")), clientId(p, "sts"), p.get("role_arn"), p.get("role_session_name"),
                    p.get("duration_seconds") == null ? null : Integer.valueOf(p.get("duration_seconds")), p.get("external_id"), p.get("policy"));
        } catch (IllegalArgumentException e) {
            throw new CliException(CliException.CONFIG, "profile " + name + ": " + e.getMessage());
        }
        SubjectTokenSource subject;
        String subjectKey;
        if (p.get("web_identity_token_file") != null) {
            Path file = Path.of(p.get("web_identity_token_file"));
            subject = SubjectTokenSource.fromFile(file);
            subjectKey = "web-identity:" + file.toAbsolutePath();
        } else if (p.get("source_profile") != null) {
            Profiles.Profile source = profiles.get(p.get("source_profile"));
            if (source.isRole()) {
                RoleCredentials earlier = credentials(profiles, source.name(), seen);
                subject = SubjectTokenSource.roleToken(earlier);
                subjectKey = "role:" + key(earlier.request().cacheKey(), "");
            } else {
                String issuer = source.get("issuer");
                String clientId = clientId(source, "kcsts");
                String who = logins().find(issuer, clientId).map(LoginStore.Login::subject).orElse("none");
                subject = () -> new SubjectTokenSource.SubjectToken(logins().accessToken(http, issuer, clientId, source.name()),
                        SubjectTokenSource.ACCESS_TOKEN);
                subjectKey = "login:" + issuer + "|" + clientId + "|" + who;
            }
        } else {
            throw new CliException(CliException.CONFIG, "profile " + name + " needs source_profile or web_identity_token_file");
        }
        return new RoleCredentials(http, request, subject, tokens(), key(request.cacheKey(), subjectKey),
                RoleCredentials.DEFAULT_REFRESH_BEFORE);
    }

    /** The cache key: a hash of every parameter of the request and of where its subject comes from. */
    static String key(String requestKey, String subjectKey) {
        return LoginStore.sha256(requestKey + "#" + subjectKey);
    }

    RoleCredentials credentials() {
        return credentials(profiles(), profileName(), new HashSet<>());
    }

    // ---------------------------------------------------------------- commands

    @Command(name = "login", mixinStandardHelpOptions = true, description = "Sign in to a source account (a profile without role_arn): the browser with PKCE, or --device.")
    static final class LoginCommand implements Callable<Integer> {
        @ParentCommand
        Kcsts kcsts;

        @Option(names = "--device", description = "use the device authorization grant (another device's browser)")
        boolean device;

        @Option(names = "--no-browser", description = "print the URL only; do not try to open a browser")
        boolean noBrowser;

        @Override
        public Integer call() {
            Profiles.Profile p = kcsts.profiles().get(kcsts.profileName());
            if (p.isRole()) {
                throw new CliException(CliException.CONFIG, "profile " + p.name() + " is a role profile; log in with its source_profile");
            }
            String issuer = p.get("issuer");
            String clientId = clientId(p, "kcsts");
            Login login = new Login(kcsts.http, kcsts.err);
            JsonNode answer = device ? login.device(issuer, clientId) : login.browser(issuer, clientId, !noBrowser);
            LoginStore.Login saved = kcsts.logins().save(issuer, clientId, answer);
            kcsts.err.println("Signed in to " + issuer + " as " + saved.username() + ".");
            kcsts.listGrants(issuer, answer.path("access_token").asText());
            return 0;
        }
    }

    /** After a sign-in: the roles the account lets this user assume ({@code GET /sts/my-grants}), on stderr. */
    void listGrants(String issuer, String accessToken) {
        try {
            JsonNode grants = http.getWithBearer(RoleRequest.endpoint(issuer, "/sts/my-grants"), accessToken, "my grants");
            List<String> patterns = new ArrayList<>();
            grants.path("grants").forEach(g -> patterns.add(g.asText()));
            err.println(patterns.isEmpty() ? "Your account grants you no roles of other accounts."
                    : "Roles you may assume: " + String.join(", ", patterns));
        } catch (StsException e) {
            err.println("(the roles you may assume could not be listed: " + e.error() + ")");
        }
    }

    @Command(name = "token", mixinStandardHelpOptions = true, description = "Print the profile's role token (cached; exchanged again before it expires).")
    static final class TokenCommand implements Callable<Integer> {
        @ParentCommand
        Kcsts kcsts;

        @Option(names = "--format", defaultValue = "json", description = "json (the exchange answer and expires_at), kubectl (ExecCredential v1), env")
        String format;

        @Option(names = "--force-refresh", description = "exchange again even if the cached token is still good")
        boolean forceRefresh;

        @Override
        public Integer call() throws IOException {
            if (!Set.of("json", "kubectl", "env").contains(format)) {
                throw new CliException(2, "--format: json, kubectl or env, not " + format);
            }
            RoleCredentials credentials = kcsts.credentials();
            if (forceRefresh) {
                credentials.forget();
            }
            RoleToken token = credentials.token();
            kcsts.out.println(render(token, format, kcsts.http.clock().instant()));
            kcsts.out.flush();
            return 0;
        }
    }

    static String render(RoleToken token, String format, Instant now) throws IOException {
        switch (format) {
            case "kubectl": {
                Map<String, Object> status = new LinkedHashMap<>();
                status.put("expirationTimestamp", token.expiresAt().toString());
                status.put("token", token.accessToken());
                Map<String, Object> credential = new LinkedHashMap<>();
                credential.put("kind", "ExecCredential");
                credential.put("apiVersion", "client.authentication.k8s.io/v1");
                credential.put("spec", Map.of("interactive", false));
                credential.put("status", status);
                return JSON.writeValueAsString(credential);
            }
            case "env":
                return "KCSTS_ACCESS_TOKEN=" + token.accessToken() + "\nKCSTS_EXPIRATION=" + token.expiresAt()
                        + (token.assumedRoleArn() == null ? "" : "\nKCSTS_ASSUMED_ROLE_ARN=" + token.assumedRoleArn());
            default: {
                Map<String, Object> answer = new LinkedHashMap<>();
                answer.put("access_token", token.accessToken());
                answer.put("issued_token_type", token.issuedTokenType());
                answer.put("token_type", "Bearer");
                answer.put("expires_in", Math.max(0, Duration.between(now, token.expiresAt()).toSeconds()));
                answer.put("expires_at", token.expiresAt().toString());
                if (token.assumedRoleArn() != null) {
                    answer.put("assumed_role_user", Map.of("arn", token.assumedRoleArn()));
                }
                answer.put("request_id", token.requestId());
                return JSON.writeValueAsString(answer);
            }
        }
    }

    @Command(name = "exec", mixinStandardHelpOptions = true, description = "Run a command with the role token in its environment (KCSTS_ACCESS_TOKEN, KCSTS_EXPIRATION, KCSTS_ASSUMED_ROLE_ARN).")
    static final class ExecCommand implements Callable<Integer> {
        @ParentCommand
        Kcsts kcsts;

        @Parameters(arity = "1..*", paramLabel = "COMMAND", description = "the command and its arguments (after --)")
        List<String> command;

        @Override
        public Integer call() throws IOException, InterruptedException {
            RoleToken token = kcsts.credentials().token();
            ProcessBuilder process = new ProcessBuilder(command).inheritIO();
            process.environment().put("KCSTS_ACCESS_TOKEN", token.accessToken());
            process.environment().put("KCSTS_EXPIRATION", token.expiresAt().toString());
            process.environment().put("KCSTS_PROFILE", kcsts.profileName());
            if (token.assumedRoleArn() != null) {
                process.environment().put("KCSTS_ASSUMED_ROLE_ARN", token.assumedRoleArn());
            }
            try {
                return process.start().waitFor();
            } catch (IOException e) {
                throw new CliException(CliException.CONFIG, "cannot run " + command.get(0) + ": " + e.getMessage());
            }
        }
    }

    @Command(name = "whoami", mixinStandardHelpOptions = true, description = "Who the profile's token acts as (GET /sts/caller-identity), like GetCallerIdentity.")
    static final class WhoamiCommand implements Callable<Integer> {
        @ParentCommand
        Kcsts kcsts;

        @Override
        public Integer call() throws IOException {
            Profiles profiles = kcsts.profiles();
            Profiles.Profile p = profiles.get(kcsts.profileName());
            String token = p.isRole() ? kcsts.credentials(profiles, p.name(), new HashSet<>()).token().accessToken()
                    : kcsts.logins().accessToken(kcsts.http, p.get("issuer"), clientId(p, "kcsts"), p.name());
            JsonNode identity = kcsts.http.getWithBearer(RoleRequest.endpoint(p.get("issuer"), "/sts/caller-identity"), token,
                    "caller identity");
            kcsts.out.println(JSON.writeValueAsString(identity));
            return 0;
        }
    }

    @Command(name = "revoke", mixinStandardHelpOptions = true, description = "End this role session at the server (token revocation) and forget the cached token.")
    static final class RevokeCommand implements Callable<Integer> {
        @ParentCommand
        Kcsts kcsts;

        @Override
        public Integer call() {
            Profiles profiles = kcsts.profiles();
            Profiles.Profile p = profiles.get(kcsts.profileName());
            if (!p.isRole()) {
                try {
                    kcsts.logins().forget(p.get("issuer"), clientId(p, "kcsts"));
                } catch (IOException e) {
                    throw new UncheckedIOException("cannot remove the sign-in", e);
                }
                kcsts.err.println("Signed out of " + p.get("issuer") + " on this machine.");
                return 0;
            }
            RoleCredentials credentials = kcsts.credentials(profiles, p.name(), new HashSet<>());
            RoleToken token = kcsts.tokens().load(credentials.storeKey()).orElse(null);
            if (token != null) {
                Map<String, String> form = new LinkedHashMap<>();
                form.put("client_id", credentials.request().clientId());
                form.put("token", token.accessToken());
                form.put("token_type_hint", "access_token");
                kcsts.http.postForm(RoleRequest.endpoint(p.get("issuer"), "/protocol/openid-connect/revoke"), form, "revocation");
            }
            credentials.forget();
            kcsts.err.println(token == null ? "No cached role token for profile " + p.name() + "." : "Role session of profile " + p.name() + " ended.");
            return 0;
        }
    }

    @Command(name = "clean", mixinStandardHelpOptions = true, description = "Forget every cached role token (sign-ins stay; kcsts revoke on a sign-in profile signs out).")
    static final class CleanCommand implements Callable<Integer> {
        @ParentCommand
        Kcsts kcsts;

        @Override
        public Integer call() throws IOException {
            int removed = kcsts.tokens().clean();
            kcsts.err.println("Forgot " + removed + " cached role token" + (removed == 1 ? "" : "s") + ".");
            return 0;
        }
    }
}
