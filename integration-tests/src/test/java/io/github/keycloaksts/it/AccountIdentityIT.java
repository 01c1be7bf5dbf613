package io.github.keycloaksts.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.keycloaksts.it.support.Admin;
import io.github.keycloaksts.it.support.Http;
import io.github.keycloaksts.it.support.KeycloakServer;
import io.github.keycloaksts.it.support.Sts;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Account identity belongs to the platform: a realm's own administrators can read their account
 * ID but never change it, by our API or by Keycloak's ordinary realm update; IDs stay unique under concurrent writes
 * and are never handed to another realm, even after their realm is deleted.
 *
 * <p>The attack: eve administers it-idp-attacker (account 71000003) with only {@code manage-realm} (or even
 * {@code realm-admin}) there; the target account 71000001 has a role that trusts the victim account 71000002.
 */
class AccountIdentityIT {

    static final String TARGET = "it-idp-target";
    static final String VICTIM = "it-idp-victim";
    static final String ATTACKER = "it-idp-attacker";
    static final String TARGET_ID = "71000001";
    static final String VICTIM_ID = "71000002";
    static final String ATTACKER_ID = "71000003";
    static final String ROLE_ARN = "acs:ram::" + TARGET_ID + ":role/ops";

    final KeycloakServer server = KeycloakServer.shared();
    final Admin admin = new Admin(server);
    final Sts sts = new Sts(server);

    @BeforeEach
    void accounts() {
        admin.createAccountRealm(TARGET, TARGET_ID);
        admin.createSourceAccount(VICTIM, VICTIM_ID, "victor", "victor-pass-1", List.of("*"));
        admin.createSourceAccount(ATTACKER, ATTACKER_ID, "mallory", "mallory-pass-1", List.of("*"));
        Http.Response role = Http.sendJson("POST", server.adminUrl(TARGET) + "/sts/roles", Map.of("roleName", "ops",
                "trustPolicy", Map.of("Version", "1", "Statement", List.of(Map.of("Effect", "Allow", "Action", "sts:AssumeRole",
                        "Principal", Map.of("RAM", List.of("acs:ram::" + VICTIM_ID + ":root")))))), admin.token());
        assertThat(role.status()).as(role.toString()).isEqualTo(201);
    }

    @AfterEach
    void cleanUp() {
        for (String realm : List.of(TARGET, VICTIM, ATTACKER)) {
            admin.deleteRealmIfExists(realm);
        }
    }

    /** A realm-local administrator of {@code realm} with exactly these realm-management roles. */
    String realmAdminToken(String realm, String username, List<String> roles) {
        admin.createUser(realm, username, "insider-pass-1", "realm-management", roles);
        Http.Response token = Http.passwordGrant(server, realm, "admin-cli", username, "insider-pass-1");
        assertThat(token.status()).as(token.toString()).isEqualTo(200);
        return token.json().get("access_token").asText();
    }

    String accountIdOf(String realm) {
        Http.Response account = Http.get(server.realmUrl(realm) + "/sts/account");
        return account.status() == 200 ? account.json().get("accountId").asText() : null;
    }

    Http.Response malloryAssumes() {
        return sts.assumeRole(TARGET, sts.signIn(ATTACKER, "app", "mallory", "mallory-pass-1"), ROLE_ARN);
    }

    /** A new account gets the sts account theme (Switch Role in its account console); a realm that chose a theme keeps it. */
    @Test
    void aNewAccountGetsTheStsAccountThemeUnlessItChoseOne() {
        try {
            admin.createAccountRealm("it-theme-new", "71000031");
            assertThat(Http.get(server.adminUrl("it-theme-new"), admin.token()).json().path("accountTheme").asText()).isEqualTo("sts");

            assertThat(Http.sendJson("POST", server.baseUrl() + "/admin/realms", Map.of("realm", "it-theme-own", "enabled", true,
                    "accountTheme", "keycloak.v3"), admin.token()).status()).isEqualTo(201);
            assertThat(admin.giveAccountId("it-theme-own", "71000032").status()).isEqualTo(200);
            assertThat(Http.get(server.adminUrl("it-theme-own"), admin.token()).json().path("accountTheme").asText())
                    .as("the realm's own choice (the opt-out)").isEqualTo("keycloak.v3");
        } finally {
            admin.deleteRealmIfExists("it-theme-new");
            admin.deleteRealmIfExists("it-theme-own");
        }
    }

    @Test
    void aManageRealmAdminWritingAnotherAccountsIdIntoTheRealmAttributesGainsNothing() {
        String eve = realmAdminToken(ATTACKER, "eve", List.of("manage-realm"));
        JsonNode realm = Http.get(server.adminUrl(ATTACKER), eve).json();
        ((ObjectNode) realm.get("attributes")).put("sts.account-id", VICTIM_ID);
        Http.Response update = Http.sendJson("PUT", server.adminUrl(ATTACKER), realm, eve);
        assertThat(update.status()).as("Keycloak's own realm update (allowed for manage-realm)").isEqualTo(204);

        assertThat(accountIdOf(ATTACKER)).as("the attacker's account ID").isEqualTo(ATTACKER_ID);
        assertThat(accountIdOf(VICTIM)).as("the victim's account ID").isEqualTo(VICTIM_ID);

        Http.Response exchange = malloryAssumes();
        assertThat(exchange.status()).as(exchange.toString()).isEqualTo(403);
        assertThat(exchange.json().get("error").asText()).isEqualTo("access_denied");
        assertThat(exchange.json().has("access_token")).isFalse();
        JsonNode event = Http.get(server.adminUrl(TARGET) + "/events?type=TOKEN_EXCHANGE_ERROR&max=1", admin.token()).json().get(0);
        assertThat(event.get("details").get("source_account").asText()).isEqualTo(ATTACKER_ID);
        assertThat(event.get("details").get("reason").asText()).contains(ATTACKER_ID);

        // The victim's own users still assume the role: the ID was not taken from them.
        Http.Response victor = sts.assumeRole(TARGET, sts.signIn(VICTIM, "app", "victor", "victor-pass-1"), ROLE_ARN);
        assertThat(victor.status()).as(victor.toString()).isEqualTo(200);
        assertThat(Http.claims(victor.json().get("access_token").asText()).get("source_identity").asText())
                .isEqualTo("acs:ram::" + VICTIM_ID + ":user/victor");
    }

    @Test
    void realmLocalAdminsCannotRenumberTheirAccountThroughTheStsApi() {
        for (List<String> roles : List.of(List.of("manage-realm"), List.of("realm-admin"))) {
            String eve = realmAdminToken(ATTACKER, "eve-" + roles.get(0), roles);
            Http.Response put = Http.sendJson("PUT", server.adminUrl(ATTACKER) + "/sts/account", Map.of("accountId", VICTIM_ID), eve);
            assertThat(put.status()).as(roles + ": " + put).isEqualTo(403);
            Http.Response fresh = Http.sendJson("PUT", server.adminUrl(ATTACKER) + "/sts/account", Map.of("accountId", "71000099"), eve);
            assertThat(fresh.status()).as(roles + " with an unused ID: " + fresh).isEqualTo(403);
            assertThat(accountIdOf(ATTACKER)).isEqualTo(ATTACKER_ID);
            // They can still read it.
            assertThat(Http.get(server.adminUrl(ATTACKER) + "/sts/account", eve).json().get("accountId").asText()).isEqualTo(ATTACKER_ID);
        }
        // Filtered here: Keycloak's resourceTypes query parameter only knows its own types (a custom one is a 500).
        List<JsonNode> refusals = new ArrayList<>();
        Http.get(server.adminUrl(ATTACKER) + "/admin-events?max=1000", admin.token()).json().forEach(event -> {
            // Refusals only: the set-up may have reinstated the realm's ID (a success event), see Admin#createRealm.
            if ("STS_ACCOUNT".equals(event.path("resourceType").asText()) && event.hasNonNull("error")) {
                refusals.add(event);
            }
        });
        assertThat(refusals).as("refused renumbering in the admin events").hasSize(4);
        assertThat(refusals).allSatisfy(event -> {
            assertThat(event.get("error").asText()).isEqualTo("not_allowed");
            assertThat(event.get("details").get("reason").asText()).contains("master realm");
        });
        assertThat(malloryAssumes().status()).isEqualTo(403);
    }

    @Test
    void theMasterAdministratorRenumbersButNeverHandsAnIdToAnotherRealm() {
        Http.Response taken = Http.sendJson("PUT", server.adminUrl(ATTACKER) + "/sts/account", Map.of("accountId", VICTIM_ID), admin.token());
        assertThat(taken.status()).as(taken.toString()).isEqualTo(409);

        Http.Response renumbered = Http.sendJson("PUT", server.adminUrl(ATTACKER) + "/sts/account", Map.of("accountId", "71000004"), admin.token());
        assertThat(renumbered.status()).as(renumbered.toString()).isEqualTo(200);
        assertThat(accountIdOf(ATTACKER)).isEqualTo("71000004");

        // The old ID stays reserved for the realm that had it: no other realm gets it.
        Http.Response oldId = Http.sendJson("PUT", server.adminUrl(VICTIM) + "/sts/account", Map.of("accountId", ATTACKER_ID), admin.token());
        assertThat(oldId.status()).as(oldId.toString()).isEqualTo(409);

        // Deleting the victim's realm does not free its ID for another realm, by PUT or by creating a realm.
        admin.deleteRealmIfExists(VICTIM);
        Http.Response afterDelete = Http.sendJson("PUT", server.adminUrl(ATTACKER) + "/sts/account", Map.of("accountId", VICTIM_ID), admin.token());
        assertThat(afterDelete.status()).as(afterDelete.toString()).isEqualTo(409);
        Http.Response created = Http.sendJson("POST", server.baseUrl() + "/admin/realms", Map.of("realm", "it-idp-squatter", "enabled", true,
                "attributes", Map.of("sts.account-id", VICTIM_ID)), admin.token());
        try {
            assertThat(created.status()).as(created.toString()).isEqualTo(409);
            assertThat(Http.get(server.adminUrl("it-idp-squatter"), admin.token()).status()).as("no realm half-created").isEqualTo(404);
        } finally {
            admin.deleteRealmIfExists("it-idp-squatter");
        }
        Http.Response exchange = sts.assumeRole(TARGET, sts.signIn(ATTACKER, "app", "mallory", "mallory-pass-1"), ROLE_ARN);
        assertThat(exchange.status()).isEqualTo(403);

        // Not even a realm of the deleted account's own name gets the ID back by itself: it is retired.
        Http.Response restored = createRealm(VICTIM, VICTIM_ID, admin.token());
        assertThat(restored.status()).as(restored.toString()).isEqualTo(409);
        assertThat(restored.json().get("errorMessage").asText()).contains("retired", "reinstate");
        assertThat(Http.get(server.adminUrl(VICTIM), admin.token()).status()).as("no realm half-created").isEqualTo(404);
    }

    /** POST /admin/realms with {@code sts.account-id} = {@code accountId} (none if null), as {@code bearer}. */
    Http.Response createRealm(String realm, String accountId, String bearer) {
        return Http.sendJson("POST", server.baseUrl() + "/admin/realms", Map.of("realm", realm, "enabled", true,
                "eventsEnabled", true, "adminEventsEnabled", true, "adminEventsDetailsEnabled", true,
                "attributes", accountId == null ? Map.of() : Map.of("sts.account-id", accountId)), bearer);
    }

    /** The master realm's admin events about account IDs for {@code realmName} (the realm being created). */
    List<JsonNode> masterAccountEvents(String realmName) {
        List<JsonNode> events = new ArrayList<>();
        Http.get(server.adminUrl("master") + "/admin-events?max=1000", admin.token()).json().forEach(event -> {
            if ("STS_ACCOUNT".equals(event.path("resourceType").asText()) && realmName.equals(event.path("resourcePath").asText())) {
                events.add(event);
            }
        });
        return events;
    }

    /** Runs {@code test} with the master realm storing admin events (with representations), then as it was. */
    void withMasterAdminEvents(Runnable test) {
        JsonNode master = Http.get(server.adminUrl("master"), admin.token()).json();
        boolean enabled = master.path("adminEventsEnabled").asBoolean();
        boolean details = master.path("adminEventsDetailsEnabled").asBoolean();
        assertThat(Http.sendJson("PUT", server.adminUrl("master"), Map.of("adminEventsEnabled", true,
                "adminEventsDetailsEnabled", true), admin.token()).status()).isEqualTo(204);
        try {
            test.run();
        } finally {
            Http.sendJson("PUT", server.adminUrl("master"), Map.of("adminEventsEnabled", enabled,
                    "adminEventsDetailsEnabled", details), admin.token());
        }
    }

    /**
     * Onboarding staff (a master user with only {@code create-realm}) create a realm carrying
     * {@code sts.account-id} = an ID that the target's trust policy names but the platform never handed out. Before the
     * fix that realm became the account, and its users assumed the role.
     */
    @Test
    void aCreateRealmOnlyUserCannotCreateAnAccountRealm() {
        String unissued = "71000010";
        Http.Response trust = Http.sendJson("PUT", server.adminUrl(TARGET) + "/sts/roles/ops/trust-policy", Map.of("Version", "1",
                "Statement", List.of(Map.of("Effect", "Allow", "Action", "sts:AssumeRole", "Principal", Map.of("RAM",
                        List.of("acs:ram::" + VICTIM_ID + ":root", "acs:ram::" + unissued + ":root"))))), admin.token());
        assertThat(trust.status()).as(trust.toString()).isEqualTo(200);
        String onboarderId = admin.createUserWithRealmRole("master", "it-onboarder", "onboarder-pass-1", "create-realm");
        String realm = "it-idp-onboarded";
        try {
            withMasterAdminEvents(() -> {
                String onboarder = Http.passwordGrant(server, "master", "admin-cli", "it-onboarder", "onboarder-pass-1")
                        .json().get("access_token").asText();
                Http.Response created = createRealm(realm, unissued, onboarder);
                assertThat(created.status()).as(created.toString()).isEqualTo(403);
                assertThat(created.json().get("error").asText()).isEqualTo("NoPermission.AccountId");
                assertThat(created.json().get("errorMessage").asText()).contains("sts.account-id");

                // Nothing left behind: no realm, no account, the ID still free, the creator granted nothing.
                assertThat(Http.get(server.adminUrl(realm), admin.token()).status()).as("no realm").isEqualTo(404);
                assertThat(Http.get(server.realmUrl(realm) + "/sts/account").status()).isEqualTo(404);
                assertThat(Http.get(server.adminUrl("master") + "/clients?clientId=" + realm + "-realm", admin.token()).json())
                        .as("no " + realm + "-realm client in master").isEmpty();
                assertThat(Http.get(server.adminUrl("master") + "/users/" + onboarderId + "/role-mappings", admin.token()).json()
                        .path("clientMappings").has(realm + "-realm")).as("the creator granted nothing").isFalse();
                assertThat(accountIdOf(TARGET)).isEqualTo(TARGET_ID);

                List<JsonNode> events = masterAccountEvents(realm);
                assertThat(events).as("the refusal in the master realm's admin events").hasSize(1);
                JsonNode event = events.get(0);
                assertThat(event.get("operationType").asText()).isEqualTo("CREATE");
                assertThat(event.get("error").asText()).isEqualTo("not_allowed");
                assertThat(event.get("authDetails").get("userId").asText()).isEqualTo(onboarderId);
                assertThat(event.get("details").get("reason").asText()).contains("it-onboarder", "sts.account-id=" + unissued);

                // The same user still creates ordinary realms: only the ID is the platform's.
                Http.Response plain = createRealm(realm, null, onboarder);
                assertThat(plain.status()).as(plain.toString()).isEqualTo(201);
                assertThat(Http.get(server.realmUrl(realm) + "/sts/account").status()).as("not an account").isEqualTo(404);
            });
            // The ID was never registered: the platform administrator can still hand it out.
            admin.deleteRealmIfExists(realm);
            assertThat(createRealm(realm, unissued, admin.token()).status()).isEqualTo(201);
            assertThat(accountIdOf(realm)).isEqualTo(unissued);
            // The start-up import (--import-realm, no admin request) still gives IDs: the demo accounts have theirs.
            assertThat(accountIdOf("company-a")).isEqualTo("11223344");
        } finally {
            admin.deleteRealmIfExists(realm);
            Http.delete(server.adminUrl("master") + "/users/" + onboarderId, admin.token());
        }
    }

    /**
     * A deleted account's ID is retired. Before the fix, a realm re-created under the deleted
     * account's name inherited its ID, and with it the trust other accounts still had in that ID.
     */
    @Test
    void aDeletedAccountsIdIsRetiredAndOnlyReinstatedExplicitly() {
        withMasterAdminEvents(() -> {
            admin.deleteRealmIfExists(VICTIM);
            Http.Response recreated = createRealm(VICTIM, VICTIM_ID, admin.token());
            assertThat(recreated.status()).as(recreated.toString()).isEqualTo(409);
            assertThat(recreated.json().get("errorMessage").asText()).contains("sts.account-id", "retired", "reinstate");
            assertThat(Http.get(server.adminUrl(VICTIM), admin.token()).status()).as("no realm").isEqualTo(404);
            List<JsonNode> events = masterAccountEvents(VICTIM);
            assertThat(events).as("the refusal in the master realm's admin events").hasSize(1);
            assertThat(events.get(0).get("error").asText()).isEqualTo("not_allowed");
            assertThat(events.get(0).get("details").get("reason").asText()).contains("retired", VICTIM);
        });

        // Without the attribute, a realm of that name is no account: its users assume nothing that trusts the ID.
        admin.createSourceAccount(VICTIM, null, "victor", "victor-pass-1", List.of("*"), Map.of("adminEventsDetailsEnabled", true));
        assertThat(accountIdOf(VICTIM)).isNull();
        Http.Response before = sts.assumeRole(TARGET, sts.signIn(VICTIM, "app", "victor", "victor-pass-1"), ROLE_ARN);
        assertThat(before.status()).as(before.toString()).isEqualTo(403);

        String account = server.adminUrl(VICTIM) + "/sts/account";
        Http.Response plain = Http.sendJson("PUT", account, Map.of("accountId", VICTIM_ID), admin.token());
        assertThat(plain.status()).as(plain.toString()).isEqualTo(409);
        assertThat(plain.json().get("errorMessage").asText()).contains("retired", "reinstate");
        assertThat(accountIdOf(VICTIM)).isNull();
        Http.Response notRetired = Http.sendJson("PUT", account, Map.of("accountId", "71000011", "reinstate", true), admin.token());
        assertThat(notRetired.status()).as("reinstating an ID that was never retired: " + notRetired).isEqualTo(400);
        // Reinstating is a platform administrator's act: the realm's own full administrator is refused.
        String eve = realmAdminToken(VICTIM, "eve", List.of("realm-admin"));
        assertThat(Http.sendJson("PUT", account, Map.of("accountId", VICTIM_ID, "reinstate", true), eve).status()).isEqualTo(403);
        assertThat(accountIdOf(VICTIM)).isNull();

        Http.Response reinstated = Http.sendJson("PUT", account, Map.of("accountId", VICTIM_ID, "reinstate", true), admin.token());
        assertThat(reinstated.status()).as(reinstated.toString()).isEqualTo(200);
        assertThat(accountIdOf(VICTIM)).isEqualTo(VICTIM_ID);
        Http.Response after = sts.assumeRole(TARGET, sts.signIn(VICTIM, "app", "victor", "victor-pass-1"), ROLE_ARN);
        assertThat(after.status()).as(after.toString()).isEqualTo(200);
        // Once reinstated it is taken again: no second realm gets it, reinstate or not.
        assertThat(Http.sendJson("PUT", server.adminUrl(ATTACKER) + "/sts/account", Map.of("accountId", VICTIM_ID, "reinstate", true),
                admin.token()).status()).isEqualTo(409);

        List<JsonNode> updates = new ArrayList<>();
        Http.get(server.adminUrl(VICTIM) + "/admin-events?max=1000", admin.token()).json().forEach(event -> {
            if ("STS_ACCOUNT".equals(event.path("resourceType").asText()) && !event.hasNonNull("error")) {
                updates.add(event);
            }
        });
        assertThat(updates).as("the reinstatement in the realm's admin events").hasSize(1);
        assertThat(updates.get(0).get("operationType").asText()).isEqualTo("UPDATE");
        assertThat(updates.get(0).get("details").get("reinstated").asText()).isEqualTo("true");
        assertThat(updates.get(0).get("details").get("retired_from").asText()).isEqualTo(VICTIM);
        assertThat(updates.get(0).get("representation").asText()).contains("\"reinstated\":true");
    }

    @Test
    void aRealmRenameByItsOwnAdminKeepsTheAccountIdAndClaimsNoOther() {
        // A realm of its own: after the rename and deletion, its ID stays reserved for the new name.
        admin.createSourceAccount("it-idp-rename", "71000005", "rita", "rita-pass-1", List.of("*"));
        String eve = realmAdminToken("it-idp-rename", "eve", List.of("manage-realm"));
        JsonNode realm = Http.get(server.adminUrl("it-idp-rename"), eve).json();
        ((ObjectNode) realm).put("realm", "it-idp-renamed");
        ((ObjectNode) realm.get("attributes")).put("sts.account-id", VICTIM_ID);
        Http.Response rename = Http.sendJson("PUT", server.adminUrl("it-idp-rename"), realm, eve);
        try {
            assertThat(rename.status()).as(rename.toString()).isEqualTo(204);
            assertThat(accountIdOf("it-idp-renamed")).isEqualTo("71000005");
            assertThat(accountIdOf(VICTIM)).isEqualTo(VICTIM_ID);
        } finally {
            admin.deleteRealmIfExists("it-idp-rename");
            admin.deleteRealmIfExists("it-idp-renamed");
        }
    }

    @Test
    void concurrentClaimsOfOneNewIdLeaveExactlyOneOwner() throws Exception {
        List<String> realms = List.of(TARGET, VICTIM, ATTACKER);
        ExecutorService pool = Executors.newFixedThreadPool(realms.size());
        try {
            // Several rounds: the race (two cache reads both finding the ID free) needs the requests to overlap.
            for (int round = 0; round < 5; round++) {
                String id = "7100007" + round;
                CountDownLatch start = new CountDownLatch(1);
                String token = admin.token();
                List<Future<Integer>> results = new ArrayList<>();
                for (String realm : realms) {
                    Callable<Integer> claim = () -> {
                        start.await();
                        return Http.sendJson("PUT", server.adminUrl(realm) + "/sts/account", Map.of("accountId", id), token).status();
                    };
                    results.add(pool.submit(claim));
                }
                start.countDown();
                List<Integer> statuses = new ArrayList<>();
                for (Future<Integer> result : results) {
                    statuses.add(result.get());
                }
                assertThat(statuses).as("statuses").containsOnly(200, 409);
                assertThat(statuses.stream().filter(s -> s == 200).count()).as("winners " + statuses).isEqualTo(1);
                assertThat(realms.stream().filter(realm -> id.equals(accountIdOf(realm))).count()).as("realms holding " + id).isEqualTo(1);
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
