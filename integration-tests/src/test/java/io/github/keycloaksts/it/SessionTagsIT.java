package io.github.keycloaksts.it;

import static io.github.keycloaksts.it.support.Accounts.trusting;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.keycloaksts.it.support.Accounts;
import io.github.keycloaksts.it.support.Admin;
import io.github.keycloaksts.it.support.CookieBrowser;
import io.github.keycloaksts.it.support.Http;
import io.github.keycloaksts.it.support.KeycloakServer;
import io.github.keycloaksts.it.support.RoleTokens;
import io.github.keycloaksts.it.support.Sts;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Session tags and source identity. B ({@value #B_ID}): bob carries the principal tag {@code team=blue} (user attribute
 * {@code sts.tag.team}, which only administrators may edit: unmanaged attributes {@code ADMIN_EDIT}); sue has none. A
 * ({@value #A_ID}): {@code tagged} trusts B for {@code sts:AssumeRole} and {@code sts:TagSession} and grants
 * {@code next} onward; {@code untagged} trusts B for {@code sts:AssumeRole} only; {@code blue} only principals tagged
 * {@code team=blue}; {@code apollo} tags only with {@code project=apollo}; {@code bobs} only the chain that bob started
 * ({@code sts:SourceIdentity}); {@code next} trusts A's {@code tagged} and tags.
 */
class SessionTagsIT {

    static final String B = "it-tags-b";
    static final String A = "it-tags-a";
    static final String B_ID = "75200001";
    static final String A_ID = "75200002";
    static final String BOB = "acs:ram::" + B_ID + ":user/bob";

    static final KeycloakServer SERVER = KeycloakServer.shared();
    static final Admin ADMIN = new Admin(SERVER);
    static Accounts.Account a;

    final Sts sts = new Sts(SERVER);
    final RoleTokens atA = new RoleTokens(SERVER, A, "api", "api-secret-1");

    @BeforeAll
    static void accounts() {
        a = new Accounts(SERVER).account(A, A_ID);
        List<String> b = List.of("acs:ram::" + B_ID + ":root");
        a.api("api", "api-secret-1", "reader")
                .realmRole("onward", a.roleArn("next"))
                .role("tagged", trusting(b, "sts:TagSession"), 3600).attachClientRole("tagged", "api", "reader")
                .attachRealmRole("tagged", "onward")
                .role("untagged", trusting(b), 3600).attachClientRole("untagged", "api", "reader")
                .role("blue", trusting(b, Map.of("StringEquals", Map.of("acs:PrincipalTag/team", "blue")), "sts:TagSession"), 3600)
                .attachClientRole("blue", "api", "reader")
                .role("bobs", trusting(b, Map.of("StringEquals", Map.of("sts:SourceIdentity", BOB))), 3600)
                .attachClientRole("bobs", "api", "reader")
                .role("next", trusting(List.of(a.roleArn("tagged")), "sts:TagSession"), 3600).attachClientRole("next", "api", "reader");
        Map<String, Object> apolloOnly = Map.of("Version", "1", "Statement", List.of(
                Map.of("Effect", "Allow", "Action", "sts:AssumeRole", "Principal", Map.of("RAM", b)),
                Map.of("Effect", "Allow", "Action", "sts:TagSession", "Principal", Map.of("RAM", b),
                        "Condition", Map.of("StringEquals", Map.of("acs:RequestTag/project", "apollo")))));
        a.role("apollo", apolloOnly, 3600).attachClientRole("apollo", "api", "reader");
        ADMIN.createSourceAccount(B, B_ID, "bob", "bob-pass-1",
                List.of(a.roleArn("tagged"), a.roleArn("untagged"), a.roleArn("blue"), a.roleArn("bobs"), a.roleArn("apollo")));
        ADMIN.createUserWithRealmRole(B, "sue", "sue-pass-1", "assumer");
        RoleTokens.created(Http.sendJson("POST", SERVER.adminUrl(A) + "/clients", Map.of("clientId", "web", "secret", "web-secret-1",
                "publicClient", false, "redirectUris", List.of(SERVER.realmUrl(A) + "/sts/console")), ADMIN.token()));
        unmanagedAttributes("ADMIN_EDIT");
        String bob = new RoleTokens(SERVER, B, "app", null).userId(B, "bob");
        JsonNode user = Http.get(SERVER.adminUrl(B) + "/users/" + bob, ADMIN.token()).json();
        ((ObjectNode) user).set("attributes", Http.JSON.valueToTree(Map.of("sts.tag.team", List.of("blue"))));
        RoleTokens.ok(Http.sendJson("PUT", SERVER.adminUrl(B) + "/users/" + bob, user, ADMIN.token()));
    }

    /** B's user profile: who may edit attributes it does not declare ({@code ENABLED}: users too). */
    static void unmanagedAttributes(String policy) {
        JsonNode profile = Http.get(SERVER.adminUrl(B) + "/users/profile", ADMIN.token()).json();
        ((ObjectNode) profile).put("unmanagedAttributePolicy", policy);
        RoleTokens.ok(Http.sendJson("PUT", SERVER.adminUrl(B) + "/users/profile", profile, ADMIN.token()));
    }

    @AfterAll
    static void removeAccounts() {
        ADMIN.deleteRealmIfExists(A);
        ADMIN.deleteRealmIfExists(B);
    }

    Http.Response exchange(String user, String role, Map<String, String> extra) {
        Map<String, String> form = sts.form(atA.signIn(B, user), a.roleArn(role));
        form.putAll(extra);
        return sts.exchange(A, form);
    }

    static String json(Object value) {
        try {
            return Http.JSON.writeValueAsString(value);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    JsonNode okClaims(Http.Response response) {
        assertThat(response.status()).as(response.toString()).isEqualTo(200);
        return Http.claims(response.json().get("access_token").asText());
    }

    void assertInvalid(Http.Response response, String... named) {
        assertThat(response.status()).as(response.toString()).isEqualTo(400);
        assertThat(response.json().get("error").asText()).isEqualTo("invalid_request");
        assertThat(response.json().get("error_description").asText()).contains(named);
    }

    /**
     * Switch Role in the browser: the page shows bob's principal tags read only; a role that allows
     * {@code sts:TagSession} carries them into the browser role session (its tokens, the role console, the events and
     * the session list), one that does not leaves them out.
     */
    @Test
    void switchRoleShowsThePrincipalTagsAndTheBrowserRoleSessionCarriesThemWhereTheRoleTags() {
        CookieBrowser browser = new CookieBrowser(SERVER);
        CookieBrowser.Reply page = browser.signInThrough(SERVER.realmUrl(B) + "/sts/switch-role", "bob", "bob-pass-1");
        assertThat(page.body()).contains("id=\"sts-principal-tags\"").contains("<code>team=blue</code>");

        CookieBrowser.Reply console = browser.follow(browser.askForRole(B, page, A, "tagged"));
        assertThat(console.body()).as(console.toString()).contains("tagged @ " + A).contains("id=\"sts-session-tags\"")
                .contains("<code>team=blue</code>");
        Http.Response tokens = browser.codeFlowTokens(A, "web", "web-secret-1", SERVER.realmUrl(A) + "/sts/console");
        assertThat(tokens.status()).as(tokens.toString()).isEqualTo(200);
        assertThat(Http.claims(tokens.accessToken()).get("session_tags").get("team").asText()).isEqualTo("blue");
        assertThat(Http.claims(tokens.json().get("id_token").asText()).get("name").asText())
                .as("the display claims name the acting identity").isEqualTo("tagged @ " + A + " via bob @ " + B);
        assertThat(a.events("LOGIN", 5)).as("the role session's start").anySatisfy(e -> {
            assertThat(e.path("clientId").asText()).isEqualTo("sts-console");
            assertThat(e.path("details").path("session_tags").asText()).isEqualTo("team=blue");
        });
        assertThat(a.events("TOKEN_EXCHANGE", 1).get(0).get("details").get("session_tags").asText()).isEqualTo("team=blue");
        assertThat(a.sessions("tagged")).anySatisfy(s -> {
            assertThat(s.path("sourceIdentity").asText()).isEqualTo(BOB);
            assertThat(s.path("clientId").asText()).isEqualTo("sts-console");
            assertThat(s.path("sessionTags").path("team").asText()).isEqualTo("blue");
        });

        CookieBrowser.Reply switched = browser.follow(browser.askForRole(B, browser.get(SERVER.realmUrl(B) + "/sts/switch-role"), A, "untagged"));
        assertThat(switched.body()).as(switched.toString()).contains("untagged @ " + A).doesNotContain("sts-session-tags");
        Http.Response untagged = browser.codeFlowTokens(A, "web", "web-secret-1", SERVER.realmUrl(A) + "/sts/console");
        assertThat(Http.claims(untagged.accessToken()).has("session_tags")).as("a role without sts:TagSession").isFalse();
    }

    @Test
    void principalAndRequestTagsAppearInTheTokenTheEventsAndTheSessionList() {
        JsonNode claims = okClaims(exchange("bob", "tagged", Map.of("tags", json(Map.of("project", "apollo")))));

        assertThat(claims.get("session_tags").get("team").asText()).as("bob's principal tag").isEqualTo("blue");
        assertThat(claims.get("session_tags").get("project").asText()).isEqualTo("apollo");
        assertThat(claims.has("https://aws.amazon.com/tags")).as("the AWS shape only where the account opts in").isFalse();
        JsonNode event = a.events("TOKEN_EXCHANGE", 1).get(0).get("details");
        assertThat(event.get("session_tags").asText()).contains("team=blue").contains("project=apollo");
        assertThat(event.get("source_identity").asText()).isEqualTo(BOB);
        JsonNode listed = a.sessions("tagged");
        JsonNode mine = null;
        for (JsonNode row : listed) {
            if (row.get("tokenId").asText().equals(claims.get("jti").asText())) {
                mine = row;
            }
        }
        assertThat(mine).as("the session in the list").isNotNull();
        assertThat(mine.get("sessionTags").get("project").asText()).isEqualTo("apollo");
        assertThat(mine.get("sessionTags").get("team").asText()).isEqualTo("blue");
    }

    @Test
    void aRoleWithoutTagSessionRefusesRequestTagsAndLeavesPrincipalTagsOutOfTheSession() {
        Http.Response refused = exchange("bob", "untagged", Map.of("tags", json(Map.of("project", "apollo"))));
        assertThat(refused.status()).as(refused.toString()).isEqualTo(403);
        assertThat(a.events("TOKEN_EXCHANGE_ERROR", 1).get(0).get("details").get("reason").asText()).contains("sts:TagSession");

        JsonNode claims = okClaims(exchange("bob", "untagged", Map.of()));
        assertThat(claims.has("session_tags")).as("principal tags only: not tags of a role that does not tag").isFalse();
    }

    @Test
    void principalTagConditionsAllowTheTaggedUserOnly() {
        assertThat(okClaims(exchange("bob", "blue", Map.of())).get("session_tags").get("team").asText()).isEqualTo("blue");
        Http.Response sue = exchange("sue", "blue", Map.of());
        assertThat(sue.status()).as("sue has no team tag: " + sue).isEqualTo(403);
    }

    @Test
    void tagSessionConditionsDecideOnRequestTags() {
        assertThat(okClaims(exchange("sue", "apollo", Map.of("tags", json(Map.of("project", "apollo"))))).get("session_tags")
                .get("project").asText()).isEqualTo("apollo");
        assertThat(exchange("sue", "apollo", Map.of("tags", json(Map.of("project", "gemini")))).status()).isEqualTo(403);
        assertThat(okClaims(exchange("sue", "apollo", Map.of())).has("session_tags")).isFalse();
    }

    @Test
    void badTagsAreInvalidRequestsNamingTheKey() {
        Map<String, String> many = new LinkedHashMap<>();
        for (int i = 0; i < 51; i++) {
            many.put("k" + i, "v");
        }
        assertInvalid(exchange("sue", "tagged", Map.of("tags", json(many))), "tags", "50");
        assertInvalid(exchange("sue", "tagged", Map.of("tags", json(Map.of("k".repeat(129), "v")))), "tags", "k".repeat(20));
        assertInvalid(exchange("sue", "tagged", Map.of("tags", json(Map.of("cost", "v".repeat(257))))), "tags", "cost");
        assertInvalid(exchange("sue", "tagged", Map.of("tags", json(Map.of("bad#key", "v")))), "tags", "bad#key");
        assertInvalid(exchange("sue", "tagged", Map.of("tags", "{\"Project\":\"a\",\"project\":\"b\"}")), "tags", "roject");
        assertInvalid(exchange("sue", "tagged", Map.of("tags", "[\"project\"]")), "tags");
        assertInvalid(exchange("sue", "tagged", Map.of("tags", json(Map.of("project", "a")), "transitive_tag_keys",
                json(List.of("cost")))), "cost");
        assertInvalid(exchange("bob", "tagged", Map.of("tags", json(Map.of("Team", "red")))), "Team");
    }

    @Test
    void transitiveTagsFollowTheChainAndCannotBeOverridden() {
        String tagged = okClaimsToken(exchange("bob", "tagged", Map.of("tags", json(Map.of("project", "apollo", "cost", "lab")),
                "transitive_tag_keys", json(List.of("project")))));
        assertThat(Http.claims(tagged).get("transitive_tag_keys").toString()).contains("project");

        JsonNode next = Http.claims(atA.exchange(tagged, a.roleArn("next")));
        assertThat(next.get("session_tags").get("project").asText()).as("the transitive tag carries on").isEqualTo("apollo");
        assertThat(next.get("session_tags").has("cost")).as("a tag that is not transitive ends with its session").isFalse();
        assertThat(next.get("source_identity").asText()).isEqualTo(BOB);

        Map<String, String> form = sts.form(tagged, a.roleArn("next"));
        form.put("tags", json(Map.of("PROJECT", "gemini")));
        assertInvalid(sts.exchange(A, form), "project");
    }

    String okClaimsToken(Http.Response response) {
        assertThat(response.status()).as(response.toString()).isEqualTo(200);
        return response.json().get("access_token").asText();
    }

    @Test
    void sourceIdentityConditionsMatchTheFirstHopOnly() {
        assertThat(okClaims(exchange("bob", "bobs", Map.of())).get("source_identity").asText()).isEqualTo(BOB);
        Http.Response sue = exchange("sue", "bobs", Map.of());
        assertThat(sue.status()).as(sue.toString()).isEqualTo(403);
        assertThat(a.events("TOKEN_EXCHANGE_ERROR", 1).get(0).get("details").get("reason").asText()).contains("sts:SourceIdentity");
    }

    @Test
    void anAccountOptsInToTheAwsTagsClaim() {
        JsonNode realm = Http.get(SERVER.adminUrl(A), ADMIN.token()).json();
        ((ObjectNode) realm.get("attributes")).put("sts.aws-tags-claim", "true");
        RoleTokens.ok(Http.sendJson("PUT", SERVER.adminUrl(A), Map.of("attributes", realm.get("attributes")), ADMIN.token()));
        try {
            JsonNode aws = okClaims(exchange("bob", "tagged", Map.of("tags", json(Map.of("project", "apollo")), "transitive_tag_keys",
                    json(List.of("project"))))).get("https://aws.amazon.com/tags");
            assertThat(aws.get("principal_tags").get("team").toString()).isEqualTo("[\"blue\"]");
            assertThat(aws.get("principal_tags").get("project").toString()).isEqualTo("[\"apollo\"]");
            assertThat(aws.get("transitive_tag_keys").toString()).isEqualTo("[\"project\"]");
        } finally {
            ((ObjectNode) realm.get("attributes")).remove("sts.aws-tags-claim");
            RoleTokens.ok(Http.sendJson("PUT", SERVER.adminUrl(A), Map.of("attributes", realm.get("attributes")), ADMIN.token()));
        }
    }

    /** A self-registering or signed-in user who may edit attributes could write his own tags: B's tags are then refused. */
    @Test
    void principalTagsThatUsersCanEditAreRefused() {
        unmanagedAttributes("ENABLED");
        try {
            Http.Response refused = exchange("bob", "tagged", Map.of());
            assertThat(refused.status()).as(refused.toString()).isEqualTo(403);
            JsonNode sourceEvent = Http.get(SERVER.adminUrl(B) + "/events?type=TOKEN_EXCHANGE_ERROR&max=1", ADMIN.token()).json().get(0);
            assertThat(sourceEvent.get("details").get("reason").asText()).contains("sts.tag.team");
            assertThat(exchange("sue", "tagged", Map.of()).status()).as("sue has no tags to doubt").isEqualTo(200);
        } finally {
            unmanagedAttributes("ADMIN_EDIT");
        }
    }
}
