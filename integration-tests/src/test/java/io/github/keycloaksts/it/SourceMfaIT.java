package io.github.keycloaksts.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.keycloaksts.it.support.Admin;
import io.github.keycloaksts.it.support.Http;
import io.github.keycloaksts.it.support.KeycloakServer;
import io.github.keycloaksts.it.support.Sts;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * {@code acs:MFAPresent} comes from what Keycloak recorded about the source sign-in, not from the subject token's
 * claims: a source administrator holding only {@code manage-clients} who adds a hardcoded {@code amr}
 * claim to the app's tokens does not make a password-only sign-in count as MFA; a real OTP sign-in does count.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SourceMfaIT {

    static final String TARGET = "it-mfa-target";
    static final String SOURCE = "it-mfa-source";
    static final String ROLE_ARN = "acs:ram::72000001:role/needs-mfa";
    /** The OTP secret as Keycloak stores it: its bytes are the HMAC key. */
    static final String OTP_SECRET = "it-mfa-otp-secret-0001";

    final KeycloakServer server = KeycloakServer.shared();
    final Admin admin = new Admin(server);
    final Sts sts = new Sts(server);

    @BeforeAll
    void accounts() {
        admin.createAccountRealm(TARGET, "72000001");
        Http.Response role = Http.sendJson("POST", server.adminUrl(TARGET) + "/sts/roles", Map.of("roleName", "needs-mfa",
                "trustPolicy", Map.of("Version", "1", "Statement", List.of(Map.of("Effect", "Allow", "Action", "sts:AssumeRole",
                        "Principal", Map.of("RAM", List.of("acs:ram::72000002:root")),
                        "Condition", Map.of("Bool", Map.of("acs:MFAPresent", "true")))))), admin.token());
        assertThat(role.status()).as(role.toString()).isEqualTo(201);

        admin.createSourceAccount(SOURCE, "72000002", "pia", "pia-pass-1", List.of("*"), Map.of());
        // otto has an OTP device: Keycloak's direct grant flow then asks for the code (Conditional OTP).
        Map<String, Object> otto = new LinkedHashMap<>(Map.of("username", "otto", "enabled", true, "email", "otto@example.org",
                "emailVerified", true, "firstName", "otto", "lastName", "Test", "realmRoles", List.of("assumer"),
                "credentials", List.of(
                        Map.of("type", "password", "value", "otto-pass-1", "temporary", false),
                        Map.of("type", "otp", "userLabel", "phone",
                                "secretData", "{\"value\":\"" + OTP_SECRET + "\"}",
                                "credentialData", "{\"subType\":\"totp\",\"digits\":6,\"counter\":0,\"period\":30,\"algorithm\":\"HmacSHA1\"}"))));
        Http.Response imported = Http.sendJson("POST", server.adminUrl(SOURCE) + "/partialImport",
                Map.of("ifResourceExists", "FAIL", "users", List.of(otto)), admin.token());
        assertThat(imported.status()).as(imported.toString()).isEqualTo(200);
    }

    @AfterAll
    void cleanUp() {
        admin.deleteRealmIfExists(TARGET);
        admin.deleteRealmIfExists(SOURCE);
    }

    @Test
    void aHardcodedAmrClaimAddedByAManageClientsAdminDoesNotCountAsMfa() {
        admin.createUser(SOURCE, "clara", "clara-pass-1", "realm-management", List.of("manage-clients"));
        String clara = Http.passwordGrant(server, SOURCE, "admin-cli", "clara", "clara-pass-1").accessToken();
        String app = admin.clientUuid(SOURCE, "app");
        // amr only: Keycloak's own acr mapper (client scope "acr") overwrites a hardcoded acr. Before this fix an amr
        // naming "otp" counted as MFA.
        for (Map<String, String> claim : List.of(
                Map.of("claim.name", "amr", "claim.value", "[\"pwd\",\"otp\"]", "jsonType.label", "JSON"))) {
            Map<String, String> config = new LinkedHashMap<>(claim);
            config.put("access.token.claim", "true");
            Http.Response mapper = Http.sendJson("POST", server.adminUrl(SOURCE) + "/clients/" + app + "/protocol-mappers/models",
                    Map.of("name", "forged " + claim.get("claim.name"), "protocol", "openid-connect",
                            "protocolMapper", "oidc-hardcoded-claim-mapper", "config", config), clara);
            assertThat(mapper.status()).as("manage-clients may add mappers: " + mapper).isEqualTo(201);
        }
        String pia = sts.signIn(SOURCE, "app", "pia", "pia-pass-1");
        JsonNode claims = Http.claims(pia);
        assertThat(claims.get("amr").toString()).as("the forged amr is in the token").contains("otp");

        Http.Response exchange = sts.assumeRole(TARGET, pia, ROLE_ARN);
        assertThat(exchange.status()).as(exchange.toString()).isEqualTo(403);
        assertThat(exchange.json().has("access_token")).isFalse();
        JsonNode event = Http.get(server.adminUrl(TARGET) + "/events?type=TOKEN_EXCHANGE_ERROR&max=1", admin.token()).json().get(0);
        assertThat(event.get("details").get("source_user").asText()).isEqualTo("pia");
        assertThat(event.get("details").get("reason").asText()).contains("acs:MFAPresent");
    }

    @Test
    void aRealOtpSignInCountsAsMfa() throws Exception {
        Http.Response withoutCode = Http.passwordGrant(server, SOURCE, "app", "otto", "otto-pass-1");
        assertThat(withoutCode.status()).as("the OTP is required: " + withoutCode).isIn(400, 401);
        assertThat(withoutCode.json().has("access_token")).isFalse();

        Map<String, String> form = new LinkedHashMap<>();
        form.put("grant_type", "password");
        form.put("client_id", "app");
        form.put("username", "otto");
        form.put("password", "otto-pass-1");
        form.put("totp", totp(OTP_SECRET, System.currentTimeMillis() / 1000 / 30));
        Http.Response login = Http.postForm(server.realmUrl(SOURCE) + "/protocol/openid-connect/token", form);
        assertThat(login.status()).as(login.toString()).isEqualTo(200);

        Http.Response exchange = sts.assumeRole(TARGET, login.accessToken(), ROLE_ARN);
        assertThat(exchange.status()).as(exchange.toString()).isEqualTo(200);
        assertThat(Http.claims(exchange.json().get("access_token").asText()).get("source_identity").asText())
                .isEqualTo("acs:ram::72000002:user/otto");

        // The same user signed in without the second factor is not MFA (no OTP: the direct grant refuses him anyway,
        // so pia, who has no device, stands for the password-only sign-in).
        Http.Response passwordOnly = sts.assumeRole(TARGET, sts.signIn(SOURCE, "app", "pia", "pia-pass-1"), ROLE_ARN);
        assertThat(passwordOnly.status()).as(passwordOnly.toString()).isEqualTo(403);
    }

    /** RFC 6238 TOTP, HMAC-SHA1, 6 digits, as Keycloak's default OTP policy computes it. */
    static String totp(String secret, long step) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA1");
        mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA1"));
        byte[] hash = mac.doFinal(ByteBuffer.allocate(8).putLong(step).array());
        int offset = hash[hash.length - 1] & 0xf;
        int binary = ((hash[offset] & 0x7f) << 24) | ((hash[offset + 1] & 0xff) << 16) | ((hash[offset + 2] & 0xff) << 8)
                | (hash[offset + 3] & 0xff);
        return String.format("%06d", binary % 1_000_000);
    }
}
