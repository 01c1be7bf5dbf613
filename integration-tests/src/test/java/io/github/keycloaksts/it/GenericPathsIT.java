package io.github.keycloaksts.it;

import static io.github.keycloaksts.it.support.RoleTokens.created;
import static io.github.keycloaksts.it.support.RoleTokens.ok;
import static io.github.keycloaksts.it.support.RoleTokens.sleep;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.keycloaksts.it.support.Http;
import io.github.keycloaksts.it.support.RoleTokens;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** Keycloak's own generic paths, first part (see {@link GenericPathsBase}). */
class GenericPathsIT extends GenericPathsBase {

    // ---- a suspended source account -------------------------------------------------------------------------

    @Nested
    class SuspendedSourceAccount {

        @Test
        void disablingTheSourceRealmEndsRoleTokensAndRefusesNewExchanges() {
            String samOps = tokens.assume(SOURCE, "sam", OPS);
            String sueAudit = tokens.assume(SOURCE, "sue", AUDIT);
            String unexpiredSubject = tokens.signIn(SOURCE, "sam");
            String oscarOps = tokens.assume(OTHER, "oscar", OPS);

            ok(Http.sendJson("PUT", server.adminUrl(SOURCE), Map.of("enabled", false), admin.token()));

            tokens.assertEndsWithinOneSecond("sam's ops token", samOps);
            tokens.assertEndsWithinOneSecond("sue's audit token", sueAudit);
            Http.Response refused = tokens.tryExchange(unexpiredSubject, OPS);
            assertThat(refused.status()).as(refused.toString()).isEqualTo(400);
            assertThat(refused.json().get("access_token")).isNull();
            assertThat(lastEvent(TARGET, "TOKEN_EXCHANGE_ERROR").path("details").path("reason").asText()).contains("disabled");
            assertRealmUpdateEvent(SOURCE);
            tokens.assertLive("another account's token", oscarOps);

            ok(Http.sendJson("PUT", server.adminUrl(SOURCE), Map.of("enabled", true), admin.token()));
            tokens.assertStaysDead("sam's ops token after the realm is enabled again", samOps);
            tokens.assertLive("a token sam gets after the account is back", tokens.assume(SOURCE, "sam", OPS));
        }

        @Test
        void aDisabledSourceClientAssumesNothingAndItsRoleTokensEnd() {
            String samOps = tokens.assume(SOURCE, "sam", OPS);
            String unexpiredSubject = tokens.signIn(SOURCE, "sam");
            String oscarOps = tokens.assume(OTHER, "oscar", OPS);
            String app = admin.clientUuid(SOURCE, "app");

            ok(Http.sendJson("PUT", server.adminUrl(SOURCE) + "/clients/" + app, Map.of("clientId", "app", "enabled", false), admin.token()));

            tokens.assertEndsWithinOneSecond("a token assumed with the app's token", samOps);
            Http.Response refused = tokens.tryExchange(unexpiredSubject, OPS);
            assertThat(refused.status()).as(refused.toString()).isEqualTo(400);
            assertThat(lastEvent(TARGET, "TOKEN_EXCHANGE_ERROR").path("details").path("reason").asText()).contains("rejected by realm " + SOURCE);
            assertAdminEvent(SOURCE, "UPDATE", "clients/" + app);
            tokens.assertLive("another account's token", oscarOps);

            ok(Http.sendJson("PUT", server.adminUrl(SOURCE) + "/clients/" + app, Map.of("clientId", "app", "enabled", true), admin.token()));
            tokens.assertStaysDead("the token after the client is enabled again", samOps);
        }

        @Test
        void aNotBeforePushOnTheSourceRealmClientOrUserEndsRoleTokens() {
            String app = admin.clientUuid(SOURCE, "app");
            String oscarOps = tokens.assume(OTHER, "oscar", OPS);

            // The realm's not-before (Sessions → Revocation → Set to now): every token of the realm issued before it.
            String samOps = tokens.assume(SOURCE, "sam", OPS);
            sleep(Duration.ofMillis(1100));
            ok(Http.sendJson("PUT", server.adminUrl(SOURCE), Map.of("notBefore", (int) now()), admin.token()));
            tokens.assertEndsWithinOneSecond("a token of before the realm's not-before", samOps);
            assertRealmUpdateEvent(SOURCE);

            // The client's not-before.
            sleep(Duration.ofMillis(1100));
            String again = tokens.assume(SOURCE, "sam", OPS);
            tokens.assertLive("a token of after the realm's not-before", again);
            sleep(Duration.ofMillis(1100));
            ok(Http.sendJson("PUT", server.adminUrl(SOURCE) + "/clients/" + app, Map.of("clientId", "app", "notBefore", (int) now()),
                    admin.token()));
            tokens.assertEndsWithinOneSecond("a token of before the client's not-before", again);
            assertAdminEvent(SOURCE, "UPDATE", "clients/" + app);

            // The user's not-before (Keycloak sets it when an administrator signs the user out everywhere).
            sleep(Duration.ofMillis(1100));
            String third = tokens.assume(SOURCE, "sam", OPS);
            String sueOps = tokens.assume(SOURCE, "sue", OPS);
            sleep(Duration.ofMillis(1100));
            ok(Http.sendJson("POST", server.adminUrl(SOURCE) + "/users/" + tokens.userId(SOURCE, "sam") + "/logout", Map.of(), admin.token()));
            tokens.assertEndsWithinOneSecond("a token of before the user's not-before", third);
            tokens.assertLive("sue's token", sueOps);
            tokens.assertLive("another account's token", oscarOps);
        }
    }

    // ---- detaching the Keycloak way -----------------------------------------------------------------------

    @Nested
    class DetachingTheKeycloakWay {

        String roleClientUuid(String roleName) {
            return admin.clientUuid(TARGET, "sts-role:" + roleName);
        }

        @Test
        void removingTheServiceAccountsRoleMappingEndsTokens() {
            String samOps = tokens.assume(SOURCE, "sam", OPS);
            String samAudit = tokens.assume(SOURCE, "sam", AUDIT);
            String oscarOps = tokens.assume(OTHER, "oscar", OPS);
            String serviceAccount = Http.get(server.adminUrl(TARGET) + "/clients/" + roleClientUuid("ops") + "/service-account-user",
                    admin.token()).json().get("id").asText();
            String api = admin.clientUuid(TARGET, "api");
            JsonNode operator = Http.get(server.adminUrl(TARGET) + "/clients/" + api + "/roles/operator", admin.token()).json();

            Http.Response removed = Http.sendJson("DELETE", server.adminUrl(TARGET) + "/users/" + serviceAccount + "/role-mappings/clients/" + api,
                    List.of(operator), admin.token());

            if (removed.status() < 300) {
                tokens.assertEndsWithinOneSecond("sam's ops token", samOps);
                tokens.assertEndsWithinOneSecond("another account's ops token", oscarOps);
                assertAdminEvent(TARGET, "DELETE", "users/" + serviceAccount + "/role-mappings");
                ok(Http.sendJson("POST", server.adminUrl(TARGET) + "/users/" + serviceAccount + "/role-mappings/clients/" + api,
                        List.of(operator), admin.token()));
                tokens.assertStaysDead("sam's ops token after the mapping is back", samOps);
            } else {
                // Refusing the path is the other sound answer: then nothing changed.
                assertThat(removed.status()).as(removed.toString()).isEqualTo(403);
                tokens.assertLive("sam's ops token", samOps);
            }
            tokens.assertLive("sam's audit token", samAudit);
        }

        @Test
        void aManageUsersAdminMappingARoleToTheServiceAccountAttachesNothing() {
            admin.createUser(TARGET, "users-only", "users-only-pass-1", "realm-management", List.of("manage-users"));
            String insider = Http.passwordGrant(server, TARGET, "admin-cli", "users-only", "users-only-pass-1").accessToken();
            String samOps = tokens.assume(SOURCE, "sam", OPS);
            JsonNode principals = Http.get(server.adminUrl(TARGET) + "/users?exact=true&username=service-account-sts-role:ops", insider).json();
            assertThat(principals).as("the insider finds the role's principal").hasSize(1);
            String serviceAccount = principals.get(0).get("id").asText();
            String api = admin.clientUuid(TARGET, "api");
            JsonNode auditor = Http.get(server.adminUrl(TARGET) + "/clients/" + api + "/roles/auditor", admin.token()).json();

            // Keycloak's Service account roles tab: manage-users and the right to map the role, no manage-realm.
            Http.Response mapped = Http.sendJson("POST", server.adminUrl(TARGET) + "/users/" + serviceAccount + "/role-mappings/clients/" + api,
                    List.of(auditor), insider);
            assertThat(mapped.status()).as(mapped.toString()).isBetween(200, 204);
            assertAdminEvent(TARGET, "CREATE", "users/" + serviceAccount + "/role-mappings");

            JsonNode policies = Http.get(server.adminUrl(TARGET) + "/sts/roles/ops/policies", admin.token()).json();
            assertThat(policies.toString()).as("the role's attached policies").contains("operator").doesNotContain("auditor");
            String after = tokens.assume(SOURCE, "sam", OPS);
            assertThat(Http.claims(after).path("resource_access").path("api").path("roles").toString())
                    .as("a new ops token").contains("operator").doesNotContain("auditor");
            tokens.assertLive("the ops token of before, whose policies did not change", samOps);
        }

        @Test
        void deletingAnAttachedRoleEndsTokens() {
            String samOps = tokens.assume(SOURCE, "sam", OPS);
            String samAudit = tokens.assume(SOURCE, "sam", AUDIT);
            String api = admin.clientUuid(TARGET, "api");

            ok(Http.delete(server.adminUrl(TARGET) + "/clients/" + api + "/roles/operator", admin.token()));

            tokens.assertEndsWithinOneSecond("sam's ops token", samOps);
            assertAdminEvent(TARGET, "DELETE", "clients/" + api + "/roles/operator");
            created(Http.sendJson("POST", server.adminUrl(TARGET) + "/clients/" + api + "/roles", Map.of("name", "operator"), admin.token()));
            tokens.assertStaysDead("sam's ops token after a role of the same name is created", samOps);
            tokens.assertLive("sam's audit token", samAudit);
        }

        @Test
        void renamingAnAttachedRoleEndsTokens() {
            String samOps = tokens.assume(SOURCE, "sam", OPS);
            String samAudit = tokens.assume(SOURCE, "sam", AUDIT);
            String api = admin.clientUuid(TARGET, "api");

            ok(Http.sendJson("PUT", server.adminUrl(TARGET) + "/clients/" + api + "/roles/operator", Map.of("name", "operator-renamed"),
                    admin.token()));

            tokens.assertEndsWithinOneSecond("sam's ops token", samOps);
            assertAdminEvent(TARGET, "UPDATE", "clients/" + api + "/roles/operator");
            ok(Http.sendJson("PUT", server.adminUrl(TARGET) + "/clients/" + api + "/roles/operator-renamed", Map.of("name", "operator"),
                    admin.token()));
            tokens.assertStaysDead("sam's ops token after the name is back", samOps);
            tokens.assertLive("sam's audit token", samAudit);
            tokens.assertLive("a new ops token", tokens.assume(SOURCE, "sam", OPS));
        }

        @Test
        void removingAChildFromAnAttachedCompositeEndsTokens() {
            String samWide = tokens.assume(SOURCE, "sam", WIDE);
            String samOps = tokens.assume(SOURCE, "sam", OPS);
            assertThat(Http.claims(samWide).path("realm_access").path("roles").toString()).contains("bundle");

            ok(Http.sendJson("DELETE", server.adminUrl(TARGET) + "/roles/bundle/composites", List.of(tokens.realmRole(TARGET, "writer")),
                    admin.token()));

            tokens.assertEndsWithinOneSecond("sam's wide token", samWide);
            assertAdminEvent(TARGET, "DELETE", "roles/bundle/composites");
            ok(Http.sendJson("POST", server.adminUrl(TARGET) + "/roles/bundle/composites", List.of(tokens.realmRole(TARGET, "writer")),
                    admin.token()));
            tokens.assertStaysDead("sam's wide token after the child is back", samWide);
            tokens.assertLive("sam's ops token", samOps);
        }
    }

    // ---- the role-session store is no switch that turns back on -------------------------------------------

    @Nested
    class RoleSessionStore {

        List<JsonNode> components() {
            JsonNode components = Http.get(server.adminUrl(TARGET) + "/components?type=org.keycloak.storage.UserStorageProvider",
                    admin.token()).json();
            List<JsonNode> ours = new ArrayList<>();
            components.forEach(c -> {
                if ("sts-role-sessions".equals(c.path("providerId").asText())) {
                    ours.add(c);
                }
            });
            return ours;
        }

        JsonNode component() {
            List<JsonNode> ours = components();
            assertThat(ours).hasSize(1);
            return ours.get(0);
        }

        Http.Response update(JsonNode component, Map<String, Object> changes) {
            Map<String, Object> rep = new LinkedHashMap<>(Http.JSON.convertValue(component, Map.class));
            rep.putAll(changes);
            return Http.sendJson("PUT", server.adminUrl(TARGET) + "/components/" + component.get("id").asText(), rep, admin.token());
        }

        Map<String, Object> config(JsonNode component, String key, String value) {
            Map<String, Object> config = new LinkedHashMap<>(Http.JSON.convertValue(component.get("config"), Map.class));
            config.put(key, List.of(value));
            return Map.of("config", config);
        }

        @Test
        void reEnablingTheStoreBringsNothingBack() {
            String samOps = tokens.assume(SOURCE, "sam", OPS);
            JsonNode store = component();

            ok(update(store, config(store, "enabled", "false")));
            tokens.assertEndsWithinOneSecond("a token of the disabled store", samOps);
            assertAdminEvent(TARGET, "UPDATE", "components/" + store.get("id").asText());

            ok(update(component(), config(store, "enabled", "true")));
            tokens.assertStaysDead("a token of the store enabled again", samOps);
            String again = tokens.assume(SOURCE, "sam", OPS);
            tokens.assertLive("a token issued after the store was enabled again", again);
            assertThat(components()).as("the next session is issued by a new store").hasSize(2);
        }

        @Test
        void reCreatingTheStoreWithItsOldIdBringsNothingBack() {
            String samOps = tokens.assume(SOURCE, "sam", OPS);
            JsonNode store = component();

            ok(Http.delete(server.adminUrl(TARGET) + "/components/" + store.get("id").asText(), admin.token()));
            tokens.assertEndsWithinOneSecond("a token of the removed store", samOps);

            Map<String, Object> copy = new LinkedHashMap<>(Http.JSON.convertValue(store, Map.class));
            Http.Response recreated = Http.sendJson("POST", server.adminUrl(TARGET) + "/components", copy, admin.token());
            created(recreated);
            assertThat(components()).extracting(c -> c.get("id").asText()).as("re-created with its old ID")
                    .containsExactly(store.get("id").asText());
            assertAdminEvent(TARGET, "CREATE", "components/" + store.get("id").asText());
            tokens.assertStaysDead("a token of the re-created store", samOps);
            tokens.assertLive("a token issued afterwards", tokens.assume(SOURCE, "sam", OPS));
        }

        @Test
        void changingTheProviderTypeAndBackBringsNothingBack() {
            String samOps = tokens.assume(SOURCE, "sam", OPS);
            JsonNode store = component();
            String realmId = Http.get(server.adminUrl(TARGET), admin.token()).json().get("id").asText();
            String otherParent = Http.get(server.adminUrl(TARGET) + "/components?type=org.keycloak.keys.KeyProvider", admin.token())
                    .json().get(0).get("id").asText();

            // Out of service under another parent, then back: an update the factory sees only on the way back.
            ok(update(store, Map.of("parentId", otherParent)));
            ok(update(store, Map.of("parentId", realmId)));
            tokens.assertStaysDead("a token of a store moved away and back", samOps);

            String second = tokens.assume(SOURCE, "sam", OPS);
            tokens.assertLive("a token of the next store", second);
            JsonNode next = components().stream().filter(c -> !c.get("id").asText().equals(store.get("id").asText())).findFirst()
                    .orElseThrow();
            Http.Response retyped = update(next, Map.of("providerId", "ldap"));
            if (retyped.status() < 300) {
                tokens.assertEndsWithinOneSecond("a token of a store turned into LDAP", second);
                Http.Response back = update(next, Map.of("providerId", "sts-role-sessions"));
                ok(back);
                tokens.assertStaysDead("a token of a store turned back", second);
            } else {
                // Keycloak refused the other provider's configuration: nothing changed.
                assertThat(retyped.status()).as(retyped.toString()).isBetween(400, 499);
                tokens.assertLive("a token of the unchanged store", second);
            }
            tokens.assertLive("a token issued afterwards", tokens.assume(SOURCE, "sam", OPS));
        }
    }

    // ---- opting a client in is an administrator's decision ---------------------------------------------------------

    @Nested
    class OptingIn {

        String registrationUrl() {
            return server.baseUrl() + "/realms/" + TARGET + "/clients-registrations/default";
        }

        /** Admin events of the target realm with an error whose reason names {@code text}. */
        long refusalsNaming(String text) {
            JsonNode events = Http.get(server.adminUrl(TARGET) + "/admin-events?max=100", admin.token()).json();
            long count = 0;
            for (JsonNode event : events) {
                if (!event.path("error").isMissingNode() && !event.path("error").isNull()
                        && event.path("details").path("reason").asText().contains(text)) {
                    count++;
                }
            }
            return count;
        }

        @Test
        void clientRegistrationCannotOptAClientInToAssumeRole() {
            String initial = Http.sendJson("POST", server.adminUrl(TARGET) + "/clients-initial-access", Map.of("count", 2, "expiration", 300),
                    admin.token()).json().get("token").asText();

            Http.Response optedIn = Http.sendJson("POST", registrationUrl(), Map.of("clientId", "self-opted", "publicClient", false,
                    "attributes", Map.of("sts.assume-role.enabled", "true")), initial);
            assertThat(optedIn.status()).as(optedIn.toString()).isEqualTo(403);
            assertThat(Http.get(server.adminUrl(TARGET) + "/clients?clientId=self-opted", admin.token()).json()).as("no client").isEmpty();
            assertThat(refusalsNaming("sts.assume-role.enabled of client self-opted")).isEqualTo(1);

            Http.Response plain = Http.sendJson("POST", registrationUrl(), Map.of("clientId", "self-made", "publicClient", false), initial);
            assertThat(plain.status()).as(plain.toString()).isEqualTo(201);
            String registrationToken = plain.json().get("registrationAccessToken").asText();
            Map<String, Object> update = new LinkedHashMap<>(Http.JSON.convertValue(plain.json(), Map.class));
            update.put("attributes", Map.of("sts.assume-role.enabled", "true"));
            Http.Response selfOptIn = Http.sendJson("PUT", registrationUrl() + "/self-made", update, registrationToken);
            assertThat(selfOptIn.status()).as(selfOptIn.toString()).isEqualTo(403);
            JsonNode stored = Http.get(server.adminUrl(TARGET) + "/clients?clientId=self-made", admin.token()).json().get(0);
            assertThat(stored.path("attributes").path("sts.assume-role.enabled").asText("")).as("unchanged").isNotEqualTo("true");
            assertThat(refusalsNaming("sts.assume-role.enabled of client self-made")).isEqualTo(1);
        }
    }

    // ---- a second per-user revocation ---------------------------------------------------------------------------------

    @Nested
    class Revocation {

        @Test
        void aSecondPerUserRevocationKeepsTheFirstsSessionsEnded() {
            String first = tokens.assume(SOURCE, "sam", OPS);
            String sueOps = tokens.assume(SOURCE, "sue", OPS);
            String sam = tokens.userId(SOURCE, "sam");
            String endSam = server.adminUrl(TARGET) + "/sts/roles/ops/sessions?sourceAccountId=" + SOURCE_ID + "&sourceUserId=" + sam;

            ok(Http.delete(endSam, admin.token()));
            tokens.assertEndsWithinOneSecond("sam's first token", first);
            sleep(Duration.ofMillis(1100));
            String second = tokens.assume(SOURCE, "sam", OPS);
            tokens.assertLive("a token after the first revocation", second);

            ok(Http.delete(endSam, admin.token()));
            tokens.assertEndsWithinOneSecond("sam's second token", second);
            tokens.assertStaysDead("sam's first token", first);
            tokens.assertLive("sue's token", sueOps);
            tokens.assertLive("a token after the second revocation", tokens.assume(SOURCE, "sam", OPS));
        }
    }

    // ---- more rows of the path matrix (docs/security.md) -----------------------------------------------------------

    @Nested
    class MoreKeycloakPaths {

        @Test
        void deletingTheSourceRealmEndsItsRoleTokens() {
            String samOps = tokens.assume(SOURCE, "sam", OPS);
            String oscarOps = tokens.assume(OTHER, "oscar", OPS);

            ok(Http.delete(server.adminUrl(SOURCE), admin.token()));

            tokens.assertEndsWithinOneSecond("a token of the deleted account", samOps);
            tokens.assertLive("another account's token", oscarOps);
        }

        @Test
        void deletingTheSourceClientEndsTheRoleTokensMintedThroughIt() {
            String samOps = tokens.assume(SOURCE, "sam", OPS);
            String oscarOps = tokens.assume(OTHER, "oscar", OPS);
            String app = admin.clientUuid(SOURCE, "app");

            ok(Http.delete(server.adminUrl(SOURCE) + "/clients/" + app, admin.token()));

            tokens.assertEndsWithinOneSecond("a token assumed with the deleted client's token", samOps);
            assertAdminEvent(SOURCE, "DELETE", "clients/" + app);
            tokens.assertLive("another account's token", oscarOps);
        }

        @Test
        void addingAChildToAnAttachedCompositeEndsTokensForGood() {
            String samWide = tokens.assume(SOURCE, "sam", WIDE);
            String samOps = tokens.assume(SOURCE, "sam", OPS);
            admin.createRealmRole(TARGET, "extra");

            ok(Http.sendJson("POST", server.adminUrl(TARGET) + "/roles/bundle/composites", List.of(tokens.realmRole(TARGET, "extra")),
                    admin.token()));

            tokens.assertEndsWithinOneSecond("sam's wide token after a widening", samWide);
            assertAdminEvent(TARGET, "CREATE", "roles/bundle/composites");
            ok(Http.sendJson("DELETE", server.adminUrl(TARGET) + "/roles/bundle/composites", List.of(tokens.realmRole(TARGET, "extra")),
                    admin.token()));
            tokens.assertStaysDead("sam's wide token after the child is gone again", samWide);
            tokens.assertLive("sam's ops token", samOps);
        }

        @Test
        void renamingTheClientOfAnAttachedClientRoleEndsTokens() {
            String samOps = tokens.assume(SOURCE, "sam", OPS);
            String samWide = tokens.assume(SOURCE, "sam", WIDE);
            String api = admin.clientUuid(TARGET, "api");
            // An introspecting client that needs no audience: the token's `aud` names the old client ID.
            created(Http.sendJson("POST", server.adminUrl(TARGET) + "/clients", Map.of("clientId", "inspector", "publicClient", false,
                    "secret", "inspector-secret-1", "standardFlowEnabled", false,
                    "attributes", Map.of("allow.token.introspection.without.audience.check", "true")), admin.token()));
            RoleTokens inspector = new RoleTokens(server, TARGET, "inspector", "inspector-secret-1");
            inspector.assertLive("sam's ops token", samOps);

            ok(Http.sendJson("PUT", server.adminUrl(TARGET) + "/clients/" + api, Map.of("clientId", "api-renamed"), admin.token()));

            inspector.assertEndsWithinOneSecond("sam's ops token after its policy's client was renamed", samOps);
            assertAdminEvent(TARGET, "UPDATE", "clients/" + api);
            ok(Http.sendJson("PUT", server.adminUrl(TARGET) + "/clients/" + api, Map.of("clientId", "api"), admin.token()));
            tokens.assertStaysDead("sam's ops token after the client's name is back", samOps);
            inspector.assertLive("sam's wide token (no client role of api)", samWide);
        }

        @Test
        void deletingTheRolesPrincipalEndsItsTokens() {
            String samOps = tokens.assume(SOURCE, "sam", OPS);
            String samAudit = tokens.assume(SOURCE, "sam", AUDIT);
            String roleClient = admin.clientUuid(TARGET, "sts-role:ops");
            String principal = Http.get(server.adminUrl(TARGET) + "/clients/" + roleClient + "/service-account-user", admin.token())
                    .json().get("id").asText();

            Http.Response deleted = Http.delete(server.adminUrl(TARGET) + "/users/" + principal, admin.token());

            if (deleted.status() < 300) {
                tokens.assertEndsWithinOneSecond("sam's ops token", samOps);
                assertAdminEvent(TARGET, "DELETE", "users/" + principal);
            } else {
                assertThat(deleted.status()).as(deleted.toString()).isBetween(400, 499);
                tokens.assertLive("sam's ops token, nothing changed", samOps);
            }
            tokens.assertLive("sam's audit token", samAudit);
        }

        @Test
        void revokingARoleTokenAtKeycloaksRevocationEndpointEndsIt() {
            String samOps = tokens.assume(SOURCE, "sam", OPS);
            String other = tokens.assume(SOURCE, "sam", OPS);
            Map<String, String> form = new LinkedHashMap<>();
            form.put("token", samOps);
            form.put("client_id", "sts");

            Http.Response revoked = Http.postForm(server.realmUrl(TARGET) + "/protocol/openid-connect/revoke", form);

            assertThat(revoked.status()).as(revoked.toString()).isEqualTo(200);
            tokens.assertEndsWithinOneSecond("the revoked role token", samOps);
            tokens.assertLive("sam's other token of the role", other);
        }

        @Test
        void clientRegistrationCannotCreateARoleClient() {
            String initial = Http.sendJson("POST", server.adminUrl(TARGET) + "/clients-initial-access", Map.of("count", 2, "expiration", 300),
                    admin.token()).json().get("token").asText();
            String registration = server.baseUrl() + "/realms/" + TARGET + "/clients-registrations/default";

            Http.Response named = Http.sendJson("POST", registration, Map.of("clientId", "sts-role:registered", "publicClient", false), initial);
            Http.Response attributed = Http.sendJson("POST", registration, Map.of("clientId", "innocent", "publicClient", false,
                    "attributes", Map.of("sts.trust-policy", "{}", "sts.role-name", "innocent")), initial);

            assertThat(named.status()).as(named.toString()).isEqualTo(403);
            assertThat(attributed.status()).as(attributed.toString()).isEqualTo(403);
            assertThat(Http.get(server.adminUrl(TARGET) + "/sts/roles/registered", admin.token()).status()).isEqualTo(404);
            assertThat(Http.get(server.adminUrl(TARGET) + "/clients?clientId=innocent", admin.token()).json()).isEmpty();
        }
    }

    // ---- Keycloak's switches on the target realm and on the client that obtained a role token ------------------------

    /**
     * Keycloak refuses role tokens while the target realm is disabled, renamed or has a later not-before, and while the
     * token's {@code azp} client is disabled, missing or has a later not-before; keycloak-sts makes each of these a
     * permanent end, so undoing the switch revives nothing. Opting a client out, which Keycloak does not see, ends the
     * tokens it obtained too.
     */
    @Nested
    class TargetSideSwitches {

        Http.Response updateRealm(Map<String, Object> changes) {
            return Http.sendJson("PUT", server.adminUrl(TARGET), changes, admin.token());
        }

        Http.Response updateClient(String clientId, Map<String, Object> changes) {
            Map<String, Object> rep = new LinkedHashMap<>(changes);
            rep.putIfAbsent("clientId", clientId);
            return Http.sendJson("PUT", server.adminUrl(TARGET) + "/clients/" + admin.clientUuid(TARGET, clientId), rep, admin.token());
        }

        /** A confidential client {@code deployer} of the target that opted in, and the role token it obtains for sam. */
        String optedInClientsToken() {
            created(Http.sendJson("POST", server.adminUrl(TARGET) + "/clients", Map.of("clientId", "deployer", "publicClient", false,
                    "secret", "deployer-secret-1", "standardFlowEnabled", false,
                    "attributes", Map.of("sts.assume-role.enabled", "true")), admin.token()));
            return deployersToken();
        }

        String deployersToken() {
            Map<String, String> form = sts.form(tokens.signIn(SOURCE, "sam"), OPS);
            form.put("client_id", "deployer");
            form.put("client_secret", "deployer-secret-1");
            return tokens.exchange(form);
        }

        @Test
        void disablingTheTargetRealmAndEnablingItAgainRevivesNoRoleToken() {
            String samOps = tokens.assume(SOURCE, "sam", OPS);
            String oscarAudit = tokens.assume(OTHER, "oscar", AUDIT);
            String samsSubjectToken = tokens.signIn(SOURCE, "sam");

            ok(updateRealm(Map.of("enabled", false)));
            Http.Response refused = tokens.tryExchange(samsSubjectToken, OPS);
            assertThat(refused.status()).as(refused.toString()).isEqualTo(403);
            ok(updateRealm(Map.of("enabled", true)));

            tokens.assertStaysDead("sam's ops token after the realm is enabled again", samOps);
            tokens.assertStaysDead("oscar's audit token after the realm is enabled again", oscarAudit);
            assertRealmUpdateEvent(TARGET);
            tokens.assertLive("a token issued after the realm is back, from sam's same source token",
                    tokens.exchange(samsSubjectToken, OPS));
        }

        /**
         * keycloak-sts's listener is global: a realm administrator (manage-events) who turns the realm's admin events off
         * and empties its event listeners does not turn it off.
         */
        @Test
        void turningTheRealmsEventsOffDoesNotTurnTheSwitchesBackIntoRevivals() {
            ok(Http.sendJson("PUT", server.adminUrl(TARGET) + "/events/config", Map.of("eventsListeners", List.of(),
                    "adminEventsEnabled", false, "eventsEnabled", false), admin.token()));
            String samOps = tokens.assume(SOURCE, "sam", OPS);

            ok(updateRealm(Map.of("enabled", false)));
            ok(updateRealm(Map.of("enabled", true)));

            tokens.assertStaysDead("sam's ops token after the realm is enabled again", samOps);
            tokens.assertLive("a token issued after the realm is back", tokens.assume(SOURCE, "sam", OPS));
        }

        @Test
        void aTargetRealmNotBeforeClearedAgainRevivesNothing() {
            String samOps = tokens.assume(SOURCE, "sam", OPS);
            sleep(Duration.ofMillis(1100));

            ok(updateRealm(Map.of("notBefore", (int) now())));
            tokens.assertEndsWithinOneSecond("a token of before the target realm's not-before", samOps);
            String after = tokens.assume(SOURCE, "sam", AUDIT);
            ok(updateRealm(Map.of("notBefore", 0)));

            tokens.assertStaysDead("the token after the not-before is cleared", samOps);
            tokens.assertLive("a token issued after the not-before", after);
            assertRealmUpdateEvent(TARGET);
        }

        @Test
        void logoutAllOnTheTargetRealmEndsRoleTokensForGood() {
            String samOps = tokens.assume(SOURCE, "sam", OPS);
            sleep(Duration.ofMillis(1100));

            ok(Http.sendJson("POST", server.adminUrl(TARGET) + "/logout-all", Map.of(), admin.token()));
            tokens.assertEndsWithinOneSecond("a token of before logout-all", samOps);
            assertAdminEvent(TARGET, "ACTION", "logout-all");
            ok(updateRealm(Map.of("notBefore", 0)));

            tokens.assertStaysDead("the token after the not-before of logout-all is cleared", samOps);
            tokens.assertLive("a token issued afterwards", tokens.assume(SOURCE, "sam", OPS));
        }

        @Test
        void renamingTheTargetRealmAndBackRevivesNothing() {
            String samOps = tokens.assume(SOURCE, "sam", OPS);
            String renamed = TARGET + "-renamed";

            ok(updateRealm(Map.of("realm", renamed)));
            try {
                ok(Http.sendJson("PUT", server.adminUrl(renamed), Map.of("realm", TARGET), admin.token()));
            } finally {
                admin.deleteRealmIfExists(renamed);
            }

            tokens.assertStaysDead("sam's ops token after the realm's name is back", samOps);
            assertRealmUpdateEvent(TARGET);
            tokens.assertLive("a token issued under the name", tokens.assume(SOURCE, "sam", OPS));
        }

        @Test
        void disablingTheStsClientAndEnablingItAgainRevivesNothing() {
            String viaSts = tokens.assume(SOURCE, "sam", OPS);
            String viaDeployer = optedInClientsToken();

            ok(updateClient("sts", Map.of("enabled", false)));
            tokens.assertEndsWithinOneSecond("a token sts obtained", viaSts);
            ok(updateClient("sts", Map.of("enabled", true)));

            tokens.assertStaysDead("the token after sts is enabled again", viaSts);
            assertAdminEvent(TARGET, "UPDATE", "clients/" + admin.clientUuid(TARGET, "sts"));
            tokens.assertLive("a token another client obtained", viaDeployer);
            tokens.assertLive("a token sts obtains afterwards", tokens.assume(SOURCE, "sam", OPS));
        }

        @Test
        void optingAClientOutEndsItsTokensAndOptingInAgainRevivesNothing() {
            String viaDeployer = optedInClientsToken();
            String viaSts = tokens.assume(SOURCE, "sam", OPS);

            ok(updateClient("deployer", Map.of("attributes", Map.of("sts.assume-role.enabled", "false"))));
            tokens.assertEndsWithinOneSecond("a token of the client that opted out", viaDeployer);
            ok(updateClient("deployer", Map.of("attributes", Map.of("sts.assume-role.enabled", "true"))));

            tokens.assertStaysDead("the token after the client opted in again", viaDeployer);
            assertAdminEvent(TARGET, "UPDATE", "clients/" + admin.clientUuid(TARGET, "deployer"));
            tokens.assertLive("a token sts obtained", viaSts);
            tokens.assertLive("a token the client obtains after opting in again", deployersToken());
        }

        @Test
        void aClientNotBeforeClearedAgainRevivesNothing() {
            String viaSts = tokens.assume(SOURCE, "sam", OPS);
            String viaDeployer = optedInClientsToken();
            sleep(Duration.ofMillis(1100));

            ok(updateClient("sts", Map.of("notBefore", (int) now())));
            tokens.assertEndsWithinOneSecond("a token of before the client's not-before", viaSts);
            ok(updateClient("sts", Map.of("notBefore", 0)));

            tokens.assertStaysDead("the token after the client's not-before is cleared", viaSts);
            tokens.assertLive("a token another client obtained", viaDeployer);
            tokens.assertLive("a token sts obtains afterwards", tokens.assume(SOURCE, "sam", OPS));
        }

        @Test
        void deletingTheStsClientAndCreatingItAgainRevivesNothing() {
            String viaSts = tokens.assume(SOURCE, "sam", OPS);
            String viaDeployer = optedInClientsToken();
            String stsUuid = admin.clientUuid(TARGET, "sts");
            Map<String, Object> rep = new LinkedHashMap<>(Http.JSON.convertValue(
                    Http.get(server.adminUrl(TARGET) + "/clients/" + stsUuid, admin.token()).json(), Map.class));
            rep.remove("id");

            ok(Http.delete(server.adminUrl(TARGET) + "/clients/" + stsUuid, admin.token()));
            tokens.assertEndsWithinOneSecond("a token of the deleted sts client", viaSts);
            created(Http.sendJson("POST", server.adminUrl(TARGET) + "/clients", rep, admin.token()));

            tokens.assertStaysDead("the token after a client named sts is created again", viaSts);
            assertAdminEvent(TARGET, "DELETE", "clients/" + stsUuid);
            tokens.assertLive("a token another client obtained", viaDeployer);
            tokens.assertLive("a token the new sts obtains", tokens.assume(SOURCE, "sam", OPS));
        }

        @Test
        void renamingTheStsClientAndBackRevivesNothing() {
            String viaSts = tokens.assume(SOURCE, "sam", OPS);
            String stsUuid = admin.clientUuid(TARGET, "sts");

            ok(Http.sendJson("PUT", server.adminUrl(TARGET) + "/clients/" + stsUuid, Map.of("clientId", "sts-renamed"), admin.token()));
            tokens.assertEndsWithinOneSecond("a token of the renamed sts client", viaSts);
            ok(Http.sendJson("PUT", server.adminUrl(TARGET) + "/clients/" + stsUuid, Map.of("clientId", "sts"), admin.token()));

            tokens.assertStaysDead("the token after the name is back", viaSts);
            tokens.assertLive("a token sts obtains afterwards", tokens.assume(SOURCE, "sam", OPS));
        }
    }

}
