package io.github.keycloaksts.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

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
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Written as the attacks: administrators of the target account {@value #TARGET} who hold
 * only some of realm-management's roles, signed in through the realm's own {@code admin-cli} (direct grant), try to
 * turn an assumable role into more rights than they have, or to change a role around {@code /sts/roles} through
 * Keycloak's generic client endpoints. The account they control is {@value #SOURCE} (user mallory, who may assume
 * every role of the target that trusts it).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class InsiderAdminIT {

    static final String TARGET = "it-insider-a";
    static final String TARGET_ID = "44556677";
    static final String SOURCE = "it-insider-b";
    static final String SOURCE_ID = "44556688";
    static final String TRUST_SOURCE = """
            {"Version":"1","Statement":[{"Effect":"Allow","Action":"sts:AssumeRole","Principal":{"RAM":["acs:ram::44556688:root"]}}]}""";
    static final String TRUST_NOBODY_ELSE = """
            {"Version":"1","Statement":[{"Effect":"Allow","Action":"sts:AssumeRole","Principal":{"RAM":["acs:ram::12345678:root"]}}]}""";
    static final String PAGE_TYPE = "org.keycloak.services.ui.extend.UiPageProvider";
    static final String PAGE = "Assumable roles";

    final KeycloakServer server = KeycloakServer.shared();
    final Admin admin = new Admin(server);
    final Sts sts = new Sts(server);
    String realmId;

    @BeforeAll
    void setUp() {
        admin.createAccountRealm(TARGET, TARGET_ID);
        assertThat(Http.sendJson("PUT", server.adminUrl(TARGET) + "/sts/account", Map.of("accountId", TARGET_ID), master()).status())
                .isEqualTo(200);
        realmId = Http.get(server.adminUrl(TARGET), master()).json().get("id").asText();
        admin.createRealmRole(TARGET, "Ordinary");
        // A composite that carries full administration inside an innocent name, made by a full administrator.
        admin.createRealmRole(TARGET, "SupportBundle");
        JsonNode realmAdmin = clientRole("realm-management", "realm-admin");
        assertThat(Http.sendJson("POST", server.adminUrl(TARGET) + "/roles/SupportBundle/composites", List.of(realmAdmin), master())
                .status()).isEqualTo(204);
        Http.Response introspector = Http.sendJson("POST", server.adminUrl(TARGET) + "/clients", Map.of(
                "clientId", "introspector", "publicClient", false, "secret", "introspector-secret",
                "standardFlowEnabled", false, "attributes", Map.of("allow.token.introspection.without.audience.check", "true")), master());
        assertThat(introspector.status()).as(introspector.toString()).isEqualTo(201);

        insider("realm-mgr", "manage-realm");
        insider("client-mgr", "manage-clients");
        insider("viewer", "view-realm");
        insider("users-mgr", "manage-realm", "manage-users");
        insider("full", "realm-admin");
        insider("users-only", "manage-users");

        admin.createSourceAccount(SOURCE, SOURCE_ID, "mallory", "mallory-pass-1", List.of("acs:ram::" + TARGET_ID + ":role/*", "acs:ram::44556699:role/*"));
    }

    @AfterAll
    void tearDown() {
        admin.deleteRealmIfExists(TARGET);
        admin.deleteRealmIfExists(SOURCE);
        admin.deleteRealmIfExists("it-insider-import");
    }

    // ---------------------------------------------------------------- helpers

    void insider(String username, String... realmManagementRoles) {
        admin.createUser(TARGET, username, username + "-pass-1", "realm-management", List.of(realmManagementRoles));
    }

    /** A fresh token of the master realm's admin: a token fetched once would expire during a slow run (60 s). */
    String master() {
        return admin.token();
    }

    /** The insider's own admin token: a direct grant through the target realm's public admin-cli client. */
    String tokenOf(String username) {
        return Http.passwordGrant(server, TARGET, "admin-cli", username, username + "-pass-1").accessToken();
    }

    JsonNode clientRole(String clientId, String role) {
        return Http.get(server.adminUrl(TARGET) + "/clients/" + admin.clientUuid(TARGET, clientId) + "/roles/" + role, master()).json();
    }

    String sts(String path) {
        return server.adminUrl(TARGET) + "/sts" + path;
    }

    String arn(String roleName) {
        return "acs:ram::" + TARGET_ID + ":role/" + roleName;
    }

    void createRole(String roleName) {
        Http.Response created = Http.sendJson("POST", sts("/roles"),
                "{\"roleName\":\"" + roleName + "\",\"trustPolicy\":" + TRUST_SOURCE + "}", master());
        assertThat(created.status()).as(created.toString()).isEqualTo(201);
    }

    Map<String, String> policyBody(String reference) {
        int slash = reference.indexOf('/');
        return slash < 0 ? Map.of("policyName", reference)
                : Map.of("clientId", reference.substring(0, slash), "policyName", reference.substring(slash + 1));
    }

    Http.Response attach(String asToken, String roleName, String reference) {
        return Http.sendJson("POST", sts("/roles/" + roleName + "/policies"), policyBody(reference), asToken);
    }

    JsonNode attachedPolicies(String roleName) {
        return Http.get(sts("/roles/" + roleName + "/policies"), master()).json();
    }

    String malloryToken() {
        return sts.signIn(SOURCE, "app", "mallory", "mallory-pass-1");
    }

    boolean active(String token) {
        Http.Response introspection = sts.introspect(TARGET, "introspector", "introspector-secret", token);
        assertThat(introspection.status()).as(introspection.toString()).isEqualTo(200);
        return introspection.json().get("active").asBoolean();
    }

    /** The target realm's admin events of {@code resourceType}, newest first. */
    List<JsonNode> adminEvents(String resourceType) {
        JsonNode events = Http.get(server.adminUrl(TARGET) + "/admin-events?max=500", master()).json();
        List<JsonNode> matching = new ArrayList<>();
        events.forEach(e -> {
            if (resourceType.equals(e.path("resourceType").asText())) {
                matching.add(e);
            }
        });
        return matching;
    }

    Optional<JsonNode> refusal(String resourceType, String reasonPart) {
        return adminEvents(resourceType).stream()
                .filter(e -> "not_allowed".equals(e.path("error").asText()))
                .filter(e -> e.at("/details/reason").asText().contains(reasonPart))
                .findFirst();
    }

    static void assertForbidden(Http.Response response, String code) {
        assertThat(response.status()).as(response.toString()).isEqualTo(403);
        assertThat(response.json().path("error").asText()).as(response.toString()).isEqualTo(code);
    }

    // ---------------------------------------------------------------- attaching a policy is granting it

    @Nested
    class AttachingIsGranting {

        @ParameterizedTest
        @CsvSource({
                "esc-realm-admin, realm-management/realm-admin, realm-management/realm-admin",
                "esc-manage-users, realm-management/manage-users, realm-management/manage-users",
                "esc-impersonation, realm-management/impersonation, realm-management/impersonation",
                "esc-composite, SupportBundle, SupportBundle"})
        void aManageRealmAdminCannotAttachWhatTheyCouldNotMapAndCannotAssumeIt(String roleName, String policy, String named) {
            createRole(roleName);

            Http.Response attached = attach(tokenOf("realm-mgr"), roleName, policy);

            assertForbidden(attached, "Forbidden.Policy");
            assertThat(attachedPolicies(roleName)).as("nothing attached").isEmpty();
            JsonNode event = refusal("STS_ROLE_POLICY", "role " + roleName).orElseThrow(() ->
                    new AssertionError("no refusal event for " + roleName + " in " + adminEvents("STS_ROLE_POLICY")));
            assertThat(event.at("/details/reason").asText()).contains(named).contains("map role");
            assertThat(event.path("operationType").asText()).isEqualTo("CREATE");
            assertThat(event.at("/authDetails/userId").asText()).isNotBlank();

            // Assuming the role gives mallory nothing of the target's administration.
            String roleToken = sts.assumeRole(TARGET, malloryToken(), arn(roleName)).accessToken();
            assertThat(Http.claims(roleToken).path("resource_access").has("realm-management")).isFalse();
            assertThat(Http.get(server.adminUrl(TARGET) + "/users", roleToken).status()).isIn(401, 403);
        }

        @Test
        void aManageRealmAdminCannotAttachEvenAnOrdinaryRoleAsKeycloaksRoleMappingRefusesIt() {
            createRole("esc-ordinary");

            assertForbidden(attach(tokenOf("realm-mgr"), "esc-ordinary", "Ordinary"), "Forbidden.Policy");

            assertThat(attachedPolicies("esc-ordinary")).isEmpty();
        }

        @Test
        void manageRealmWithManageUsersAttachesOrdinaryRolesButNotFullAdministration() {
            createRole("ops-ordinary");
            String usersMgr = tokenOf("users-mgr");

            Http.Response ordinary = attach(usersMgr, "ops-ordinary", "Ordinary");
            Http.Response realmAdmin = attach(usersMgr, "ops-ordinary", "realm-management/realm-admin");
            Http.Response bundle = attach(usersMgr, "ops-ordinary", "SupportBundle");

            assertThat(ordinary.status()).as(ordinary.toString()).isEqualTo(201);
            assertForbidden(realmAdmin, "Forbidden.Policy");
            assertForbidden(bundle, "Forbidden.Policy");
            assertThat(attachedPolicies("ops-ordinary").toString()).isEqualTo("[{\"policyName\":\"Ordinary\"}]");
            assertThat(refusal("STS_ROLE_POLICY", "(contained in SupportBundle)")).as("the composite's content was checked").isPresent();
        }

        @Test
        void aFullRealmAdministratorStillAttachesRealmAdmin() {
            createRole("full-admin-role");

            Http.Response attached = attach(tokenOf("full"), "full-admin-role", "realm-management/realm-admin");

            assertThat(attached.status()).as(attached.toString()).isEqualTo(201);
            String roleToken = sts.assumeRole(TARGET, malloryToken(), arn("full-admin-role")).accessToken();
            assertThat(Http.claims(roleToken).at("/resource_access/realm-management/roles").toString())
                    .as("the role grants what it was given by someone entitled to").contains("realm-admin");
            assertThat(Http.delete(sts("/roles/full-admin-role/policies/realm-admin?clientId=realm-management"), master()).status())
                    .isEqualTo(204);
        }

        @Test
        void detachingNeedsTheMapRoleRightAsKeycloaksRoleMappingRemoval() {
            createRole("detach-me");
            assertThat(attach(master(), "detach-me", "Ordinary").status()).isEqualTo(201);

            Http.Response detached = Http.delete(sts("/roles/detach-me/policies/Ordinary"), tokenOf("realm-mgr"));

            assertForbidden(detached, "Forbidden.Policy");
            assertThat(attachedPolicies("detach-me").toString()).isEqualTo("[{\"policyName\":\"Ordinary\"}]");
            assertThat(refusal("STS_ROLE_POLICY", "detaching Ordinary from role detach-me")).isPresent();
        }
    }

    // ---------------------------------------------------------------- item 2 on the admin console page

    @Nested
    class AttachingOnThePage {

        Http.Response createEntry(String asToken, String roleName, List<String> policies) {
            Map<String, Object> config = new LinkedHashMap<>();
            config.put("roleName", List.of(roleName));
            config.put("trustPolicy", List.of(TRUST_SOURCE));
            config.put("attachedPolicies", policies);
            Map<String, Object> component = Map.of("config", config, "providerId", PAGE, "providerType", PAGE_TYPE, "parentId", realmId);
            return Http.sendJson("POST", server.adminUrl(TARGET) + "/components", component, asToken);
        }

        JsonNode entry(String roleName) {
            JsonNode entries = Http.get(server.adminUrl(TARGET) + "/components?parent=" + realmId + "&type=" + PAGE_TYPE
                    + "&providerId=" + URLEncoder.encode(PAGE, StandardCharsets.UTF_8).replace("+", "%20"), master()).json();
            for (JsonNode entry : entries) {
                if (roleName.equals(entry.at("/config/roleName/0").asText())) {
                    return entry;
                }
            }
            throw new AssertionError("no entry " + roleName);
        }

        @Test
        void aManageRealmAdminCannotCreateARoleWithRealmAdminAttached() {
            Http.Response created = createEntry(tokenOf("realm-mgr"), "page-escalate", List.of("realm-management/realm-admin"));

            assertForbidden(created, "Forbidden.Policy");
            assertThat(Http.get(sts("/roles/page-escalate"), master()).status()).as("nothing written").isEqualTo(404);
            assertThat(refusal("STS_ROLE_POLICY", "role page-escalate on page")).isPresent();
        }

        @Test
        void aManageRealmAdminCannotAddTheCompositeToAnExistingEntry() {
            createRole("page-existing");
            JsonNode entry = entry("page-existing");
            ObjectNode component = entry.deepCopy();
            ObjectNode config = (ObjectNode) component.get("config");
            config.putArray("attachedPolicies").add("SupportBundle");

            Http.Response updated = Http.sendJson("PUT", server.adminUrl(TARGET) + "/components/" + entry.get("id").asText(),
                    component, tokenOf("realm-mgr"));

            assertForbidden(updated, "Forbidden.Policy");
            assertThat(attachedPolicies("page-existing")).isEmpty();
            assertThat(entry("page-existing").at("/config/attachedPolicies")).isEmpty();
        }

        @Test
        void aFullRealmAdministratorStillAttachesOnThePage() {
            Http.Response created = createEntry(tokenOf("full"), "page-full", List.of("realm-management/impersonation", "Ordinary"));

            assertThat(created.status()).as(created.toString()).isEqualTo(201);
            assertThat(attachedPolicies("page-full")).hasSize(2);
        }
    }

    // ---------------------------------------------------------------- storage is no side door

    @Nested
    class RoleClientsThroughKeycloaksClientEndpoints {

        String clientUrl(String roleName) {
            return server.adminUrl(TARGET) + "/clients/" + admin.clientUuid(TARGET, "sts-role:" + roleName);
        }

        ObjectNode client(String roleName) {
            return (ObjectNode) Http.get(clientUrl(roleName), master()).json();
        }

        Http.Response put(String roleName, ObjectNode client, String asToken) {
            return Http.sendJson("PUT", clientUrl(roleName), client, asToken);
        }

        @Test
        void aLongerMaxSessionDurationIsRefused() {
            createRole("side-duration");
            ObjectNode client = client("side-duration");
            ((ObjectNode) client.get("attributes")).put("sts.max-session-duration", "2000000000");

            Http.Response put = put("side-duration", client, tokenOf("client-mgr"));

            assertForbidden(put, "Forbidden.RoleClient");
            assertThat(client("side-duration").at("/attributes/sts.max-session-duration").asText()).isEqualTo("3600");
            assertThat(Http.get(sts("/roles/side-duration"), master()).json().get("maxSessionDuration").asInt()).isEqualTo(3600);
            assertThat(refusal("STS_ROLE", "sts.max-session-duration")).isPresent();
            Http.Response longToken = sts.exchange(TARGET, withDuration(sts.form(malloryToken(), arn("side-duration")), "200000"));
            assertThat(longToken.status()).as(longToken.toString()).isEqualTo(400);
        }

        Map<String, String> withDuration(Map<String, String> form, String seconds) {
            form.put("duration_seconds", seconds);
            return form;
        }

        @Test
        void aRewrittenTrustPolicyIsRefusedAndLiveTokensStayAsTheTrustPolicySays() {
            createRole("side-trust");
            String roleToken = sts.assumeRole(TARGET, malloryToken(), arn("side-trust")).accessToken();
            ObjectNode client = client("side-trust");
            ((ObjectNode) client.get("attributes")).put("sts.trust-policy", TRUST_NOBODY_ELSE.replace("\n", ""));

            Http.Response put = put("side-trust", client, tokenOf("client-mgr"));

            assertForbidden(put, "Forbidden.RoleClient");
            assertThat(Http.get(sts("/roles/side-trust/trust-policy"), master()).json().toString()).contains(SOURCE_ID);
            assertThat(refusal("STS_ROLE", "sts.trust-policy")).isPresent();
            assertThat(active(roleToken)).isTrue();
        }

        @Test
        void switchingOnAFlowOrClientSecretIsRefusedAndTheRoleClientCannotObtainTokens() {
            createRole("side-login");
            String clientMgr = tokenOf("client-mgr");
            ObjectNode secretAuth = client("side-login");
            secretAuth.put("clientAuthenticatorType", "client-secret");
            ObjectNode directGrants = client("side-login");
            directGrants.put("directAccessGrantsEnabled", true);

            assertForbidden(put("side-login", secretAuth, clientMgr), "Forbidden.RoleClient");
            assertForbidden(put("side-login", directGrants, clientMgr), "Forbidden.RoleClient");

            // The secret Keycloak keeps for the client, read by the attacker, authenticates nobody.
            Http.Response secret = Http.get(clientUrl("side-login") + "/client-secret", clientMgr);
            assertThat(secret.status()).as(secret.toString()).isEqualTo(200);
            Http.Response credentials = Http.postForm(server.realmUrl(TARGET) + "/protocol/openid-connect/token", Map.of(
                    "grant_type", "client_credentials", "client_id", "sts-role:side-login",
                    "client_secret", secret.json().path("value").asText()));
            assertThat(credentials.status()).as(credentials.toString()).isEqualTo(401);
            assertThat(credentials.body()).doesNotContain("access_token");
            assertThat(client("side-login").get("clientAuthenticatorType").asText()).isNotEqualTo("client-secret");
        }

        @Test
        void renamingTheRoleClientIsRefused() {
            createRole("side-rename");
            ObjectNode client = client("side-rename");
            client.put("clientId", "sts-role:side-renamed");

            assertForbidden(put("side-rename", client, tokenOf("client-mgr")), "Forbidden.RoleClient");

            assertThat(Http.get(sts("/roles/side-rename"), master()).status()).isEqualTo(200);
            assertThat(Http.get(sts("/roles/side-renamed"), master()).status()).isEqualTo(404);
        }

        @Test
        void aHarmlessDescriptionEditGoesThrough() {
            createRole("side-description");
            ObjectNode client = client("side-description");
            client.put("description", "edited on the client screen");

            assertThat(put("side-description", client, tokenOf("client-mgr")).status()).isEqualTo(204);

            assertThat(Http.get(sts("/roles/side-description"), master()).json().get("description").asText())
                    .isEqualTo("edited on the client screen");
        }

        @Test
        void deletingTheRoleClientEndsItsLiveTokensWithAnAdminEvent() {
            createRole("side-delete");
            assertThat(attach(master(), "side-delete", "Ordinary").status()).isEqualTo(201);
            String roleToken = sts.assumeRole(TARGET, malloryToken(), arn("side-delete")).accessToken();
            assertThat(active(roleToken)).isTrue();

            Http.Response deleted = Http.delete(clientUrl("side-delete"), tokenOf("client-mgr"));

            assertThat(deleted.status()).as(deleted.toString()).isEqualTo(204);
            assertThat(active(roleToken)).as("mallory's role token after the role client was deleted").isFalse();
            assertThat(sts.userinfo(TARGET, roleToken).status()).isEqualTo(401);
            assertThat(adminEvents("STS_ROLE")).anySatisfy(e -> {
                assertThat(e.path("operationType").asText()).isEqualTo("DELETE");
                assertThat(e.path("resourcePath").asText()).isEqualTo("sts/roles/side-delete");
                assertThat(e.at("/details/revoked_accounts").asText()).isEqualTo(SOURCE_ID);
            });
        }

        @Test
        void aRoleClientCannotBeCreatedAroundTheApi() {
            Http.Response posted = Http.sendJson("POST", server.adminUrl(TARGET) + "/clients", Map.of(
                    "clientId", "sts-role:squat", "serviceAccountsEnabled", true, "publicClient", false,
                    "attributes", Map.of("sts.role-name", "squat", "sts.trust-policy", TRUST_SOURCE.replace("\n", ""),
                            "sts.max-session-duration", "43200")), tokenOf("client-mgr"));
            Http.Response imported = Http.sendJson("POST", server.adminUrl(TARGET) + "/partialImport", Map.of(
                    "ifResourceExists", "OVERWRITE",
                    "clients", List.of(Map.of("clientId", "sts-role:imported", "serviceAccountsEnabled", true,
                            "attributes", Map.of("sts.role-name", "imported", "sts.trust-policy", TRUST_SOURCE.replace("\n", ""))))),
                    tokenOf("realm-mgr"));

            assertForbidden(posted, "Forbidden.RoleClient");
            assertThat(imported.status()).as(imported.toString()).isEqualTo(403);
            assertThat(refusal("STS_ROLE", "(client sts-role:squat)")).isPresent();
            assertThat(refusal("STS_ROLE", "(client sts-role:imported)"))
                    .as("partial import runs without the admin's token: unattributed; events " + adminEvents("STS_ROLE")).isPresent();
            assertThat(Http.get(server.adminUrl(TARGET) + "/clients?clientId=sts-role:squat", master()).json()).isEmpty();
            assertThat(Http.get(server.adminUrl(TARGET) + "/clients?clientId=sts-role:imported", master()).json()).isEmpty();
            assertThat(sts.assumeRole(TARGET, malloryToken(), arn("imported")).status()).isEqualTo(403);

            // Another name with a role's storage attributes is refused too; the opt-in attribute alone is no role's.
            Http.Response disguised = Http.sendJson("POST", server.adminUrl(TARGET) + "/clients", Map.of("clientId", "disguised",
                    "attributes", Map.of("sts.trust-policy", TRUST_SOURCE.replace("\n", ""))), tokenOf("client-mgr"));
            assertForbidden(disguised, "Forbidden.RoleClient");
            Http.Response optedIn = Http.sendJson("POST", server.adminUrl(TARGET) + "/clients", Map.of("clientId", "opted-in",
                    "publicClient", false, "attributes", Map.of("sts.assume-role.enabled", "true")), tokenOf("client-mgr"));
            assertThat(optedIn.status()).as(optedIn.toString()).isEqualTo(201);
        }

        @Test
        void overwritingAnExistingRoleByPartialImportIsRefusedAndItsTokensStay() {
            createRole("side-overwrite");
            String roleToken = sts.assumeRole(TARGET, malloryToken(), arn("side-overwrite")).accessToken();

            Http.Response imported = Http.sendJson("POST", server.adminUrl(TARGET) + "/partialImport", Map.of(
                    "ifResourceExists", "OVERWRITE",
                    "clients", List.of(Map.of("clientId", "sts-role:side-overwrite", "serviceAccountsEnabled", true,
                            "attributes", Map.of("sts.role-name", "side-overwrite", "sts.max-session-duration", "2000000000",
                                    "sts.trust-policy", TRUST_SOURCE.replace("\n", ""))))), tokenOf("realm-mgr"));

            assertThat(imported.status()).as(imported.toString()).isEqualTo(403);
            assertThat(Http.get(sts("/roles/side-overwrite"), master()).json().get("maxSessionDuration").asInt()).isEqualTo(3600);
            assertThat(active(roleToken)).as("nothing changed, nothing revoked").isTrue();
        }
    }

    // ---------------------------------------------------------------- siblings: the principals behind role tokens

    @Nested
    class Principals {

        @Test
        void aManageUsersAdminCannotMoveAPrincipalOutOfReachOfRevocation() {
            createRole("principal-attrs");
            Http.Response assumed = sts.assumeRole(TARGET, malloryToken(), arn("principal-attrs"));
            String roleToken = assumed.accessToken();
            // The principal of (role, account) that the token's role session hangs on: assumed_role_id = <principal>:<session>.
            String principalId = assumed.json().at("/assumed_role_user/assumed_role_id").asText().split(":")[0];
            String usersOnly = tokenOf("users-only");

            Http.Response edited = Http.sendJson("PUT", server.adminUrl(TARGET) + "/users/" + principalId, Map.of(
                    "attributes", Map.of("sts.source-account", List.of("99999999"), "sts.role-client", List.of("elsewhere"))), usersOnly);

            assertThat(edited.status()).as(edited.toString()).isNotEqualTo(500);
            // The role session's own user is read-only: no rewriting it either.
            String sessionUser = Http.claims(roleToken).get("sub").asText();
            Http.Response sessionEdit = Http.sendJson("PUT", server.adminUrl(TARGET) + "/users/"
                    + URLEncoder.encode(sessionUser, StandardCharsets.UTF_8), Map.of(
                    "attributes", Map.of("sts.source-account", List.of("99999999"))), usersOnly);
            assertThat(sessionEdit.status()).as(sessionEdit.toString()).isBetween(400, 499);
            String after = Http.get(server.adminUrl(TARGET) + "/users/" + principalId, master()).toString();
            Http.Response revoked = Http.delete(sts("/roles/principal-attrs/sessions?sourceAccountId=" + SOURCE_ID), master());
            assertThat(revoked.status()).as(revoked.toString()).isEqualTo(200);
            assertThat(active(roleToken)).as("mallory's token after her account's sessions were revoked; edit " + edited
                    + "; user after " + after + "; revoked " + revoked).isFalse();
        }

        @Test
        void aManageUsersAdminCannotSignInAsTheRolePrincipalThatHoldsThePolicies() {
            createRole("principal-login");
            assertThat(attach(master(), "principal-login", "realm-management/view-users").status()).isEqualTo(201);
            String principalId = Http.get(server.adminUrl(TARGET) + "/clients/" + admin.clientUuid(TARGET, "sts-role:principal-login")
                    + "/service-account-user", master()).json().get("id").asText();
            String usersOnly = tokenOf("users-only");

            Http.sendJson("PUT", server.adminUrl(TARGET) + "/users/" + principalId + "/reset-password",
                    Map.of("type", "password", "value", "chosen-pass-1", "temporary", false), usersOnly);
            Http.Response login = Http.passwordGrant(server, TARGET, "admin-cli", "service-account-sts-role:principal-login", "chosen-pass-1");

            assertThat(login.status()).as(login.toString()).isNotEqualTo(200);
            assertThat(login.body()).doesNotContain("access_token");
        }
    }

    // ---------------------------------------------------------------- what is read from storage is checked

    @Nested
    class ReadFromStorage {

        @Test
        void anImportedDurationAboveTheMaximumIsClampedWhenRead() {
            String realm = "it-insider-import";
            admin.deleteRealmIfExists(realm);
            Http.Response imported = Http.sendJson("POST", server.baseUrl() + "/admin/realms", Map.of(
                    "realm", realm, "enabled", true, "attributes", Map.of("sts.account-id", "44556699"),
                    "clients", List.of(Map.of("clientId", "sts-role:long", "serviceAccountsEnabled", true, "publicClient", false,
                            "clientAuthenticatorType", "client-secret", "secret", "known-secret", "directAccessGrantsEnabled", true,
                            "attributes", Map.of("sts.role-name", "long", "sts.max-session-duration", "2000000000",
                                    "sts.trust-policy", TRUST_SOURCE.replace("\n", ""))))), master());
            assertThat(imported.status()).as(imported.toString()).isEqualTo(201);
            assertThat(Http.sendJson("PUT", server.adminUrl(realm) + "/sts/account", Map.of("accountId", "44556699"), master())
                    .status()).isEqualTo(200);

            JsonNode role = Http.get(server.adminUrl(realm) + "/sts/roles/long", master()).json();
            assertThat(role.get("maxSessionDuration").asInt()).isEqualTo(43200);
            Http.Response tooLong = sts.exchange(realm, withDuration(sts.form(malloryToken(), "acs:ram::44556699:role/long"), "43201"));
            assertThat(tooLong.status()).as(tooLong.toString()).isEqualTo(400);
            Http.Response longest = sts.exchange(realm, withDuration(sts.form(malloryToken(), "acs:ram::44556699:role/long"), "43200"));
            assertThat(longest.status()).as(longest.toString()).isEqualTo(200);
            assertThat(longest.json().get("expires_in").asInt()).isLessThanOrEqualTo(43200);

            // The imported client was locked: the secret from the file authenticates nobody.
            Http.Response credentials = Http.postForm(server.realmUrl(realm) + "/protocol/openid-connect/token", Map.of(
                    "grant_type", "client_credentials", "client_id", "sts-role:long", "client_secret", "known-secret"));
            assertThat(credentials.status()).as(credentials.toString()).isEqualTo(401);
            admin.deleteRealmIfExists(realm);
        }

        Map<String, String> withDuration(Map<String, String> form, String seconds) {
            form.put("duration_seconds", seconds);
            return form;
        }
    }
}
