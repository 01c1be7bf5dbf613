package io.github.keycloaksts.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
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
 * The two simulators. The target account {@value #TARGET} asks "does my role trust this principal in this
 * context?" ({@code POST /sts/roles/{roleName}/simulate}); the source account {@value #SOURCE} asks "do my grants let this
 * user assume that role, and through what?" ({@code POST /sts/grants/simulate}). Both answer from their own policies
 * only, agree with the exchange, change nothing, and refuse what a caller may not ask or cannot mean.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PolicySimulatorIT {

    static final String TARGET = "it-sim-a";
    static final String TARGET_ID = "55660011";
    static final String SOURCE = "it-sim-b";
    static final String SOURCE_ID = "55660022";
    static final String OTHER = "it-sim-c";
    static final String OTHER_ID = "55660033";
    static final String ROLE = "ops";
    static final String ROLE_ARN = "acs:ram::" + TARGET_ID + ":role/" + ROLE;
    static final String SAM = "acs:ram::" + SOURCE_ID + ":user/sam";
    static final String EVE = "acs:ram::" + SOURCE_ID + ":user/eve";
    static final Map<String, Object> TRUST = Map.of("Version", "1", "Statement", List.of(
            Map.of("Sid", "SamWithExternalId", "Effect", "Allow", "Action", "sts:AssumeRole", "Principal", Map.of("RAM", List.of(SAM)),
                    "Condition", Map.of("StringEquals", Map.of("sts:ExternalId", "ext-1"))),
            Map.of("Sid", "AccountWithMfa", "Effect", "Allow", "Action", "sts:AssumeRole", "Principal", Map.of("RAM", List.of(SOURCE_ID)),
                    "Condition", Map.of("Bool", Map.of("acs:MFAPresent", true))),
            Map.of("Sid", "NeverEve", "Effect", "Deny", "Action", "sts:AssumeRole", "Principal", Map.of("RAM", List.of(EVE)))));

    final KeycloakServer server = KeycloakServer.shared();
    final Admin admin = new Admin(server);
    final Sts sts = new Sts(server);

    @BeforeAll
    void setUp() {
        admin.createAccountRealm(TARGET, TARGET_ID);
        assertThat(Http.sendJson("PUT", server.adminUrl(TARGET) + "/sts/account", Map.of("accountId", TARGET_ID), admin.token()).status())
                .isEqualTo(200);
        Http.Response role = Http.sendJson("POST", server.adminUrl(TARGET) + "/sts/roles", Map.of("roleName", ROLE, "trustPolicy", TRUST),
                admin.token());
        assertThat(role.status()).as(role.toString()).isEqualTo(201);
        admin.createUser(TARGET, "viewer", "viewer-pass-1", "realm-management", List.of("view-realm"));
        admin.createUser(TARGET, "users-only", "users-only-pass-1", "realm-management", List.of("manage-users"));
        admin.createUser(TARGET, "nobody", "nobody-pass-1", null, List.of());

        admin.createSourceAccount(SOURCE, SOURCE_ID, "sam", "sam-pass-1", List.of(ROLE_ARN));
        // sam's grant also reaches him through a group holding a composite that contains a granting role
        String token = admin.token();
        assertThat(Http.sendJson("POST", server.adminUrl(SOURCE) + "/roles", Map.of("name", "ops-grant",
                "attributes", Map.of("sts.assume-role", List.of("acs:ram::" + TARGET_ID + ":role/op*"))), token).status()).isEqualTo(201);
        assertThat(Http.sendJson("POST", server.adminUrl(SOURCE) + "/roles", Map.of("name", "ops-bundle"), token).status()).isEqualTo(201);
        JsonNode opsGrant = Http.get(server.adminUrl(SOURCE) + "/roles/ops-grant", token).json();
        assertThat(Http.sendJson("POST", server.adminUrl(SOURCE) + "/roles/ops-bundle/composites", List.of(opsGrant), token).status())
                .isEqualTo(204);
        Http.Response group = Http.sendJson("POST", server.adminUrl(SOURCE) + "/groups", Map.of("name", "ops-team"), token);
        assertThat(group.status()).as(group.toString()).isEqualTo(201);
        String groupId = group.header("Location").substring(group.header("Location").lastIndexOf('/') + 1);
        JsonNode opsBundle = Http.get(server.adminUrl(SOURCE) + "/roles/ops-bundle", token).json();
        assertThat(Http.sendJson("POST", server.adminUrl(SOURCE) + "/groups/" + groupId + "/role-mappings/realm", List.of(opsBundle), token)
                .status()).isEqualTo(204);
        String samId = Http.get(server.adminUrl(SOURCE) + "/users?username=sam&exact=true", token).json().get(0).get("id").asText();
        assertThat(Http.sendJson("PUT", server.adminUrl(SOURCE) + "/users/" + samId + "/groups/" + groupId, Map.of(), token).status())
                .isEqualTo(204);
        admin.createUser(SOURCE, "src-viewer", "src-viewer-pass-1", "realm-management", List.of("view-realm"));
        admin.createUser(SOURCE, "src-auditor", "src-auditor-pass-1", "realm-management", List.of("view-realm", "view-users"));
        admin.createUser(SOURCE, "nogrant", "nogrant-pass-1", null, List.of());

        admin.createAccountRealm(OTHER, OTHER_ID);
        admin.createUser(OTHER, "other-admin", "other-admin-pass-1", "realm-management", List.of("realm-admin"));
    }

    @AfterAll
    void tearDown() {
        admin.deleteRealmIfExists(TARGET);
        admin.deleteRealmIfExists(SOURCE);
        admin.deleteRealmIfExists(OTHER);
    }

    String tokenOf(String realm, String username) {
        return Http.passwordGrant(server, realm, "admin-cli", username, username + "-pass-1").accessToken();
    }

    String simulateUrl() {
        return server.adminUrl(TARGET) + "/sts/roles/" + ROLE + "/simulate";
    }

    Http.Response simulate(Object body, String token) {
        return Http.sendJson("POST", simulateUrl(), body, token);
    }

    JsonNode simulated(Object body) {
        Http.Response response = simulate(body, admin.token());
        assertThat(response.status()).as(response.toString()).isEqualTo(200);
        return response.json();
    }

    static Map<String, Object> request(String principal, Map<String, Object> context) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("principal", principal);
        body.put("context", context);
        return body;
    }

    static JsonNode statement(JsonNode list, String statement) {
        for (JsonNode s : list) {
            if (statement.equals(s.path("statement").asText())) {
                return s;
            }
        }
        throw new AssertionError(statement + " not in " + list);
    }

    static void assertBadRequest(Http.Response response, String pathPrefix) {
        assertThat(response.status()).as(response.toString()).isEqualTo(400);
        assertThat(response.json().get("errorMessage").asText()).as(response.toString()).startsWith(pathPrefix);
    }

    @Nested
    class TargetSide {

        @Test
        void allowNamesTheMatchingStatement() {
            JsonNode answer = simulated(request(SAM, Map.of("sts:ExternalId", "ext-1")));

            assertThat(answer.get("decision").asText()).isEqualTo("Allow");
            assertThat(answer.get("policySource").asText()).isEqualTo("stored");
            assertThat(answer.get("roleArn").asText()).isEqualTo(ROLE_ARN);
            assertThat(answer.get("matchedStatements").findValuesAsText("statement")).containsExactly("Statement[0]");
            assertThat(answer.get("matchedStatements").get(0).get("sid").asText()).isEqualTo("SamWithExternalId");
        }

        @Test
        void anUnmetConditionIsNamedWithItsJsonPath() {
            JsonNode answer = simulated(request(SAM, Map.of("sts:ExternalId", "wrong", "acs:MFAPresent", false)));

            assertThat(answer.get("decision").asText()).isEqualTo("ImplicitDeny");
            assertThat(answer.get("matchedStatements")).isEmpty();
            JsonNode first = statement(answer.get("unmatchedStatements"), "Statement[0]");
            assertThat(first.get("failed").asText()).isEqualTo("condition");
            assertThat(first.get("path").asText()).isEqualTo("Statement[0].Condition.StringEquals.sts:ExternalId");
            assertThat(first.get("detail").asText()).doesNotContain("ext-1");
            JsonNode second = statement(answer.get("unmatchedStatements"), "Statement[1]");
            assertThat(second.get("path").asText()).isEqualTo("Statement[1].Condition.Bool.acs:MFAPresent");
            JsonNode third = statement(answer.get("unmatchedStatements"), "Statement[2]");
            assertThat(third.get("failed").asText()).isEqualTo("principal");
            assertThat(third.get("path").asText()).isEqualTo("Statement[2].Principal.RAM");
        }

        @Test
        void explicitDenyWinsOverAnAllow() {
            JsonNode answer = simulated(request(EVE, Map.of("acs:MFAPresent", true)));

            assertThat(answer.get("decision").asText()).isEqualTo("ExplicitDeny");
            assertThat(answer.get("matchedStatements").findValuesAsText("statement")).containsExactly("Statement[1]", "Statement[2]");
        }

        @Test
        void anAccountStandsForItsUnnamedUsersAndAnotherAccountMatchesNoPrincipal() {
            JsonNode account = simulated(request("acs:ram::" + SOURCE_ID + ":root", Map.of("acs:MFAPresent", true)));
            assertThat(account.get("decision").asText()).isEqualTo("Allow");
            assertThat(account.get("matchedStatements").findValuesAsText("statement")).containsExactly("Statement[1]");

            JsonNode stranger = simulated(request("99887766", Map.of("acs:MFAPresent", true, "sts:ExternalId", "ext-1")));
            assertThat(stranger.get("decision").asText()).isEqualTo("ImplicitDeny");
            assertThat(stranger.get("unmatchedStatements").findValuesAsText("failed")).containsOnly("principal");
        }

        @Test
        void aTrustPolicyInTheBodyIsTriedWithoutBeingSaved() {
            Map<String, Object> body = request("acs:ram::99887766:user/zoe", Map.of());
            body.put("trustPolicy", Map.of("Version", "1", "Statement", List.of(Map.of("Effect", "Allow", "Action", "sts:AssumeRole",
                    "Principal", Map.of("RAM", List.of("99887766"))))));
            String before = Http.get(server.adminUrl(TARGET) + "/sts/roles/" + ROLE + "/trust-policy", admin.token()).body();

            JsonNode answer = simulated(body);

            assertThat(answer.get("decision").asText()).isEqualTo("Allow");
            assertThat(answer.get("policySource").asText()).isEqualTo("request");
            assertThat(Http.get(server.adminUrl(TARGET) + "/sts/roles/" + ROLE + "/trust-policy", admin.token()).body()).isEqualTo(before);
        }

        /** Where a real exchange can be made, the simulator and the exchange agree (same evaluator, same context). */
        @ParameterizedTest(name = "external_id={0}")
        @ValueSource(strings = {"ext-1", "wrong", ""})
        void theSimulatorAgreesWithTheExchange(String externalId) {
            Map<String, Object> context = new LinkedHashMap<>();
            context.put("acs:MFAPresent", false); // a password sign-in
            context.put("sts:SourceClientId", "app");
            if (!externalId.isEmpty()) {
                context.put("sts:ExternalId", externalId);
            }
            String decision = simulated(request(SAM, context)).get("decision").asText();

            Map<String, String> form = sts.form(sts.signIn(SOURCE, "app", "sam", "sam-pass-1"), ROLE_ARN);
            if (!externalId.isEmpty()) {
                form.put("external_id", externalId);
            }
            Http.Response exchanged = sts.exchange(TARGET, form);

            assertThat(exchanged.status() == 200).as(exchanged.toString()).isEqualTo("Allow".equals(decision));
            assertThat(decision).isEqualTo("ext-1".equals(externalId) ? "Allow" : "ImplicitDeny");
        }

        @Test
        void simulatingChangesNothingAndRecordsNoAdminEvent() {
            int before = Http.get(server.adminUrl(TARGET) + "/admin-events?max=1000", admin.token()).json().size();
            String trust = Http.get(server.adminUrl(TARGET) + "/sts/roles/" + ROLE + "/trust-policy", admin.token()).body();
            simulated(request(SAM, Map.of("sts:ExternalId", "ext-1")));
            simulated(request(EVE, Map.of()));
            assertThat(Http.get(server.adminUrl(TARGET) + "/admin-events?max=1000", admin.token()).json().size()).isEqualTo(before);
            assertThat(Http.get(server.adminUrl(TARGET) + "/sts/roles/" + ROLE + "/trust-policy", admin.token()).body()).isEqualTo(trust);
        }
    }

    /** A Federated principal (an OIDC provider of this account), its subject in oidc:* keys. */
    @Nested
    class FederatedPrincipals {

        static final String GITHUB = "acs:ram::" + TARGET_ID + ":oidc-provider/github";

        Map<String, Object> federated(String sub, Object aud) {
            Map<String, Object> context = new LinkedHashMap<>();
            context.put("oidc:iss", "https://token.actions.githubusercontent.com");
            context.put("oidc:sub", sub);
            context.put("oidc:aud", aud);
            Map<String, Object> body = request(GITHUB, context);
            body.put("trustPolicy", Map.of("Version", "1", "Statement", List.of(Map.of("Effect", "Allow", "Action", "sts:AssumeRole",
                    "Principal", Map.of("Federated", List.of(GITHUB)),
                    "Condition", Map.of("StringLike", Map.of("oidc:sub", "repo:org/app:*"), "StringEquals", Map.of("oidc:aud", "sts.example"))))));
            return body;
        }

        @Test
        void anOidcProviderOfThisAccountIsSimulatedWithItsSubjectsClaims() {
            JsonNode allowed = simulated(federated("repo:org/app:ref:refs/heads/main", List.of("other", "sts.example")));
            assertThat(allowed.get("decision").asText()).as(allowed.toString()).isEqualTo("Allow");
            assertThat(allowed.at("/context/oidc:sub").asText()).isEqualTo("repo:org/app:ref:refs/heads/main");

            JsonNode otherRepo = simulated(federated("repo:evil/app:ref:refs/heads/main", "sts.example"));
            assertThat(otherRepo.get("decision").asText()).as(otherRepo.toString()).isEqualTo("ImplicitDeny");
            assertThat(otherRepo.toString()).contains("Statement[0].Condition.StringLike.oidc:sub").doesNotContain("repo:org/app:*");

            Map<String, Object> gitlab = federated("repo:org/app:ref:refs/heads/main", "sts.example");
            gitlab.put("principal", "acs:ram::" + TARGET_ID + ":oidc-provider/gitlab");
            JsonNode untrusted = simulated(gitlab);
            assertThat(untrusted.get("decision").asText()).isEqualTo("ImplicitDeny");
            assertThat(untrusted.toString()).contains("Statement[0].Principal.Federated");
        }

        @Test
        void anotherAccountsProviderAndBadAudiencesAre400() {
            Map<String, Object> foreign = federated("repo:org/app:ref:refs/heads/main", "sts.example");
            foreign.put("principal", "acs:ram::" + SOURCE_ID + ":oidc-provider/github");
            assertBadRequest(simulate(foreign, admin.token()), "principal: ");
            assertBadRequest(simulate(federated("repo:org/app:x", List.of()), admin.token()), "context.oidc:aud: ");
            assertBadRequest(simulate(federated("repo:org/app:x", List.of(1)), admin.token()), "context.oidc:aud[0]: ");
        }
    }

    @Nested
    class WrongPrincipalsAndHostileInputs {

        @ParameterizedTest(name = "principal {0}")
        @ValueSource(strings = {"acs:ram::55660022:role/ops", "acs:ram::55660022:role/ops/session-1",
                "acs:ram::55660022:oidc-provider/github", "hello", "1234", "acs:ram::55660022:user/", "acs:ram::55660022:root/x", " "})
        void aPrincipalThatIsNotAnAccountOrUserIsA400(String principal) {
            assertBadRequest(simulate(request(principal, Map.of()), admin.token()), "principal: ");
        }

        @Test
        void aMissingOrNonStringPrincipalIsA400() {
            assertBadRequest(simulate(Map.of("context", Map.of()), admin.token()), "principal: ");
            assertBadRequest(simulate(Map.of("principal", List.of(SAM)), admin.token()), "principal: ");
            assertBadRequest(simulate(Map.of("principal", "a".repeat(100_000)), admin.token()), "principal: ");
        }

        @Test
        void badContextsAreA400NamingTheKey() {
            assertBadRequest(simulate(request(SAM, Map.of("acs:SourceIp", "10.0.0.300")), admin.token()), "context.acs:SourceIp: ");
            assertBadRequest(simulate(request(SAM, Map.of("acs:SourceIp", "example.org")), admin.token()), "context.acs:SourceIp: ");
            assertBadRequest(simulate(request(SAM, Map.of("acs:CurrentTime", "yesterday")), admin.token()), "context.acs:CurrentTime: ");
            assertBadRequest(simulate(request(SAM, Map.of("acs:MFAPresent", "true")), admin.token()), "context.acs:MFAPresent: ");
            assertBadRequest(simulate(request(SAM, Map.of("sts:DurationSeconds", -1)), admin.token()), "context.sts:DurationSeconds: ");
            assertBadRequest(simulate(request(SAM, Map.of("sts:Unknown", "x")), admin.token()), "context.sts:Unknown: ");
            assertBadRequest(simulate(request(SAM, Map.of("sts:ExternalId", "x".repeat(5000))), admin.token()), "context.sts:ExternalId: ");
            assertBadRequest(simulate(Map.of("principal", SAM, "context", List.of("x")), admin.token()), "context: ");
            assertBadRequest(simulate(Map.of("principal", SAM, "sneaky", true), admin.token()), "sneaky: ");
        }

        @Test
        void aHugeContextIsA400() {
            Map<String, Object> huge = new LinkedHashMap<>();
            for (int i = 0; i < 5000; i++) {
                huge.put("sts:Key" + i, "v");
            }
            assertBadRequest(simulate(request(SAM, huge), admin.token()), "context: ");
            StringBuilder enormous = new StringBuilder("{\"principal\":\"" + SAM + "\",\"context\":{\"sts:ExternalId\":\"");
            enormous.append("x".repeat(300_000)).append("\"}}");
            assertBadRequest(simulate(enormous.toString(), admin.token()), "request body: ");
        }

        @Test
        void anInvalidTrustPolicyInTheBodyIsA400WithItsPath() {
            Map<String, Object> body = request(SAM, Map.of());
            body.put("trustPolicy", Map.of("Version", "1", "Statement", List.of(Map.of("Effect", "Allow", "Action", "sts:AssumeRole",
                    "Principal", Map.of("RAM", List.of(SAM, "not-an-arn"))))));
            Http.Response response = simulate(body, admin.token());
            assertBadRequest(response, "trustPolicy.Statement[0].Principal.RAM[1]: ");
        }

        @ParameterizedTest(name = "body {0}")
        @ValueSource(strings = {"", "[]", "null", "{", "\"x\"", "{\"principal\":\"a\",\"principal\":\"b\"}"})
        void malformedBodiesAreA400(String body) {
            Http.Response response = simulate(body, admin.token());
            assertThat(response.status()).as(response.toString()).isEqualTo(400);
        }

        @Test
        void anUnknownRoleIsA404() {
            Http.Response response = Http.sendJson("POST", server.adminUrl(TARGET) + "/sts/roles/no-such-role/simulate",
                    request(SAM, Map.of()), admin.token());
            assertThat(response.status()).as(response.toString()).isEqualTo(404);
        }
    }

    @Nested
    class Permissions {

        @Test
        void aViewerMaySimulate() {
            Http.Response response = simulate(request(SAM, Map.of("sts:ExternalId", "ext-1")), tokenOf(TARGET, "viewer"));
            assertThat(response.status()).as(response.toString()).isEqualTo(200);
            assertThat(response.json().get("decision").asText()).isEqualTo("Allow");
        }

        @Test
        void anInsiderWithoutViewRealmIsRefused() {
            assertThat(simulate(request(SAM, Map.of()), tokenOf(TARGET, "users-only")).status()).isEqualTo(403);
            assertThat(simulate(request(SAM, Map.of()), tokenOf(TARGET, "nobody")).status()).isEqualTo(403);
        }

        @Test
        void anotherAccountsAdministratorIsRefused() {
            String outsider = tokenOf(OTHER, "other-admin");
            Http.Response target = simulate(request(SAM, Map.of()), outsider);
            assertThat(target.status()).as(target.toString()).isEqualTo(403);
            assertThat(target.body()).doesNotContain("Statement");
            Http.Response source = Http.sendJson("POST", server.adminUrl(SOURCE) + "/sts/grants/simulate",
                    Map.of("user", "sam", "roleArn", ROLE_ARN), outsider);
            assertThat(source.status()).as(source.toString()).isEqualTo(403);
        }

        @Test
        void anUnauthenticatedCallerIsRefused() {
            assertThat(simulate(request(SAM, Map.of()), null).status()).isEqualTo(401);
        }
    }

    @Nested
    class SourceSide {

        String url() {
            return server.adminUrl(SOURCE) + "/sts/grants/simulate";
        }

        @Test
        void aGrantedUserIsAllowedAndToldThroughWhichRolesGroupsAndComposites() {
            Http.Response response = Http.sendJson("POST", url(), Map.of("user", "sam", "roleArn", ROLE_ARN), tokenOf(SOURCE, "src-auditor"));

            assertThat(response.status()).as(response.toString()).isEqualTo(200);
            JsonNode answer = response.json();
            assertThat(answer.get("decision").asText()).isEqualTo("Allow");
            assertThat(answer.get("principal").asText()).isEqualTo(SAM);
            assertThat(answer.get("matchedStatements").findValuesAsText("grantRole")).contains("assumer", "ops-grant");
            JsonNode opsGrant = null;
            for (JsonNode grant : answer.get("grants")) {
                if (grant.get("role").asText().equals("ops-grant")) {
                    opsGrant = grant;
                }
            }
            assertThat(opsGrant).as(answer.toString()).isNotNull();
            assertThat(opsGrant.get("heldThrough").toString()).contains("group /ops-team, composite role ops-bundle");
            // the source side's answer says nothing of the target's trust policy
            assertThat(answer.toString()).doesNotContain("SamWithExternalId").doesNotContain("Principal");
        }

        @Test
        void aRoleNoGrantCoversIsAnImplicitDenyWithTheResourcesThatDidNotMatch() {
            JsonNode answer = Http.sendJson("POST", url(), Map.of("user", "sam", "roleArn", "acs:ram::" + TARGET_ID + ":role/db-admin"),
                    admin.token()).json();

            assertThat(answer.get("decision").asText()).isEqualTo("ImplicitDeny");
            assertThat(answer.get("unmatchedStatements").findValuesAsText("failed")).containsOnly("resource");
            assertThat(answer.get("unmatchedStatements").findValuesAsText("path")).containsOnly("Statement[0].Resource");
        }

        @Test
        void aUserWithoutGrantsIsAnImplicitDeny() {
            JsonNode answer = Http.sendJson("POST", url(), Map.of("user", "nogrant", "roleArn", ROLE_ARN), admin.token()).json();
            assertThat(answer.get("decision").asText()).isEqualTo("ImplicitDeny");
            assertThat(answer.get("grants")).isEmpty();
        }

        @Test
        void badInputsAreA400AndAnUnknownUserA404() {
            assertBadRequest(Http.sendJson("POST", url(), Map.of("user", "sam", "roleArn", "acs:ram::1:role/x"), admin.token()), "roleArn: ");
            assertBadRequest(Http.sendJson("POST", url(), Map.of("user", "sam"), admin.token()), "roleArn: ");
            assertBadRequest(Http.sendJson("POST", url(), Map.of("user", "sam", "roleArn", ROLE_ARN, "extra", 1), admin.token()), "extra: ");
            assertBadRequest(Http.sendJson("POST", url(), Map.of("user", 7, "roleArn", ROLE_ARN), admin.token()), "user: ");
            assertThat(Http.sendJson("POST", url(), Map.of("user", "ghost", "roleArn", ROLE_ARN), admin.token()).status()).isEqualTo(404);
        }

        @Test
        void aViewerWithoutTheRightToViewUsersIsRefused() {
            Http.Response response = Http.sendJson("POST", url(), Map.of("user", "sam", "roleArn", ROLE_ARN), tokenOf(SOURCE, "src-viewer"));
            assertThat(response.status()).as(response.toString()).isEqualTo(403);
            assertThat(response.body()).doesNotContain("ops-grant");
        }
    }
}
