package io.github.keycloaksts.it;

import static io.github.keycloaksts.it.support.RoleTokens.created;
import static io.github.keycloaksts.it.support.RoleTokens.ok;
import static io.github.keycloaksts.it.support.RoleTokens.sleep;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.keycloaksts.it.support.CookieBrowser;
import io.github.keycloaksts.it.support.Http;
import io.github.keycloaksts.it.support.KeycloakServer;
import io.github.keycloaksts.it.support.RoleTokens;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * Keycloak's own generic paths, second part: the rows of the path matrix for the role's principal, attached roles,
 * source grants, sessions and the Account API (see {@link GenericPathsBase}).
 */
class GenericPathsMoreIT extends GenericPathsBase {

    // ---- still more rows of the path matrix: the role's principal, attached roles, source grants and sessions ----------

    /**
     * Rows of the path matrix that were gaps: Keycloak's own endpoints on the role's service-account user and role
     * client, on the attached roles and their owning client, on the source account's grant, users and sessions, and a
     * client scope of {@code sts} writing an owned claim.
     */
    @Nested
    class EvenMoreKeycloakPaths {

        String roleClientUuid(String roleName) {
            return admin.clientUuid(TARGET, "sts-role:" + roleName);
        }

        /** The service-account user of the role's client: the user that holds the attached policies. */
        String serviceAccountOf(String roleName) {
            return Http.get(server.adminUrl(TARGET) + "/clients/" + roleClientUuid(roleName) + "/service-account-user", admin.token())
                    .json().get("id").asText();
        }

        /** An introspecting client of the target that needs no audience, for tokens whose {@code aud} client is gone. */
        RoleTokens inspector() {
            created(Http.sendJson("POST", server.adminUrl(TARGET) + "/clients", Map.of("clientId", "inspector", "publicClient", false,
                    "secret", "inspector-secret-1", "standardFlowEnabled", false,
                    "attributes", Map.of("allow.token.introspection.without.audience.check", "true")), admin.token()));
            return new RoleTokens(server, TARGET, "inspector", "inspector-secret-1");
        }

        /** A refusal of ours in the target's admin events: {@code error} set, the reason naming {@code text}. */
        boolean refusalRecorded(String text) {
            JsonNode events = Http.get(server.adminUrl(TARGET) + "/admin-events?max=100", admin.token()).json();
            for (JsonNode event : events) {
                if ("not_allowed".equals(event.path("error").asText()) && event.path("details").path("reason").asText().contains(text)) {
                    return true;
                }
            }
            return false;
        }

        String apiRoles(String token) {
            return Http.claims(token).path("resource_access").path("api").path("roles").toString();
        }

        String realmRoles(String token) {
            return Http.claims(token).path("realm_access").path("roles").toString();
        }

        // -- the role's service-account user ------------------------------------------------------------------------

        @Test
        void impersonatingTheRolesServiceAccountIsRefusedByKeycloak() {
            String samOps = tokens.assume(SOURCE, "sam", OPS);
            String serviceAccount = serviceAccountOf("ops");

            Http.Response impersonated = Http.sendJson("POST", server.adminUrl(TARGET) + "/users/" + serviceAccount + "/impersonation",
                    Map.of(), admin.token());

            assertThat(impersonated.status()).as(impersonated.toString()).isEqualTo(400);
            assertThat(impersonated.body()).contains("Service accounts cannot be impersonated");
            assertThat(Http.get(server.adminUrl(TARGET) + "/users/" + serviceAccount + "/sessions", admin.token()).json())
                    .as("no session of the role's service account").isEmpty();
            tokens.assertLive("sam's ops token", samOps);
        }

        @Test
        void addingTheRolesServiceAccountToAGroupWithRolesAttachesNothing() {
            String samOps = tokens.assume(SOURCE, "sam", OPS);
            String samWide = tokens.assume(SOURCE, "sam", WIDE);
            RoleTokens inspector = inspector();
            String serviceAccount = serviceAccountOf("ops");
            String api = admin.clientUuid(TARGET, "api");
            String group = createdId(Http.sendJson("POST", server.adminUrl(TARGET) + "/groups", Map.of("name", "readers"), admin.token()));
            ok(Http.sendJson("POST", server.adminUrl(TARGET) + "/groups/" + group + "/role-mappings/realm",
                    List.of(tokens.realmRole(TARGET, "reader")), admin.token()));
            ok(Http.sendJson("POST", server.adminUrl(TARGET) + "/groups/" + group + "/role-mappings/clients/" + api,
                    List.of(Http.get(server.adminUrl(TARGET) + "/clients/" + api + "/roles/auditor", admin.token()).json()), admin.token()));

            // Keycloak's Groups tab of the service-account user: the join happens, and counts for nothing.
            ok(Http.sendJson("PUT", server.adminUrl(TARGET) + "/users/" + serviceAccount + "/groups/" + group, Map.of(), admin.token()));

            assertThat(Http.get(server.adminUrl(TARGET) + "/users/" + serviceAccount + "/groups", admin.token()).json().findValuesAsText("id"))
                    .as("the service account is a member").contains(group);
            assertAdminEvent(TARGET, "CREATE", "users/" + serviceAccount + "/groups/" + group);
            String after = tokens.assume(SOURCE, "sam", OPS);
            assertThat(realmRoles(after)).as("a new ops token's realm roles").doesNotContain("reader");
            assertThat(apiRoles(after)).as("a new ops token's roles of api").contains("operator").doesNotContain("auditor");
            tokens.assertLive("sam's ops token of before the join", samOps);
            inspector.assertLive("sam's wide token", samWide);
        }

        @Test
        void disablingOrAnnotatingTheRolesServiceAccountChangesNoRoleToken() {
            String samOps = tokens.assume(SOURCE, "sam", OPS);
            String serviceAccount = serviceAccountOf("ops");
            // Keycloak keeps attributes outside the user profile only when the realm lets it.
            Map<String, Object> profile = new LinkedHashMap<>(Http.JSON.convertValue(
                    Http.get(server.adminUrl(TARGET) + "/users/profile", admin.token()).json(), Map.class));
            profile.put("unmanagedAttributePolicy", "ENABLED");
            ok(Http.sendJson("PUT", server.adminUrl(TARGET) + "/users/profile", profile, admin.token()));
            Map<String, Object> rep = new LinkedHashMap<>(Http.JSON.convertValue(
                    Http.get(server.adminUrl(TARGET) + "/users/" + serviceAccount, admin.token()).json(), Map.class));
            rep.put("enabled", false);
            rep.put("attributes", Map.of("department", List.of("ops-team")));

            Http.Response updated = Http.sendJson("PUT", server.adminUrl(TARGET) + "/users/" + serviceAccount, rep, admin.token());

            // Only the service account's recorded direct role mappings are attached policies: nothing else of it counts.
            assertThat(updated.status()).as(updated.toString()).isEqualTo(204);
            JsonNode stored = Http.get(server.adminUrl(TARGET) + "/users/" + serviceAccount, admin.token()).json();
            assertThat(stored.get("enabled").asBoolean()).as("the service account is disabled").isFalse();
            assertThat(stored.path("attributes").path("department").toString()).as(stored.toString()).contains("ops-team");
            assertAdminEvent(TARGET, "UPDATE", "users/" + serviceAccount);
            tokens.assertLive("sam's ops token", samOps);
            String after = tokens.assume(SOURCE, "sam", OPS);
            tokens.assertLive("a new ops token", after);
            assertThat(apiRoles(after)).as("a new ops token's roles of api").isEqualTo("[\"operator\"]");
        }

        // -- the role client ---------------------------------------------------------------------------------------

        @Test
        void writingTheRecordOfAttachedPoliciesThroughKeycloaksClientEndpointIsRefused() {
            String samOps = tokens.assume(SOURCE, "sam", OPS);
            String roleClient = roleClientUuid("ops");
            String api = admin.clientUuid(TARGET, "api");
            String operator = Http.get(server.adminUrl(TARGET) + "/clients/" + api + "/roles/operator", admin.token()).json().get("id").asText();
            String auditor = Http.get(server.adminUrl(TARGET) + "/clients/" + api + "/roles/auditor", admin.token()).json().get("id").asText();
            JsonNode before = Http.get(server.adminUrl(TARGET) + "/clients/" + roleClient, admin.token()).json();
            String record = before.path("attributes").path("sts.attached-policies").asText();
            assertThat(record).as("the record names the attached role").contains(operator);
            Map<String, Object> rep = new LinkedHashMap<>(Http.JSON.convertValue(before, Map.class));
            Map<String, Object> attributes = new LinkedHashMap<>(Http.JSON.convertValue(before.get("attributes"), Map.class));
            // The record of a second policy, as if /sts had attached auditor too.
            attributes.put("sts.attached-policies", "1:" + String.join(",", new TreeSet<>(List.of(operator, auditor))));
            rep.put("attributes", attributes);

            Http.Response put = Http.sendJson("PUT", server.adminUrl(TARGET) + "/clients/" + roleClient, rep, admin.token());

            assertThat(put.status()).as(put.toString()).isEqualTo(403);
            assertThat(put.json().path("error").asText()).isEqualTo("Forbidden.RoleClient");
            assertThat(Http.get(server.adminUrl(TARGET) + "/clients/" + roleClient, admin.token()).json()
                    .path("attributes").path("sts.attached-policies").asText()).as("the record, unchanged").isEqualTo(record);
            assertThat(refusalRecorded("sts.attached-policies")).as("a refusal naming the attribute").isTrue();
            tokens.assertLive("sam's ops token", samOps);
            assertThat(apiRoles(tokens.assume(SOURCE, "sam", OPS))).as("a new ops token's roles of api").isEqualTo("[\"operator\"]");
        }

        @Test
        void aProtocolMapperOnTheRoleClientAddsNoClaimToRoleTokens() {
            String samOps = tokens.assume(SOURCE, "sam", OPS);
            String roleClient = roleClientUuid("ops");
            Map<String, String> config = new LinkedHashMap<>();
            config.put("claim.name", "evil");
            config.put("claim.value", "yes");
            config.put("jsonType.label", "String");
            config.put("access.token.claim", "true");
            config.put("introspection.token.claim", "true");
            config.put("userinfo.token.claim", "true");

            Http.Response added = Http.sendJson("POST", server.adminUrl(TARGET) + "/clients/" + roleClient + "/protocol-mappers/models",
                    Map.of("name", "evil", "protocol", "openid-connect", "protocolMapper", "oidc-hardcoded-claim-mapper", "config", config),
                    admin.token());

            // Keycloak takes the mapper; role tokens are issued to the client that asked (sts), never to the role's client.
            assertThat(added.status()).as(added.toString()).isEqualTo(201);
            assertAdminEvent(TARGET, "CREATE", "clients/" + roleClient + "/protocol-mappers/models");
            String after = tokens.assume(SOURCE, "sam", OPS);
            assertThat(Http.claims(after).has("evil")).as("a new ops token: " + Http.claims(after)).isFalse();
            tokens.assertLive("sam's ops token of before the mapper", samOps);
        }

        @Test
        void aSubMapperInADefaultScopeOfStsDoesNotChangeTheRoleTokensSubject() {
            String victim = admin.createUser(TARGET, "victor", "victor-pass-1", null, List.of());
            String samAudit = tokens.assume(SOURCE, "sam", AUDIT);
            Map<String, String> config = new LinkedHashMap<>();
            config.put("claim.name", "sub");
            config.put("claim.value", victim);
            config.put("jsonType.label", "String");
            // Into the access token only, where keycloak-sts writes last; into the introspection and userinfo answers,
            // which Keycloak writes after it: the next test.
            config.put("access.token.claim", "true");
            config.put("introspection.token.claim", "false");
            config.put("userinfo.token.claim", "false");
            String scope = createdId(Http.sendJson("POST", server.adminUrl(TARGET) + "/client-scopes", Map.of("name", "insider-sub",
                    "protocol", "openid-connect", "protocolMappers", List.of(Map.of("name", "insider sub", "protocol", "openid-connect",
                            "protocolMapper", "oidc-hardcoded-claim-mapper", "config", config))), admin.token()));
            String stsUuid = admin.clientUuid(TARGET, "sts");

            ok(Http.sendJson("PUT", server.adminUrl(TARGET) + "/clients/" + stsUuid + "/default-client-scopes/" + scope, Map.of(),
                    admin.token()));

            assertAdminEvent(TARGET, "CREATE", "clients/" + stsUuid + "/default-client-scopes/" + scope);
            String samOps = tokens.assume(SOURCE, "sam", OPS);
            String subject = Http.claims(samOps).get("sub").asText();
            assertThat(subject).as(Http.claims(samOps).toString()).startsWith("f:").isNotEqualTo(victim);
            Http.Response userinfo = sts.userinfo(TARGET, samOps);
            assertThat(userinfo.status()).as(userinfo.toString()).isEqualTo(200);
            assertThat(userinfo.json().get("sub").asText()).as("userinfo's subject").isEqualTo(subject);

            // Ended by the usual means: the role's sessions revoked through /sts.
            ok(Http.delete(server.adminUrl(TARGET) + "/sts/roles/ops/sessions", admin.token()));
            tokens.assertEndsWithinOneSecond("sam's ops token with the scope's mapper", samOps);
            tokens.assertLive("sam's audit token", samAudit);
            assertThat(Http.get(server.adminUrl(TARGET) + "/users/" + victim, admin.token()).json().get("enabled").asBoolean())
                    .as("the user the mapper names").isTrue();
        }

        @Test
        void aSubMapperOfTheIntrospectionAnswerInADefaultScopeOfStsEndsItsTokensAndStopsItsExchanges() {
            String victim = admin.createUser(TARGET, "victor", "victor-pass-1", null, List.of());
            String samOps = tokens.assume(SOURCE, "sam", OPS);
            String subject = Http.claims(samOps).get("sub").asText();
            Map<String, String> config = new LinkedHashMap<>();
            config.put("claim.name", "sub");
            config.put("claim.value", victim);
            config.put("jsonType.label", "String");
            config.put("access.token.claim", "false");
            config.put("introspection.token.claim", "true");
            config.put("userinfo.token.claim", "true");
            String scope = createdId(Http.sendJson("POST", server.adminUrl(TARGET) + "/client-scopes", Map.of("name", "insider-sub",
                    "protocol", "openid-connect", "protocolMappers", List.of(Map.of("name", "insider sub", "protocol", "openid-connect",
                            "protocolMapper", "oidc-hardcoded-claim-mapper", "config", config))), admin.token()));
            String stsUuid = admin.clientUuid(TARGET, "sts");
            String link = server.adminUrl(TARGET) + "/clients/" + stsUuid + "/default-client-scopes/" + scope;

            // Keycloak would answer introspection and userinfo of sam's token with the victim's sub: it ends instead.
            ok(Http.sendJson("PUT", link, Map.of(), admin.token()));

            tokens.assertEndsWithinOneSecond("sam's ops token once a default scope of sts rewrites its introspection", samOps);
            Http.Response refused = tokens.tryExchange(tokens.signIn(SOURCE, "sam"), OPS);
            assertThat(refused.status()).as(refused.toString()).isEqualTo(400);
            assertThat(refused.json().get("error").asText()).isEqualTo("unauthorized_client");
            assertThat(lastEvent(TARGET, "TOKEN_EXCHANGE_ERROR").path("details").path("reason").asText())
                    .contains("insider sub").contains("writes claim sub").containsAnyOf("introspection answer", "userinfo");
            assertAdminEvent(TARGET, "CREATE", "clients/" + stsUuid + "/default-client-scopes/" + scope);

            ok(Http.delete(link, admin.token()));
            String after = tokens.assume(SOURCE, "sam", OPS);
            tokens.assertLive("a token once the scope is gone", after);
            Http.Response introspection = sts.introspect(TARGET, "api", "api-secret-1", after);
            assertThat(introspection.json().get("sub").asText()).as("the introspection answer's subject")
                    .isEqualTo(Http.claims(after).get("sub").asText()).isNotEqualTo(victim);
            tokens.assertStaysDead("sam's first ops token", samOps);
            assertThat(subject).isNotEqualTo(victim);
        }

        // -- the attached roles and their owning client ----------------------------------------------------------

        @Test
        void deletingTheClientThatOwnsAnAttachedClientRoleEndsTokens() {
            String samOps = tokens.assume(SOURCE, "sam", OPS);
            String samWide = tokens.assume(SOURCE, "sam", WIDE);
            String api = admin.clientUuid(TARGET, "api");
            // The token's `aud` names api, which goes: introspection by a client that needs no audience.
            RoleTokens inspector = inspector();
            inspector.assertLive("sam's ops token", samOps);

            ok(Http.delete(server.adminUrl(TARGET) + "/clients/" + api, admin.token()));

            inspector.assertEndsWithinOneSecond("sam's ops token after its policy's client was deleted", samOps);
            assertAdminEvent(TARGET, "DELETE", "clients/" + api);
            inspector.assertLive("sam's wide token (no client role of api)", samWide);
        }

        @Test
        void changingAnAttachedRolesDescriptionAndAttributesChangesNoRoleToken() {
            String samWide = tokens.assume(SOURCE, "sam", WIDE);
            // The wide token's `aud` names no client of the target: introspection by a client that needs none.
            RoleTokens inspector = inspector();

            ok(Http.sendJson("PUT", server.adminUrl(TARGET) + "/roles/bundle", Map.of("name", "bundle", "description", "read and write",
                    "attributes", Map.of("team", List.of("platform"))), admin.token()));

            JsonNode bundle = tokens.realmRole(TARGET, "bundle");
            assertThat(bundle.path("description").asText()).isEqualTo("read and write");
            assertAdminEvent(TARGET, "UPDATE", "roles/bundle");
            // What the role grants is unchanged: its ID, name, client and composites.
            assertThat(Http.get(server.adminUrl(TARGET) + "/roles/bundle/composites", admin.token()).json().findValuesAsText("name"))
                    .containsExactlyInAnyOrder("reader", "writer");
            inspector.assertLive("sam's wide token", samWide);
            assertThat(realmRoles(tokens.assume(SOURCE, "sam", WIDE))).as("a new wide token").isEqualTo(realmRoles(samWide));
        }

        @Test
        void overwritingAnAttachedRealmRoleByPartialImportEndsTokens() {
            String samWide = tokens.assume(SOURCE, "sam", WIDE);
            String samOps = tokens.assume(SOURCE, "sam", OPS);
            RoleTokens inspector = inspector();
            inspector.assertLive("sam's wide token", samWide);
            Map<String, Object> bundle = Map.of("name", "bundle", "composite", true, "composites", Map.of("realm", List.of("reader", "writer")));

            Http.Response imported = Http.sendJson("POST", server.adminUrl(TARGET) + "/partialImport", Map.of("ifResourceExists", "OVERWRITE",
                    "roles", Map.of("realm", List.of(bundle))), admin.token());

            // Keycloak deletes the role and creates another of the same name: the service account's mapping went with it.
            assertThat(imported.status()).as(imported.toString()).isEqualTo(200);
            assertThat(imported.json().get("overwritten").asInt()).as(imported.toString()).isEqualTo(1);
            inspector.assertEndsWithinOneSecond("sam's wide token", samWide);
            assertAdminEvent(TARGET, "UPDATE", "realms/");
            assertThat(Http.get(server.adminUrl(TARGET) + "/sts/roles/wide/policies", admin.token()).json().toString())
                    .as("the new role is not attached").doesNotContain("bundle");
            tokens.assertLive("sam's ops token", samOps);
        }

        // -- the source account: grant, users, sessions ------------------------------------------------------------

        @Test
        void deletingTheGrantingRoleInTheSourceAccountEndsItsHoldersTokens() {
            String samOps = tokens.assume(SOURCE, "sam", OPS);
            String sueAudit = tokens.assume(SOURCE, "sue", AUDIT);
            String oscarOps = tokens.assume(OTHER, "oscar", OPS);

            ok(Http.delete(server.adminUrl(SOURCE) + "/roles/assumer", admin.token()));

            tokens.assertEndsWithinOneSecond("sam's ops token", samOps);
            tokens.assertEndsWithinOneSecond("sue's audit token", sueAudit);
            assertAdminEvent(SOURCE, "DELETE", "roles/assumer");
            tokens.assertLive("another account's token", oscarOps);
        }

        @Test
        void overwritingTheSourceUserByPartialImportEndsHisTokens() {
            String samOps = tokens.assume(SOURCE, "sam", OPS);
            String sueOps = tokens.assume(SOURCE, "sue", OPS);
            String sam = tokens.userId(SOURCE, "sam");
            // The same user as far as a file can say: his ID, name and the granting role.
            Map<String, Object> samAgain = Map.of("id", sam, "username", "sam", "enabled", true, "email", "sam@example.org",
                    "emailVerified", true, "firstName", "sam", "lastName", "Test", "realmRoles", List.of("assumer"));

            Http.Response imported = Http.sendJson("POST", server.adminUrl(SOURCE) + "/partialImport", Map.of("ifResourceExists", "OVERWRITE",
                    "users", List.of(samAgain)), admin.token());

            assertThat(imported.status()).as(imported.toString()).isEqualTo(200);
            assertThat(imported.json().get("overwritten").asInt()).as(imported.toString()).isEqualTo(1);
            tokens.assertEndsWithinOneSecond("sam's ops token", samOps);
            assertAdminEvent(SOURCE, "UPDATE", "users/");
            tokens.assertLive("sue's ops token", sueOps);
        }

        @Test
        void logoutAllOnTheSourceRealmEndsTheRoleTokensMintedFromItsSessions() {
            String samOps = tokens.assume(SOURCE, "sam", OPS);
            String oscarOps = tokens.assume(OTHER, "oscar", OPS);

            ok(Http.sendJson("POST", server.adminUrl(SOURCE) + "/logout-all", Map.of(), admin.token()));

            tokens.assertEndsWithinOneSecond("sam's ops token", samOps);
            assertAdminEvent(SOURCE, "ACTION", "logout-all");
            tokens.assertLive("another account's token", oscarOps);
        }

        @Test
        void loweringTheSourceRealmsSsoSessionMaxLifespanEndsOlderSessionsTokens() {
            String samOps = tokens.assume(SOURCE, "sam", OPS);
            String oscarOps = tokens.assume(OTHER, "oscar", OPS);
            sleep(Duration.ofMillis(1500));

            ok(Http.sendJson("PUT", server.adminUrl(SOURCE), Map.of("ssoSessionMaxLifespan", 1), admin.token()));

            // sam's source session is older than the new maximum: Keycloak no longer counts it valid.
            tokens.assertEndsWithinOneSecond("sam's ops token", samOps);
            assertRealmUpdateEvent(SOURCE);
            tokens.assertLive("another account's token", oscarOps);
        }

    }

    // ---- yet more rows of the path matrix: source grants through groups, anchors, role-session users, secrets --------

    /**
     * Rows of the path matrix that were gaps: the grant held through a group, the source client's audience mapper and
     * a brute-force lockout on the source side; the role-session store's component, the anchors and the role-session
     * users, client secrets and Keycloak's own session endpoints on the target side.
     */
    @Nested
    class StillMoreKeycloakPaths {

        String consoleUrl() {
            return server.realmUrl(TARGET) + "/sts/console";
        }

        /** The role-session store of the target: the component {@code sts-role-sessions}. */
        JsonNode roleSessionStore() {
            JsonNode components = Http.get(server.adminUrl(TARGET) + "/components?type=org.keycloak.storage.UserStorageProvider",
                    admin.token()).json();
            List<JsonNode> ours = new ArrayList<>();
            components.forEach(c -> {
                if ("sts-role-sessions".equals(c.path("providerId").asText())) {
                    ours.add(c);
                }
            });
            assertThat(ours).hasSize(1);
            return ours.get(0);
        }

        /** A confidential client {@code deployer} of the target that opted in to AssumeRole. */
        String createDeployer() {
            return createdId(Http.sendJson("POST", server.adminUrl(TARGET) + "/clients", Map.of("clientId", "deployer", "publicClient", false,
                    "secret", "deployer-secret-1", "standardFlowEnabled", false,
                    "attributes", Map.of("sts.assume-role.enabled", "true")), admin.token()));
        }

        Http.Response deployerExchange(String secret) {
            Map<String, String> form = sts.form(tokens.signIn(SOURCE, "sam"), OPS);
            form.put("client_id", "deployer");
            form.put("client_secret", secret);
            return sts.exchange(TARGET, form);
        }

        // -- the source side ---------------------------------------------------------------------------------------

        @Test
        void deletingTheGroupThatGrantsTheRoleEndsItsMembersTokens() {
            String group = createdId(Http.sendJson("POST", server.adminUrl(SOURCE) + "/groups", Map.of("name", "assumers"), admin.token()));
            ok(Http.sendJson("POST", server.adminUrl(SOURCE) + "/groups/" + group + "/role-mappings/realm",
                    List.of(tokens.realmRole(SOURCE, "assumer")), admin.token()));
            String gus = admin.createUser(SOURCE, "gus", "gus-pass-1", null, List.of());
            ok(Http.sendJson("PUT", server.adminUrl(SOURCE) + "/users/" + gus + "/groups/" + group, Map.of(), admin.token()));
            String gusOps = tokens.assume(SOURCE, "gus", OPS);
            String samOps = tokens.assume(SOURCE, "sam", OPS);

            ok(Http.delete(server.adminUrl(SOURCE) + "/groups/" + group, admin.token()));

            tokens.assertEndsWithinOneSecond("gus's ops token, granted through the group", gusOps);
            assertAdminEvent(SOURCE, "DELETE", "groups/" + group);
            Http.Response refused = tokens.tryExchange(tokens.signIn(SOURCE, "gus"), OPS);
            assertThat(refused.status()).as(refused.toString()).isBetween(400, 499);
            assertThat(refused.json().get("access_token")).isNull();
            tokens.assertLive("sam's ops token (his own role mapping)", samOps);
        }

        @Test
        void removingTheSourceClientsStsAudienceMapperRefusesNewExchangesOnly() {
            String samOps = tokens.assume(SOURCE, "sam", OPS);
            String oscarOps = tokens.assume(OTHER, "oscar", OPS);
            String app = admin.clientUuid(SOURCE, "app");
            String mapper = null;
            for (JsonNode model : Http.get(server.adminUrl(SOURCE) + "/clients/" + app + "/protocol-mappers/models", admin.token()).json()) {
                if ("audience sts".equals(model.path("name").asText())) {
                    mapper = model.get("id").asText();
                }
            }
            assertThat(mapper).as("the mapper audience sts of app").isNotNull();

            ok(Http.delete(server.adminUrl(SOURCE) + "/clients/" + app + "/protocol-mappers/models/" + mapper, admin.token()));

            assertAdminEvent(SOURCE, "DELETE", "clients/" + app + "/protocol-mappers/models/" + mapper);
            String withoutAudience = tokens.signIn(SOURCE, "sam");
            assertThat(Http.claims(withoutAudience).path("aud").toString()).as("app's new token's audience").doesNotContain("\"sts\"");
            Http.Response refused = tokens.tryExchange(withoutAudience, OPS);
            assertThat(refused.status()).as(refused.toString()).isBetween(400, 499);
            assertThat(refused.json().get("access_token")).isNull();
            // By design: the subject token's audience was checked when it was exchanged.
            tokens.assertLive("sam's ops token", samOps);
            tokens.assertLive("another account's token", oscarOps);
        }

        @Test
        void aPermanentBruteForceLockoutOfTheSourceUserEndsHisTokens() {
            ok(Http.sendJson("PUT", server.adminUrl(SOURCE), Map.of("bruteForceProtected", true, "permanentLockout", true,
                    "failureFactor", 1), admin.token()));
            String lou = admin.createUserWithRealmRole(SOURCE, "lou", "lou-pass-1", "assumer");
            String louOps = tokens.assume(SOURCE, "lou", OPS);
            String samOps = tokens.assume(SOURCE, "sam", OPS);

            for (int i = 0; i < 2; i++) {
                Http.Response failed = Http.passwordGrant(server, SOURCE, "app", "lou", "wrong-pass-" + i);
                assertThat(failed.status()).as(failed.toString()).isEqualTo(400);
            }

            assertThat(Http.get(server.adminUrl(SOURCE) + "/users/" + lou, admin.token()).json().get("enabled").asBoolean())
                    .as("lou, disabled by Keycloak").isFalse();
            tokens.assertEndsWithinOneSecond("lou's ops token", louOps);
            assertThat(lastEvent(SOURCE, "USER_DISABLED_BY_PERMANENT_LOCKOUT").path("userId").asText()).isEqualTo(lou);
            tokens.assertLive("sam's ops token", samOps);
        }

        @Test
        void endingTheSourceSessionThroughTheAccountApiEndsItsRoleTokens() {
            // sue was created through the admin API: she holds the realm's default roles, manage-account among them.
            String sueOps = tokens.assume(SOURCE, "sue", OPS);
            String samOps = tokens.assume(SOURCE, "sam", OPS);
            String otherDevice = tokens.signIn(SOURCE, "sue");
            String sue = tokens.userId(SOURCE, "sue");

            // The account console's "sign out all other devices" (JSON, or Keycloak answers with the console's page).
            Http.Response signedOut = Http.sendJson("DELETE", server.realmUrl(SOURCE) + "/account/sessions", Map.of(), otherDevice);

            assertThat(signedOut.status()).as(signedOut.toString()).isBetween(200, 204);
            tokens.assertEndsWithinOneSecond("sue's ops token of her other session", sueOps);
            assertThat(lastEvent(SOURCE, "LOGOUT").path("userId").asText()).isEqualTo(sue);
            tokens.assertLive("sam's ops token", samOps);
            tokens.assertLive("a token of sue's session that stayed", tokens.exchange(otherDevice, OPS));
        }

        // -- the target side: the store, anchors and role-session users ----------------------------------------------

        @Test
        void renamingTheRoleSessionStoreAndChangingItsPriorityChangesNoRoleToken() {
            String samOps = tokens.assume(SOURCE, "sam", OPS);
            JsonNode store = roleSessionStore();
            String id = store.get("id").asText();
            Map<String, Object> rep = new LinkedHashMap<>(Http.JSON.convertValue(store, Map.class));
            Map<String, Object> config = new LinkedHashMap<>(Http.JSON.convertValue(store.get("config"), Map.class));
            config.put("priority", List.of("7"));
            rep.put("config", config);
            rep.put("name", "role sessions, renamed");

            ok(Http.sendJson("PUT", server.adminUrl(TARGET) + "/components/" + id, rep, admin.token()));

            JsonNode after = roleSessionStore();
            assertThat(after.get("id").asText()).isEqualTo(id);
            assertThat(after.get("name").asText()).isEqualTo("role sessions, renamed");
            assertAdminEvent(TARGET, "UPDATE", "components/" + id);
            sleep(Duration.ofMillis(1200));
            tokens.assertLive("sam's ops token", samOps);
            tokens.assertLive("a token issued afterwards", tokens.assume(SOURCE, "sam", OPS));
        }

        @Test
        void deletingTheRoleSessionAnchorEndsTheAccountsTokensOfTheRole() {
            String samOps = tokens.assume(SOURCE, "sam", OPS);
            String oscarOps = tokens.assume(OTHER, "oscar", OPS);
            String roleClient = admin.clientUuid(TARGET, "sts-role:ops");
            JsonNode anchors = Http.get(server.adminUrl(TARGET) + "/users?exact=true&username=sts-role-session." + roleClient + "."
                    + SOURCE_ID, admin.token()).json();
            assertThat(anchors).as("the anchor of " + SOURCE + "'s ops sessions").hasSize(1);
            String anchor = anchors.get(0).get("id").asText();

            ok(Http.delete(server.adminUrl(TARGET) + "/users/" + anchor, admin.token()));

            tokens.assertEndsWithinOneSecond("sam's ops token", samOps);
            assertAdminEvent(TARGET, "DELETE", "users/" + anchor);
            tokens.assertLive("another account's ops token (its own anchor)", oscarOps);
            tokens.assertLive("a token sam assumes afterwards", tokens.assume(SOURCE, "sam", OPS));
        }

        @Test
        void mappingARealmRoleToARoleSessionUserChangesNoRoleToken() {
            String samOps = tokens.assume(SOURCE, "sam", OPS);
            String oscarOps = tokens.assume(OTHER, "oscar", OPS);
            String subject = Http.claims(samOps).get("sub").asText();

            Http.Response mapped = Http.sendJson("POST", server.adminUrl(TARGET) + "/users/" + subject + "/role-mappings/realm",
                    List.of(tokens.realmRole(TARGET, "reader")), admin.token());

            // A role-session user is read-only: Keycloak refuses the mapping.
            assertThat(mapped.status()).as(mapped.toString()).isEqualTo(400);
            assertThat(mapped.body()).contains("Could not add user role mappings");
            assertThat(Http.get(server.adminUrl(TARGET) + "/users/" + subject + "/role-mappings/realm", admin.token()).json()
                    .findValuesAsText("name")).as("the role-session user's realm roles").doesNotContain("reader");
            tokens.assertLive("sam's ops token", samOps);
            String after = tokens.assume(SOURCE, "sam", OPS);
            assertThat(Http.claims(after).path("realm_access").path("roles").toString()).as("a new ops token").doesNotContain("reader");
            tokens.assertLive("another account's token", oscarOps);
        }

        @Test
        void impersonatingARoleSessionUserGivesNoAppAToken() {
            String samOps = tokens.assume(SOURCE, "sam", OPS);
            String samAudit = tokens.assume(SOURCE, "sam", AUDIT);
            String subject = Http.claims(samOps).get("sub").asText();
            created(Http.sendJson("POST", server.adminUrl(TARGET) + "/clients", Map.of("clientId", "web", "secret", "web-secret-1",
                    "publicClient", false, "redirectUris", List.of(consoleUrl())), admin.token()));

            Http.Response impersonated = Http.sendJson("POST", server.adminUrl(TARGET) + "/users/" + subject + "/impersonation",
                    Map.of(), admin.token());

            // Keycloak impersonates the role-session user (it is no service account).
            assertThat(impersonated.status()).as(impersonated.toString()).isEqualTo(200);
            assertThat(lastEvent(TARGET, "IMPERSONATE").path("userId").asText()).isEqualTo(subject);
            CookieBrowser browser = new CookieBrowser(server);
            for (String cookie : impersonated.headers().getOrDefault("set-cookie", List.of())) {
                String[] parts = cookie.split(";");
                String path = "/";
                for (String part : parts) {
                    if (part.trim().toLowerCase(Locale.ROOT).startsWith("path=")) {
                        path = part.trim().substring(5);
                    }
                }
                int eq = parts[0].indexOf('=');
                browser.plant(parts[0].substring(0, eq).trim(), parts[0].substring(eq + 1).trim(), path);
            }
            // Its session is no role session (none of the facts Switch Role hands over), yet its tokens would name the
            // role session as their subject: no app gets one.
            Http.Response web = browser.codeFlowTokens(TARGET, "web", "web-secret-1", consoleUrl());
            assertThat(web.status()).as(web.toString()).isEqualTo(400);
            assertThat(web.json().get("error").asText()).isEqualTo("unauthorized_client");
            assertThat(web.json().has("access_token")).isFalse();
            assertThat(lastEvent(TARGET, "CODE_TO_TOKEN_ERROR").path("details").path("reason").asText()).contains("did not open");
            tokens.assertLive("sam's ops token", samOps);
            tokens.assertLive("sam's audit token", samAudit);
        }

        // -- the target side: client secrets ----------------------------------------------------------------------------

        @Test
        void regeneratingAnOptedInClientsSecretKeepsItsTokensAndRefusesTheOldSecret() {
            String deployer = createDeployer();
            Http.Response first = deployerExchange("deployer-secret-1");
            assertThat(first.status()).as(first.toString()).isEqualTo(200);
            String viaDeployer = first.json().get("access_token").asText();
            String oscarOps = tokens.assume(OTHER, "oscar", OPS);

            Http.Response regenerated = Http.sendJson("POST", server.adminUrl(TARGET) + "/clients/" + deployer + "/client-secret", Map.of(),
                    admin.token());

            assertThat(regenerated.status()).as(regenerated.toString()).isEqualTo(200);
            String secret = regenerated.json().get("value").asText();
            assertThat(secret).isNotEqualTo("deployer-secret-1");
            assertAdminEvent(TARGET, "ACTION", "clients/" + deployer + "/client-secret");
            // By design: the client was authenticated when it obtained them.
            tokens.assertLive("a token the client obtained", viaDeployer);
            Http.Response oldSecret = deployerExchange("deployer-secret-1");
            assertThat(oldSecret.status()).as(oldSecret.toString()).isEqualTo(401);
            assertThat(oldSecret.json().get("access_token")).isNull();
            Http.Response newSecret = deployerExchange(secret);
            assertThat(newSecret.status()).as(newSecret.toString()).isEqualTo(200);
            tokens.assertLive("a token obtained with the new secret", newSecret.json().get("access_token").asText());
            tokens.assertLive("another account's token", oscarOps);
        }

        @Test
        void regeneratingARoleClientsSecretGivesNoWayIn() {
            String samOps = tokens.assume(SOURCE, "sam", OPS);
            String roleClient = admin.clientUuid(TARGET, "sts-role:ops");

            Http.Response regenerated = Http.sendJson("POST", server.adminUrl(TARGET) + "/clients/" + roleClient + "/client-secret", Map.of(),
                    admin.token());

            // Keycloak changes the secret (no client update the role-client guard sees); the role client's authenticator
            // accepts no secret, so the new one authenticates nothing.
            assertThat(regenerated.status()).as(regenerated.toString()).isEqualTo(200);
            assertAdminEvent(TARGET, "ACTION", "clients/" + roleClient + "/client-secret");
            Map<String, String> form = new LinkedHashMap<>();
            form.put("grant_type", "client_credentials");
            form.put("client_id", "sts-role:ops");
            form.put("client_secret", regenerated.json().get("value").asText());
            Http.Response credentials = Http.postForm(server.realmUrl(TARGET) + "/protocol/openid-connect/token", form);
            assertThat(credentials.status()).as(credentials.toString()).isEqualTo(401);
            assertThat(credentials.json().get("access_token")).isNull();
            sleep(Duration.ofMillis(1200));
            tokens.assertLive("sam's ops token", samOps);
            tokens.assertLive("a token issued afterwards", tokens.assume(SOURCE, "sam", OPS));
        }

        // -- the target side: Keycloak's own session endpoint --------------------------------------------------------

        @Test
        void keycloaksSessionEndpointEndsABrowserRoleSession() {
            CookieBrowser browser = new CookieBrowser(server);
            browser.switchRole(SOURCE, "sam", "sam-pass-1", TARGET, "ops");
            String sueOps = tokens.assume(SOURCE, "sue", OPS);
            String sessionId = null;
            for (JsonNode session : Http.get(server.adminUrl(TARGET) + "/sts/roles/ops/sessions", admin.token()).json()) {
                if ("browser".equals(session.path("kind").asText())) {
                    sessionId = session.get("sessionId").asText();
                }
            }
            assertThat(sessionId).as("sam's browser role session in the list").isNotNull();

            ok(Http.delete(server.adminUrl(TARGET) + "/sessions/" + sessionId, admin.token()));

            CookieBrowser.Reply console = browser.get(consoleUrl());
            assertThat(console.status()).as(console.toString()).isEqualTo(200);
            assertThat(console.body()).as("the role console").contains("There is no role session").doesNotContain("ops @ " + TARGET);
            JsonNode listed = Http.get(server.adminUrl(TARGET) + "/sts/roles/ops/sessions", admin.token()).json();
            assertThat(listed.findValuesAsText("sessionId")).as(listed.toString()).doesNotContain(sessionId);
            assertAdminEvent(TARGET, "DELETE", "sessions/" + sessionId);
            tokens.assertLive("sue's ops token", sueOps);
        }
    }

    // ---- the last rows of the path matrix: role-session users, the Account API, partial import, the source side ------

    /**
     * Rows of the path matrix that were gaps: Keycloak's sign-out of a role-session user and its Account API in a
     * browser role session, a partial import over the {@code sts} client, the source side's token revocation and
     * impersonation, and a realm update of the master realm that leaves out the account register.
     */
    @Nested
    class LastKeycloakPaths {

        static final String ATTRIBUTES = "attributes";
        static final String REGISTER = "sts.registry.";

        String consoleUrl() {
            return server.realmUrl(TARGET) + "/sts/console";
        }

        /** The ID of sam's browser role session of ops in the target (the browser session of that realm). */
        String browserRoleSession() {
            String sessionId = null;
            for (JsonNode session : Http.get(server.adminUrl(TARGET) + "/sts/roles/ops/sessions", admin.token()).json()) {
                if ("browser".equals(session.path("kind").asText())) {
                    sessionId = session.get("sessionId").asText();
                }
            }
            assertThat(sessionId).as("sam's browser role session in the list").isNotNull();
            return sessionId;
        }

        /** The role-session user of the browser session {@code sessionId}: the user its LOGIN event names. */
        String roleSessionUserOf(String sessionId) {
            JsonNode login = lastEvent(TARGET, "LOGIN");
            assertThat(login.path("sessionId").asText()).as(login.toString()).isEqualTo(sessionId);
            String user = login.path("userId").asText();
            assertThat(Http.get(server.adminUrl(TARGET) + "/users/" + user + "/sessions", admin.token()).json().findValuesAsText("id"))
                    .as("the sessions of role-session user " + user).contains(sessionId);
            return user;
        }

        /** A confidential client {@code deployer} of the target that opted in, and the role token it obtains for sam. */
        String deployersToken() {
            created(Http.sendJson("POST", server.adminUrl(TARGET) + "/clients", Map.of("clientId", "deployer", "publicClient", false,
                    "secret", "deployer-secret-1", "standardFlowEnabled", false,
                    "attributes", Map.of("sts.assume-role.enabled", "true")), admin.token()));
            Map<String, String> form = sts.form(tokens.signIn(SOURCE, "sam"), OPS);
            form.put("client_id", "deployer");
            form.put("client_secret", "deployer-secret-1");
            return tokens.exchange(form);
        }

        String masterUrl() {
            return server.baseUrl() + "/admin/realms/master";
        }

        /** The master realm's attributes as its GET gives them (and the admin console sends them back). */
        Map<String, Object> masterAttributes() {
            return new LinkedHashMap<>(Http.JSON.convertValue(Http.get(masterUrl(), admin.token()).json().path(ATTRIBUTES), Map.class));
        }

        String s256(String verifier) {
            try {
                byte[] digest = MessageDigest.getInstance("SHA-256").digest(verifier.getBytes(StandardCharsets.US_ASCII));
                return Base64.getUrlEncoder().withoutPadding().encodeToString(digest);
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
        }

        /** The account console's code flow (public client, PKCE S256) in {@code browser}, by SSO; the token response. */
        Http.Response accountConsoleTokens(CookieBrowser browser) {
            String redirect = server.realmUrl(TARGET) + "/account/";
            String verifier = "role-session-account-console-verifier-0123456789-abcdefghij";
            CookieBrowser.Reply authorized = browser.get(server.realmUrl(TARGET) + "/protocol/openid-connect/auth?client_id=account-console"
                    + "&response_type=code&scope=openid&redirect_uri=" + URLEncoder.encode(redirect, StandardCharsets.UTF_8)
                    + "&code_challenge=" + s256(verifier) + "&code_challenge_method=S256");
            assertThat(authorized.status()).as("SSO into account-console: " + authorized).isEqualTo(302);
            String location = authorized.header("location");
            assertThat(location).as(location).contains("code=");
            Map<String, String> form = new LinkedHashMap<>();
            form.put("grant_type", "authorization_code");
            form.put("code", URLDecoder.decode(location.replaceAll(".*[?&]code=([^&]+).*", "$1"), StandardCharsets.UTF_8));
            form.put("redirect_uri", redirect);
            form.put("client_id", "account-console");
            form.put("code_verifier", verifier);
            return Http.postForm(server.realmUrl(TARGET) + "/protocol/openid-connect/token", form);
        }

        // -- the target side: the role-session user ----------------------------------------------------------------

        @Test
        void signingOutTheRoleSessionUserOfABrowserRoleSessionEndsIt() {
            CookieBrowser browser = new CookieBrowser(server);
            browser.switchRole(SOURCE, "sam", "sam-pass-1", TARGET, "ops");
            String sueOps = tokens.assume(SOURCE, "sue", OPS);
            String sessionId = browserRoleSession();
            String user = roleSessionUserOf(sessionId);

            // Keycloak's Users → Sign out of the role-session user.
            ok(Http.sendJson("POST", server.adminUrl(TARGET) + "/users/" + user + "/logout", Map.of(), admin.token()));

            CookieBrowser.Reply console = browser.get(consoleUrl());
            assertThat(console.status()).as(console.toString()).isEqualTo(200);
            assertThat(console.body()).as("the role console").contains("There is no role session").doesNotContain("ops @ " + TARGET);
            JsonNode listed = Http.get(server.adminUrl(TARGET) + "/sts/roles/ops/sessions", admin.token()).json();
            assertThat(listed.findValuesAsText("sessionId")).as(listed.toString()).doesNotContain(sessionId);
            assertAdminEvent(TARGET, "ACTION", "users/" + user + "/logout");
            tokens.assertLive("sue's ops token", sueOps);
        }

        @Test
        void theAccountApiInABrowserRoleSessionChangesNoProfile() {
            CookieBrowser browser = new CookieBrowser(server);
            browser.switchRole(SOURCE, "sam", "sam-pass-1", TARGET, "ops");
            String sueOps = tokens.assume(SOURCE, "sue", OPS);
            String user = roleSessionUserOf(browserRoleSession());
            Http.Response consoleTokens = accountConsoleTokens(browser);
            assertThat(consoleTokens.status()).as(consoleTokens.toString()).isEqualTo(200);
            String accountToken = consoleTokens.json().get("access_token").asText();
            assertThat(Http.claims(accountToken).get("sub").asText()).isEqualTo(user);
            assertThat(lastEvent(TARGET, "CODE_TO_TOKEN").path("clientId").asText()).isEqualTo("account-console");

            // The account console's Personal info → Save.
            Map<String, Object> profile = new LinkedHashMap<>();
            profile.put("username", Http.claims(accountToken).path("preferred_username").asText());
            profile.put("email", Http.claims(accountToken).path("email").asText());
            profile.put("firstName", "Mallory");
            profile.put("lastName", "Test");
            Http.Response saved = Http.sendJson("POST", server.realmUrl(TARGET) + "/account/", profile, accountToken);

            // The role-session user holds none of the realm's default roles: the token is no token of client account (no
            // account role, no audience), and the Account API refuses it before the read-only user could refuse the write.
            assertThat(saved.status()).as(saved.toString()).isEqualTo(401);
            assertThat(Http.get(server.adminUrl(TARGET) + "/users/" + user, admin.token()).json().path("firstName").asText())
                    .as("the role-session user's first name: its display name, not Mallory").isEqualTo("ops @ " + TARGET);
            assertThat(Http.get(server.adminUrl(SOURCE) + "/users/" + tokens.userId(SOURCE, "sam"), admin.token()).json()
                    .path("firstName").asText()).as("sam's first name").isEqualTo("sam");
            assertThat(browser.get(consoleUrl()).body()).as("the role console").contains("ops @ " + TARGET);
            tokens.assertLive("sue's ops token", sueOps);
        }

        // -- the target side: the sts client ----------------------------------------------------------------------

        @Test
        void overwritingTheStsClientByPartialImportEndsItsTokensForGood() {
            String viaSts = tokens.assume(SOURCE, "sam", OPS);
            String viaDeployer = deployersToken();
            String stsUuid = admin.clientUuid(TARGET, "sts");
            JsonNode rep = Http.get(server.adminUrl(TARGET) + "/clients/" + stsUuid, admin.token()).json();

            Http.Response imported = Http.sendJson("POST", server.adminUrl(TARGET) + "/partialImport", Map.of("ifResourceExists", "OVERWRITE",
                    "clients", List.of(rep)), admin.token());

            // Keycloak deletes the client and creates another of the same client ID.
            assertThat(imported.status()).as(imported.toString()).isEqualTo(200);
            assertThat(imported.json().get("overwritten").asInt()).as(imported.toString()).isEqualTo(1);
            String newUuid = admin.clientUuid(TARGET, "sts");
            assertThat(newUuid).isNotEqualTo(stsUuid);
            tokens.assertEndsWithinOneSecond("a token the overwritten sts obtained", viaSts);
            tokens.assertStaysDead("the token once a client named sts exists again", viaSts);
            assertAdminEvent(TARGET, "UPDATE", "clients/" + newUuid);
            tokens.assertLive("a token another client obtained", viaDeployer);
            tokens.assertLive("a token the new sts obtains", tokens.assume(SOURCE, "sam", OPS));
        }

        // -- the source side --------------------------------------------------------------------------------------

        @Test
        void revokingTheSubjectTokenKeepsItsRoleTokensAndRefusesItsNextExchange() {
            String subject = tokens.signIn(SOURCE, "sam");
            String samOps = tokens.exchange(subject, OPS);
            String samAudit = tokens.exchange(subject, AUDIT);
            String sueOps = tokens.assume(SOURCE, "sue", OPS);
            Map<String, String> form = new LinkedHashMap<>();
            form.put("token", subject);
            form.put("token_type_hint", "access_token");
            form.put("client_id", "app");

            Http.Response revoked = Http.postForm(server.realmUrl(SOURCE) + "/protocol/openid-connect/revoke", form);

            assertThat(revoked.status()).as(revoked.toString()).isEqualTo(200);
            assertThat(lastEvent(SOURCE, "REVOKE_GRANT").path("details").path("token_id").asText())
                    .isEqualTo(Http.claims(subject).get("jti").asText());
            Http.Response refused = tokens.tryExchange(subject, OPS);
            assertThat(refused.status()).as(refused.toString()).isBetween(400, 499);
            assertThat(refused.json().get("access_token")).isNull();
            assertThat(lastEvent(TARGET, "TOKEN_EXCHANGE_ERROR").path("details").path("reason").asText())
                    .contains("rejected by realm " + SOURCE).contains("revocation");
            // By design: a role token is bound to the source session, which the revocation of one access token leaves.
            sleep(Duration.ofMillis(1200));
            tokens.assertLive("sam's ops token minted from the revoked token", samOps);
            tokens.assertLive("sam's audit token minted from the revoked token", samAudit);
            tokens.assertLive("sue's ops token", sueOps);
            tokens.assertLive("a token from sam's next sign-in", tokens.assume(SOURCE, "sam", OPS));
        }

        @Test
        void impersonatingTheSourceUserKeepsHisRoleTokensAndIsRecorded() {
            String samOps = tokens.assume(SOURCE, "sam", OPS);
            String oscarOps = tokens.assume(OTHER, "oscar", OPS);
            String sam = tokens.userId(SOURCE, "sam");
            int sessionsBefore = Http.get(server.adminUrl(SOURCE) + "/users/" + sam + "/sessions", admin.token()).json().size();

            Http.Response impersonated = Http.sendJson("POST", server.adminUrl(SOURCE) + "/users/" + sam + "/impersonation",
                    Map.of(), admin.token());

            // Keycloak opens a session of sam for the administrator: sam's own sessions, and their role tokens, stay.
            assertThat(impersonated.status()).as(impersonated.toString()).isEqualTo(200);
            JsonNode event = lastEvent(SOURCE, "IMPERSONATE");
            assertThat(event.path("userId").asText()).isEqualTo(sam);
            assertThat(event.path("details").path("impersonator").asText()).isEqualTo(KeycloakServer.ADMIN_USERNAME);
            assertThat(Http.get(server.adminUrl(SOURCE) + "/users/" + sam + "/sessions", admin.token()).json())
                    .as("sam's sessions").hasSize(sessionsBefore + 1);
            sleep(Duration.ofMillis(1200));
            tokens.assertLive("sam's ops token", samOps);
            tokens.assertLive("another account's token", oscarOps);
            tokens.assertLive("a token sam assumes afterwards", tokens.assume(SOURCE, "sam", OPS));
        }

        // -- the master realm: the account register ---------------------------------------------------------------

        @Test
        void aMasterRealmUpdateWithoutTheAccountRegisterKeepsIt() {
            Map<String, Object> before = masterAttributes();
            Map<String, Object> register = new LinkedHashMap<>();
            Map<String, Object> others = new LinkedHashMap<>();
            before.forEach((key, value) -> (key.startsWith(REGISTER) ? register : others).put(key, value));
            assertThat(register).as("the register in the master realm").containsKeys(REGISTER + "account." + SOURCE_ID,
                    REGISTER + "account." + TARGET_ID);
            String samOps = tokens.assume(SOURCE, "sam", OPS);
            String oscarAudit = tokens.assume(OTHER, "oscar", AUDIT);

            try {
                // Realm settings of the master realm, saved with every attribute but the register's.
                ok(Http.sendJson("PUT", masterUrl(), Map.of(ATTRIBUTES, others), admin.token()));

                assertThat(masterAttributes()).as("the master realm's attributes").containsAllEntriesOf(register);
                if (Http.get(masterUrl(), admin.token()).json().path("adminEventsEnabled").asBoolean()) {
                    assertRealmUpdateEvent("master");
                }
                sleep(Duration.ofMillis(1200));
                tokens.assertLive("sam's ops token", samOps);
                tokens.assertLive("oscar's audit token", oscarAudit);
                tokens.assertLive("a token sam assumes afterwards", tokens.assume(SOURCE, "sam", OPS));
            } finally {
                // Whatever happened: every register entry that went missing is put back, nothing else is touched.
                Map<String, Object> now = masterAttributes();
                if (!now.keySet().containsAll(register.keySet())) {
                    Map<String, Object> restored = new LinkedHashMap<>(now);
                    register.forEach(restored::putIfAbsent);
                    ok(Http.sendJson("PUT", masterUrl(), Map.of(ATTRIBUTES, restored), admin.token()));
                }
            }
        }
    }
}
