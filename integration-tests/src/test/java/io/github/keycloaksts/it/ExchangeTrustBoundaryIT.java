package io.github.keycloaksts.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigInteger;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.Signature;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.keycloaksts.it.support.Admin;
import io.github.keycloaksts.it.support.Http;
import io.github.keycloaksts.it.support.KeycloakServer;
import io.github.keycloaksts.it.support.Sts;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Written as the attacks: a client of the target account that was never meant to run
 * AssumeRole; a stolen sender-constrained (DPoP) token replayed without its key; an untrusted account probing which
 * roles exist; control characters that Keycloak would silently drop. Every refusal: the documented error, no token,
 * and an event in the target realm with the reason.
 *
 * <p>Target: account 55554444 ({@value #TARGET}) with role {@code ops} (max 3600 s) trusting account 44443333
 * ({@value #SOURCE}, user trudy, granted {@code role/*} of the target). Outsider: account 33332222 ({@value #OUTSIDER},
 * user oscar, granted {@code *}), trusted by no role.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ExchangeTrustBoundaryIT {

    static final String TARGET = "it-boundary-tgt";
    static final String SOURCE = "it-boundary-src";
    static final String OUTSIDER = "it-boundary-out";
    static final String OPS = "acs:ram::55554444:role/ops";
    static final String MISSING = "acs:ram::55554444:role/no-such-role";

    final KeycloakServer server = KeycloakServer.shared();
    final Admin admin = new Admin(server);
    final Sts sts = new Sts(server);

    @BeforeAll
    void setUp() {
        admin.createAccountRealm(TARGET, "55554444");
        String token = admin.token();
        assertThat(Http.sendJson("PUT", server.adminUrl(TARGET) + "/sts/account", Map.of("accountId", "55554444"), token).status())
                .isEqualTo(200);
        admin.createRealmRole(TARGET, "Ops");
        String roles = server.adminUrl(TARGET) + "/sts/roles";
        Http.Response created = Http.sendJson("POST", roles, "{\"roleName\":\"ops\",\"trustPolicy\":{\"Version\":\"1\",\"Statement\":"
                + "[{\"Effect\":\"Allow\",\"Action\":\"sts:AssumeRole\",\"Principal\":{\"RAM\":[\"acs:ram::44443333:root\"]}}]}}", token);
        assertThat(created.status()).as(created.toString()).isEqualTo(201);
        assertThat(Http.sendJson("POST", roles + "/ops/policies", Map.of("policyName", "Ops"), token).status()).isEqualTo(201);

        createClient(Map.of("clientId", "partner-plain", "publicClient", false, "secret", "partner-plain-secret",
                "standardFlowEnabled", false));
        createClient(Map.of("clientId", "partner-opted", "publicClient", false, "secret", "partner-opted-secret",
                "standardFlowEnabled", false, "attributes", Map.of("sts.assume-role.enabled", "true")));
        createClient(Map.of("clientId", "spa-opted", "publicClient", true, "standardFlowEnabled", false,
                "attributes", Map.of("sts.assume-role.enabled", "true")));

        admin.createSourceAccount(SOURCE, "44443333", "trudy", "trudy-pass-1", List.of("acs:ram::55554444:role/*"));
        admin.createSourceAccount(OUTSIDER, "33332222", "oscar", "oscar-pass-1", List.of("*"));
    }

    @AfterAll
    void tearDown() {
        for (String realm : List.of(TARGET, SOURCE, OUTSIDER)) {
            admin.deleteRealmIfExists(realm);
        }
    }

    void createClient(Map<String, Object> rep) {
        Http.Response created = Http.sendJson("POST", server.adminUrl(TARGET) + "/clients", rep, admin.token());
        assertThat(created.status()).as(created.toString()).isEqualTo(201);
    }

    String trudy() {
        return sts.signIn(SOURCE, "app", "trudy", "trudy-pass-1");
    }

    String oscar() {
        return sts.signIn(OUTSIDER, "app", "oscar", "oscar-pass-1");
    }

    String tokenEndpoint(String realm) {
        return server.realmUrl(realm) + "/protocol/openid-connect/token";
    }

    Map<String, String> form(String subject, String roleArn, String... more) {
        Map<String, String> form = sts.form(subject, roleArn);
        for (int i = 0; i < more.length; i += 2) {
            form.put(more[i], more[i + 1]);
        }
        return form;
    }

    JsonNode newest(String realm, String type) {
        JsonNode events = Http.get(server.adminUrl(realm) + "/events?type=" + type + "&max=1", admin.token()).json();
        assertThat(events).as(type + " events of " + realm).isNotEmpty();
        return events.get(0);
    }

    static void noToken(Http.Response response) {
        assertThat(response.json().has("access_token")).as(response.toString()).isFalse();
    }

    /** Only {@code sts}, or a confidential client that opted in, runs AssumeRole. */
    @Nested
    @TestInstance(TestInstance.Lifecycle.PER_CLASS)
    class OnlyStsOrClientsThatOptIn {

        Http.Response exchangeAs(String clientId, String secret) {
            Map<String, String> form = form(trudy(), OPS);
            form.put("client_id", clientId);
            if (secret != null) {
                form.put("client_secret", secret);
            }
            return Http.postForm(tokenEndpoint(TARGET), form);
        }

        void assertRefusedClient(Http.Response response, String clientId, String reasonPart) {
            assertThat(response.status()).as(response.toString()).isEqualTo(400);
            assertThat(response.json().get("error").asText()).isEqualTo("unauthorized_client");
            noToken(response);
            JsonNode event = newest(TARGET, "TOKEN_EXCHANGE_ERROR");
            assertThat(event.get("clientId").asText()).isEqualTo(clientId);
            assertThat(event.get("error").asText()).isEqualTo("unauthorized_client");
            assertThat(event.at("/details/reason").asText()).contains(clientId).contains(reasonPart);
        }

        @Test
        void theAccountConsoleCannotAssumeRoles() {
            assertRefusedClient(exchangeAs("account-console", null), "account-console", "has not opted in");
        }

        @Test
        void aConfidentialClientThatDidNotOptInIsRefusedEvenWithItsSecret() {
            assertRefusedClient(exchangeAs("partner-plain", "partner-plain-secret"), "partner-plain", "has not opted in");
        }

        @Test
        void aPublicClientCannotOptIn() {
            assertRefusedClient(exchangeAs("spa-opted", null), "spa-opted", "public client");
        }

        @Test
        void aConfidentialClientThatOptedInAssumesTheRoleWithItsOwnAuthentication() {
            Http.Response wrongSecret = exchangeAs("partner-opted", "not-the-secret");
            assertThat(wrongSecret.status()).as(wrongSecret.toString()).isEqualTo(401);
            noToken(wrongSecret);

            Http.Response response = exchangeAs("partner-opted", "partner-opted-secret");

            assertThat(response.status()).as(response.toString()).isEqualTo(200);
            JsonNode claims = Http.claims(response.accessToken());
            assertThat(claims.get("azp").asText()).isEqualTo("partner-opted");
            assertThat(claims.get("role_arn").asText()).isEqualTo(OPS);
        }

        @Test
        void theStsClientStillWorks() {
            assertThat(exchangeAs("sts", null).status()).isEqualTo(200);
        }
    }

    /** A DPoP-bound subject token is exchanged only with a proof of its key, and the role token stays bound. */
    @Nested
    @TestInstance(TestInstance.Lifecycle.PER_CLASS)
    class SenderConstrainedSubjectTokens {

        final KeyPair key = ecKey();
        final KeyPair otherKey = ecKey();
        String bound;

        @BeforeAll
        void signInWithDpop() {
            Map<String, String> login = Map.of("grant_type", "password", "client_id", "app", "username", "trudy",
                    "password", "trudy-pass-1");
            Http.Response response = Http.postFormWithHeaders(tokenEndpoint(SOURCE), login,
                    Map.of("DPoP", proof(key, tokenEndpoint(SOURCE))));
            assertThat(response.json().get("token_type").asText()).as(response.toString()).isEqualTo("DPoP");
            bound = response.accessToken();
            assertThat(Http.claims(bound).at("/cnf/jkt").asText()).isEqualTo(thumbprint(key));
        }

        void assertRefused(Http.Response response, String reasonPart) {
            assertThat(response.status()).as(response.toString()).isEqualTo(400);
            assertThat(response.json().get("error").asText()).isEqualTo("invalid_request");
            noToken(response);
            JsonNode event = newest(TARGET, "TOKEN_EXCHANGE_ERROR");
            assertThat(event.at("/details/reason").asText()).startsWith("subject_token is sender-constrained").contains(reasonPart);
            assertThat(event.at("/details/source_user").asText()).isEqualTo("trudy");
            assertThat(newest(SOURCE, "TOKEN_EXCHANGE_ERROR").at("/details/reason").asText())
                    .startsWith("subject_token is sender-constrained");
        }

        @Test
        void aStolenDpopBoundTokenWithoutAProofIsRefused() {
            Http.Response response = Http.postForm(tokenEndpoint(TARGET), form(bound, OPS));

            assertRefused(response, "DPoP proof is missing");
            assertThat(newest(TARGET, "TOKEN_EXCHANGE_ERROR").get("error").asText()).isEqualTo("invalid_dpop_proof");
        }

        @Test
        void aProofWithTheThiefsOwnKeyIsRefused() {
            Http.Response response = Http.postFormWithHeaders(tokenEndpoint(TARGET), form(bound, OPS),
                    Map.of("DPoP", proof(otherKey, tokenEndpoint(TARGET))));

            assertRefused(response, "doesn't match");
        }

        @Test
        void aProofMadeForAnotherEndpointIsRefusedByKeycloak() {
            Http.Response response = Http.postFormWithHeaders(tokenEndpoint(TARGET), form(bound, OPS),
                    Map.of("DPoP", proof(key, tokenEndpoint(SOURCE))));

            assertThat(response.status()).as(response.toString()).isEqualTo(400);
            assertThat(response.json().get("error").asText()).isEqualTo("invalid_request");
            noToken(response);
        }

        @Test
        void theHolderOfTheKeyGetsARoleTokenBoundToTheSameKey() {
            Http.Response response = Http.postFormWithHeaders(tokenEndpoint(TARGET), form(bound, OPS),
                    Map.of("DPoP", proof(key, tokenEndpoint(TARGET))));

            assertThat(response.status()).as(response.toString()).isEqualTo(200);
            assertThat(response.json().get("token_type").asText()).isEqualTo("DPoP");
            JsonNode claims = Http.claims(response.accessToken());
            assertThat(claims.at("/cnf/jkt").asText()).isEqualTo(thumbprint(key));
            assertThat(claims.get("role_arn").asText()).isEqualTo(OPS);
        }

        @Test
        void anUnboundTokenOfTheSameUserStillWorksWithoutAProof() {
            Http.Response response = Http.postForm(tokenEndpoint(TARGET), form(trudy(), OPS));

            assertThat(response.status()).as(response.toString()).isEqualTo(200);
            assertThat(response.json().get("token_type").asText()).isEqualTo("Bearer");
            assertThat(Http.claims(response.accessToken()).has("cnf")).isFalse();
        }
    }

    /** Refusals do not tell an untrusted caller which roles exist, and input is never silently altered. */
    @Nested
    @TestInstance(TestInstance.Lifecycle.PER_CLASS)
    class RefusalsRevealNothing {

        @ParameterizedTest(name = "duration_seconds={0}")
        @ValueSource(strings = {"", "900", "3601", "43200", "999999"})
        void anUntrustedCallerCannotTellAnExistingRoleFromAMissingOne(String duration) {
            String oscar = oscar();
            String[] extra = duration.isEmpty() ? new String[0] : new String[] {"duration_seconds", duration};

            Http.Response existing = Http.postForm(tokenEndpoint(TARGET), form(oscar, OPS, extra));
            String existingSourceReason = newest(OUTSIDER, "TOKEN_EXCHANGE_ERROR").at("/details/reason").asText();
            String existingTargetReason = newest(TARGET, "TOKEN_EXCHANGE_ERROR").at("/details/reason").asText();
            Http.Response missing = Http.postForm(tokenEndpoint(TARGET), form(oscar, MISSING, extra));
            String missingSourceReason = newest(OUTSIDER, "TOKEN_EXCHANGE_ERROR").at("/details/reason").asText();
            String missingTargetReason = newest(TARGET, "TOKEN_EXCHANGE_ERROR").at("/details/reason").asText();
            Http.Response otherAccount = Http.postForm(tokenEndpoint(TARGET), form(oscar, "acs:ram::99998888:role/ops", extra));

            assertThat(existing.status()).as(existing.toString()).isEqualTo(403);
            assertThat(withoutRequestId(existing)).isEqualTo(withoutRequestId(missing)).isEqualTo(withoutRequestId(otherAccount));
            assertThat(missing.status()).isEqualTo(403);
            assertThat(otherAccount.status()).isEqualTo(403);
            assertThat(existing.json().get("error").asText()).isEqualTo("access_denied");
            noToken(existing);
            // The outsider's own account sees the same thing for both; the target sees the real reasons.
            assertThat(existingSourceReason).isEqualTo(missingSourceReason).isEqualTo("not allowed by the target account");
            assertThat(existingTargetReason).contains("does not trust");
            assertThat(missingTargetReason).contains("does not exist");
        }

        @Test
        void aCallerWithoutASourceGrantHearsTheSameForExistingAndMissingRoles() {
            String bob = sts.bobToken(); // company-b's bob holds no grant for the target
            Http.Response existing = Http.postForm(tokenEndpoint(TARGET), form(bob, OPS, "duration_seconds", "43200"));
            String existingSourceReason = newest("company-b", "TOKEN_EXCHANGE_ERROR").at("/details/reason").asText();
            Http.Response missing = Http.postForm(tokenEndpoint(TARGET), form(bob, MISSING, "duration_seconds", "43200"));
            String missingSourceReason = newest("company-b", "TOKEN_EXCHANGE_ERROR").at("/details/reason").asText();

            assertThat(existing.status()).isEqualTo(403);
            assertThat(withoutRequestId(existing)).isEqualTo(withoutRequestId(missing));
            assertThat(existingSourceReason.replace("role/ops", "role/X"))
                    .isEqualTo(missingSourceReason.replace("role/no-such-role", "role/X")).contains("no source grant");
        }

        @Test
        void onlyATrustedCallerLearnsTheRolesMaximum() {
            Http.Response response = Http.postForm(tokenEndpoint(TARGET), form(trudy(), OPS, "duration_seconds", "3601"));

            assertThat(response.status()).as(response.toString()).isEqualTo(400);
            assertThat(response.json().get("error").asText()).isEqualTo("invalid_request");
            assertThat(response.json().get("error_description").asText()).contains("at most 3600");
            noToken(response);
        }

        @ParameterizedTest(name = "role_arn + {0}")
        @ValueSource(strings = {"%00", "%09", "%0A", "%0D", "%7F", "%1B", "%C2%85", "%2500", "%250A", "%1B%5B0m", "%5B1m"})
        void controlCharactersInRoleArnAreRefusedNotDropped(String suffix) {
            assertControlRefused("role_arn", OPS, suffix);
        }

        @Test
        void controlCharactersInTheMiddleOfRoleArnAreRefused() {
            String body = encodedForm(form(trudy(), null)) + "&role_arn=acs:ram::55554444:role/o%00ps";
            assertRefusedInvalid(Http.postRaw(tokenEndpoint(TARGET), "application/x-www-form-urlencoded", body), "role_arn");
        }

        @ParameterizedTest(name = "{0} + %09")
        @ValueSource(strings = {"role_session_name", "external_id", "subject_token", "duration_seconds", "scope", "grant_type"})
        void controlCharactersInEveryOtherParameterAreRefused(String parameter) {
            Map<String, String> form = form(trudy(), OPS, "role_session_name", "ci-job", "external_id", "abc123",
                    "duration_seconds", "900", "scope", "openid");
            String value = form.get(parameter);
            form.remove(parameter);
            String body = encodedForm(form) + "&" + parameter + "=" + URLEncoder.encode(value, StandardCharsets.UTF_8) + "%09";
            Http.Response response = Http.postRaw(tokenEndpoint(TARGET), "application/x-www-form-urlencoded", body);
            assertRefusedInvalid(response, parameter);
        }

        @Test
        void aControlCharacterInClientIdIsAlreadyRefusedByKeycloaksClientAuthentication() {
            String body = encodedForm(form(trudy(), OPS)).replace("client_id=sts", "client_id=sts%09");
            Http.Response response = Http.postRaw(tokenEndpoint(TARGET), "application/x-www-form-urlencoded", body);
            assertThat(response.status()).as(response.toString()).isEqualTo(401);
            assertThat(response.json().get("error").asText()).isEqualTo("invalid_client");
            noToken(response);
        }

        @Test
        void theSameRequestWithoutTheControlCharacterSucceeds() {
            String body = encodedForm(form(trudy(), OPS, "role_session_name", "ci-job"));
            Http.Response response = Http.postRaw(tokenEndpoint(TARGET), "application/x-www-form-urlencoded", body);
            assertThat(response.status()).as(response.toString()).isEqualTo(200);
            assertThat(Http.claims(response.accessToken()).get("role_session_name").asText()).isEqualTo("ci-job");
        }

        void assertControlRefused(String parameter, String value, String rawSuffix) {
            Map<String, String> form = form(trudy(), null);
            String body = encodedForm(form) + "&" + parameter + "=" + URLEncoder.encode(value, StandardCharsets.UTF_8) + rawSuffix;
            assertRefusedInvalid(Http.postRaw(tokenEndpoint(TARGET), "application/x-www-form-urlencoded", body), parameter);
        }

        void assertRefusedInvalid(Http.Response response, String parameter) {
            long before = System.currentTimeMillis() - 1000;
            assertThat(response.status()).as(response.toString()).isEqualTo(400);
            assertThat(response.json().get("error").asText()).as(response.toString()).isEqualTo("invalid_request");
            assertThat(response.json().get("error_description").asText()).startsWith(parameter + ":");
            noToken(response);
            JsonNode event = newest(TARGET, "TOKEN_EXCHANGE_ERROR");
            assertThat(event.get("time").asLong()).isGreaterThanOrEqualTo(before - 30_000);
            assertThat(event.at("/details/reason").asText()).startsWith(parameter + ":");
        }
    }

    /** The answer without its request ID, which differs on every answer (and must be there). */
    static JsonNode withoutRequestId(Http.Response response) {
        ObjectNode body = (ObjectNode) response.json().deepCopy();
        assertThat(body.path("request_id").asText()).as(response.toString()).isNotBlank();
        body.remove("request_id");
        return body;
    }

    static String encodedForm(Map<String, String> form) {
        return form.entrySet().stream()
                .map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
    }

    // --- DPoP (RFC 9449) proofs made by the test, with its own EC P-256 keys ---

    static KeyPair ecKey() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"));
            return generator.generateKeyPair();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static Map<String, String> jwk(KeyPair key) {
        ECPublicKey pub = (ECPublicKey) key.getPublic();
        Map<String, String> jwk = new LinkedHashMap<>(); // RFC 7638 member order for the thumbprint: crv, kty, x, y
        jwk.put("crv", "P-256");
        jwk.put("kty", "EC");
        jwk.put("x", b64(unsigned32(pub.getW().getAffineX())));
        jwk.put("y", b64(unsigned32(pub.getW().getAffineY())));
        return jwk;
    }

    static String thumbprint(KeyPair key) {
        try {
            String canonical = Http.JSON.writeValueAsString(jwk(key));
            return b64(MessageDigest.getInstance("SHA-256").digest(canonical.getBytes(StandardCharsets.UTF_8)));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static String proof(KeyPair key, String htu) {
        try {
            Map<String, Object> header = new LinkedHashMap<>();
            header.put("typ", "dpop+jwt");
            header.put("alg", "ES256");
            header.put("jwk", jwk(key));
            Map<String, Object> payload = new LinkedHashMap<>();
            payload.put("jti", UUID.randomUUID().toString());
            payload.put("htm", "POST");
            payload.put("htu", htu);
            payload.put("iat", System.currentTimeMillis() / 1000);
            String input = b64(Http.JSON.writeValueAsBytes(header)) + "." + b64(Http.JSON.writeValueAsBytes(payload));
            Signature signature = Signature.getInstance("SHA256withECDSAinP1363Format");
            signature.initSign(key.getPrivate());
            signature.update(input.getBytes(StandardCharsets.US_ASCII));
            return input + "." + b64(signature.sign());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static byte[] unsigned32(BigInteger value) {
        byte[] bytes = value.toByteArray();
        if (bytes.length == 32) {
            return bytes;
        }
        byte[] out = new byte[32];
        int copy = Math.min(bytes.length, 32);
        System.arraycopy(bytes, bytes.length - copy, out, 32 - copy, copy);
        return out;
    }

    static String b64(byte[] bytes) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
