package io.github.keycloaksts.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.keycloaksts.it.support.Admin;
import io.github.keycloaksts.it.support.Http;
import io.github.keycloaksts.it.support.KeycloakServer;
import io.github.keycloaksts.it.support.Sts;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The admin console page "Assumable roles" (declarative UI), driven through Keycloak's generic component endpoint
 * {@code /admin/realms/{realm}/components} with the requests the admin console itself sends: entries created,
 * edited and deleted there are the roles of {@code /sts/roles}, refused with the REST API's messages, and roles
 * changed anywhere else show up on the page.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AdminConsolePageIT {

    static final String REALM = "it-console-a";
    static final String ACCOUNT_ID = "55667788";
    static final String PAGE_TYPE = "org.keycloak.services.ui.extend.UiPageProvider";
    static final String PAGE = "Assumable roles";
    static final String TRUST_B = """
            {"Version":"1","Statement":[{"Effect":"Allow","Action":"sts:AssumeRole",
             "Principal":{"RAM":["acs:ram::12345678:root"]}}]}""";
    static final String BAD_PRINCIPAL = """
            {
              "Version": "1",
              "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole",
                             "Principal": {"RAM": ["acs:ram::12345678:root", "not-an-arn"]}}]
            }""";

    final KeycloakServer server = KeycloakServer.shared();
    final Admin admin = new Admin(server);
    String token;
    String realmId;

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
        realmId = Http.get(server.adminUrl(REALM), token).json().get("id").asText();
    }

    // ---------------------------------------------------------------- the requests of the admin console

    String components() {
        return server.adminUrl(REALM) + "/components";
    }

    String sts(String path) {
        return server.adminUrl(REALM) + "/sts" + path;
    }

    /** As the page's list view: {@code GET /components?parent=<realm id>&type=...UiPageProvider&providerId=...}. */
    JsonNode entries(String realm, String parentId) {
        return Http.get(server.adminUrl(realm) + "/components?parent=" + parentId + "&type=" + PAGE_TYPE
                + "&providerId=" + URLEncoder.encode(PAGE, StandardCharsets.UTF_8).replace("+", "%20"), token).json();
    }

    Optional<JsonNode> entry(String roleName) {
        for (JsonNode entry : entries(REALM, realmId)) {
            if (roleName.equals(entry.at("/config/roleName/0").asText())) {
                return Optional.of(entry);
            }
        }
        return Optional.empty();
    }

    /**
     * As the page's form on "Save" of a new item: the form's values with every value a list, the URL parameters
     * of the page merged into {@code config} (the admin console does that), provider type and ID, the realm as parent.
     */
    Http.Response createEntry(Map<String, Object> form) {
        Map<String, Object> config = new LinkedHashMap<>();
        form.forEach((key, value) -> config.put(key, value instanceof List<?> list ? list : List.of(value)));
        config.put("realm", List.of(REALM));
        config.put("providerId", List.of(PAGE));
        Map<String, Object> component = Map.of("config", config, "providerId", PAGE, "providerType", PAGE_TYPE, "parentId", realmId);
        return Http.sendJson("POST", components(), component, token);
    }

    /** As the page's form on "Save" of an existing item: the loaded component, edited, with the URL parameters merged in. */
    Http.Response updateEntry(JsonNode entry, Consumer<ObjectNode> edit) {
        ObjectNode component = entry.deepCopy();
        ObjectNode config = (ObjectNode) component.get("config");
        edit.accept(config);
        config.putArray("realm").add(REALM);
        config.putArray("providerId").add(PAGE);
        config.putArray("id").add(entry.get("id").asText());
        return Http.sendJson("PUT", components() + "/" + entry.get("id").asText(), component, token);
    }

    Http.Response deleteEntry(JsonNode entry) {
        return Http.delete(components() + "/" + entry.get("id").asText(), token);
    }

    Http.Response createRole(String roleName, String trustPolicy) {
        return Http.sendJson("POST", sts("/roles"),
                "{\"roleName\":\"" + roleName + "\",\"description\":\"made by REST\",\"trustPolicy\":" + trustPolicy + "}", token);
    }

    static List<String> texts(JsonNode array) {
        List<String> values = new ArrayList<>();
        if (array != null) {
            array.forEach(v -> values.add(v.isTextual() ? v.asText() : v.toString()));
        }
        return values;
    }

    static String errorMessage(Http.Response response) {
        return response.json().get("errorMessage").asText();
    }

    // ---------------------------------------------------------------- tests

    /** "Test access" answers as a refused save, from the trust policy in the form, and saves nothing. */
    @Test
    void testAccessAnswersFromTheFormsTrustPolicyAndSavesNothing() {
        assertThat(createRole("page-test", TRUST_B).status()).isEqualTo(201);
        try {
            JsonNode entry = entry("page-test").orElseThrow();
            String stored = Http.get(sts("/roles/page-test/trust-policy"), token).body();
            String edited = """
                    {"Version":"1","Statement":[{"Sid":"WithId","Effect":"Allow","Action":"sts:AssumeRole",
                     "Principal":{"RAM":["acs:ram::12345678:root"]},"Condition":{"StringEquals":{"sts:ExternalId":"x-1"}}}]}""";

            Http.Response denied = updateEntry(entry, config -> {
                config.putArray("trustPolicy").add(edited);
                config.putArray("testPrincipal").add("acs:ram::12345678:user/bob");
            });
            assertThat(denied.status()).as(denied.toString()).isEqualTo(400);
            assertThat(errorMessage(denied)).startsWith("Test access (nothing saved): ImplicitDeny for acs:ram::12345678:user/bob")
                    .contains("Statement[0].Condition.StringEquals.sts:ExternalId");

            Http.Response allowed = updateEntry(entry, config -> {
                config.putArray("trustPolicy").add(edited);
                config.putArray("testPrincipal").add("12345678");
                config.putArray("testContext").add("{\"sts:ExternalId\": \"x-1\"}");
            });
            assertThat(errorMessage(allowed)).startsWith("Test access (nothing saved): Allow").contains("Matched: Statement[0] (Sid WithId)");

            Http.Response badContext = updateEntry(entry, config -> {
                config.putArray("testPrincipal").add("12345678");
                config.putArray("testContext").add("{\"acs:SourceIp\": \"nowhere\"}");
            });
            assertThat(badContext.status()).isEqualTo(400);
            assertThat(errorMessage(badContext)).startsWith("testContext.acs:SourceIp: ");

            assertThat(Http.get(sts("/roles/page-test/trust-policy"), token).body()).isEqualTo(stored);
        } finally {
            Http.delete(sts("/roles/page-test"), token);
        }
    }

    /** "Preview only" shows who gains or loses access before the save, and saves nothing. */
    @Test
    void previewOnlyShowsWhoLosesAccessAndSavesNothing() {
        assertThat(createRole("page-preview", TRUST_B).status()).isEqualTo(201);
        try {
            JsonNode entry = entry("page-preview").orElseThrow();
            String stored = Http.get(sts("/roles/page-preview/trust-policy"), token).body();

            Http.Response preview = updateEntry(entry, config -> {
                config.putArray("trustPolicy").add("""
                        {"Version":"1","Statement":[{"Effect":"Allow","Action":"sts:AssumeRole","Principal":{"RAM":["87654321"]}}]}""");
                config.putArray("previewOnly").add("true");
            });

            assertThat(preview.status()).as(preview.toString()).isEqualTo(400);
            assertThat(errorMessage(preview)).startsWith("Preview (nothing saved): acs:ram::12345678:root loses access; "
                    + "acs:ram::87654321:root gains access; no live session ends");
            assertThat(Http.get(sts("/roles/page-preview/trust-policy"), token).body()).isEqualTo(stored);

            Http.Response saved = updateEntry(entry, config -> config.putArray("previewOnly").add("false"));
            assertThat(saved.status()).as(saved.toString()).isEqualTo(204);
            assertThat(entry("page-preview").orElseThrow().get("config").has("previewOnly")).isFalse();
        } finally {
            Http.delete(sts("/roles/page-preview"), token);
        }
    }

    @Test
    void thePageIsDeclaredWithItsFields() {
        JsonNode pages = Http.get(server.baseUrl() + "/admin/serverinfo", token).json().at("/componentTypes/" + PAGE_TYPE);
        JsonNode page = null;
        for (JsonNode candidate : pages) {
            if (PAGE.equals(candidate.get("id").asText())) {
                page = candidate;
            }
        }
        assertThat(page).as("page %s in %s", PAGE, pages).isNotNull();
        List<String> fields = new ArrayList<>();
        page.get("properties").forEach(p -> fields.add(p.get("name").asText()));
        assertThat(fields).containsExactly("roleName", "description", "trustPolicy", "maxSessionDuration", "attachedPolicies",
                "liveSessions", "endSessions", "trustedPrincipals", "previewOnly", "testPrincipal", "testContext");
        assertThat(texts(page.at("/metadata/displayFields"))).containsExactly("roleName", "trustedPrincipals", "description");
    }

    @Test
    void theSeedRoleOfCompanyAIsOnItsPage() {
        String companyA = Http.get(server.adminUrl("company-a"), token).json().get("id").asText();
        JsonNode entries = entries("company-a", companyA);

        // the seed's role, and the CI role of the AssumeRoleWithOIDC walkthrough
        assertThat(entries).extracting(e -> e.get("name").asText()).containsExactlyInAnyOrder("ecs-admin", "ci-deployer");
        JsonNode entry = entries.get(0).get("name").asText().equals("ecs-admin") ? entries.get(0) : entries.get(1);
        assertThat(entry.get("name").asText()).isEqualTo("ecs-admin");
        assertThat(texts(entry.at("/config/attachedPolicies"))).containsExactly("AliyunECSFullAccess");
        assertThat(entry.at("/config/trustedPrincipals/0").asText()).isEqualTo("acs:ram::12345678:root");
        assertThat(entry.get("id").asText()).as("the entry has the ID of the role client")
                .isEqualTo(admin.clientUuid("company-a", "sts-role:ecs-admin"));
    }

    /** The page shows a role's live sessions (as of the last save) and ends them on save. */
    @Nested
    class LiveSessionsOnThePage {

        static final String SOURCE = "it-console-src";

        @Test
        void aSaveListsTheLiveSessionsAndEndsTheOnesNamedInEndSessions() {
            try {
                admin.createSourceAccount(SOURCE, "74300002", "sam", "sam-pass-1", List.of("acs:ram::" + ACCOUNT_ID + ":role/live-page"));
                assertThat(createRole("live-page", TRUST_B.replace("12345678", "74300002")).status()).isEqualTo(201);
                assertThat(Http.sendJson("POST", sts("/roles/live-page/policies"), Map.of("policyName", "AliyunECSFullAccess"), token)
                        .status()).isEqualTo(201);
                Sts sts = new Sts(server);
                String subject = sts.signIn(SOURCE, "app", "sam", "sam-pass-1");
                String first = sts.assumeRole(REALM, subject, "acs:ram::" + ACCOUNT_ID + ":role/live-page").json().get("access_token").asText();
                String second = sts.assumeRole(REALM, subject, "acs:ram::" + ACCOUNT_ID + ":role/live-page").json().get("access_token").asText();
                String firstId = Http.claims(first).get("jti").asText();
                String secondId = Http.claims(second).get("jti").asText();

                assertThat(updateEntry(entry("live-page").orElseThrow(), config -> { }).status()).isEqualTo(204);
                String listed = entry("live-page").orElseThrow().at("/config/liveSessions/0").asText();
                assertThat(listed).contains("2 live sessions").contains(firstId).contains(secondId).contains(":user/sam");

                Http.Response unknown = updateEntry(entry("live-page").orElseThrow(), config -> config.putArray("endSessions").add("nonsense"));
                assertThat(unknown.status()).as(unknown.toString()).isEqualTo(400);
                assertThat(errorMessage(unknown)).startsWith("endSessions: nonsense is not");
                assertThat(sts.userinfo(REALM, first).status()).as("nothing ended by a refused save").isEqualTo(200);

                Http.Response ended = updateEntry(entry("live-page").orElseThrow(), config -> config.putArray("endSessions").add(firstId));
                assertThat(ended.status()).as(ended.toString()).isEqualTo(204);
                assertThat(sts.userinfo(REALM, first).status()).as("the ended session").isEqualTo(401);
                assertThat(sts.userinfo(REALM, second).status()).as("the other session").isEqualTo(200);
                JsonNode after = entry("live-page").orElseThrow();
                assertThat(after.at("/config/liveSessions/0").asText()).contains("1 live session").contains(secondId).doesNotContain(firstId);
                assertThat(after.at("/config/endSessions").isMissingNode()).as("the input is not stored").isTrue();
            } finally {
                admin.deleteRealmIfExists(SOURCE);
                Http.delete(sts("/roles/live-page/policies/AliyunECSFullAccess"), token);
                Http.delete(sts("/roles/live-page"), token);
            }
        }
    }

    @Nested
    class CreatedOnThePage {

        @Test
        void becomesARoleOfTheRestApi() {
            Http.Response created = createEntry(Map.of("roleName", "page-made", "description", "made on the page",
                    "trustPolicy", TRUST_B, "maxSessionDuration", "7200",
                    "attachedPolicies", List.of("AliyunECSFullAccess", "billing/viewer")));
            assertThat(created.status()).as(created.toString()).isEqualTo(201);
            String id = created.header("Location").substring(created.header("Location").lastIndexOf('/') + 1);

            JsonNode role = Http.get(sts("/roles/page-made"), token).json();
            assertThat(role.get("arn").asText()).isEqualTo("acs:ram::" + ACCOUNT_ID + ":role/page-made");
            assertThat(role.get("description").asText()).isEqualTo("made on the page");
            assertThat(role.get("maxSessionDuration").asInt()).isEqualTo(7200);
            assertThat(texts(role.get("trustedPrincipals"))).containsExactly("acs:ram::12345678:root");
            assertThat(role.get("attachedPolicies").toString())
                    .isEqualTo("[{\"policyName\":\"AliyunECSFullAccess\"},{\"policyName\":\"viewer\",\"clientId\":\"billing\"}]");
            assertThat(admin.clientUuid(REALM, "sts-role:page-made")).as("role client has the entry's ID").isEqualTo(id);

            JsonNode entry = Http.get(components() + "/" + id, token).json();
            assertThat(entry.get("name").asText()).isEqualTo("page-made");
            assertThat(entry.get("config").has("realm")).as("form noise dropped").isFalse();
            assertThat(entry.at("/config/trustPolicy/0").asText()).as("canonical, indented")
                    .isEqualTo(role.get("trustPolicy").toPrettyString());
            assertThat(entry.at("/config/trustedPrincipals/0").asText()).isEqualTo("acs:ram::12345678:root");
            // Keycloak keeps no order among a component's multivalued config values (rows of COMPONENT_CONFIG).
            assertThat(texts(entry.at("/config/attachedPolicies"))).containsExactlyInAnyOrder("AliyunECSFullAccess", "billing/viewer");
        }

        @Test
        void defaultsAsTheRestApi() {
            Http.Response created = createEntry(Map.of("roleName", "page-defaults", "trustPolicy", TRUST_B));
            assertThat(created.status()).as(created.toString()).isEqualTo(201);

            JsonNode role = Http.get(sts("/roles/page-defaults"), token).json();
            assertThat(role.get("maxSessionDuration").asInt()).isEqualTo(3600);
            assertThat(role.get("attachedPolicies")).isEmpty();
            assertThat(entry("page-defaults").orElseThrow().at("/config/maxSessionDuration/0").asText()).isEqualTo("3600");
        }

        @Test
        void anInvalidTrustPolicyIsRefusedWithTheRestApisMessageAndNothingIsWritten() {
            Http.Response onThePage = createEntry(Map.of("roleName", "page-bad", "trustPolicy", BAD_PRINCIPAL,
                    "attachedPolicies", List.of("AliyunECSFullAccess")));
            Http.Response throughRest = createRole("page-bad", BAD_PRINCIPAL);

            assertThat(onThePage.status()).as(onThePage.toString()).isEqualTo(400);
            assertThat(errorMessage(onThePage)).startsWith("trustPolicy.Statement[0].Principal.RAM[1]: ")
                    .isEqualTo(errorMessage(throughRest));
            assertThat(Http.get(sts("/roles/page-bad"), token).status()).isEqualTo(404);
            assertThat(Http.get(server.adminUrl(REALM) + "/clients?clientId=sts-role:page-bad", token).json()).isEmpty();
            assertThat(entry("page-bad")).isEmpty();
        }

        @Test
        void badFieldsAreRefusedAsByTheRestApi() {
            assertSameRefusal(Map.of("roleName", "bad name!", "trustPolicy", TRUST_B),
                    "{\"roleName\":\"bad name!\",\"trustPolicy\":" + TRUST_B + "}");
            assertSameRefusal(Map.of("roleName", "page-short", "trustPolicy", TRUST_B, "maxSessionDuration", "100"),
                    "{\"roleName\":\"page-short\",\"trustPolicy\":" + TRUST_B + ",\"maxSessionDuration\":100}");
            assertSameRefusal(Map.of("roleName", "page-nan", "trustPolicy", TRUST_B, "maxSessionDuration", "an hour"),
                    "{\"roleName\":\"page-nan\",\"trustPolicy\":" + TRUST_B + ",\"maxSessionDuration\":\"an hour\"}");
            assertSameRefusal(Map.of("roleName", "page-no-trust"), "{\"roleName\":\"page-no-trust\"}");
            assertSameRefusal(Map.of("roleName", "page-long", "trustPolicy", TRUST_B, "description", "x".repeat(1025)),
                    "{\"roleName\":\"page-long\",\"trustPolicy\":" + TRUST_B + ",\"description\":\"" + "x".repeat(1025) + "\"}");
            assertSameRefusal(Map.of("roleName", "page-json", "trustPolicy", "{not json"),
                    "{\"roleName\":\"page-json\",\"trustPolicy\":\"{not json\"}");

            Http.Response unknownPolicy = createEntry(Map.of("roleName", "page-unknown", "trustPolicy", TRUST_B,
                    "attachedPolicies", List.of("AliyunECSFullAccess", "Nope")));
            assertThat(unknownPolicy.status()).as(unknownPolicy.toString()).isEqualTo(400);
            assertThat(errorMessage(unknownPolicy)).isEqualTo("attachedPolicies[1]: realm role Nope does not exist");
            Http.Response unknownClient = createEntry(Map.of("roleName", "page-unknown", "trustPolicy", TRUST_B,
                    "attachedPolicies", List.of("payroll/viewer")));
            assertThat(errorMessage(unknownClient)).isEqualTo("attachedPolicies[0]: client payroll does not exist");
            assertThat(Http.get(sts("/roles/page-unknown"), token).status()).isEqualTo(404);
            assertThat(entry("page-unknown")).isEmpty();
        }

        void assertSameRefusal(Map<String, Object> form, String restBody) {
            Http.Response onThePage = createEntry(form);
            Http.Response throughRest = Http.sendJson("POST", sts("/roles"), restBody, token);
            assertThat(throughRest.status()).as(throughRest.toString()).isEqualTo(400);
            assertThat(onThePage.status()).as(onThePage.toString()).isEqualTo(400);
            assertThat(errorMessage(onThePage)).isEqualTo(errorMessage(throughRest));
            assertThat(entry(String.valueOf(form.get("roleName")))).isEmpty();
        }

        @Test
        void anExistingRoleCannotBeCreatedAgain() {
            assertThat(createRole("page-dup", TRUST_B).status()).isEqualTo(201);

            Http.Response again = createEntry(Map.of("roleName", "page-dup", "trustPolicy", TRUST_B));

            assertThat(again.status()).as(again.toString()).isEqualTo(400);
            assertThat(errorMessage(again)).isEqualTo("roleName: role page-dup already exists");
            List<String> names = new ArrayList<>();
            entries(REALM, realmId).forEach(e -> names.add(e.get("name").asText()));
            assertThat(names).containsOnlyOnce("page-dup");
        }
    }

    @Nested
    class ChangedThroughKeycloaksClientScreens {

        @Test
        void aDescriptionChangedOnTheClientShowsUpAndOtherEntriesStayAsTheyWere() {
            assertThat(createRole("client-edited", TRUST_B).status()).isEqualTo(201);
            assertThat(createRole("bystander", TRUST_B).status()).isEqualTo(201);
            JsonNode bystanderBefore = entry("bystander").orElseThrow();
            String url = server.adminUrl(REALM) + "/clients/" + admin.clientUuid(REALM, "sts-role:client-edited");
            ObjectNode client = (ObjectNode) Http.get(url, token).json();
            client.put("description", "edited on the client screen");

            assertThat(Http.sendJson("PUT", url, client, token).status()).isEqualTo(204);

            assertThat(entry("client-edited").orElseThrow().at("/config/description/0").asText()).isEqualTo("edited on the client screen");
            assertThat(entry("bystander").orElseThrow()).isEqualTo(bystanderBefore);
        }

        @Test
        void aPolicyAssignedOnTheServiceAccountRolesTabIsNoAttachedPolicy() {
            assertThat(createRole("tab-assigned", TRUST_B).status()).isEqualTo(201);
            String clientUuid = admin.clientUuid(REALM, "sts-role:tab-assigned");
            String principalId = Http.get(server.adminUrl(REALM) + "/clients/" + clientUuid + "/service-account-user", token)
                    .json().get("id").asText();
            JsonNode role = Http.get(server.adminUrl(REALM) + "/roles/AliyunOSSReadOnlyAccess", token).json();

            assertThat(Http.sendJson("POST", server.adminUrl(REALM) + "/users/" + principalId + "/role-mappings/realm", List.of(role), token)
                    .status()).isEqualTo(204);

            // The tab takes weaker rights than attaching; only what /sts recorded is attached.
            assertThat(Http.get(sts("/roles/tab-assigned/policies"), token).json()).as("attached policies").isEmpty();
            assertThat(texts(entry("tab-assigned").orElseThrow().at("/config/attachedPolicies"))).isEmpty();
        }

        @Test
        void renamingARoleClientIsRefusedAndTheRoleAndItsEntryStay() {
            assertThat(createRole("renamed-away", TRUST_B).status()).isEqualTo(201);
            String url = server.adminUrl(REALM) + "/clients/" + admin.clientUuid(REALM, "sts-role:renamed-away");
            ObjectNode client = (ObjectNode) Http.get(url, token).json();
            client.put("clientId", "no-longer-a-role");

            Http.Response renamed = Http.sendJson("PUT", url, client, token);

            assertThat(renamed.status()).as(renamed.toString()).isEqualTo(403);
            assertThat(entry("renamed-away")).isPresent();
            assertThat(Http.get(sts("/roles/renamed-away"), token).status()).isEqualTo(200);
        }
    }

    @Nested
    class ChangedThroughTheRestApi {

        @Test
        void showsUpOnThePage() {
            assertThat(createRole("rest-made", TRUST_B).status()).isEqualTo(201);

            JsonNode entry = entry("rest-made").orElseThrow(() -> new AssertionError("no entry for rest-made"));
            assertThat(entry.get("id").asText()).isEqualTo(admin.clientUuid(REALM, "sts-role:rest-made"));
            assertThat(entry.at("/config/description/0").asText()).isEqualTo("made by REST");
            assertThat(entry.at("/config/maxSessionDuration/0").asText()).isEqualTo("3600");

            assertThat(Http.sendJson("POST", sts("/roles/rest-made/policies"), Map.of("policyName", "viewer", "clientId", "billing"), token)
                    .status()).isEqualTo(201);
            assertThat(Http.sendJson("PUT", sts("/roles/rest-made"), Map.of("description", "changed by REST", "maxSessionDuration", 5400), token)
                    .status()).isEqualTo(200);
            assertThat(Http.sendJson("PUT", sts("/roles/rest-made/trust-policy"), """
                    {"Version":"1","Statement":[{"Effect":"Allow","Action":"sts:AssumeRole","Principal":{"RAM":["87654321"]}}]}""", token)
                    .status()).isEqualTo(200);

            entry = entry("rest-made").orElseThrow();
            assertThat(texts(entry.at("/config/attachedPolicies"))).containsExactly("billing/viewer");
            assertThat(entry.at("/config/description/0").asText()).isEqualTo("changed by REST");
            assertThat(entry.at("/config/maxSessionDuration/0").asText()).isEqualTo("5400");
            assertThat(entry.at("/config/trustedPrincipals/0").asText()).isEqualTo("acs:ram::87654321:root");

            assertThat(Http.delete(sts("/roles/rest-made/policies/viewer?clientId=billing"), token).status()).isEqualTo(204);
            assertThat(Http.delete(sts("/roles/rest-made"), token).status()).isEqualTo(204);
            assertThat(entry("rest-made")).isEmpty();
        }
    }

    @Nested
    class EditedOnThePage {

        @Test
        void writesTheRole() {
            assertThat(createRole("page-edit", TRUST_B).status()).isEqualTo(201);
            assertThat(Http.sendJson("POST", sts("/roles/page-edit/policies"), Map.of("policyName", "AliyunECSFullAccess"), token)
                    .status()).isEqualTo(201);
            JsonNode entry = entry("page-edit").orElseThrow();

            Http.Response saved = updateEntry(entry, config -> {
                config.putArray("description").add("edited on the page");
                config.putArray("maxSessionDuration").add("10800");
                config.putArray("trustPolicy").add("""
                        {"Version":"1","Statement":[{"Effect":"Allow","Action":"sts:AssumeRole",
                         "Principal":{"RAM":["acs:ram::12345678:root","acs:ram::87654321:user/alice"]}}]}""");
                config.putArray("attachedPolicies").add("billing/viewer").add("AliyunOSSReadOnlyAccess");
            });

            assertThat(saved.status()).as(saved.toString()).isEqualTo(204);
            JsonNode role = Http.get(sts("/roles/page-edit"), token).json();
            assertThat(role.get("description").asText()).isEqualTo("edited on the page");
            assertThat(role.get("maxSessionDuration").asInt()).isEqualTo(10800);
            assertThat(texts(role.get("trustedPrincipals"))).containsExactly("acs:ram::12345678:root", "acs:ram::87654321:user/alice");
            assertThat(role.get("attachedPolicies").toString()).isEqualTo(
                    "[{\"policyName\":\"AliyunOSSReadOnlyAccess\"},{\"policyName\":\"viewer\",\"clientId\":\"billing\"}]");
            JsonNode reloaded = entry("page-edit").orElseThrow();
            assertThat(reloaded.at("/config/trustPolicy/0").asText()).isEqualTo(role.get("trustPolicy").toPrettyString());
            // Keycloak keeps no order among a component's multivalued config values (rows of COMPONENT_CONFIG).
            assertThat(texts(reloaded.at("/config/attachedPolicies"))).containsExactlyInAnyOrder("AliyunOSSReadOnlyAccess", "billing/viewer");
        }

        @Test
        void keepsWhatChangedElsewhereMeanwhile() {
            assertThat(createRole("page-stale", TRUST_B).status()).isEqualTo(201);
            JsonNode loaded = entry("page-stale").orElseThrow(); // the admin opens the form ...
            assertThat(Http.sendJson("POST", sts("/roles/page-stale/policies"), Map.of("policyName", "AliyunECSFullAccess"), token)
                    .status()).isEqualTo(201); // ... someone attaches a policy through the REST API ...

            Http.Response saved = updateEntry(loaded, config -> config.putArray("description").add("only this changed"));

            assertThat(saved.status()).as(saved.toString()).isEqualTo(204);
            JsonNode role = Http.get(sts("/roles/page-stale"), token).json();
            assertThat(role.get("description").asText()).isEqualTo("only this changed");
            assertThat(role.get("attachedPolicies").toString()).isEqualTo("[{\"policyName\":\"AliyunECSFullAccess\"}]");
            assertThat(texts(entry("page-stale").orElseThrow().at("/config/attachedPolicies"))).containsExactly("AliyunECSFullAccess");
        }

        @Test
        void refusesARenameAndAnInvalidTrustPolicyWithoutWritingAnything() {
            assertThat(createRole("page-guard", TRUST_B).status()).isEqualTo(201);
            JsonNode entry = entry("page-guard").orElseThrow();

            Http.Response renamed = updateEntry(entry, config -> config.putArray("roleName").add("page-renamed"));
            assertThat(renamed.status()).as(renamed.toString()).isEqualTo(400);
            assertThat(errorMessage(renamed)).isEqualTo("roleName: a role cannot be renamed");

            Http.Response invalid = updateEntry(entry, config -> {
                config.putArray("description").add("not saved");
                config.putArray("trustPolicy").add(BAD_PRINCIPAL);
            });
            assertThat(invalid.status()).as(invalid.toString()).isEqualTo(400);
            assertThat(errorMessage(invalid)).isEqualTo(errorMessage(createRole("page-guard-2", BAD_PRINCIPAL)));

            JsonNode role = Http.get(sts("/roles/page-guard"), token).json();
            assertThat(role.get("description").asText()).isEqualTo("made by REST");
            assertThat(texts(role.get("trustedPrincipals"))).containsExactly("acs:ram::12345678:root");
            assertThat(entry("page-guard").orElseThrow()).isEqualTo(entry);
        }
    }

    @Nested
    class Deleted {

        @Test
        void onThePageIsRefusedWhilePoliciesAreAttachedThenDeletesTheRole() {
            Http.Response created = createEntry(Map.of("roleName", "page-delete", "trustPolicy", TRUST_B,
                    "attachedPolicies", List.of("AliyunECSFullAccess")));
            assertThat(created.status()).as(created.toString()).isEqualTo(201);
            JsonNode entry = entry("page-delete").orElseThrow();

            Http.Response refused = deleteEntry(entry);
            assertThat(refused.status()).as(refused.toString()).isEqualTo(409);
            assertThat(refused.json().get("error").asText()).isEqualTo("DeleteConflict.Role.Policy");
            assertThat(errorMessage(refused)).isEqualTo("role page-delete still has 1 attached policy: detach them first");
            assertThat(refused.json().get("error_description").asText()).as("shown by the console").isEqualTo(errorMessage(refused));
            assertThat(Http.get(sts("/roles/page-delete"), token).status()).isEqualTo(200);
            assertThat(entry("page-delete")).isPresent();
            assertThat(componentDeleteEvents(entry.get("id").asText())).as("the admin event is rolled back too").isZero();

            assertThat(updateEntry(entry, config -> config.putArray("attachedPolicies")).status()).isEqualTo(204);
            assertThat(Http.get(sts("/roles/page-delete/policies"), token).body()).isEqualTo("[]");
            Http.Response deleted = deleteEntry(entry("page-delete").orElseThrow());

            assertThat(deleted.status()).as(deleted.toString()).isEqualTo(204);
            assertThat(Http.get(sts("/roles/page-delete"), token).status()).isEqualTo(404);
            assertThat(Http.get(server.adminUrl(REALM) + "/clients?clientId=sts-role:page-delete", token).json()).isEmpty();
            assertThat(entry("page-delete")).isEmpty();
            assertThat(componentDeleteEvents(entry.get("id").asText())).isEqualTo(1);
        }

        long componentDeleteEvents(String entryId) {
            JsonNode events = Http.get(server.adminUrl(REALM) + "/admin-events?operationTypes=DELETE&resourceTypes=COMPONENT&max=1000",
                    token).json();
            long count = 0;
            for (JsonNode event : events) {
                if (event.get("resourcePath").asText().equals("components/" + entryId)) {
                    count++;
                }
            }
            return count;
        }

        @Test
        void throughKeycloaksClientScreensTakesTheEntryAlong() {
            assertThat(createRole("client-deleted", TRUST_B).status()).isEqualTo(201);
            assertThat(entry("client-deleted")).isPresent();

            assertThat(Http.delete(server.adminUrl(REALM) + "/clients/" + admin.clientUuid(REALM, "sts-role:client-deleted"), token)
                    .status()).isEqualTo(204);

            assertThat(entry("client-deleted")).isEmpty();
        }

        @Test
        void anAttachedKeycloakRoleLeavesTheEntry() {
            admin.createRealmRole(REALM, "ShortLived");
            assertThat(createRole("loses-policy", TRUST_B).status()).isEqualTo(201);
            assertThat(Http.sendJson("POST", sts("/roles/loses-policy/policies"), Map.of("policyName", "ShortLived"), token)
                    .status()).isEqualTo(201);
            assertThat(texts(entry("loses-policy").orElseThrow().at("/config/attachedPolicies"))).containsExactly("ShortLived");

            assertThat(Http.delete(server.adminUrl(REALM) + "/roles/ShortLived", token).status()).isEqualTo(204);

            assertThat(texts(entry("loses-policy").orElseThrow().at("/config/attachedPolicies"))).isEmpty();
        }

        @Test
        void aRealmWithRolesAndEntriesGoesAway() {
            String realm = "it-console-gone";
            admin.createAccountRealm(realm, "55667799");
            admin.createRealmRole(realm, "AliyunECSFullAccess");
            Http.Response created = Http.sendJson("POST", server.adminUrl(realm) + "/sts/roles",
                    "{\"roleName\":\"doomed\",\"trustPolicy\":" + TRUST_B + "}", token);
            assertThat(created.status()).as(created.toString()).isEqualTo(201);
            assertThat(Http.sendJson("POST", server.adminUrl(realm) + "/sts/roles/doomed/policies",
                    Map.of("policyName", "AliyunECSFullAccess"), token).status()).isEqualTo(201);

            Http.Response deleted = Http.delete(server.adminUrl(realm), token);

            assertThat(deleted.status()).as(deleted.toString()).isEqualTo(204);
            assertThat(Http.get(server.adminUrl(realm), token).status()).isEqualTo(404);
        }
    }

    @Nested
    class RealmImport {

        Map<String, Object> realmWithRole(String realm, String entryRoleName) {
            Map<String, Object> entry = Map.of("name", entryRoleName, "providerId", PAGE, "subComponents", Map.of(),
                    "config", Map.of("roleName", List.of(entryRoleName), "description", List.of("stale text from the file")));
            return Map.of("realm", realm, "enabled", true,
                    "attributes", Map.of("sts.account-id", "55667700"),
                    "roles", Map.of("realm", List.of(Map.of("name", "AliyunECSFullAccess"))),
                    "clients", List.of(Map.of("clientId", "sts-role:imported", "serviceAccountsEnabled", true,
                            "publicClient", false, "standardFlowEnabled", false, "description", "from the file",
                            "attributes", Map.of("sts.role-name", "imported", "sts.max-session-duration", "3600",
                                    "sts.trust-policy", TRUST_B.replace("\n", "")))),
                    "users", List.of(Map.of("username", "service-account-sts-role:imported", "enabled", true,
                            "serviceAccountClientId", "sts-role:imported", "realmRoles", List.of("AliyunECSFullAccess"))),
                    "components", Map.of(PAGE_TYPE, List.of(entry)));
        }

        @Test
        void adoptsTheEntriesOfAnExportByTheirRoles() {
            String realm = "it-console-import";
            admin.deleteRealmIfExists(realm);

            Http.Response imported = admin.createRealm(realmWithRole(realm, "imported"));

            assertThat(imported.status()).as(imported.toString()).isEqualTo(201);
            String id = Http.get(server.adminUrl(realm), token).json().get("id").asText();
            JsonNode entries = entries(realm, id);
            assertThat(entries).hasSize(1);
            assertThat(entries.get(0).get("id").asText()).isEqualTo(admin.clientUuid(realm, "sts-role:imported"));
            assertThat(entries.get(0).at("/config/description/0").asText()).as("shows the role, not the file").isEqualTo("from the file");
            assertThat(texts(entries.get(0).at("/config/attachedPolicies"))).containsExactly("AliyunECSFullAccess");
            admin.deleteRealmIfExists(realm);
        }

        @Test
        void refusesAnEntryWithoutItsRole() {
            String realm = "it-console-import-bad";
            admin.deleteRealmIfExists(realm);

            Http.Response imported = admin.createRealm(realmWithRole(realm, "not-in-the-file"));

            assertThat(imported.status()).as(imported.toString()).isNotEqualTo(201);
            assertThat(Http.get(server.adminUrl(realm), token).status()).isEqualTo(404);
        }
    }
}
