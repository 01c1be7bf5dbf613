package io.github.keycloaksts.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.keycloaksts.it.support.Admin;
import io.github.keycloaksts.it.support.Http;
import io.github.keycloaksts.it.support.KeycloakServer;
import io.github.keycloaksts.it.support.Sts;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** The admin REST API of account A's side (and B's grants), against the real server. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TrustAdministrationIT {

    static final String REALM = "it-admin-a";
    static final String ACCOUNT_ID = "99887766";
    static final String TRUST_B = """
            {"Version":"1","Statement":[{"Effect":"Allow","Action":"sts:AssumeRole",
             "Principal":{"RAM":["acs:ram::12345678:root"]}}]}""";

    final KeycloakServer server = KeycloakServer.shared();
    final Admin admin = new Admin(server);
    String token;

    /** A fresh master admin token for each test: one fetched once would expire during a slow run (60 s). */
    @BeforeEach
    void freshAdminToken() {
        token = admin.token();
    }

    @BeforeAll
    void createAccount() {
        admin.createAccountRealm(REALM, ACCOUNT_ID);
        admin.createRealmRole(REALM, "AliyunECSFullAccess");
        admin.createRealmRole(REALM, "AliyunOSSReadOnlyAccess");
        admin.createClientWithRole(REALM, "billing", "viewer");
        token = admin.token();
    }

    String sts(String path) {
        return server.adminUrl(REALM) + "/sts" + path;
    }

    Http.Response createRole(String roleName, String trustPolicy) {
        return Http.sendJson("POST", sts("/roles"),
                "{\"roleName\":\"" + roleName + "\",\"description\":\"test role\",\"trustPolicy\":" + trustPolicy + "}", token);
    }

    static List<String> texts(JsonNode array) {
        List<String> values = new ArrayList<>();
        array.forEach(v -> values.add(v.isTextual() ? v.asText() : v.toString()));
        return values;
    }

    static void assertError(Http.Response response, int status, String code) {
        assertThat(response.status()).as(response.toString()).isEqualTo(status);
        assertThat(response.json().get("error").asText()).as(response.toString()).isEqualTo(code);
        assertThat(response.json().get("errorMessage").asText()).isNotBlank();
    }

    @Nested
    class SeedAccounts {

        @Test
        void companyAShowsEcsAdminWithItsArnTrustedPrincipalsAndPolicy() {
            JsonNode roles = Http.get(server.adminUrl("company-a") + "/sts/roles", token).json();

            // the seed's role, and the CI role of the AssumeRoleWithOIDC walkthrough
            assertThat(roles).extracting(r -> r.get("roleName").asText()).containsExactlyInAnyOrder("ecs-admin", "ci-deployer");
            JsonNode role = roles.get(0).get("roleName").asText().equals("ecs-admin") ? roles.get(0) : roles.get(1);
            assertThat(role.get("roleName").asText()).isEqualTo("ecs-admin");
            assertThat(role.get("arn").asText()).isEqualTo("acs:ram::11223344:role/ecs-admin");
            assertThat(texts(role.get("trustedPrincipals"))).containsExactly("acs:ram::12345678:root");
            assertThat(role.get("attachedPolicies").toString()).isEqualTo("[{\"policyName\":\"AliyunECSFullAccess\"}]");
            assertThat(role.get("maxSessionDuration").asInt()).isEqualTo(3600);
        }

        @Test
        void companyBGrantsEcsOperatorTheEcsAdminRole() {
            Http.Response response = Http.get(server.adminUrl("company-b") + "/sts/grants", token);
            JsonNode grants = response.json();

            assertThat(grants).hasSize(1);
            assertThat(response.body()).as("a realm role without invalid values: no clientId, no invalid")
                    .isEqualTo("[{\"roleName\":\"ecs-operator\",\"allows\":[\"acs:ram::11223344:role/ecs-admin\"]}]");
            assertThat(grants.get(0).get("roleName").asText()).isEqualTo("ecs-operator");
            assertThat(texts(grants.get(0).get("allows"))).containsExactly("acs:ram::11223344:role/ecs-admin");
        }

        @Test
        void accountIdentity() {
            JsonNode account = Http.get(server.adminUrl("company-a") + "/sts/account", token).json();

            assertThat(account.get("accountId").asText()).isEqualTo("11223344");
            assertThat(account.get("alias").asText()).isEqualTo("company-a");
            assertThat(account.get("arn").asText()).isEqualTo("acs:ram::11223344:root");
        }
    }

    @Nested
    class Roles {

        @Test
        void lifecycleOfARole() {
            Http.Response created = createRole("ops-lifecycle", TRUST_B);
            assertThat(created.status()).as(created.toString()).isEqualTo(201);
            assertThat(created.header("Location")).endsWith("/admin/realms/" + REALM + "/sts/roles/ops-lifecycle");
            assertThat(created.json().get("arn").asText()).isEqualTo("acs:ram::" + ACCOUNT_ID + ":role/ops-lifecycle");

            Http.Response updated = Http.sendJson("PUT", sts("/roles/ops-lifecycle"),
                    Map.of("description", "changed", "maxSessionDuration", 7200), token);
            assertThat(updated.status()).as(updated.toString()).isEqualTo(200);
            JsonNode read = Http.get(sts("/roles/ops-lifecycle"), token).json();
            assertThat(read.get("description").asText()).isEqualTo("changed");
            assertThat(read.get("maxSessionDuration").asInt()).isEqualTo(7200);

            String newTrust = """
                    {"Version":"1","Statement":[{"Effect":"Allow","Action":"sts:AssumeRole",
                     "Principal":{"RAM":["acs:ram::87654321:user/alice","12345678"]},
                     "Condition":{"StringEquals":{"sts:ExternalId":"a1b2c3"}}}]}""";
            Http.Response replaced = Http.sendJson("PUT", sts("/roles/ops-lifecycle/trust-policy"), newTrust, token);
            assertThat(replaced.status()).as(replaced.toString()).isEqualTo(200);
            JsonNode trust = Http.get(sts("/roles/ops-lifecycle/trust-policy"), token).json();
            assertThat(trust.at("/Statement/0/Condition/StringEquals/sts:ExternalId").toString()).contains("a1b2c3");
            assertThat(texts(Http.get(sts("/roles/ops-lifecycle"), token).json().get("trustedPrincipals")))
                    .containsExactlyInAnyOrder("acs:ram::87654321:user/alice", "acs:ram::12345678:root");

            Http.Response attach = Http.sendJson("POST", sts("/roles/ops-lifecycle/policies"), Map.of("policyName", "AliyunECSFullAccess"), token);
            assertThat(attach.status()).as(attach.toString()).isEqualTo(201);
            Http.Response attachClientRole = Http.sendJson("POST", sts("/roles/ops-lifecycle/policies"),
                    Map.of("policyName", "viewer", "clientId", "billing"), token);
            assertThat(attachClientRole.status()).as(attachClientRole.toString()).isEqualTo(201);
            assertThat(Http.get(sts("/roles/ops-lifecycle/policies"), token).body())
                    .isEqualTo("[{\"policyName\":\"AliyunECSFullAccess\"},{\"policyName\":\"viewer\",\"clientId\":\"billing\"}]");

            assertError(Http.delete(sts("/roles/ops-lifecycle"), token), 409, "DeleteConflict.Role.Policy");
            assertThat(Http.get(sts("/roles/ops-lifecycle"), token).status()).isEqualTo(200);

            assertThat(Http.delete(sts("/roles/ops-lifecycle/policies/AliyunECSFullAccess"), token).status()).isEqualTo(204);
            assertThat(Http.delete(sts("/roles/ops-lifecycle/policies/viewer?clientId=billing"), token).status()).isEqualTo(204);
            assertThat(Http.get(sts("/roles/ops-lifecycle/policies"), token).body()).isEqualTo("[]");

            assertThat(Http.delete(sts("/roles/ops-lifecycle"), token).status()).isEqualTo(204);
            assertError(Http.get(sts("/roles/ops-lifecycle"), token), 404, "EntityNotExist.Role");
            assertThat(Http.get(server.adminUrl(REALM) + "/clients?clientId=sts-role:ops-lifecycle", token).json()).isEmpty();
        }

        @Test
        void representationsKeepTheirShape() {
            Http.Response created = Http.sendJson("POST", sts("/roles"), "{\"roleName\":\"ops-shape\",\"trustPolicy\":" + TRUST_B + "}", token);
            assertThat(created.status()).as(created.toString()).isEqualTo(201);

            JsonNode role = Http.get(sts("/roles/ops-shape"), token).json();
            List<String> fields = new ArrayList<>();
            role.fieldNames().forEachRemaining(fields::add);
            assertThat(fields).containsExactly("roleName", "arn", "description", "maxSessionDuration", "createDate", "trustPolicy",
                    "trustedPrincipals", "attachedPolicies");
            assertThat(role.get("description").isNull()).as("present, null: no description given").isTrue();
            assertThat(role.get("attachedPolicies").toString()).isEqualTo("[]");
            assertThat(Http.get(sts("/account"), token).body())
                    .isEqualTo("{\"accountId\":\"" + ACCOUNT_ID + "\",\"alias\":\"" + REALM + "\",\"arn\":\"acs:ram::" + ACCOUNT_ID + ":root\"}");
            assertThat(Http.delete(sts("/roles/ops-shape/sessions"), token).body())
                    .isEqualTo("{\"roleName\":\"ops-shape\",\"revokedAccounts\":[]}");
        }

        @Test
        void duplicateRoleIsAConflict() {
            assertThat(createRole("ops-dup", TRUST_B).status()).isEqualTo(201);

            assertError(createRole("ops-dup", TRUST_B), 409, "EntityAlreadyExists.Role");
        }

        @Test
        void invalidTrustPolicyNamesTheJsonPath() {
            Http.Response response = createRole("ops-bad", """
                    {"Version":"1","Statement":[{"Effect":"Allow","Action":"sts:AssumeRole",
                     "Principal":{"RAM":["acs:ram::12345678:root","not-an-arn"]}}]}""");

            assertError(response, 400, "MalformedPolicyDocument");
            assertThat(response.json().get("errorMessage").asText()).startsWith("trustPolicy.Statement[0].Principal.RAM[1]: ");
            assertError(Http.get(sts("/roles/ops-bad"), token), 404, "EntityNotExist.Role");
        }

        @Test
        void invalidTrustPolicyOnReplaceKeepsTheOldOne() {
            assertThat(createRole("ops-keep", TRUST_B).status()).isEqualTo(201);

            Http.Response response = Http.sendJson("PUT", sts("/roles/ops-keep/trust-policy"), """
                    {"Version":"1","Statement":[{"Effect":"Allow","Action":"sts:AssumeRole",
                     "Principal":{"RAM":["acs:ram::12345678:root"]},"Condition":{"StringEquals":{"acs:Nope":"x"}}}]}""", token);

            assertError(response, 400, "MalformedPolicyDocument");
            assertThat(response.json().get("errorMessage").asText()).startsWith("Statement[0].Condition.StringEquals");
            assertThat(texts(Http.get(sts("/roles/ops-keep"), token).json().get("trustedPrincipals")))
                    .containsExactly("acs:ram::12345678:root");
        }

        @Test
        void badFieldsAreRefusedWithTheirName() {
            assertError(createRole("bad name!", TRUST_B), 400, "InvalidParameter.RoleName");
            Http.Response unknown = Http.sendJson("POST", sts("/roles"),
                    "{\"roleName\":\"x1\",\"trustPolicy\":" + TRUST_B + ",\"colour\":\"red\"}", token);
            assertError(unknown, 400, "InvalidParameter");
            assertThat(unknown.json().get("errorMessage").asText()).startsWith("colour: unknown field");
            Http.Response duration = Http.sendJson("POST", sts("/roles"),
                    "{\"roleName\":\"x2\",\"trustPolicy\":" + TRUST_B + ",\"maxSessionDuration\":100}", token);
            assertError(duration, 400, "InvalidParameter");
            assertThat(duration.json().get("errorMessage").asText()).startsWith("maxSessionDuration: ");
            assertError(Http.sendJson("POST", sts("/roles"), "{not json", token), 400, "InvalidParameter");
            assertError(Http.sendJson("POST", sts("/roles"), "{\"roleName\":\"x3\"}", token), 400, "InvalidParameter");
        }

        @Test
        void attachingUnknownOrTwiceIsRefused() {
            assertThat(createRole("ops-attach", TRUST_B).status()).isEqualTo(201);

            assertError(Http.sendJson("POST", sts("/roles/ops-attach/policies"), Map.of("policyName", "Nope"), token),
                    404, "EntityNotExist.Policy");
            assertError(Http.sendJson("POST", sts("/roles/ops-attach/policies"), Map.of("policyName", "viewer", "clientId", "nope"), token),
                    404, "EntityNotExist.Policy");
            assertThat(Http.sendJson("POST", sts("/roles/ops-attach/policies"), Map.of("policyName", "AliyunOSSReadOnlyAccess"), token)
                    .status()).isEqualTo(201);
            assertError(Http.sendJson("POST", sts("/roles/ops-attach/policies"), Map.of("policyName", "AliyunOSSReadOnlyAccess"), token),
                    409, "EntityAlreadyExists.Role.Policy");
            assertError(Http.delete(sts("/roles/ops-attach/policies/AliyunECSFullAccess"), token), 404, "EntityNotExist.Role.Policy");
            assertError(Http.get(sts("/roles/nope/policies"), token), 404, "EntityNotExist.Role");
        }

        @Test
        void principalIsHiddenAndHoldsExactlyTheAttachedPolicies() {
            assertThat(createRole("ops-principal", TRUST_B).status()).isEqualTo(201);
            assertThat(Http.sendJson("POST", sts("/roles/ops-principal/policies"), Map.of("policyName", "AliyunECSFullAccess"), token)
                    .status()).isEqualTo(201);

            JsonNode users = Http.get(server.adminUrl(REALM) + "/users?search=ops-principal", token).json();
            assertThat(users).as("the principal is not listed as a user").isEmpty();
            String clientUuid = admin.clientUuid(REALM, "sts-role:ops-principal");
            JsonNode principal = Http.get(server.adminUrl(REALM) + "/clients/" + clientUuid + "/service-account-user", token).json();
            JsonNode mappings = Http.get(server.adminUrl(REALM) + "/users/" + principal.get("id").asText() + "/role-mappings", token).json();
            List<String> realmRoles = new ArrayList<>();
            mappings.path("realmMappings").forEach(r -> realmRoles.add(r.get("name").asText()));
            assertThat(realmRoles).containsExactly("AliyunECSFullAccess");
            assertThat(mappings.has("clientMappings")).isFalse();
        }

        @Test
        void deletingAnAttachedKeycloakRoleLeavesNothingDangling() {
            admin.createRealmRole(REALM, "Ephemeral");
            assertThat(createRole("ops-dangling", TRUST_B).status()).isEqualTo(201);
            assertThat(Http.sendJson("POST", sts("/roles/ops-dangling/policies"), Map.of("policyName", "Ephemeral"), token)
                    .status()).isEqualTo(201);

            assertThat(Http.delete(server.adminUrl(REALM) + "/roles/Ephemeral", token).status()).isEqualTo(204);

            assertThat(Http.get(sts("/roles/ops-dangling/policies"), token).body()).isEqualTo("[]");
            assertThat(Http.delete(sts("/roles/ops-dangling"), token).status()).isEqualTo(204);
        }

        @Test
        void everyChangeIsAnAdminEvent() {
            assertThat(createRole("ops-audited", TRUST_B).status()).isEqualTo(201);
            Http.sendJson("PUT", sts("/roles/ops-audited"), Map.of("description", "audited"), token);

            JsonNode events = Http.get(server.adminUrl(REALM) + "/admin-events?max=100", token).json();
            List<String> seen = new ArrayList<>();
            events.forEach(e -> seen.add(e.get("operationType").asText() + " " + e.get("resourceType").asText() + " "
                    + e.get("resourcePath").asText()));
            assertThat(seen).anyMatch(s -> s.equals("CREATE STS_ROLE sts/roles/ops-audited"));
            assertThat(seen).anyMatch(s -> s.equals("UPDATE STS_ROLE sts/roles/ops-audited"));
            JsonNode create = null;
            for (JsonNode e : events) {
                if (e.get("resourcePath").asText().equals("sts/roles/ops-audited") && e.get("operationType").asText().equals("CREATE")) {
                    create = e;
                }
            }
            assertThat(create.get("representation").asText()).contains("acs:ram::" + ACCOUNT_ID + ":role/ops-audited");
        }
    }

    /**
     * {@code GET /grants} judges each {@code sts.assume-role} value by the check the exchange runs.
     * A concrete ARN that is not a role's (a user's, an account root) grants nothing in the exchange, so the listing
     * must show it as {@code invalid}, not under {@code allows}; the values it lists under {@code allows} are the ones
     * the exchange honours.
     */
    @Nested
    class Grants {

        static final String SOURCE = "it-admin-grants-src";
        static final String SOURCE_ID = "55443322";
        static final String USER_ARN = "acs:ram::" + ACCOUNT_ID + ":user/alice";
        static final String ROOT_ARN = "acs:ram::" + ACCOUNT_ID + ":root";
        static final String ROLE_ARN = "acs:ram::" + ACCOUNT_ID + ":role/grant-check";

        @Test
        void aValueTheExchangeIgnoresIsListedAsInvalid() {
            assertThat(createRole("grant-check", """
                    {"Version":"1","Statement":[{"Effect":"Allow","Action":"sts:AssumeRole",
                     "Principal":{"RAM":["%s"]}}]}""".formatted(SOURCE_ID)).status()).isEqualTo(201);
            admin.createSourceAccount(SOURCE, SOURCE_ID, "gina", "gina-secret-1", List.of(USER_ARN, ROLE_ARN, ROOT_ARN));

            JsonNode grants = Http.get(server.adminUrl(SOURCE) + "/sts/grants", token).json();

            assertThat(grants).hasSize(1);
            JsonNode assumer = grants.get(0);
            assertThat(assumer.get("roleName").asText()).isEqualTo("assumer");
            assertThat(texts(assumer.get("allows"))).as("only what the exchange honours").containsExactly(ROLE_ARN);
            Map<String, String> invalid = new HashMap<>();
            assumer.get("invalid").forEach(v -> invalid.put(v.get("value").asText(), v.get("error").asText()));
            assertThat(invalid).containsOnlyKeys(USER_ARN, ROOT_ARN);
            assertThat(invalid.get(USER_ARN)).isEqualTo("not a role ARN: \"" + USER_ARN + "\"");

            // ... and the exchange agrees: the valid value next to them still grants, and only it.
            Sts sts = new Sts(server);
            String gina = sts.signIn(SOURCE, "app", "gina", "gina-secret-1");
            Http.Response allowed = sts.assumeRole(REALM, gina, ROLE_ARN);
            assertThat(allowed.status()).as(allowed.toString()).isEqualTo(200);
            admin.deleteRealmIfExists(SOURCE);
        }
    }

    @Nested
    class Accounts {

        @Test
        void accountIdMustBeWellFormedAndUnique() {
            assertError(Http.sendJson("PUT", sts("/account"), Map.of("accountId", "12ab"), token), 400, "InvalidParameter.AccountId");
            assertError(Http.sendJson("PUT", sts("/account"), Map.of("accountId", "1234567"), token), 400, "InvalidParameter.AccountId");
            assertError(Http.sendJson("PUT", sts("/account"), Map.of("accountId", "11223344"), token), 409, "EntityAlreadyExists.AccountId");
            assertThat(Http.get(sts("/account"), token).json().get("accountId").asText()).isEqualTo(ACCOUNT_ID);
        }

        @Test
        void aRealmBecomesAnAccountAndGetsTheStsClient() {
            admin.createAccountRealm("it-new-account", null);
            String url = server.adminUrl("it-new-account") + "/sts/account";
            assertError(Http.get(url, token), 409, "EntityNotExist.Account");

            Http.Response put = Http.sendJson("PUT", url, Map.of("accountId", "5556667778"), token);

            assertThat(put.status()).as(put.toString()).isEqualTo(200);
            assertThat(put.json().get("arn").asText()).isEqualTo("acs:ram::5556667778:root");
            JsonNode sts = Http.get(server.adminUrl("it-new-account") + "/clients?clientId=sts", token).json();
            assertThat(sts).hasSize(1);
            assertThat(sts.get(0).get("publicClient").asBoolean()).isTrue();
            // Keycloak's default, as for clients made on its own screens: without it every request logs KC-SERVICES0018
            assertThat(sts.get(0).get("clientAuthenticatorType").asText()).isEqualTo("client-secret");
            JsonNode console = Http.get(server.adminUrl("it-new-account") + "/clients?clientId=sts-console", token).json();
            assertThat(console.get(0).get("clientAuthenticatorType").asText()).isEqualTo("client-secret");

            admin.deleteRealmIfExists("it-new-account");
            admin.createAccountRealm("it-reuse-account", null);
            assertThat(Http.sendJson("PUT", server.adminUrl("it-reuse-account") + "/sts/account",
                    Map.of("accountId", "5556667778"), token).status())
                    .as("a deleted realm's account ID is never handed to another realm").isEqualTo(409);
            admin.deleteRealmIfExists("it-reuse-account");
        }
    }

    @Nested
    class Authorization {

        @Test
        void noTokenIs401() {
            assertThat(Http.get(sts("/roles")).status()).isEqualTo(401);
        }

        @Test
        void anotherRealmsAdminIsRefused() {
            admin.createUser("company-b", "it-b-admin", "it-secret-1", "realm-management", List.of("manage-realm", "view-realm"));
            String bAdmin = Http.passwordGrant(server, "company-b", "admin-cli", "it-b-admin", "it-secret-1").accessToken();

            assertThat(Http.get(sts("/roles"), bAdmin).status()).isEqualTo(403);
            assertThat(createRoleAs(bAdmin, "ops-intruder").status()).isEqualTo(403);
            assertThat(Http.get(server.adminUrl("company-b") + "/sts/grants", bAdmin).status()).as("own realm works").isEqualTo(200);
        }

        @Test
        void viewRealmReadsButCannotChange() {
            admin.createUser("master", "it-viewer", "it-secret-2", REALM + "-realm", List.of("view-realm"));
            String viewer = Http.passwordGrant(server, "master", "admin-cli", "it-viewer", "it-secret-2").accessToken();

            assertThat(Http.get(sts("/roles"), viewer).status()).isEqualTo(200);
            assertThat(Http.get(sts("/account"), viewer).status()).isEqualTo(200);
            assertThat(createRoleAs(viewer, "ops-viewer").status()).isEqualTo(403);
            assertThat(Http.sendJson("PUT", sts("/account"), Map.of("accountId", "44443333"), viewer).status()).isEqualTo(403);
        }

        @Test
        void manageRealmOfMasterCanChange() {
            admin.createUser("master", "it-manager", "it-secret-3", REALM + "-realm", List.of("manage-realm", "view-realm"));
            String manager = Http.passwordGrant(server, "master", "admin-cli", "it-manager", "it-secret-3").accessToken();

            assertThat(createRoleAs(manager, "ops-manager").status()).isEqualTo(201);
        }

        private Http.Response createRoleAs(String bearer, String roleName) {
            return Http.sendJson("POST", sts("/roles"),
                    "{\"roleName\":\"" + roleName + "\",\"trustPolicy\":" + TRUST_B + "}", bearer);
        }
    }
}
