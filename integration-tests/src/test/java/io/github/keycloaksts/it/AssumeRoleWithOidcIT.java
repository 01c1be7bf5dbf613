package io.github.keycloaksts.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.UncheckedIOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.keycloaksts.it.support.Admin;
import io.github.keycloaksts.it.support.Await;
import io.github.keycloaksts.it.support.Http;
import io.github.keycloaksts.it.support.Jwts;
import io.github.keycloaksts.it.support.KeycloakServer;
import io.github.keycloaksts.it.support.Sts;
import io.github.keycloaksts.it.support.TestOidcIssuer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * AssumeRoleWithOIDC: a CI job (GitHub-Actions-shaped tokens) and a Kubernetes workload (projected
 * service-account tokens) of issuers started by the test assume roles of account it-oidc-a whose trust policies name
 * OIDC providers as Federated principals. Hostile tokens are refused with no token, no 5xx, and an event with the
 * reason; live role tokens end when the provider leaves the trust policy, is disabled or deleted.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AssumeRoleWithOidcIT {

    static final String TARGET = "it-oidc-a";
    static final String TARGET_ID = "71717171";
    static final String DEPLOYER = "acs:ram::" + TARGET_ID + ":role/deployer";
    static final String READER = "acs:ram::" + TARGET_ID + ":role/k8s-reader";
    static final String GITHUB_ARN = "acs:ram::" + TARGET_ID + ":oidc-provider/github";
    static final String K8S_ARN = "acs:ram::" + TARGET_ID + ":oidc-provider/k8s";
    static final String AUDIENCE = "sts.it-oidc-a";
    static final String MAIN = "repo:org/app:ref:refs/heads/main";
    static final String JWT = "urn:ietf:params:oauth:token-type:jwt";
    static final String ID_TOKEN = "urn:ietf:params:oauth:token-type:id_token";

    final KeycloakServer server = KeycloakServer.shared();
    final Admin admin = new Admin(server);
    final Sts sts = new Sts(server);
    TestOidcIssuer github;
    TestOidcIssuer k8s;
    TestOidcIssuer stranger;

    static String deployerTrust() {
        return """
                {"Version":"1","Statement":[
                 {"Sid":"ci","Effect":"Allow","Action":"sts:AssumeRole","Principal":{"Federated":["%s"]},
                  "Condition":{"StringEquals":{"oidc:sub":"%s","oidc:aud":"%s"}}},
                 {"Sid":"pods","Effect":"Allow","Action":"sts:AssumeRole","Principal":{"Federated":["%s"]},
                  "Condition":{"StringLike":{"oidc:sub":"system:serviceaccount:prod:*"}}}]}""".formatted(GITHUB_ARN, MAIN, AUDIENCE, K8S_ARN);
    }

    @BeforeAll
    void setUp() {
        github = TestOidcIssuer.start("/github");
        k8s = TestOidcIssuer.start("/k8s");
        stranger = TestOidcIssuer.start("/stranger");
        admin.createAccountRealm(TARGET, TARGET_ID);
        String token = admin.token();
        admin.createRealmRole(TARGET, "Deploy");
        createRole("deployer", deployerTrust());
        createRole("k8s-reader", """
                {"Version":"1","Statement":[{"Effect":"Allow","Action":"sts:AssumeRole","Principal":{"Federated":"%s"},
                 "Condition":{"StringLike":{"oidc:sub":"system:serviceaccount:prod:*"},"StringEquals":{"oidc:aud":"sts.k8s"}}}]}"""
                .formatted(K8S_ARN));
        Http.Response introspector = Http.sendJson("POST", server.adminUrl(TARGET) + "/clients", Map.of("clientId", "introspector",
                "publicClient", false, "secret", "introspector-secret", "standardFlowEnabled", false,
                "attributes", Map.of("allow.token.introspection.without.audience.check", "true")), token);
        assertThat(introspector.status()).as(introspector.toString()).isEqualTo(201);
        createProvider(github, "github", List.of(AUDIENCE));
        createProvider(k8s, "k8s", List.of("sts.k8s"));
    }

    @AfterAll
    void tearDown() {
        admin.deleteRealmIfExists(TARGET);
        for (TestOidcIssuer issuer : new TestOidcIssuer[] {github, k8s, stranger}) {
            if (issuer != null) {
                issuer.close();
            }
        }
    }

    void createRole(String name, String trust) {
        Http.Response created = Http.sendJson("POST", server.adminUrl(TARGET) + "/sts/roles",
                "{\"roleName\":\"" + name + "\",\"trustPolicy\":" + trust + "}", admin.token());
        assertThat(created.status()).as(created.toString()).isEqualTo(201);
        assertThat(Http.sendJson("POST", server.adminUrl(TARGET) + "/sts/roles/" + name + "/policies", Map.of("policyName", "Deploy"),
                admin.token()).status()).isEqualTo(201);
    }

    void createProvider(TestOidcIssuer issuer, String alias, List<String> clientIds) {
        Http.Response created = Http.sendJson("POST", server.adminUrl(TARGET) + "/identity-provider/instances",
                issuer.identityProvider(alias), admin.token());
        assertThat(created.status()).as(created.toString()).isEqualTo(201);
        Http.Response audiences = Http.sendJson("PUT", server.adminUrl(TARGET) + "/sts/oidc-providers/" + alias,
                Map.of("clientIds", clientIds), admin.token());
        assertThat(audiences.status()).as(audiences.toString()).isEqualTo(200);
    }

    Map<String, String> form(String externalToken, String roleArn, String type) {
        Map<String, String> form = new LinkedHashMap<>();
        form.put("grant_type", Sts.TOKEN_EXCHANGE);
        form.put("client_id", "sts");
        form.put("subject_token", externalToken);
        form.put("subject_token_type", type);
        form.put("role_arn", roleArn);
        form.put("role_session_name", "ci-run-4242");
        return form;
    }

    Http.Response assume(String externalToken) {
        return sts.exchange(TARGET, form(externalToken, DEPLOYER, JWT));
    }

    String mainToken() {
        return github.sign(github.githubClaims("org/app", "refs/heads/main", AUDIENCE));
    }

    boolean active(String token) {
        Http.Response introspection = sts.introspect(TARGET, "introspector", "introspector-secret", token);
        assertThat(introspection.status()).as(introspection.toString()).isEqualTo(200);
        return introspection.json().get("active").asBoolean();
    }

    JsonNode lastEvent(String type) {
        JsonNode events = Http.get(server.adminUrl(TARGET) + "/events?type=" + type + "&max=1", admin.token()).json();
        assertThat(events).as(type + " events").isNotEmpty();
        return events.get(0);
    }

    String trustUrl(String role) {
        return server.adminUrl(TARGET) + "/sts/roles/" + role + "/trust-policy";
    }

    @Test
    void aCiJobOfTheTrustedRepositoryAndBranchAssumesTheRole() {
        Http.Response response = assume(mainToken());

        assertThat(response.status()).as(response.toString()).isEqualTo(200);
        JsonNode body = response.json();
        assertThat(body.get("oidc_token_info").get("issuer").asText()).isEqualTo(github.issuer());
        assertThat(body.get("oidc_token_info").get("subject").asText()).isEqualTo(MAIN);
        assertThat(body.get("oidc_token_info").get("client_ids")).containsExactly(Http.JSON.getNodeFactory().textNode(AUDIENCE));
        assertThat(body.get("assumed_role_user").get("arn").asText()).isEqualTo(DEPLOYER + "/ci-run-4242");
        JsonNode claims = Http.claims(response.accessToken());
        assertThat(claims.get("role_arn").asText()).isEqualTo(DEPLOYER);
        assertThat(claims.get("source_identity").asText()).isEqualTo(GITHUB_ARN + "/" + MAIN);
        assertThat(claims.get("act").get("sub").asText()).isEqualTo(MAIN);
        assertThat(claims.get("act").get("iss").asText()).isEqualTo(github.issuer());
        assertThat(claims.get("realm_access").get("roles")).extracting(JsonNode::asText).containsExactly("Deploy");
        assertThat(claims.get("exp").asLong() - claims.get("iat").asLong()).as("the role's default duration").isEqualTo(3600);
        assertThat(active(response.accessToken())).isTrue();

        JsonNode event = lastEvent("TOKEN_EXCHANGE");
        assertThat(event.get("details").get("oidc_provider").asText()).isEqualTo("github");
        assertThat(event.get("details").get("oidc_issuer").asText()).isEqualTo(github.issuer());
        assertThat(event.get("details").get("oidc_subject").asText()).isEqualTo(MAIN);
        assertThat(event.get("details").get("oidc_audience").asText()).isEqualTo(AUDIENCE);
        assertThat(event.get("details").get("reason").asText()).contains("trusts " + GITHUB_ARN);
    }

    /** The README walkthrough: company-a's demo provider ci (realm-config) and its role ci-deployer, with the issuer on 8090. */
    @Test
    void theDemoCiJobOfCompanyAAssumesCiDeployer() {
        TestOidcIssuer ci;
        try {
            ci = TestOidcIssuer.start(8090, "/ci");
        } catch (UncheckedIOException e) {
            Assumptions.abort("port 8090 of the demo issuer is taken: " + e.getMessage());
            return;
        }
        try (ci) {
            String role = "acs:ram::11223344:role/ci-deployer";
            Map<String, String> form = form(ci.sign(ci.githubClaims("company-a/shop", "refs/heads/main", "sts.company-a")), role, JWT);
            form.put("subject_issuer", "ci");
            Http.Response response = sts.exchange("company-a", form);
            assertThat(response.status()).as(response.toString()).isEqualTo(200);
            JsonNode claims = Http.claims(response.accessToken());
            assertThat(claims.get("source_identity").asText())
                    .isEqualTo("acs:ram::11223344:oidc-provider/ci/repo:company-a/shop:ref:refs/heads/main");
            assertThat(claims.get("realm_access").get("roles")).extracting(JsonNode::asText).containsExactly("ReleaseDeploy");

            Map<String, String> feature = form(ci.sign(ci.githubClaims("company-a/shop", "refs/heads/feature", "sts.company-a")), role, JWT);
            assertThat(sts.exchange("company-a", feature).status()).as("another branch").isEqualTo(403);
        }
    }

    @Test
    void aKubernetesPodAssumesARoleWithItsProjectedTokenNamingTheProvider() {
        String token = k8s.sign(k8s.kubernetesClaims("prod", "reporter", List.of("https://kubernetes.default.svc", "sts.k8s")));
        Map<String, String> form = form(token, READER, ID_TOKEN);
        form.put("subject_issuer", "k8s");

        Http.Response response = sts.exchange(TARGET, form);

        assertThat(response.status()).as(response.toString()).isEqualTo(200);
        assertThat(response.json().get("oidc_token_info").get("subject").asText()).isEqualTo("system:serviceaccount:prod:reporter");
        assertThat(Http.claims(response.accessToken()).get("source_identity").asText())
                .isEqualTo(K8S_ARN + "/system:serviceaccount:prod:reporter");
    }

    static List<Arguments> hostileTokens() {
        Function<AssumeRoleWithOidcIT, String> wrongAudience = t -> t.github.sign(t.github.githubClaims("org/app", "refs/heads/main", "someone-else"));
        Function<AssumeRoleWithOidcIT, String> otherBranch = t -> t.github.sign(t.github.githubClaims("org/app", "refs/heads/feature", AUDIENCE));
        Function<AssumeRoleWithOidcIT, String> otherRepository = t -> t.github.sign(t.github.githubClaims("evil/app", "refs/heads/main", AUDIENCE));
        Function<AssumeRoleWithOidcIT, String> expired = t -> t.github.sign(t.shifted(-3600, -3600, -3000));
        Function<AssumeRoleWithOidcIT, String> notYetValid = t -> t.github.sign(t.shifted(0, 600, 900).put("iat", now()));
        Function<AssumeRoleWithOidcIT, String> futureIat = t -> t.github.sign(t.shifted(600, 0, 900).put("nbf", now()));
        Function<AssumeRoleWithOidcIT, String> tooOld = t -> t.github.sign(t.shifted(-2 * 86400, -2 * 86400, 300));
        Function<AssumeRoleWithOidcIT, String> noExp = t -> {
            ObjectNode claims = t.github.githubClaims("org/app", "refs/heads/main", AUDIENCE);
            claims.remove("exp");
            return t.github.sign(claims);
        };
        Function<AssumeRoleWithOidcIT, String> unknownKid = t -> TestOidcIssuer.sign(t.github.githubClaims("org/app", "refs/heads/main", AUDIENCE),
                TestOidcIssuer.unpublishedKey());
        Function<AssumeRoleWithOidcIT, String> publishedKidForeignKey = t -> TestOidcIssuer.sign(
                t.github.githubClaims("org/app", "refs/heads/main", AUDIENCE),
                new TestOidcIssuer.Key(t.github.currentKey().kid(), TestOidcIssuer.unpublishedKey().pair()));
        Function<AssumeRoleWithOidcIT, String> algNone = t -> Jwts.unsigned(t.mainToken());
        Function<AssumeRoleWithOidcIT, String> hs256 = t -> Jwts.hs256(t.mainToken(),
                t.github.currentKey().pair().getPublic().getEncoded());
        Function<AssumeRoleWithOidcIT, String> alteredPayload = t -> {
            String genuine = t.github.sign(t.github.githubClaims("org/app", "refs/heads/feature", AUDIENCE));
            ObjectNode payload = Jwts.payload(genuine).put("sub", MAIN);
            return Jwts.withPayload(genuine, payload);
        };
        Function<AssumeRoleWithOidcIT, String> strangerIssuer = t -> t.stranger.sign(t.stranger.githubClaims("org/app", "refs/heads/main", AUDIENCE));
        Function<AssumeRoleWithOidcIT, String> strangerClaimingGithub = t -> t.stranger.sign(
                t.stranger.githubClaims("org/app", "refs/heads/main", AUDIENCE).put("iss", t.github.issuer()));
        Function<AssumeRoleWithOidcIT, String> notAJwt = t -> "not-a-jwt";
        return List.of(
                Arguments.of("wrong audience", wrongAudience, 400, "is not among the allowed audiences of OIDC provider github"),
                Arguments.of("sub of another branch", otherBranch, 403, "does not trust " + GITHUB_ARN),
                Arguments.of("sub of another repository", otherRepository, 403, "does not trust " + GITHUB_ARN),
                Arguments.of("expired", expired, 400, "subject_token expired"),
                Arguments.of("not yet valid", notYetValid, 400, "is not valid before"),
                Arguments.of("issued in the future", futureIat, 400, "was issued in the future"),
                Arguments.of("issued too long ago", tooOld, 400, "was issued more than 86400 s ago"),
                Arguments.of("no exp", noExp, 400, "has no exp"),
                Arguments.of("unknown kid", unknownKid, 400, "no key of OIDC provider github for kid"),
                Arguments.of("published kid, foreign key", publishedKidForeignKey, 400, "signature does not verify"),
                Arguments.of("alg none", algNone, 400, "algorithm none is not accepted"),
                Arguments.of("HS256 with the provider's public key", hs256, 400, "algorithm HS256 is not accepted"),
                Arguments.of("payload altered", alteredPayload, 400, "signature does not verify"),
                Arguments.of("an issuer no provider has", strangerIssuer, 400, "is not the issuer of an OIDC provider"),
                Arguments.of("another key claiming github's issuer", strangerClaimingGithub, 400, "no key of OIDC provider github"),
                Arguments.of("not a JWT", notAJwt, 400, "is not a signed JWT"));
    }

    static long now() {
        return System.currentTimeMillis() / 1000;
    }

    /** A main-branch token with iat, nbf and exp shifted from now by the given seconds. */
    ObjectNode shifted(long iat, long nbf, long exp) {
        long now = now();
        return github.githubClaims("org/app", "refs/heads/main", AUDIENCE).put("iat", now + iat).put("nbf", now + nbf).put("exp", now + exp);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("hostileTokens")
    void aHostileTokenGetsNoRoleTokenAndLeavesAnEvent(String name, Function<AssumeRoleWithOidcIT, String> token, int status, String reason) {
        Http.Response response = assume(token.apply(this));

        assertThat(response.status()).as(response.toString()).isEqualTo(status).isLessThan(500);
        assertThat(response.json().has("access_token")).isFalse();
        assertThat(response.json().get("error").asText()).isEqualTo(status == 403 ? "access_denied" : "invalid_request");
        if (status == 400) {
            assertThat(response.json().get("error_description").asText()).as("terse to the caller").isEqualTo("Invalid subject_token");
        }
        JsonNode event = lastEvent("TOKEN_EXCHANGE_ERROR");
        assertThat(event.get("details").get("reason").asText()).contains(reason);
        assertThat(event.get("details").get("role_arn").asText()).isEqualTo(DEPLOYER);
    }

    /**
     * The size limit is Alibaba's 20,000 characters. Keycloak's token endpoint enforces the same limit on every
     * parameter before any provider runs (req-params-max-size, a WARN in the server log and no event), so an oversized
     * token never reaches AssumeRole; ours applies if that option is raised. A token just under it is accepted (the
     * 16 KiB limit of AssumeRole's access tokens does not apply to external tokens).
     */
    @Test
    void tokensUpTo20000CharactersAreAcceptedAndLongerOnesRefused() {
        ObjectNode claims = github.githubClaims("org/app", "refs/heads/main", AUDIENCE);
        String small = github.sign(claims.deepCopy());
        String nearLimit = github.sign(claims.deepCopy().put("padding", "x".repeat((19_500 - small.length()) * 3 / 4)));
        assertThat(nearLimit.length()).isBetween(17_000, 20_000);
        Http.Response accepted = assume(nearLimit);
        assertThat(accepted.status()).as(accepted.toString()).isEqualTo(200);

        String oversized = github.sign(claims.deepCopy().put("jti", "other").put("padding", "x".repeat(16_000)));
        assertThat(oversized.length()).isGreaterThan(20_000);
        Http.Response refused = assume(oversized);
        assertThat(refused.status()).as(refused.toString()).isEqualTo(400);
        assertThat(refused.json().has("access_token")).isFalse();
        assertThat(refused.json().get("error").asText()).isEqualTo("invalid_request");
        assertThat(refused.json().get("error_description").asText()).contains("subject_token").contains("longer than allowed");
    }

    @Test
    void aTokenOfTheKubernetesProviderIsRefusedWhenTheCallerNamesGithub() {
        String token = k8s.sign(k8s.kubernetesClaims("prod", "reporter", List.of("sts.k8s")));
        Map<String, String> form = form(token, READER, JWT);
        form.put("subject_issuer", "github");

        Http.Response response = sts.exchange(TARGET, form);

        assertThat(response.status()).as(response.toString()).isEqualTo(400);
        assertThat(response.json().has("access_token")).isFalse();
        assertThat(lastEvent("TOKEN_EXCHANGE_ERROR").get("details").get("reason").asText())
                .contains("is not the issuer " + github.issuer() + " of OIDC provider github");
    }

    @Test
    void aTokenIsUsedOnceItsJtiReplayedIsRefused() {
        String token = mainToken();
        assertThat(assume(token).status()).isEqualTo(200);

        Http.Response replay = assume(token);

        assertThat(replay.status()).as(replay.toString()).isEqualTo(400);
        assertThat(replay.json().has("access_token")).isFalse();
        assertThat(lastEvent("TOKEN_EXCHANGE_ERROR").get("details").get("reason").asText()).contains("was already used");
    }

    @Test
    void roleSessionNameIsRequired() {
        Map<String, String> form = form(mainToken(), DEPLOYER, JWT);
        form.remove("role_session_name");

        Http.Response response = sts.exchange(TARGET, form);

        assertThat(response.status()).isEqualTo(400);
        assertThat(response.json().get("error_description").asText()).isEqualTo("role_session_name: required with an external subject_token");
    }

    @Nested
    class TrustPolicies {

        @Test
        void aFederatedStatementWithoutAnOidcSubConditionIsRefusedWithItsPath() {
            String everyRepository = """
                    {"Version":"1","Statement":[{"Effect":"Allow","Action":"sts:AssumeRole","Principal":{"Federated":"%s"},
                     "Condition":{"StringEquals":{"oidc:aud":"%s"}}}]}""".formatted(GITHUB_ARN, AUDIENCE);
            Http.Response refused = Http.sendJson("PUT", trustUrl("deployer"), everyRepository, admin.token());

            assertThat(refused.status()).as(refused.toString()).isEqualTo(400);
            assertThat(refused.json().get("error").asText()).isEqualTo("MalformedPolicyDocument");
            assertThat(refused.json().get("errorMessage").asText()).startsWith("Statement[0].Condition: a statement with a \"Federated\" principal needs a condition on \"oidc:sub\"");
            Http.Response created = Http.sendJson("POST", server.adminUrl(TARGET) + "/sts/roles",
                    "{\"roleName\":\"everyone-on-github\",\"trustPolicy\":" + everyRepository + "}", admin.token());
            assertThat(created.status()).as(created.toString()).isEqualTo(400);
            assertThat(created.json().get("errorMessage").asText()).startsWith("trustPolicy.Statement[0].Condition:");
            assertThat(Http.get(trustUrl("deployer"), admin.token()).json().toString()).as("unchanged").contains("\"oidc:sub\"");
        }

        /**
         * Patterns that pin no owner passed the "Federated needs oidc:sub" rule; {@code repo:*} trusts
         * every GitHub repository in the world. Each is refused with its JSON path and recorded; an owner-pinned
         * pattern is still accepted.
         */
        @Test
        void wildcardOnlySubjectPatternsAreRefused() {
            JsonNode before = Http.get(trustUrl("deployer"), admin.token()).json();
            int refusalsBefore = trustRefusals().size();
            List<List<String>> broad = List.of(List.of("*:*"), List.of("repo:*"), List.of("?*"), List.of("repo:org*"),
                    List.of("system:serviceaccount:*"), List.of("project_path:*"),
                    List.of(MAIN, "repo:*")); // every value counts, not only the first
            for (List<String> values : broad) {
                String document = federatedTrust(values);
                Http.Response refused = Http.sendJson("PUT", trustUrl("deployer"), document, admin.token());
                assertThat(refused.status()).as(values + ": " + refused).isEqualTo(400);
                assertThat(refused.json().get("error").asText()).isEqualTo("MalformedPolicyDocument");
                assertThat(refused.json().get("errorMessage").asText()).as(values.toString())
                        .startsWith("Statement[0].Condition.StringLike.oidc:sub: value \"" + values.get(values.size() - 1) + "\"");
                assertThat(Http.get(trustUrl("deployer"), admin.token()).json()).as("unchanged").isEqualTo(before);
            }
            List<JsonNode> refusals = trustRefusals();
            assertThat(refusals).as("one admin event per refused write").hasSize(refusalsBefore + broad.size());
            assertThat(refusals.get(0).get("details").get("reason").asText()).contains("deployer", "oidc:sub");

            // An owner-pinned pattern is fine.
            Http.Response pinned = Http.sendJson("PUT", trustUrl("deployer"), federatedTrust(List.of("repo:org/*")), admin.token());
            try {
                assertThat(pinned.status()).as(pinned.toString()).isEqualTo(200);
            } finally {
                assertThat(Http.sendJson("PUT", trustUrl("deployer"), before, admin.token()).status()).isEqualTo(200);
            }
        }

        String federatedTrust(List<String> subjects) {
            try {
                return """
                        {"Version":"1","Statement":[{"Effect":"Allow","Action":"sts:AssumeRole","Principal":{"Federated":"%s"},
                         "Condition":{"StringLike":{"oidc:sub":%s},"StringEquals":{"oidc:aud":"%s"}}}]}""".formatted(GITHUB_ARN,
                        Http.JSON.writeValueAsString(subjects), AUDIENCE);
            } catch (JsonProcessingException e) {
                throw new IllegalStateException(e);
            }
        }

        /** Refused trust-policy writes in the target realm's admin events, newest first. */
        List<JsonNode> trustRefusals() {
            List<JsonNode> refusals = new ArrayList<>();
            Http.get(server.adminUrl(TARGET) + "/admin-events?max=1000", admin.token()).json().forEach(e -> {
                if ("STS_TRUST_POLICY".equals(e.path("resourceType").asText()) && e.hasNonNull("error")) {
                    refusals.add(e);
                }
            });
            return refusals;
        }
    }

    @Nested
    class AdminApi {

        @Test
        void providersAreListedWithTheirArnsAndAudiences() {
            Http.Response plain = Http.sendJson("POST", server.adminUrl(TARGET) + "/identity-provider/instances", Map.of("alias", "plain",
                    "providerId", "oidc", "enabled", true, "config", Map.of("issuer", "http://localhost:1/plain", "clientId", "x",
                            "clientSecret", "y", "authorizationUrl", "http://localhost:1/a", "tokenUrl", "http://localhost:1/t")), admin.token());
            assertThat(plain.status()).as(plain.toString()).isIn(201, 409);

            JsonNode list = Http.get(server.adminUrl(TARGET) + "/sts/oidc-providers", admin.token()).json();
            assertThat(list).extracting(p -> p.get("alias").asText()).contains("github", "k8s").doesNotContain("plain");
            JsonNode one = Http.get(server.adminUrl(TARGET) + "/sts/oidc-providers/github", admin.token()).json();
            assertThat(one.get("arn").asText()).isEqualTo(GITHUB_ARN);
            assertThat(one.get("issuer").asText()).isEqualTo(github.issuer());
            assertThat(one.get("clientIds")).extracting(JsonNode::asText).containsExactly(AUDIENCE);

            assertThat(Http.get(server.adminUrl(TARGET) + "/sts/oidc-providers/nobody", admin.token()).status()).isEqualTo(404);
            Http.Response noSignatures = Http.sendJson("PUT", server.adminUrl(TARGET) + "/sts/oidc-providers/plain",
                    Map.of("clientIds", List.of("x")), admin.token());
            assertThat(noSignatures.status()).as(noSignatures.toString()).isEqualTo(400);
            Http.Response badBody = Http.sendJson("PUT", server.adminUrl(TARGET) + "/sts/oidc-providers/github",
                    Map.of("clientIds", List.of("")), admin.token());
            assertThat(badBody.status()).isEqualTo(400);
            assertThat(Http.get(server.adminUrl(TARGET) + "/sts/oidc-providers/github", admin.token()).json().get("clientIds"))
                    .as("unchanged").extracting(JsonNode::asText).containsExactly(AUDIENCE);

            JsonNode adminEvents = Http.get(server.adminUrl(TARGET) + "/admin-events?max=500", admin.token()).json();
            List<JsonNode> updates = new ArrayList<>();
            adminEvents.forEach(e -> {
                if ("STS_OIDC_PROVIDER".equals(e.path("resourceType").asText())) {
                    updates.add(e);
                }
            });
            assertThat(updates).anySatisfy(e -> {
                assertThat(e.path("operationType").asText()).isEqualTo("UPDATE");
                assertThat(e.path("resourcePath").asText()).contains("oidc-providers/github");
            });
        }
    }

    /** The admin console page "OIDC providers" and Federated trust on the page "Assumable roles" (declarative UI). */
    @Nested
    class AdminConsolePages {

        static final String PAGE_TYPE = "org.keycloak.services.ui.extend.UiPageProvider";

        String realmId() {
            return Http.get(server.adminUrl(TARGET), admin.token()).json().get("id").asText();
        }

        JsonNode entries(String page) {
            return Http.get(server.adminUrl(TARGET) + "/components?parent=" + realmId() + "&type=" + PAGE_TYPE + "&providerId="
                    + URLEncoder.encode(page, StandardCharsets.UTF_8).replace("+", "%20"), admin.token()).json();
        }

        Http.Response write(String method, String id, String page, Map<String, List<String>> config) {
            Map<String, Object> withPage = new LinkedHashMap<>(config);
            withPage.put("providerId", List.of(page));
            Map<String, Object> component = new LinkedHashMap<>(Map.of("config", withPage, "providerId", page,
                    "providerType", PAGE_TYPE, "parentId", realmId(), "name", id == null ? "new" : id));
            if (id != null) {
                component.put("id", id);
            }
            return Http.sendJson(method, server.adminUrl(TARGET) + "/components" + (id == null ? "" : "/" + id), component, admin.token());
        }

        @Test
        void theProvidersPageShowsTheProvidersAndSetsTheirAudiencesWithTheRestApisChecks() {
            JsonNode github = null;
            for (JsonNode entry : entries("OIDC providers")) {
                if ("github".equals(entry.at("/config/alias/0").asText())) {
                    github = entry;
                }
            }
            assertThat(github).as("github on the page " + entries("OIDC providers")).isNotNull();
            assertThat(github.at("/config/arn/0").asText()).isEqualTo(GITHUB_ARN);
            assertThat(github.at("/config/issuer/0").asText()).isEqualTo(AssumeRoleWithOidcIT.this.github.issuer());
            String id = github.get("id").asText();
            String providerUrl = server.adminUrl(TARGET) + "/sts/oidc-providers/github";

            Http.Response saved = write("PUT", id, "OIDC providers", Map.of("alias", List.of("github"), "arn", List.of("edited"),
                    "clientIds", List.of(AUDIENCE, "sts.staging"), "tagClaims", List.of("Repository=repository", " Ref = ref ")));
            try {
                assertThat(saved.status()).as(saved.toString()).isEqualTo(204);
                assertThat(Http.get(providerUrl, admin.token()).json().get("clientIds")).extracting(JsonNode::asText)
                        .containsExactly(AUDIENCE, "sts.staging");
                assertThat(Http.get(providerUrl, admin.token()).json().get("tagClaims"))
                        .isEqualTo(Http.JSON.valueToTree(Map.of("Repository", "repository", "Ref", "ref")));
                for (String row : List.of("Repository", "aws:x=sub", "Repo=a\u0001")) {
                    Http.Response badRow = write("PUT", id, "OIDC providers", Map.of("alias", List.of("github"), "clientIds", List.of(AUDIENCE),
                            "tagClaims", List.of(row)));
                    assertThat(badRow.status()).as(row + ": " + badRow).isEqualTo(400);
                }
                assertThat(Http.get(providerUrl, admin.token()).json().get("tagClaims").size()).as("unchanged by the refusals").isEqualTo(2);
                Http.Response bad = write("PUT", id, "OIDC providers", Map.of("alias", List.of("github"), "clientIds", List.of("a\u0001b")));
                assertThat(bad.status()).as(bad.toString()).isEqualTo(400);
                Http.Response unusable = write("POST", null, "OIDC providers", Map.of("alias", List.of("nobody"), "clientIds", List.of("x")));
                assertThat(unusable.status()).as(unusable.toString()).isEqualTo(400);
                Http.Response deleted = Http.delete(server.adminUrl(TARGET) + "/components/" + id, admin.token());
                assertThat(deleted.status()).as(deleted.toString()).isEqualTo(409);
            } finally {
                assertThat(Http.sendJson("PUT", providerUrl, Map.of("clientIds", List.of(AUDIENCE), "tagClaims", Map.of()), admin.token())
                        .status()).isEqualTo(200);
            }
            JsonNode after = null;
            for (JsonNode entry : entries("OIDC providers")) {
                if (id.equals(entry.get("id").asText())) {
                    after = entry;
                }
            }
            assertThat(after).isNotNull();
            assertThat(after.at("/config/clientIds")).as("the page follows the REST API").extracting(JsonNode::asText).containsExactly(AUDIENCE);
            assertThat(after.at("/config/arn/0").asText()).as("read only").isEqualTo(GITHUB_ARN);
        }

        @Test
        void theRolesPageAcceptsFederatedTrustAndRefusesItWithoutOidcSub() {
            String withoutSub = """
                    {"Version":"1","Statement":[{"Effect":"Allow","Action":"sts:AssumeRole","Principal":{"Federated":"%s"}}]}"""
                    .formatted(GITHUB_ARN);
            Http.Response refused = write("POST", null, "Assumable roles", Map.of("roleName", List.of("page-federated"),
                    "trustPolicy", List.of(withoutSub), "maxSessionDuration", List.of("3600")));
            assertThat(refused.status()).as(refused.toString()).isEqualTo(400);
            assertThat(refused.json().get("errorMessage").asText())
                    .contains("trustPolicy.Statement[0]: a statement with a \"Federated\" principal needs a condition on \"oidc:sub\"");

            Http.Response created = write("POST", null, "Assumable roles", Map.of("roleName", List.of("page-federated"),
                    "trustPolicy", List.of(withoutSub.replace("}}]}", "},\"Condition\":{\"StringEquals\":{\"oidc:sub\":\"" + MAIN + "\"}}}]}")),
                    "maxSessionDuration", List.of("3600")));
            assertThat(created.status()).as(created.toString()).isEqualTo(201);
            assertThat(Http.get(trustUrl("page-federated"), admin.token()).json().toString()).contains("\"Federated\":[\"" + GITHUB_ARN + "\"]");
        }
    }

    @Nested
    class Revocation {

        @Test
        void removingTheProviderFromTheTrustPolicyEndsItsTokensAndKeepsTheOthers() {
            String ci = assume(mainToken()).accessToken();
            Http.Response pod = sts.exchange(TARGET, form(k8s.sign(k8s.kubernetesClaims("prod", "web", List.of("sts.k8s"))), DEPLOYER, JWT));
            assertThat(pod.status()).as(pod.toString()).isEqualTo(200);
            assertThat(active(ci)).isTrue();
            assertThat(active(pod.accessToken())).isTrue();

            String podsOnly = """
                    {"Version":"1","Statement":[{"Sid":"pods","Effect":"Allow","Action":"sts:AssumeRole","Principal":{"Federated":["%s"]},
                      "Condition":{"StringLike":{"oidc:sub":"system:serviceaccount:prod:*"}}}]}""".formatted(K8S_ARN);
            Http.Response changed = Http.sendJson("PUT", trustUrl("deployer"), podsOnly, admin.token());
            try {
                assertThat(changed.status()).as(changed.toString()).isEqualTo(200);
                assertThat(active(ci)).as("the CI job's role token after github left the trust policy").isFalse();
                assertThat(active(pod.accessToken())).as("the pod's (k8s is still trusted)").isTrue();
                assertThat(assume(mainToken()).status()).isEqualTo(403);
            } finally {
                assertThat(Http.sendJson("PUT", trustUrl("deployer"), deployerTrust(), admin.token()).status()).isEqualTo(200);
            }
            assertThat(assume(mainToken()).status()).as("trust restored").isEqualTo(200);
        }

        @Test
        void federatedSessionsAreListedAndEndedWithTheRolesSessions() {
            String ci = assume(mainToken()).accessToken();
            String sessions = server.adminUrl(TARGET) + "/sts/roles/deployer/sessions";
            assertThat(Http.get(sessions, admin.token()).json()).anySatisfy(
                    s -> assertThat(s.path("sourceIdentity").asText()).isEqualTo(GITHUB_ARN + "/" + MAIN));

            Http.Response ended = Http.delete(sessions, admin.token());

            assertThat(ended.status()).as(ended.toString()).isEqualTo(200);
            assertThat(ended.json().get("revokedAccounts")).extracting(JsonNode::asText).contains(GITHUB_ARN);
            assertThat(active(ci)).as("the CI job's role token after DELETE …/sessions").isFalse();
            assertThat(assume(mainToken()).status()).as("the provider is still trusted").isEqualTo(200);
        }

        @Test
        void disablingTheProviderEndsItsTokensAndRefusesNewOnes() {
            String ci = assume(mainToken()).accessToken();
            assertThat(active(ci)).isTrue();
            String url = server.adminUrl(TARGET) + "/identity-provider/instances/github";
            ObjectNode provider = (ObjectNode) Http.get(url, admin.token()).json();

            assertThat(Http.sendJson("PUT", url, provider.deepCopy().put("enabled", false), admin.token()).status()).isEqualTo(204);
            try {
                assertThat(active(ci)).as("role token of a disabled provider").isFalse();
                Http.Response refused = assume(mainToken());
                assertThat(refused.status()).isEqualTo(400);
                assertThat(refused.json().has("access_token")).isFalse();
                assertThat(lastEvent("TOKEN_EXCHANGE_ERROR").get("details").get("reason").asText()).contains("OIDC provider github is disabled");
            } finally {
                assertThat(Http.sendJson("PUT", url, provider.put("enabled", true), admin.token()).status()).isEqualTo(204);
            }
            assertThat(assume(mainToken()).status()).as("enabled again").isEqualTo(200);
        }

        @Test
        void deletingTheProviderEndsItsTokens() {
            try (TestOidcIssuer gitlab = TestOidcIssuer.start("/gitlab")) {
                createProvider(gitlab, "gitlab", List.of(AUDIENCE));
                String arn = "acs:ram::" + TARGET_ID + ":oidc-provider/gitlab";
                createRole("gitlab-deployer", """
                        {"Version":"1","Statement":[{"Effect":"Allow","Action":"sts:AssumeRole","Principal":{"Federated":"%s"},
                         "Condition":{"StringLike":{"oidc:sub":"project_path:org/*"}}}]}""".formatted(arn));
                ObjectNode claims = gitlab.githubClaims("org/app", "refs/heads/main", AUDIENCE).put("sub", "project_path:org/app:ref_type:branch:ref:main");
                Http.Response assumed = sts.exchange(TARGET, form(gitlab.sign(claims), "acs:ram::" + TARGET_ID + ":role/gitlab-deployer", JWT));
                assertThat(assumed.status()).as(assumed.toString()).isEqualTo(200);
                assertThat(active(assumed.accessToken())).isTrue();

                assertThat(Http.delete(server.adminUrl(TARGET) + "/identity-provider/instances/gitlab", admin.token()).status()).isEqualTo(204);

                assertThat(active(assumed.accessToken())).as("role token of a deleted provider").isFalse();
                assertThat(sts.userinfo(TARGET, assumed.accessToken()).status()).isEqualTo(401);
            }
        }
    }

    /**
     * Key rotation at the issuer is picked up through Keycloak's public key cache without a restart: a token with the
     * new key's kid makes Keycloak reload the JWKS, at most once per {@code minTimeBetweenRequests} (10 s by default,
     * spi-public-key-storage--infinispan--min-time-between-requests), after which the old key is gone from the cache.
     */
    @Test
    void aRotatedKeyIsPickedUpWithoutRestartAndTheOldKeyIsThenRefused() {
        assertThat(assume(mainToken()).status()).as("the current key is cached").isEqualTo(200);
        TestOidcIssuer.Key old = github.rotate();

        Await.until("a token of the new key accepted", Duration.ofSeconds(40), () -> assume(mainToken()).status() == 200);

        Http.Response oldKey = assume(TestOidcIssuer.sign(github.githubClaims("org/app", "refs/heads/main", AUDIENCE), old));
        assertThat(oldKey.status()).as(oldKey.toString()).isEqualTo(400);
        assertThat(oldKey.json().has("access_token")).isFalse();
        assertThat(lastEvent("TOKEN_EXCHANGE_ERROR").get("details").get("reason").asText()).contains("no key of OIDC provider github");
    }
}
