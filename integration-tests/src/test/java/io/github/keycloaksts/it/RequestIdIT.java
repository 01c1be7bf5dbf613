package io.github.keycloaksts.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.keycloaksts.it.support.Admin;
import io.github.keycloaksts.it.support.CookieBrowser;
import io.github.keycloaksts.it.support.CookieBrowser.Reply;
import io.github.keycloaksts.it.support.Http;
import io.github.keycloaksts.it.support.KeycloakServer;
import io.github.keycloaksts.it.support.Sts;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Every AssumeRole answer carries a {@code request_id}, which the events of both realms carry too, each with
 * its own side's reason and nothing of the other side's policies. Roles of this class's own, so the demo role stays as
 * it is.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RequestIdIT {

    static final String UNTRUSTING = "it-reqid-untrusting";
    static final String TRUSTING = "it-reqid-trusting";
    static final String UNTRUSTING_ARN = "acs:ram::11223344:role/" + UNTRUSTING;
    static final String TRUSTING_ARN = "acs:ram::11223344:role/" + TRUSTING;
    /** Only in the untrusting role's trust policy: the source account must never see it. */
    static final String OTHER_ACCOUNT = "87654321";
    static final String EXTERNAL_ID = "reqid-secret-external-id";
    static final Pattern UUID = Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");

    final KeycloakServer server = KeycloakServer.shared();
    final Admin admin = new Admin(server);
    final Sts sts = new Sts(server);
    String grantRole;

    @BeforeAll
    void roles() {
        String url = server.adminUrl("company-a") + "/sts/roles";
        Http.delete(url + "/" + UNTRUSTING, admin.token());
        Http.delete(url + "/" + TRUSTING, admin.token());
        Http.Response untrusting = Http.sendJson("POST", url, Map.of("roleName", UNTRUSTING, "trustPolicy", Map.of("Version", "1",
                "Statement", List.of(Map.of("Effect", "Allow", "Action", "sts:AssumeRole",
                        "Principal", Map.of("RAM", List.of("acs:ram::" + OTHER_ACCOUNT + ":root")),
                        "Condition", Map.of("StringEquals", Map.of("sts:ExternalId", EXTERNAL_ID)))))), admin.token());
        assertThat(untrusting.status()).as(untrusting.toString()).isEqualTo(201);
        Http.Response trusting = Http.sendJson("POST", url, Map.of("roleName", TRUSTING, "trustPolicy", Map.of("Version", "1",
                "Statement", List.of(Map.of("Effect", "Allow", "Action", "sts:AssumeRole", "Principal", Map.of("RAM", List.of("12345678")))))),
                admin.token());
        assertThat(trusting.status()).as(trusting.toString()).isEqualTo(201);
        grantRole = "it-reqid-grant";
        Http.delete(server.adminUrl("company-b") + "/roles/" + grantRole, admin.token());
        Http.Response created = Http.sendJson("POST", server.adminUrl("company-b") + "/roles",
                Map.of("name", grantRole, "attributes", Map.of("sts.assume-role", List.of(UNTRUSTING_ARN, TRUSTING_ARN))), admin.token());
        assertThat(created.status()).as(created.toString()).isEqualTo(201);
        String bobId = Http.get(server.adminUrl("company-b") + "/users?username=bob&exact=true", admin.token()).json().get(0).get("id").asText();
        JsonNode roleRep = Http.get(server.adminUrl("company-b") + "/roles/" + grantRole, admin.token()).json();
        assertThat(Http.sendJson("POST", server.adminUrl("company-b") + "/users/" + bobId + "/role-mappings/realm", List.of(roleRep),
                admin.token()).status()).isEqualTo(204);
    }

    @AfterAll
    void removeRoles() {
        String url = server.adminUrl("company-a") + "/sts/roles";
        Http.delete(url + "/" + UNTRUSTING, admin.token());
        Http.delete(url + "/" + TRUSTING, admin.token());
        Http.delete(server.adminUrl("company-b") + "/roles/" + grantRole, admin.token());
    }

    /** The event of {@code realm} of type {@code type} carrying {@code requestId}; fails when there is none or more. */
    JsonNode eventWith(String realm, String type, String requestId) {
        JsonNode events = Http.get(server.adminUrl(realm) + "/events?type=" + type + "&max=200", admin.token()).json();
        JsonNode found = null;
        for (JsonNode event : events) {
            if (requestId.equals(event.at("/details/request_id").asText(null))) {
                assertThat(found).as("one " + type + " event of " + realm + " with request_id " + requestId).isNull();
                found = event;
            }
        }
        assertThat(found).as("a " + type + " event of " + realm + " with request_id " + requestId).isNotNull();
        return found;
    }

    static String requestIdOf(Http.Response response) {
        String id = response.json().path("request_id").asText("");
        assertThat(id).as("request_id in " + response).matches(UUID);
        return id;
    }

    @Test
    void aRefusalByTheTrustPolicyIsFoundInBothRealmsEachWithItsOwnReason() {
        Http.Response refused = sts.assumeRole("company-a", sts.bobToken(), UNTRUSTING_ARN);

        assertThat(refused.status()).as(refused.toString()).isEqualTo(403);
        assertThat(refused.json().get("error").asText()).isEqualTo("access_denied");
        assertThat(refused.json().get("error_description").asText()).isEqualTo("Not authorized to assume the role");
        assertThat(refused.json().has("access_token")).isFalse();
        assertThat(refused.header("Content-Type")).contains("application/json");
        String requestId = requestIdOf(refused);

        JsonNode target = eventWith("company-a", "TOKEN_EXCHANGE_ERROR", requestId);
        assertThat(target.at("/details/reason").asText()).contains("does not trust").contains("acs:ram::12345678:user/bob");
        assertThat(target.at("/details/source_user").asText()).isEqualTo("bob");
        JsonNode source = eventWith("company-b", "TOKEN_EXCHANGE_ERROR", requestId);
        assertThat(source.at("/details/reason").asText()).isEqualTo("not allowed by the target account");
        assertThat(source.at("/details/role_arn").asText()).isEqualTo(UNTRUSTING_ARN);
        // Nothing of company-a's trust policy reaches company-b's log: not whom it trusts, not its conditions.
        assertThat(source.toString()).doesNotContain(OTHER_ACCOUNT).doesNotContain("Statement").doesNotContain("ExternalId")
                .doesNotContain(EXTERNAL_ID).doesNotContain("trust policy");
    }

    @Test
    void aRefusalByTheSourceGrantIsFoundInBothRealmsEachWithItsOwnReason() {
        String alice = sts.signIn("company-b", "ops-cli", "alice", "alice-pass-1"); // holds no grant
        Http.Response refused = sts.assumeRole("company-a", alice, TRUSTING_ARN);

        assertThat(refused.status()).as(refused.toString()).isEqualTo(403);
        String requestId = requestIdOf(refused);
        JsonNode source = eventWith("company-b", "TOKEN_EXCHANGE_ERROR", requestId);
        assertThat(source.at("/details/reason").asText()).contains("no source grant").contains("acs:ram::12345678:user/alice");
        JsonNode target = eventWith("company-a", "TOKEN_EXCHANGE_ERROR", requestId);
        assertThat(target.at("/details/reason").asText()).startsWith("not allowed by the source account")
                .contains("acs:ram::12345678:user/alice");
        assertThat(target.toString()).doesNotContain("source grant").doesNotContain("Statement");
    }

    @Test
    void aSuccessCarriesTheRequestIdFoundInBothRealms() {
        Http.Response ok = sts.exchange("company-a", new LinkedHashMap<>(Map.of("grant_type", Sts.TOKEN_EXCHANGE, "client_id", "sts",
                "subject_token", sts.bobToken(), "subject_token_type", Sts.ACCESS_TOKEN_TYPE, "role_arn", TRUSTING_ARN)));
        ok.accessToken();
        String requestId = requestIdOf(ok);

        JsonNode target = eventWith("company-a", "TOKEN_EXCHANGE", requestId);
        assertThat(target.at("/details/reason").asText()).startsWith("allowed by trust policy Statement[0]").doesNotContain("source grant #");
        JsonNode source = eventWith("company-b", "TOKEN_EXCHANGE", requestId);
        assertThat(source.at("/details/reason").asText()).startsWith("allowed by source grant").doesNotContain("trust policy Statement");
    }

    @Test
    void aBadRequestCarriesARequestIdToo() {
        Map<String, String> form = sts.form("not-a-token", TRUSTING_ARN);
        Http.Response bad = sts.exchange("company-a", form);

        assertThat(bad.status()).as(bad.toString()).isEqualTo(400);
        assertThat(bad.json().get("error").asText()).isEqualTo("invalid_request");
        String requestId = requestIdOf(bad);
        assertThat(eventWith("company-a", "TOKEN_EXCHANGE_ERROR", requestId).at("/details/reason").asText()).isNotBlank();
    }

    @Test
    void aRefusedSwitchRoleShowsTheRequestIdFoundInBothRealms() {
        CookieBrowser browser = new CookieBrowser(server);
        String page = server.realmUrl("company-b") + "/sts/switch-role";
        Reply form = browser.signInThrough(page, "bob", "123456");
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put("csrf", CookieBrowser.inputValue(form.body(), "csrf"));
        fields.put("account", "company-a");
        fields.put("role", UNTRUSTING);

        Reply refused = browser.postForm(page, fields);

        assertThat(refused.status()).as(refused.toString()).isEqualTo(403);
        assertThat(refused.body()).contains("Quote this request ID to your administrator");
        Matcher shown = Pattern.compile("id=\"sts-request-id\"[^>]*>[^<]*<code>([^<]+)</code>").matcher(refused.body());
        assertThat(shown.find()).as(refused.body()).isTrue();
        String requestId = shown.group(1);
        assertThat(requestId).matches(UUID);

        JsonNode target = eventWith("company-a", "TOKEN_EXCHANGE_ERROR", requestId);
        assertThat(target.at("/details/auth_method").asText()).isEqualTo("sts-switch-role");
        assertThat(target.at("/details/source_user").asText()).isEqualTo("bob");
        assertThat(target.at("/details/reason").asText()).contains("does not trust");
        JsonNode source = eventWith("company-b", "TOKEN_EXCHANGE_ERROR", requestId);
        assertThat(source.at("/details/reason").asText()).isEqualTo("not allowed by the target account");
        assertThat(source.toString()).doesNotContain(OTHER_ACCOUNT).doesNotContain(EXTERNAL_ID).doesNotContain("Statement");
    }

    @Test
    void theRefusedSwitchRolePageAsksForTheRequestIdInChineseToo() {
        CookieBrowser browser = new CookieBrowser(server);
        String page = server.realmUrl("company-b") + "/sts/switch-role";
        browser.signInThrough(page, "bob", "123456");
        Reply chinese = browser.get(page + "?kc_locale=zh-CN");
        assertThat(chinese.status()).as(chinese.toString()).isEqualTo(200);
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put("csrf", CookieBrowser.inputValue(chinese.body(), "csrf"));
        fields.put("account", "company-a");
        fields.put("role", "no-such-role");

        Reply refused = browser.postForm(page, fields);

        assertThat(refused.status()).as(refused.toString()).isEqualTo(403);
        assertThat(refused.body()).contains("请将此请求 ID 提供给您的管理员");
        Matcher shown = Pattern.compile("id=\"sts-request-id\"[^>]*>[^<]*<code>([^<]+)</code>").matcher(refused.body());
        assertThat(shown.find()).as(refused.body()).isTrue();
        // bob holds no grant for this role: company-b's log has its own reason, company-a's only that company-b refused
        assertThat(eventWith("company-b", "TOKEN_EXCHANGE_ERROR", shown.group(1)).at("/details/reason").asText())
                .contains("no source grant");
        assertThat(eventWith("company-a", "TOKEN_EXCHANGE_ERROR", shown.group(1)).at("/details/reason").asText())
                .startsWith("not allowed by the source account").doesNotContain("source grant #");
    }
}
