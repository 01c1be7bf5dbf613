package io.github.keycloaksts.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.keycloaksts.it.support.Admin;
import io.github.keycloaksts.it.support.Http;
import io.github.keycloaksts.it.support.KeycloakServer;
import io.github.keycloaksts.it.support.Sts;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Dry runs of trust changes ({@code PUT …/trust-policy?dryRun=true}, {@code DELETE /sts/roles/{roleName}?dryRun=true})
 * report who gains or loses access and which live sessions end — the same accounts and sessions the real change then
 * ends — and change nothing: no write, no revocation, no admin event.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TrustChangeDryRunIT {

    static final String TARGET = "it-dry-a";
    static final String TARGET_ID = "55661011";
    static final String DORA_REALM = "it-dry-b";
    static final String DORA_ID = "55661022";
    static final String CARL_REALM = "it-dry-c";
    static final String CARL_ID = "55661033";

    final KeycloakServer server = KeycloakServer.shared();
    final Admin admin = new Admin(server);
    final Sts sts = new Sts(server);

    @BeforeAll
    void setUp() {
        admin.createAccountRealm(TARGET, TARGET_ID);
        assertThat(Http.sendJson("PUT", server.adminUrl(TARGET) + "/sts/account", Map.of("accountId", TARGET_ID), admin.token()).status())
                .isEqualTo(200);
        Http.Response introspector = Http.sendJson("POST", server.adminUrl(TARGET) + "/clients", Map.of(
                "clientId", "introspector", "publicClient", false, "secret", "introspector-secret",
                "standardFlowEnabled", false, "attributes", Map.of("allow.token.introspection.without.audience.check", "true")), admin.token());
        assertThat(introspector.status()).as(introspector.toString()).isEqualTo(201);
        admin.createUser(TARGET, "viewer", "viewer-pass-1", "realm-management", List.of("view-realm"));
        admin.createSourceAccount(DORA_REALM, DORA_ID, "dora", "dora-pass-1", List.of("acs:ram::" + TARGET_ID + ":role/*"));
        admin.createSourceAccount(CARL_REALM, CARL_ID, "carl", "carl-pass-1", List.of("acs:ram::" + TARGET_ID + ":role/*"));
    }

    @AfterAll
    void tearDown() {
        admin.deleteRealmIfExists(TARGET);
        admin.deleteRealmIfExists(DORA_REALM);
        admin.deleteRealmIfExists(CARL_REALM);
    }

    static Map<String, Object> trusting(String... accounts) {
        return Map.of("Version", "1", "Statement", List.of(Map.of("Effect", "Allow", "Action", "sts:AssumeRole",
                "Principal", Map.of("RAM", List.of(accounts)))));
    }

    String roles() {
        return server.adminUrl(TARGET) + "/sts/roles";
    }

    void createRole(String name, Map<String, Object> trust) {
        Http.delete(roles() + "/" + name, admin.token());
        Http.Response created = Http.sendJson("POST", roles(), Map.of("roleName", name, "trustPolicy", trust), admin.token());
        assertThat(created.status()).as(created.toString()).isEqualTo(201);
    }

    String assume(String realm, String user, String role) {
        String subject = sts.signIn(realm, "app", user, user + "-pass-1");
        return sts.assumeRole(TARGET, subject, "acs:ram::" + TARGET_ID + ":role/" + role).accessToken();
    }

    boolean active(String token) {
        return sts.introspect(TARGET, "introspector", "introspector-secret", token).json().get("active").asBoolean();
    }

    /** Live sessions of the role per source account, as GET …/sessions lists them. */
    Map<String, Integer> liveSessions(String role) {
        Map<String, Integer> counts = new TreeMap<>();
        for (JsonNode s : Http.get(roles() + "/" + role + "/sessions", admin.token()).json()) {
            counts.merge(s.get("sourceAccountId").asText(), 1, Integer::sum);
        }
        return counts;
    }

    List<JsonNode> adminEvents() {
        List<JsonNode> list = new ArrayList<>();
        Http.get(server.adminUrl(TARGET) + "/admin-events?max=1000", admin.token()).json().forEach(list::add);
        return list;
    }

    @Test
    void aTrustPolicyDryRunReportsWhatTheChangeThenEnds() {
        createRole("shared", trusting(DORA_ID, CARL_ID));
        String dora1 = assume(DORA_REALM, "dora", "shared");
        String dora2 = assume(DORA_REALM, "dora", "shared");
        String carl = assume(CARL_REALM, "carl", "shared");
        String trustUrl = roles() + "/shared/trust-policy";
        String storedBefore = Http.get(trustUrl, admin.token()).body();
        int eventsBefore = adminEvents().size();
        Map<String, Integer> liveBefore = liveSessions("shared");
        assertThat(liveBefore).containsEntry(DORA_ID, 2).containsEntry(CARL_ID, 1);

        // company-a would drop dora's account and let a new one in
        Map<String, Object> change = trusting(CARL_ID, "55669999");
        Http.Response dryRun = Http.sendJson("PUT", trustUrl + "?dryRun=true", change, admin.token());

        assertThat(dryRun.status()).as(dryRun.toString()).isEqualTo(200);
        JsonNode preview = dryRun.json();
        assertThat(preview.get("dryRun").asBoolean()).isTrue();
        assertThat(preview.get("principalsLosingAccess").toString()).isEqualTo("[\"acs:ram::" + DORA_ID + ":root\"]");
        assertThat(preview.get("principalsGainingAccess").toString()).isEqualTo("[\"acs:ram::55669999:root\"]");
        assertThat(preview.get("accountsWhoseSessionsEnd").toString()).isEqualTo("[\"" + DORA_ID + "\"]");
        assertThat(preview.at("/liveSessionsEnding/total").asInt()).isEqualTo(2);
        assertThat(preview.at("/liveSessionsEnding/bySourceAccount/" + DORA_ID).asInt()).isEqualTo(2);

        // nothing changed: the stored policy, the tokens, the sessions, the admin events
        assertThat(Http.get(trustUrl, admin.token()).body()).isEqualTo(storedBefore);
        assertThat(active(dora1)).isTrue();
        assertThat(active(dora2)).isTrue();
        assertThat(active(carl)).isTrue();
        assertThat(liveSessions("shared")).isEqualTo(liveBefore);
        assertThat(adminEvents()).hasSize(eventsBefore);

        // the change itself ends exactly what the dry run said
        Http.Response real = Http.sendJson("PUT", trustUrl, change, admin.token());
        assertThat(real.status()).as(real.toString()).isEqualTo(200);
        JsonNode event = adminEvents().stream().filter(e -> "STS_TRUST_POLICY".equals(e.path("resourceType").asText()))
                .findFirst().orElseThrow();
        assertThat(event.at("/details/revoked_accounts").asText()).isEqualTo(DORA_ID);
        assertThat(active(dora1)).isFalse();
        assertThat(active(dora2)).isFalse();
        assertThat(active(carl)).isTrue();
        Map<String, Integer> liveAfter = liveSessions("shared");
        assertThat(liveBefore.get(DORA_ID) - liveAfter.getOrDefault(DORA_ID, 0)).isEqualTo(preview.at("/liveSessionsEnding/total").asInt());
        assertThat(liveAfter.get(CARL_ID)).isEqualTo(1);
    }

    @Test
    void aRoleDeletionDryRunReportsWhatTheDeletionThenEnds() {
        createRole("doomed", trusting(DORA_ID, CARL_ID));
        String carl = assume(CARL_REALM, "carl", "doomed");
        int eventsBefore = adminEvents().size();

        Http.Response dryRun = Http.delete(roles() + "/doomed?dryRun=true", admin.token());

        assertThat(dryRun.status()).as(dryRun.toString()).isEqualTo(200);
        JsonNode preview = dryRun.json();
        assertThat(preview.get("operation").asText()).isEqualTo("DELETE_ROLE");
        assertThat(preview.get("principalsLosingAccess").toString())
                .isEqualTo("[\"acs:ram::" + DORA_ID + ":root\",\"acs:ram::" + CARL_ID + ":root\"]");
        assertThat(preview.get("accountsWhoseSessionsEnd").toString()).isEqualTo("[\"" + CARL_ID + "\"]");
        assertThat(preview.at("/liveSessionsEnding/total").asInt()).isEqualTo(1);
        assertThat(Http.get(roles() + "/doomed", admin.token()).status()).isEqualTo(200);
        assertThat(active(carl)).isTrue();
        assertThat(adminEvents()).hasSize(eventsBefore);

        assertThat(Http.delete(roles() + "/doomed", admin.token()).status()).isEqualTo(204);
        assertThat(active(carl)).isFalse();
    }

    @Test
    void aDetachDryRunReportsWhatTheDetachThenEnds() {
        createRole("detachable", trusting(DORA_ID));
        Http.delete(server.adminUrl(TARGET) + "/roles/DetachPolicy", admin.token());
        admin.createRealmRole(TARGET, "DetachPolicy");
        assertThat(Http.sendJson("POST", roles() + "/detachable/policies", Map.of("policyName", "DetachPolicy"), admin.token()).status())
                .isEqualTo(201);
        assume(DORA_REALM, "dora", "detachable");
        Map<String, Integer> liveBefore = liveSessions("detachable");
        int eventsBefore = adminEvents().size();

        Http.Response dryRun = Http.delete(roles() + "/detachable/policies/DetachPolicy?dryRun=true", admin.token());

        assertThat(dryRun.status()).as(dryRun.toString()).isEqualTo(200);
        JsonNode preview = dryRun.json();
        assertThat(preview.get("operation").asText()).isEqualTo("DETACH_POLICY");
        assertThat(preview.get("principalsLosingAccess")).isEmpty();
        assertThat(preview.get("principalsGainingAccess")).isEmpty();
        assertThat(Http.get(roles() + "/detachable/policies", admin.token()).json().findValuesAsText("policyName")).contains("DetachPolicy");
        assertThat(adminEvents()).hasSize(eventsBefore);
        assertThat(Http.delete(roles() + "/detachable/policies/NoSuchPolicy?dryRun=true", admin.token()).status()).isEqualTo(404);

        // the detach ends what the dry run said, per source account
        assertThat(Http.delete(roles() + "/detachable/policies/DetachPolicy", admin.token()).status()).isEqualTo(204);
        Map<String, Integer> liveAfter = liveSessions("detachable");
        List<String> ended = new ArrayList<>();
        liveBefore.forEach((account, count) -> {
            if (liveAfter.getOrDefault(account, 0) < count) {
                ended.add(account);
            }
        });
        List<String> previewed = new ArrayList<>();
        preview.get("accountsWhoseSessionsEnd").forEach(a -> previewed.add(a.asText()));
        assertThat(previewed).isEqualTo(ended);
        int endedCount = liveBefore.values().stream().mapToInt(Integer::intValue).sum()
                - liveAfter.values().stream().mapToInt(Integer::intValue).sum();
        assertThat(preview.at("/liveSessionsEnding/total").asInt()).isEqualTo(endedCount);
    }

    @Test
    void aDeletionDryRunIsRefusedAsTheDeletionIsWhilePoliciesAreAttached() {
        createRole("attached", trusting(DORA_ID));
        Http.delete(server.adminUrl(TARGET) + "/roles/DryRunPolicy", admin.token());
        admin.createRealmRole(TARGET, "DryRunPolicy");
        assertThat(Http.sendJson("POST", roles() + "/attached/policies", Map.of("policyName", "DryRunPolicy"), admin.token()).status())
                .isEqualTo(201);

        Http.Response dryRun = Http.delete(roles() + "/attached?dryRun=true", admin.token());

        assertThat(dryRun.status()).as(dryRun.toString()).isEqualTo(409);
        assertThat(dryRun.json().get("error").asText()).isEqualTo("DeleteConflict.Role.Policy");
    }

    @Test
    void aDryRunNeedsTheRightToMakeTheChangeAndAValidDocument() {
        createRole("guarded", trusting(DORA_ID));
        String trustUrl = roles() + "/guarded/trust-policy";
        String viewer = Http.passwordGrant(server, TARGET, "admin-cli", "viewer", "viewer-pass-1").accessToken();

        assertThat(Http.sendJson("PUT", trustUrl + "?dryRun=true", trusting(CARL_ID), viewer).status()).isEqualTo(403);
        assertThat(Http.delete(roles() + "/guarded?dryRun=true", viewer).status()).isEqualTo(403);

        Http.Response invalid = Http.sendJson("PUT", trustUrl + "?dryRun=true", Map.of("Version", "1", "Statement", List.of(Map.of(
                "Effect", "Allow", "Action", "sts:AssumeRole", "Principal", Map.of("RAM", List.of("nope"))))), admin.token());
        assertThat(invalid.status()).as(invalid.toString()).isEqualTo(400);
        assertThat(invalid.json().get("errorMessage").asText()).startsWith("Statement[0].Principal.RAM[0]: ");

        // a mistyped flag never makes the change it meant to preview
        Http.Response typo = Http.sendJson("PUT", trustUrl + "?dryRun=yes", trusting(CARL_ID), admin.token());
        assertThat(typo.status()).as(typo.toString()).isEqualTo(400);
        assertThat(Http.get(trustUrl, admin.token()).body()).contains(DORA_ID).doesNotContain(CARL_ID);
    }
}
