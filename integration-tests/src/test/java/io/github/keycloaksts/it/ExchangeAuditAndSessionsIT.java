package io.github.keycloaksts.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.keycloaksts.it.support.Admin;
import io.github.keycloaksts.it.support.Http;
import io.github.keycloaksts.it.support.KeycloakServer;
import io.github.keycloaksts.it.support.Sts;
import org.junit.jupiter.api.Test;

/** Audit in both realms, live role sessions and their revocation, and Keycloak's own exchange left alone. */
class ExchangeAuditAndSessionsIT {

    static final String ECS_ADMIN = "acs:ram::11223344:role/ecs-admin";

    final KeycloakServer server = KeycloakServer.shared();
    final Admin admin = new Admin(server);
    final Sts sts = new Sts(server);

    JsonNode newestEvent(String realm, String type) {
        JsonNode events = Http.get(server.adminUrl(realm) + "/events?type=" + type + "&max=1", admin.token()).json();
        assertThat(events).as(type + " events of " + realm).isNotEmpty();
        return events.get(0);
    }

    boolean active(String token) {
        return sts.introspect("company-a", "ecs-console", "ecs-console-secret", token).json().get("active").asBoolean();
    }

    @Test
    void bothCompaniesSeeTheAssumptionInTheirOwnEvents() {
        sts.exchange("company-a", Map.of("grant_type", Sts.TOKEN_EXCHANGE, "client_id", "sts", "subject_token", sts.bobToken(),
                "subject_token_type", Sts.ACCESS_TOKEN_TYPE, "role_arn", ECS_ADMIN, "role_session_name", "audit-check")).accessToken();

        JsonNode target = newestEvent("company-a", "TOKEN_EXCHANGE");
        assertThat(target.get("clientId").asText()).isEqualTo("sts");
        assertThat(target.at("/details/role_arn").asText()).isEqualTo(ECS_ADMIN);
        assertThat(target.at("/details/source_account").asText()).isEqualTo("12345678");
        assertThat(target.at("/details/source_user").asText()).isEqualTo("bob");
        assertThat(target.at("/details/role_session_name").asText()).isEqualTo("audit-check");
        assertThat(target.at("/details/reason").asText()).isNotBlank();
        assertThat(target.get("ipAddress").asText()).isNotBlank();

        JsonNode source = newestEvent("company-b", "TOKEN_EXCHANGE");
        assertThat(source.get("clientId").asText()).isEqualTo("ops-cli");
        assertThat(source.at("/details/target_account").asText()).isEqualTo("11223344");
        assertThat(source.at("/details/role_arn").asText()).isEqualTo(ECS_ADMIN);
        assertThat(source.at("/details/role_session_name").asText()).isEqualTo("audit-check");
    }

    @Test
    void aRefusalIsAuditedInBothRealmsWithTheReason() {
        String alice = sts.signIn("company-b", "ops-cli", "alice", "alice-pass-1");
        assertThat(sts.assumeRole("company-a", alice, ECS_ADMIN).status()).isEqualTo(403);

        JsonNode target = newestEvent("company-a", "TOKEN_EXCHANGE_ERROR");
        assertThat(target.at("/details/source_user").asText()).isEqualTo("alice");
        assertThat(target.at("/details/reason").asText()).contains("acs:ram::12345678:user/alice");
        JsonNode source = newestEvent("company-b", "TOKEN_EXCHANGE_ERROR");
        assertThat(source.at("/details/reason").asText()).contains("no source grant");
    }

    @Test
    void liveSessionsAreListedAndEndedPerSourceAccount() {
        // A role of this test's own: ending company-b's sessions of the demo role would end other tests' tokens.
        String url = server.adminUrl("company-a") + "/sts/roles";
        Http.Response created = Http.sendJson("POST", url, Map.of("roleName", "it-sessions",
                "trustPolicy", Map.of("Version", "1", "Statement", List.of(Map.of("Effect", "Allow", "Action", "sts:AssumeRole",
                        "Principal", Map.of("RAM", List.of("12345678")))))), admin.token());
        assertThat(created.status()).as(created.toString()).isEqualTo(201);
        String arn = "acs:ram::11223344:role/it-sessions";
        String granted = grantBob(arn);
        try {
            String token = sts.exchange("company-a", Map.of("grant_type", Sts.TOKEN_EXCHANGE, "client_id", "sts", "subject_token", sts.bobToken(),
                    "subject_token_type", Sts.ACCESS_TOKEN_TYPE, "role_arn", arn, "role_session_name", "to-be-ended")).accessToken();
            String sessions = url + "/it-sessions/sessions";

            JsonNode live = Http.get(sessions, admin.token()).json();
            assertThat(live.findValuesAsText("roleSessionName")).contains("to-be-ended");
            assertThat(live.findValuesAsText("sourceAccountId")).contains("12345678");

            Http.Response wrongAccount = Http.delete(sessions + "?sourceAccountId=99999999", admin.token());
            assertThat(wrongAccount.json().get("revokedAccounts")).isEmpty();
            assertThat(active(token)).isTrue();

            Http.Response ended = Http.delete(sessions + "?sourceAccountId=12345678", admin.token());
            assertThat(ended.status()).as(ended.toString()).isEqualTo(200);
            assertThat(ended.json().get("revokedAccounts").toString()).isEqualTo("[\"12345678\"]");
            assertThat(active(token)).isFalse();
            assertThat(Http.get(sessions, admin.token()).json().findValuesAsText("roleSessionName")).doesNotContain("to-be-ended");

            // Ending sessions is not revoking trust: Bob may assume the role again.
            String again = sts.assumeRole("company-a", sts.bobToken(), arn).accessToken();
            assertThat(active(again)).isTrue();
            assertThat(Http.delete(sessions + "?sourceAccountId=12x", admin.token()).status()).isEqualTo(400);
        } finally {
            Http.delete(url + "/it-sessions", admin.token());
            Http.delete(server.adminUrl("company-b") + "/roles/" + granted, admin.token());
        }
    }

    @Test
    void deletingARoleEndsItsSessions() {
        String url = server.adminUrl("company-a") + "/sts/roles";
        Http.Response created = Http.sendJson("POST", url, Map.of("roleName", "it-short-lived",
                "trustPolicy", Map.of("Version", "1", "Statement", List.of(Map.of("Effect", "Allow", "Action", "sts:AssumeRole",
                        "Principal", Map.of("RAM", List.of("12345678")))))), admin.token());
        assertThat(created.status()).as(created.toString()).isEqualTo(201);
        String granted = grantBob("acs:ram::11223344:role/it-short-lived");
        try {
            String token = sts.assumeRole("company-a", sts.bobToken(), "acs:ram::11223344:role/it-short-lived").accessToken();
            assertThat(active(token)).isTrue();

            assertThat(Http.delete(url + "/it-short-lived", admin.token()).status()).isEqualTo(204);

            assertThat(active(token)).isFalse();
        } finally {
            Http.delete(server.adminUrl("company-b") + "/roles/" + granted, admin.token());
        }
    }

    @Test
    void keycloaksStandardTokenExchangeStillWorksWithoutRoleArn() {
        String realm = "it-standard-exchange";
        admin.createAccountRealm(realm, null);
        try {
            String token = admin.token();
            Http.Response requester = Http.sendJson("POST", server.adminUrl(realm) + "/clients", Map.of(
                    "clientId", "requester", "publicClient", false, "secret", "requester-secret", "serviceAccountsEnabled", false,
                    "standardFlowEnabled", false, "attributes", Map.of("standard.token.exchange.enabled", "true")), token);
            assertThat(requester.status()).isEqualTo(201);
            Http.Response frontend = Http.sendJson("POST", server.adminUrl(realm) + "/clients", Map.of(
                    "clientId", "frontend", "publicClient", true, "directAccessGrantsEnabled", true,
                    "protocolMappers", List.of(Map.of("name", "aud", "protocol", "openid-connect", "protocolMapper", "oidc-audience-mapper",
                            "config", Map.of("included.client.audience", "requester", "access.token.claim", "true")))), token);
            assertThat(frontend.status()).isEqualTo(201);
            admin.createUser(realm, "uma", "uma-pass-1", null, List.of());
            String subject = sts.signIn(realm, "frontend", "uma", "uma-pass-1");

            Http.Response exchanged = Http.postForm(server.realmUrl(realm) + "/protocol/openid-connect/token", Map.of(
                    "grant_type", Sts.TOKEN_EXCHANGE, "client_id", "requester", "client_secret", "requester-secret",
                    "subject_token", subject, "subject_token_type", Sts.ACCESS_TOKEN_TYPE));

            assertThat(exchanged.status()).as(exchanged.toString()).isEqualTo(200);
            JsonNode claims = Http.claims(exchanged.accessToken());
            assertThat(claims.get("azp").asText()).isEqualTo("requester");
            assertThat(claims.get("preferred_username").asText()).isEqualTo("uma");
            assertThat(claims.has("role_arn")).isFalse();
        } finally {
            admin.deleteRealmIfExists(realm);
        }
    }

    /** Gives bob a new company-b role granting {@code arn}; returns the role's name. */
    String grantBob(String arn) {
        String role = "it-grant-" + Long.toHexString(System.nanoTime());
        Http.Response created = Http.sendJson("POST", server.adminUrl("company-b") + "/roles",
                Map.of("name", role, "attributes", Map.of("sts.assume-role", List.of(arn))), admin.token());
        assertThat(created.status()).as(created.toString()).isEqualTo(201);
        String bobId = Http.get(server.adminUrl("company-b") + "/users?username=bob&exact=true", admin.token()).json().get(0).get("id").asText();
        JsonNode roleRep = Http.get(server.adminUrl("company-b") + "/roles/" + role, admin.token()).json();
        assertThat(Http.sendJson("POST", server.adminUrl("company-b") + "/users/" + bobId + "/role-mappings/realm", List.of(roleRep),
                admin.token()).status()).isEqualTo(204);
        return role;
    }
}
