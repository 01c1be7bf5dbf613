package io.github.keycloaksts.it;

import static io.github.keycloaksts.it.support.Accounts.trusting;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.keycloaksts.it.support.Accounts;
import io.github.keycloaksts.it.support.Admin;
import io.github.keycloaksts.it.support.CookieBrowser;
import io.github.keycloaksts.it.support.Http;
import io.github.keycloaksts.it.support.KeycloakServer;
import io.github.keycloaksts.it.support.RoleTokens;
import io.github.keycloaksts.it.support.Sts;
import io.github.keycloaksts.it.support.TestOidcIssuer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Platform guardrails on every assumption path, with the three examples of the docs, each scoped to this class's
 * target account {@value #A} ({@value #A_ID}) so that other test classes running at the same time are not concerned.
 * Organization {@code it-acme} = A and B; D and C are in none.
 * <ul>
 *   <li>{@code it-org-only}: no assumption of a role of the organization from outside it;</li>
 *   <li>{@code it-short-admin}: no session longer than one hour for roles carrying admin policies;</li>
 *   <li>{@code it-federated-aud}: no Federated trust without {@code oidc:aud}.</li>
 * </ul>
 * Paths: token exchange (bob of B, dave of D), Switch Role (dave), a chained session (bob's session of C's {@code hop}
 * into A's {@code next}), AssumeRoleWithOIDC (A's provider {@code ci}), live role tokens, and the simulators.
 */
class GuardrailsIT {

    static final String A = "it-guard-a";
    static final String B = "it-guard-b";
    static final String C = "it-guard-c";
    static final String D = "it-guard-d";
    static final String A_ID = "76100001";
    static final String B_ID = "76100002";
    static final String C_ID = "76100003";
    static final String D_ID = "76100004";
    static final String ORG = "it-acme";
    static final String AUDIENCE = "sts.it-guard";
    static final String PROVIDER = "acs:ram::" + A_ID + ":oidc-provider/ci";

    static final KeycloakServer SERVER = KeycloakServer.shared();
    static final Admin ADMIN = new Admin(SERVER);
    static Accounts.Account a;
    static Accounts.Account c;
    static TestOidcIssuer issuer;

    final Sts sts = new Sts(SERVER);
    final RoleTokens atA = new RoleTokens(SERVER, A, "api", "api-secret-1");
    final RoleTokens atC = new RoleTokens(SERVER, C, "api", "api-secret-1");

    static final Map<String, Object> ORG_ONLY = Map.of("Version", "1", "Statement", List.of(Map.of("Sid", "OrgOnly", "Effect", "Deny",
            "Action", "sts:AssumeRole", "Resource", "acs:ram::" + A_ID + ":role/*",
            "Condition", Map.of("StringEquals", Map.of("acs:ResourceOrgId", ORG), "StringNotEquals", Map.of("acs:PrincipalOrgId", ORG)))));
    static final Map<String, Object> SHORT_ADMIN = Map.of("Version", "1", "Statement", List.of(Map.of("Effect", "Deny",
            "Action", "sts:AssumeRole", "Resource", "acs:ram::" + A_ID + ":role/*",
            "Condition", Map.of("Bool", Map.of("sts:RoleAdminGrade", "true"), "NumericGreaterThan", Map.of("sts:DurationSeconds", "3600")))));
    static final Map<String, Object> FEDERATED_AUD = Map.of("Version", "1", "Statement", List.of(Map.of("Effect", "Deny",
            "Action", "sts:AssumeRole", "Resource", "acs:ram::" + A_ID + ":role/*",
            "Condition", Map.of("StringEquals", Map.of("acs:PrincipalType", "WebIdentity"),
                    "StringNotEquals", Map.of("sts:TrustConditionKeys", "oidc:aud")))));

    static Map<String, Object> federated(boolean pinAudience) {
        Map<String, Object> condition = new LinkedHashMap<>(Map.of("StringLike", Map.of("oidc:sub", "repo:org/*")));
        if (pinAudience) {
            condition.put("StringEquals", Map.of("oidc:aud", AUDIENCE));
        }
        return Map.of("Version", "1", "Statement", List.of(Map.of("Effect", "Allow", "Action", "sts:AssumeRole",
                "Principal", Map.of("Federated", List.of(PROVIDER)), "Condition", condition)));
    }

    @BeforeAll
    static void accounts() {
        issuer = TestOidcIssuer.start("/guard-ci");
        a = new Accounts(SERVER).account(A, A_ID);
        c = new Accounts(SERVER).account(C, C_ID);
        List<String> bAndD = List.of("acs:ram::" + B_ID + ":root", "acs:ram::" + D_ID + ":root");
        a.api("api", "api-secret-1", "reader")
                .role("plain", trusting(bAndD), 3600).attachClientRole("plain", "api", "reader")
                .role("admin", trusting(bAndD), 7200).attachClientRole("admin", "realm-management", "view-users")
                .attachClientRole("admin", "api", "reader")
                .role("next", trusting(List.of(c.roleArn("hop"))), 3600).attachClientRole("next", "api", "reader")
                .role("ci", federated(false), 3600).attachClientRole("ci", "api", "reader")
                .role("ci-aud", federated(true), 3600).attachClientRole("ci-aud", "api", "reader");
        c.api("api", "api-secret-1", "operator")
                .realmRole("c-chainer", a.roleArn("next"))
                .role("hop", trusting(List.of("acs:ram::" + B_ID + ":root")), 3600).attachClientRole("hop", "api", "operator")
                .attachRealmRole("hop", "c-chainer");
        ADMIN.createSourceAccount(B, B_ID, "bob", "bob-pass-1", List.of(a.roleArn("plain"), a.roleArn("admin"), c.roleArn("hop")));
        ADMIN.createSourceAccount(D, D_ID, "dave", "dave-pass-1", List.of(a.roleArn("plain"), a.roleArn("admin")));
        RoleTokens.created(Http.sendJson("POST", SERVER.adminUrl(A) + "/identity-provider/instances", issuer.identityProvider("ci"),
                ADMIN.token()));
        RoleTokens.ok(Http.sendJson("PUT", SERVER.adminUrl(A) + "/sts/oidc-providers/ci", Map.of("clientIds", List.of(AUDIENCE)),
                ADMIN.token()));
        RoleTokens.ok(organization(List.of(A_ID, B_ID)));
        ADMIN.createUser("master", "it-guard-viewer", "it-guard-viewer-pass-1", "master-realm", List.of("view-realm"));
        ADMIN.createUserWithRealmRole("master", "it-guard-creator", "it-guard-creator-pass-1", "create-realm");
        ADMIN.createUser(A, "it-guard-a-admin", "it-guard-a-admin-pass-1", "realm-management", List.of("realm-admin"));
    }

    @AfterEach
    void removeGuardrails() {
        for (String name : List.of("it-org-only", "it-short-admin", "it-federated-aud")) {
            Http.delete(platform("/guardrails/" + name), ADMIN.token());
        }
        RoleTokens.ok(organization(List.of(A_ID, B_ID)));
    }

    @AfterAll
    static void tearDown() {
        Http.delete(platform("/organizations/" + ORG), ADMIN.token());
        for (String realm : List.of(A, B, C, D)) {
            ADMIN.deleteRealmIfExists(realm);
        }
        for (String user : List.of("it-guard-viewer", "it-guard-creator")) {
            JsonNode found = Http.get(SERVER.adminUrl("master") + "/users?exact=true&username=" + user, ADMIN.token()).json();
            found.forEach(u -> Http.delete(SERVER.adminUrl("master") + "/users/" + u.get("id").asText(), ADMIN.token()));
        }
        if (issuer != null) {
            issuer.close();
        }
    }

    static String platform(String path) {
        return SERVER.adminUrl("master") + "/sts/platform" + path;
    }

    static Http.Response organization(List<String> accounts) {
        return Http.sendJson("PUT", platform("/organizations/" + ORG), Map.of("description", "test organization", "accounts", accounts),
                ADMIN.token());
    }

    static void guardrail(String name, Map<String, Object> document) {
        Http.Response put = Http.sendJson("PUT", platform("/guardrails/" + name), Map.of("description", name, "document", document),
                ADMIN.token());
        assertThat(put.status()).as(put.toString()).isEqualTo(200);
    }

    Http.Response exchange(String realm, String user, String role, Integer duration) {
        Map<String, String> form = sts.form(atA.signIn(realm, user), a.roleArn(role));
        if (duration != null) {
            form.put("duration_seconds", String.valueOf(duration));
        }
        return sts.exchange(A, form);
    }

    Http.Response oidc(String role) {
        Map<String, String> form = new LinkedHashMap<>();
        form.put("grant_type", Sts.TOKEN_EXCHANGE);
        form.put("client_id", "sts");
        form.put("subject_token", issuer.sign(issuer.githubClaims("org/app", "refs/heads/main", AUDIENCE)));
        form.put("subject_token_type", "urn:ietf:params:oauth:token-type:jwt");
        form.put("role_arn", a.roleArn(role));
        form.put("role_session_name", "ci-run");
        return sts.exchange(A, form);
    }

    static void assertRefusedByGuardrail(Http.Response response, String guardrail) {
        assertThat(response.status()).as(response.toString()).isEqualTo(403);
        assertThat(response.json().get("error").asText()).isEqualTo("access_denied");
        assertThat(response.body()).as("the caller learns nothing of the platform's policies").doesNotContain(guardrail);
        assertThat(a.events("TOKEN_EXCHANGE_ERROR", 1).get(0).path("details").path("reason").asText())
                .as("the audit names the guardrail and statement")
                .contains("refused by the platform: explicit Deny in platform guardrail \"" + guardrail + "\" Statement[0]");
    }

    @Test
    void noAssumptionFromOutsideTheOrganizationOnAnyPath() {
        guardrail("it-org-only", ORG_ONLY);

        assertThat(exchange(B, "bob", "plain", null).status()).as("B is in the organization").isEqualTo(200);
        assertRefusedByGuardrail(exchange(D, "dave", "plain", null), "it-org-only");

        // Switch Role: dave of D asks for A's plain in the browser
        CookieBrowser browser = new CookieBrowser(SERVER);
        CookieBrowser.Reply page = browser.signInThrough(SERVER.realmUrl(D) + "/sts/switch-role", "dave", "dave-pass-1");
        CookieBrowser.Reply refused = browser.postForm(SERVER.realmUrl(D) + "/sts/switch-role",
                Map.of("csrf", CookieBrowser.inputValue(page.body(), "csrf"), "account", A, "role", "plain"));
        assertThat(refused.status()).as(refused.toString()).isEqualTo(403);
        assertThat(a.events("TOKEN_EXCHANGE_ERROR", 5)).anySatisfy(e -> {
            assertThat(e.path("clientId").asText()).isEqualTo("sts-console");
            assertThat(e.path("details").path("reason").asText()).contains("platform guardrail \"it-org-only\"");
        });
        assertThat(new CookieBrowser(SERVER).switchRole(B, "bob", "bob-pass-1", A, "plain").body()).contains("plain @ " + A);

        // a chained session: bob's session of C's hop (C is in no organization) into A's next
        String hop = atC.exchange(atC.signIn(B, "bob"), c.roleArn("hop"));
        assertRefusedByGuardrail(atA.tryExchange(hop, a.roleArn("next")), "it-org-only");

        // AssumeRoleWithOIDC: the provider is A's own, so the subject comes from inside the organization
        assertThat(oidc("ci-aud").status()).isEqualTo(200);

        // membership decides: D joins, dave passes; C joins, the chain passes
        RoleTokens.ok(organization(List.of(A_ID, B_ID, C_ID, D_ID)));
        assertThat(exchange(D, "dave", "plain", null).status()).isEqualTo(200);
        assertThat(atA.tryExchange(hop, a.roleArn("next")).status()).isEqualTo(200);
    }

    @Test
    void adminGradeRolesGetOneHourAtMostAndOtherRolesAreNotConcerned() {
        guardrail("it-short-admin", SHORT_ADMIN);
        assertRefusedByGuardrail(exchange(B, "bob", "admin", 7200), "it-short-admin");
        assertThat(exchange(B, "bob", "admin", 3600).status()).isEqualTo(200);
        assertThat(exchange(B, "bob", "plain", 3600).status()).isEqualTo(200);
    }

    @Test
    void aFederatedTrustWithoutAnAudienceConditionIsRefused() {
        guardrail("it-federated-aud", FEDERATED_AUD);
        assertRefusedByGuardrail(oidc("ci"), "it-federated-aud");
        assertThat(oidc("ci-aud").status()).as("the trust pins oidc:aud").isEqualTo(200);
        assertThat(exchange(B, "bob", "plain", null).status()).as("users are not web identities").isEqualTo(200);
    }

    @Test
    void aNarrowingGuardrailEndsTheLiveSessionsItConcernsWithinOneSecondForGood() {
        String davePlain = atA.exchange(atA.signIn(D, "dave"), a.roleArn("plain"));
        String bobPlain = atA.exchange(atA.signIn(B, "bob"), a.roleArn("plain"));
        String bobLongAdmin = atA.exchange(atA.signIn(B, "bob"), a.roleArn("admin"), 7200);
        String bobShortAdmin = atA.exchange(atA.signIn(B, "bob"), a.roleArn("admin"), 3600);
        atA.assertLive("dave's plain", davePlain);
        atA.assertLive("bob's long admin session", bobLongAdmin);

        guardrail("it-org-only", ORG_ONLY);
        guardrail("it-short-admin", SHORT_ADMIN);
        atA.assertEndsWithinOneSecond("dave's session from outside the organization", davePlain);
        atA.assertEndsWithinOneSecond("bob's two-hour admin session", bobLongAdmin);
        atA.assertLive("bob's plain session", bobPlain);
        atA.assertLive("bob's one-hour admin session", bobShortAdmin);

        Http.delete(platform("/guardrails/it-org-only"), ADMIN.token());
        Http.delete(platform("/guardrails/it-short-admin"), ADMIN.token());
        atA.assertStaysDead("dave's session after the guardrail went", davePlain);
    }

    @Test
    void bothSimulatorsCiteTheGuardrailAndStatement() {
        guardrail("it-org-only", ORG_ONLY);
        Http.Response role = Http.sendJson("POST", SERVER.adminUrl(A) + "/sts/roles/plain/simulate",
                Map.of("principal", "acs:ram::" + D_ID + ":user/dave"), ADMIN.token());
        assertThat(role.status()).as(role.toString()).isEqualTo(200);
        assertThat(role.json().get("decision").asText()).isEqualTo("ExplicitDeny");
        assertThat(role.json().get("reason").asText()).isEqualTo("explicit Deny in platform guardrail \"it-org-only\" Statement[0] (Sid \"OrgOnly\")");
        assertThat(role.json().get("matchedStatements")).anySatisfy(s -> {
            assertThat(s.path("guardrail").asText()).isEqualTo("it-org-only");
            assertThat(s.path("statement").asText()).isEqualTo("Statement[0]");
        });
        Http.Response allowed = Http.sendJson("POST", SERVER.adminUrl(A) + "/sts/roles/plain/simulate",
                Map.of("principal", "acs:ram::" + B_ID + ":user/bob"), ADMIN.token());
        assertThat(allowed.json().get("decision").asText()).isEqualTo("Allow");
        assertThat(allowed.json().get("unmatchedStatements")).anySatisfy(s -> {
            assertThat(s.path("guardrail").asText()).isEqualTo("it-org-only");
            assertThat(s.path("path").asText()).startsWith("Statement[0].Condition.");
        });

        Http.Response grant = Http.sendJson("POST", SERVER.adminUrl(D) + "/sts/grants/simulate",
                Map.of("user", "dave", "roleArn", a.roleArn("plain")), ADMIN.token());
        assertThat(grant.status()).as(grant.toString()).isEqualTo(200);
        assertThat(grant.json().get("decision").asText()).isEqualTo("ExplicitDeny");
        assertThat(grant.json().get("reason").asText()).contains("platform guardrail \"it-org-only\" Statement[0]");
    }

    @Test
    void onlyPlatformAdministratorsChangeGuardrailsAndOrganizations() {
        String viewer = Http.passwordGrant(SERVER, "master", "admin-cli", "it-guard-viewer", "it-guard-viewer-pass-1").accessToken();
        String creator = Http.passwordGrant(SERVER, "master", "admin-cli", "it-guard-creator", "it-guard-creator-pass-1").accessToken();
        String accountAdmin = Http.passwordGrant(SERVER, A, "admin-cli", "it-guard-a-admin", "it-guard-a-admin-pass-1").accessToken();
        Map<String, Object> body = Map.of("document", ORG_ONLY);

        assertThat(Http.get(platform("/guardrails"), viewer).status()).as("view-realm of master reads").isEqualTo(200);
        assertThat(Http.sendJson("PUT", platform("/guardrails/it-org-only"), body, viewer).status()).isEqualTo(403);
        assertThat(Http.get(platform("/guardrails"), creator).status()).as("create-realm is not view-realm").isEqualTo(403);
        assertThat(Http.sendJson("PUT", platform("/guardrails/it-org-only"), body, creator).status()).isEqualTo(403);
        assertThat(Http.sendJson("PUT", platform("/organizations/" + ORG), Map.of("accounts", List.of(A_ID, D_ID)), creator).status())
                .isEqualTo(403);
        assertThat(Http.sendJson("PUT", platform("/guardrails/it-org-only"), body, accountAdmin).status())
                .as("an account's realm-admin").isIn(401, 403);
        assertThat(Http.sendJson("PUT", SERVER.adminUrl(A) + "/sts/platform/guardrails/it-org-only", body, accountAdmin).status())
                .as("no platform under an account").isEqualTo(404);
        assertThat(Http.get(platform("/guardrails"), ADMIN.token()).json().toString()).doesNotContain("it-org-only");

        Http.Response grants = Http.sendJson("PUT", platform("/guardrails/it-org-only"), Map.of("document", Map.of("Version", "1",
                "Statement", List.of(Map.of("Effect", "Allow", "Action", "sts:AssumeRole", "Resource", "*")))), ADMIN.token());
        assertThat(grants.status()).isEqualTo(400);
        assertThat(grants.body()).contains("document.Statement[0].Effect").contains("a guardrail never grants");
        Http.Response unknown = Http.sendJson("PUT", platform("/organizations/it-other"), Map.of("accounts", List.of("99990001")),
                ADMIN.token());
        assertThat(unknown.status()).isEqualTo(400);
        assertThat(unknown.body()).contains("accounts[0]").contains("99990001");
        Http.Response twice = Http.sendJson("PUT", platform("/organizations/it-other"), Map.of("accounts", List.of(B_ID)), ADMIN.token());
        assertThat(twice.status()).isEqualTo(409);
        assertThat(twice.body()).contains("is in organization " + ORG);
        assertThat(Http.get(platform("/organizations/" + ORG), viewer).json().get("accounts").toString()).contains(A_ID).contains(B_ID);
    }

    @Test
    void aMasterRealmUpdateCanNeitherDropNorRewriteTheGuardrails() {
        guardrail("it-org-only", ORG_ONLY);
        String master = SERVER.adminUrl("master");
        Map<String, Object> attributes = new LinkedHashMap<>();
        Http.get(master, ADMIN.token()).json().path("attributes").fields().forEachRemaining(e -> {
            if (!e.getKey().startsWith("sts.platform.")) {
                attributes.put(e.getKey(), e.getValue().asText());
            }
        });
        attributes.put("sts.platform.organizations", "{}"); // would take every account out of every organization

        RoleTokens.ok(Http.sendJson("PUT", master, Map.of("attributes", attributes), ADMIN.token()));

        assertThat(Http.get(platform("/guardrails"), ADMIN.token()).json().toString()).contains("it-org-only").doesNotContain("problem\":\"");
        assertThat(Http.get(platform("/organizations/" + ORG), ADMIN.token()).status()).isEqualTo(200);
        assertRefusedByGuardrail(exchange(D, "dave", "plain", null), "it-org-only");
        assertThat(exchange(B, "bob", "plain", null).status()).as("B is still in the organization").isEqualTo(200);
    }
}
