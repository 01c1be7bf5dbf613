package io.github.keycloaksts.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.keycloaksts.it.support.Admin;
import io.github.keycloaksts.it.support.Await;
import io.github.keycloaksts.it.support.Http;
import io.github.keycloaksts.it.support.Jwts;
import io.github.keycloaksts.it.support.KeycloakServer;
import io.github.keycloaksts.it.support.Sts;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * An attacker with a valid token of some account tries everything at the target's token endpoint. Every case
 * must end in the documented error, with no token in the answer, no 5xx, and the full reason in the target
 * realm's events. Target: account 88889999 ({@value #TARGET}); source: account 77778888 ({@value #SOURCE}),
 * whose user mallory holds a grant for every role of the target.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AssumeRoleHostileInputIT {

    static final String TARGET = "it-hostile-tgt";
    static final String SOURCE = "it-hostile-src";
    static final String PLAIN = "it-hostile-plain";
    static final String SHORT = "it-hostile-short";
    static final String OPS = "acs:ram::88889999:role/ops";
    static final String TRUST_SOURCE = """
            {"Version":"1","Statement":[{"Effect":"Allow","Action":"sts:AssumeRole","Principal":{"RAM":["acs:ram::77778888:root"]}}]}""";

    final KeycloakServer server = KeycloakServer.shared();
    final Admin admin = new Admin(server);
    final Sts sts = new Sts(server);

    String mallory;
    String malloryIdToken;
    String malloryRefreshToken;
    String noAudience;
    String disabledUser;
    String endedSession;
    String expired;
    String plainRealmToken;
    String roleToken;

    @BeforeAll
    void setUp() throws Exception {
        admin.createAccountRealm(TARGET, "88889999");
        String token = admin.token();
        assertThat(Http.sendJson("PUT", server.adminUrl(TARGET) + "/sts/account", Map.of("accountId", "88889999"), token).status()).isEqualTo(200);
        admin.createRealmRole(TARGET, "Ops");
        admin.createRealmRole(TARGET, "Audit");
        createRole("ops", TRUST_SOURCE, "Ops", "Audit");
        createRole("only-b", """
                {"Version":"1","Statement":[{"Effect":"Allow","Action":"sts:AssumeRole","Principal":{"RAM":["12345678"]}}]}""", "Ops");
        createRole("ext-id", """
                {"Version":"1","Statement":[{"Effect":"Allow","Action":"sts:AssumeRole","Principal":{"RAM":["acs:ram::77778888:root"]},
                 "Condition":{"StringEquals":{"sts:ExternalId":"a1b2c3"}}}]}""", "Ops");
        createRole("deny-mallory", """
                {"Version":"1","Statement":[
                 {"Effect":"Allow","Action":"sts:AssumeRole","Principal":{"RAM":["acs:ram::77778888:root"]}},
                 {"Sid":"NoMallory","Effect":"Deny","Action":"sts:*","Principal":{"RAM":["acs:ram::77778888:user/mallory"]}}]}""", "Ops");
        createRole("ip-10", """
                {"Version":"1","Statement":[{"Effect":"Allow","Action":"sts:AssumeRole","Principal":{"RAM":["acs:ram::77778888:root"]},
                 "Condition":{"IpAddress":{"acs:SourceIp":"10.0.0.0/8"}}}]}""", "Ops");
        createRole("not-localhost", """
                {"Version":"1","Statement":[{"Effect":"Allow","Action":"sts:AssumeRole","Principal":{"RAM":["acs:ram::77778888:root"]},
                 "Condition":{"NotIpAddress":{"acs:SourceIp":["127.0.0.0/8","::1/128"]}}}]}""", "Ops");
        createRole("mfa", """
                {"Version":"1","Statement":[{"Effect":"Allow","Action":"sts:AssumeRole","Principal":{"RAM":["acs:ram::77778888:root"]},
                 "Condition":{"Bool":{"acs:MFAPresent":"true"}}}]}""", "Ops");

        admin.createSourceAccount(SOURCE, "77778888", "mallory", "mallory-pass-1", List.of("acs:ram::88889999:role/*"));
        Http.Response noAudClient = Http.sendJson("POST", server.adminUrl(SOURCE) + "/clients",
                Map.of("clientId", "noaud", "publicClient", true, "directAccessGrantsEnabled", true), token);
        assertThat(noAudClient.status()).isEqualTo(201);
        Http.Response login = Http.postForm(server.realmUrl(SOURCE) + "/protocol/openid-connect/token", Map.of(
                "grant_type", "password", "client_id", "app", "username", "mallory", "password", "mallory-pass-1", "scope", "openid"));
        mallory = login.accessToken();
        malloryIdToken = login.json().get("id_token").asText();
        malloryRefreshToken = login.json().get("refresh_token").asText();
        noAudience = sts.signIn(SOURCE, "noaud", "mallory", "mallory-pass-1");

        String disabledId = admin.createUserWithRealmRole(SOURCE, "dora", "dora-pass-1", "assumer");
        disabledUser = sts.signIn(SOURCE, "app", "dora", "dora-pass-1");
        assertThat(Http.sendJson("PUT", server.adminUrl(SOURCE) + "/users/" + disabledId, Map.of("enabled", false), token).status()).isEqualTo(204);

        String endedId = admin.createUserWithRealmRole(SOURCE, "eve", "eve-pass-1", "assumer");
        endedSession = sts.signIn(SOURCE, "app", "eve", "eve-pass-1");
        assertThat(Http.postForm(server.adminUrl(SOURCE) + "/users/" + endedId + "/logout", Map.of(), token).status()).isEqualTo(204);

        admin.createSourceAccount(PLAIN, null, "pat", "pat-pass-1", List.of("*"));
        plainRealmToken = sts.signIn(PLAIN, "app", "pat", "pat-pass-1");

        admin.createSourceAccount(SHORT, "66667777", "sam", "sam-pass-1", List.of("*"), Map.of("accessTokenLifespan", 1));
        expired = sts.signIn(SHORT, "app", "sam", "sam-pass-1");
        Http.Response introspector = Http.sendJson("POST", server.adminUrl(SHORT) + "/clients", Map.of("clientId", "introspector",
                "publicClient", false, "secret", "introspector-secret", "standardFlowEnabled", false,
                "attributes", Map.of("allow.token.introspection.without.audience.check", "true")), token);
        assertThat(introspector.status()).as(introspector.toString()).isEqualTo(201);
        long exp = Http.claims(expired).get("exp").asLong();
        Await.until("the 1-second token of " + SHORT + " to expire", Duration.ofSeconds(15),
                () -> Instant.now().getEpochSecond() > exp && !sts.introspect(SHORT, "introspector", "introspector-secret", expired)
                        .json().path("active").asBoolean(true));

        // A role whose policy is a client role of the target's own sts client: its tokens carry aud "sts", so they
        // pass subject-token verification; the role grants nothing onward, so the decision refuses the chain.
        String stsClient = admin.clientUuid(TARGET, "sts");
        assertThat(Http.sendJson("POST", server.adminUrl(TARGET) + "/clients/" + stsClient + "/roles", Map.of("name", "relay"), token)
                .status()).isEqualTo(201);
        createRole("chain", TRUST_SOURCE);
        assertThat(Http.sendJson("POST", server.adminUrl(TARGET) + "/sts/roles/chain/policies",
                Map.of("policyName", "relay", "clientId", "sts"), token).status()).isEqualTo(201);
        roleToken = sts.assumeRole(TARGET, mallory, "acs:ram::88889999:role/chain").accessToken();
        assertThat(Http.claims(roleToken).get("aud").toString()).contains("sts");
    }

    @AfterAll
    void tearDown() {
        for (String realm : List.of(TARGET, SOURCE, PLAIN, SHORT)) {
            admin.deleteRealmIfExists(realm);
        }
    }

    void createRole(String name, String trust, String... policies) {
        String url = server.adminUrl(TARGET) + "/sts/roles";
        Http.Response created = Http.sendJson("POST", url, "{\"roleName\":\"" + name + "\",\"trustPolicy\":" + trust + "}", admin.token());
        assertThat(created.status()).as(created.toString()).isEqualTo(201);
        for (String policy : policies) {
            assertThat(Http.sendJson("POST", url + "/" + name + "/policies", Map.of("policyName", policy), admin.token()).status()).isEqualTo(201);
        }
    }

    Map<String, String> form(String subjectToken, String roleArn, String... more) {
        Map<String, String> form = sts.form(subjectToken, roleArn);
        for (int i = 0; i < more.length; i += 2) {
            form.put(more[i], more[i + 1]);
        }
        return form;
    }

    String tokenEndpoint() {
        return server.realmUrl(TARGET) + "/protocol/openid-connect/token";
    }

    static Arguments denied(String name, Supplier<Object> request) {
        return Arguments.of(name, request, 403, "access_denied");
    }

    static Arguments invalid(String name, Supplier<Object> request) {
        return Arguments.of(name, request, 400, "invalid_request");
    }

    Stream<Arguments> hostileRequests() {
        String big = "a".repeat(17 * 1024);
        return Stream.of(
                // subject tokens that are not valid access tokens of an account of this server
                invalid("forged payload (sub changed)", () -> {
                    ObjectNode payload = Jwts.payload(mallory);
                    payload.put("sub", "00000000-0000-0000-0000-000000000000");
                    return form(Jwts.withPayload(mallory, payload), OPS);
                }),
                invalid("forged payload (aud added)", () -> {
                    ObjectNode payload = Jwts.payload(noAudience);
                    payload.put("aud", "sts");
                    return form(Jwts.withPayload(noAudience, payload), OPS);
                }),
                invalid("forged payload (exp extended)", () -> {
                    ObjectNode payload = Jwts.payload(expired);
                    payload.put("exp", payload.get("exp").asLong() + 3600);
                    return form(Jwts.withPayload(expired, payload), OPS);
                }),
                invalid("issuer swapped to another account realm", () -> {
                    ObjectNode payload = Jwts.payload(mallory);
                    payload.put("iss", server.realmUrl("company-b"));
                    return form(Jwts.withPayload(mallory, payload), OPS);
                }),
                invalid("issuer of another server", () -> {
                    ObjectNode payload = Jwts.payload(mallory);
                    payload.put("iss", "https://evil.example/realms/" + SOURCE);
                    return form(Jwts.withPayload(mallory, payload), OPS);
                }),
                invalid("alg none", () -> form(Jwts.unsigned(mallory), OPS)),
                invalid("HS256 signed with the realm public key", () -> form(Jwts.hs256(mallory, realmPublicKey(SOURCE)), OPS)),
                invalid("RS256 with a foreign key", () -> form(Jwts.foreignRs256(mallory), OPS)),
                invalid("signature stripped", () -> form(mallory.substring(0, mallory.lastIndexOf('.') + 1), OPS)),
                invalid("not a JWT", () -> form("not-a-token", OPS)),
                invalid("three empty parts", () -> form("..", OPS)),
                invalid("ID token as subject", () -> form(malloryIdToken, OPS)),
                invalid("refresh token as subject", () -> form(malloryRefreshToken, OPS)),
                invalid("expired token", () -> form(expired, OPS)),
                invalid("disabled user", () -> form(disabledUser, OPS)),
                invalid("ended session", () -> form(endedSession, OPS)),
                invalid("audience without sts", () -> form(noAudience, OPS)),
                invalid("oversized subject token", () -> form(big, OPS)),
                // parameters
                invalid("missing subject_token", () -> {
                    Map<String, String> form = form(mallory, OPS);
                    form.remove("subject_token");
                    return form;
                }),
                invalid("subject_token_type id_token", () -> form(mallory, OPS, "subject_token_type", "urn:ietf:params:oauth:token-type:id_token")),
                invalid("subject_token_type jwt", () -> form(mallory, OPS, "subject_token_type", "urn:ietf:params:oauth:token-type:jwt")),
                invalid("requested refresh token", () -> form(mallory, OPS, "requested_token_type", "urn:ietf:params:oauth:token-type:refresh_token")),
                invalid("actor token", () -> form(mallory, OPS, "actor_token", mallory, "actor_token_type", Sts.ACCESS_TOKEN_TYPE)),
                invalid("requested_subject", () -> form(mallory, OPS, "requested_subject", "admin")),
                invalid("malformed ARN: empty role", () -> form(mallory, "acs:ram::88889999:role/")),
                invalid("malformed ARN: AWS syntax", () -> form(mallory, "arn:aws:iam::88889999:role/ops")),
                invalid("malformed ARN: short account ID", () -> form(mallory, "acs:ram::8888:role/ops")),
                invalid("malformed ARN: wildcard", () -> form(mallory, "acs:ram::88889999:role/*")),
                invalid("malformed ARN: user ARN", () -> form(mallory, "acs:ram::88889999:user/ops")),
                invalid("malformed ARN: oversized", () -> form(mallory, "acs:ram::88889999:role/" + "x".repeat(3000))),
                invalid("session name too short", () -> form(mallory, OPS, "role_session_name", "a")),
                invalid("session name with bad characters", () -> form(mallory, OPS, "role_session_name", "bob<script>")),
                invalid("session name too long", () -> form(mallory, OPS, "role_session_name", "s".repeat(65))),
                invalid("duration below 900", () -> form(mallory, OPS, "duration_seconds", "899")),
                invalid("duration above the role maximum", () -> form(mallory, OPS, "duration_seconds", "3601")),
                invalid("duration not a number", () -> form(mallory, OPS, "duration_seconds", "1h")),
                invalid("duration negative", () -> form(mallory, OPS, "duration_seconds", "-1")),
                invalid("repeated role_arn", () -> repeated("role_arn", OPS)),
                invalid("repeated subject_token", () -> repeated("subject_token", mallory)),
                invalid("invalid session policy", () -> form(mallory, OPS, "policy", "{\"Version\":\"2\"}")),
                invalid("session policy not JSON", () -> form(mallory, OPS, "policy", "{")),
                invalid("audience that the role does not give", () -> form(mallory, OPS, "audience", "account")),
                invalid("unknown scope", () -> form(mallory, OPS, "scope", "no-such-scope")),
                invalid("external id with bad characters", () -> form(mallory, "acs:ram::88889999:role/ext-id", "external_id", "a b")),
                // authorization: every refusal looks the same to the caller
                denied("a role session whose role grants nothing onward", () -> form(roleToken, OPS)),
                denied("token of a realm that is not an account", () -> form(plainRealmToken, OPS)),
                denied("role of another account", () -> form(mallory, "acs:ram::12345678:role/ops")),
                denied("unknown role", () -> form(mallory, "acs:ram::88889999:role/nope")),
                denied("role that does not trust the account", () -> form(mallory, "acs:ram::88889999:role/only-b")),
                denied("source grant missing", () -> form(sts.bobToken(), "acs:ram::88889999:role/only-b")),
                denied("external id missing", () -> form(mallory, "acs:ram::88889999:role/ext-id")),
                denied("external id wrong", () -> form(mallory, "acs:ram::88889999:role/ext-id", "external_id", "zzzzzz")),
                denied("explicit Deny of the user", () -> form(mallory, "acs:ram::88889999:role/deny-mallory")),
                denied("source IP outside the allowed range", () -> form(mallory, "acs:ram::88889999:role/ip-10")),
                denied("source IP inside a NotIpAddress range", () -> form(mallory, "acs:ram::88889999:role/not-localhost")),
                denied("no MFA where MFA is required", () -> form(mallory, "acs:ram::88889999:role/mfa"))
        );
    }

    List<Map.Entry<String, String>> repeated(String name, String value) {
        List<Map.Entry<String, String>> pairs = new ArrayList<>();
        form(mallory, OPS).forEach((k, v) -> pairs.add(Map.entry(k, v)));
        pairs.add(Map.entry(name, value));
        return pairs;
    }

    @SuppressWarnings("unchecked")
    Http.Response send(Object request) {
        if (request instanceof Map<?, ?> map) {
            return Http.postForm(tokenEndpoint(), (Map<String, String>) map);
        }
        StringBuilder body = new StringBuilder();
        for (Map.Entry<String, String> pair : (List<Map.Entry<String, String>>) request) {
            if (body.length() > 0) {
                body.append('&');
            }
            body.append(URLEncoder.encode(pair.getKey(), StandardCharsets.UTF_8)).append('=')
                    .append(URLEncoder.encode(pair.getValue(), StandardCharsets.UTF_8));
        }
        return Http.postRaw(tokenEndpoint(), "application/x-www-form-urlencoded", body.toString());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("hostileRequests")
    void isRefused(String name, Supplier<Object> request, int status, String error) {
        long before = System.currentTimeMillis() - 1000;

        Http.Response response = send(request.get());

        assertThat(response.status()).as(response.toString()).isEqualTo(status).isLessThan(500);
        assertThat(response.json().get("error").asText()).as(response.toString()).isEqualTo(error);
        assertThat(response.json().has("access_token")).as(response.toString()).isFalse();
        if (status == 403) {
            assertThat(response.json().get("error_description").asText()).isEqualTo("Not authorized to assume the role");
        }
        JsonNode event = latestExchangeError(TARGET);
        assertThat(event).as("a TOKEN_EXCHANGE_ERROR event in the target realm").isNotNull();
        assertThat(event.get("time").asLong()).isGreaterThanOrEqualTo(before);
        assertThat(event.at("/details/reason").asText()).as("the reason is in the event").isNotBlank();
    }

    @Test
    void theRightExternalIdIsAccepted() {
        Http.Response response = Http.postForm(tokenEndpoint(), form(mallory, "acs:ram::88889999:role/ext-id", "external_id", "a1b2c3"));

        assertThat(response.status()).as(response.toString()).isEqualTo(200);
    }

    @Test
    void aSessionPolicyCanOnlyNarrow() {
        String widen = "{\"Version\":\"1\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"*\",\"Resource\":\"*\"}]}";
        JsonNode all = Http.claims(Http.postForm(tokenEndpoint(), form(mallory, OPS, "policy", widen)).accessToken());
        assertThat(roles(all)).containsExactlyInAnyOrder("Ops", "Audit");

        String onlyAudit = "{\"Version\":\"1\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"sts:AssumeRole\",\"Resource\":\"Aud*\"}]}";
        JsonNode narrowed = Http.claims(Http.postForm(tokenEndpoint(), form(mallory, OPS, "policy", onlyAudit)).accessToken());
        assertThat(roles(narrowed)).containsExactly("Audit");

        String foreign = "{\"Version\":\"1\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"*\",\"Resource\":[\"admin\",\"realm-management/*\"]}]}";
        JsonNode none = Http.claims(Http.postForm(tokenEndpoint(), form(mallory, OPS, "policy", foreign)).accessToken());
        assertThat(roles(none)).isEmpty();
        assertThat(none.has("resource_access")).isFalse();
    }

    @Test
    void durationAndSessionNameAreHonoured() {
        Http.Response response = Http.postForm(tokenEndpoint(), form(mallory, OPS, "duration_seconds", "900", "role_session_name", "ci-job.42"));

        assertThat(response.status()).as(response.toString()).isEqualTo(200);
        JsonNode claims = Http.claims(response.accessToken());
        assertThat(claims.get("exp").asLong() - claims.get("iat").asLong()).isEqualTo(900);
        assertThat(claims.get("role_session_name").asText()).isEqualTo("ci-job.42");
        assertThat(response.json().at("/assumed_role_user/arn").asText()).isEqualTo(OPS + "/ci-job.42");
    }

    static List<String> roles(JsonNode claims) {
        List<String> roles = new ArrayList<>();
        claims.at("/realm_access/roles").forEach(r -> roles.add(r.asText()));
        return roles;
    }

    JsonNode latestExchangeError(String realm) {
        JsonNode events = Http.get(server.adminUrl(realm) + "/events?type=TOKEN_EXCHANGE_ERROR&max=1", admin.token()).json();
        return events.isEmpty() ? null : events.get(0);
    }

    byte[] realmPublicKey(String realm) {
        String key = Http.get(server.realmUrl(realm)).json().get("public_key").asText();
        return Base64.getDecoder().decode(key);
    }
}
