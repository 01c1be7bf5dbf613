package io.github.keycloaksts.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.keycloaksts.it.support.Accounts;
import io.github.keycloaksts.it.support.Admin;
import io.github.keycloaksts.it.support.Http;
import io.github.keycloaksts.it.support.KeycloakServer;
import io.github.keycloaksts.it.support.RoleTokens;
import io.github.keycloaksts.it.support.Sts;
import io.github.keycloaksts.it.support.TestOidcIssuer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Session tags of AssumeRoleWithOIDC: the provider {@code ci}'s tag claims make claims of the external token the
 * subject's principal tags ({@code Repository} from {@code repository}, {@code Workflow} from {@code workflow}). Roles of
 * A ({@value #A_ID}): {@code tagging} trusts the provider for {@code sts:AssumeRole} and {@code sts:TagSession} and grants
 * {@code next} onward; {@code plain} trusts it for {@code sts:AssumeRole} only; {@code app-only} only subjects whose
 * principal tag {@code Repository} is {@code org/app}; {@code next} trusts {@code tagging} and tags.
 */
class FederatedSessionTagsIT {

    static final String A = "it-oidc-tags";
    static final String A_ID = "75300001";
    static final String ALIAS = "ci";
    static final String PROVIDER = "acs:ram::" + A_ID + ":oidc-provider/" + ALIAS;
    static final String AUDIENCE = "sts.it-oidc-tags";
    static final String JWT = "urn:ietf:params:oauth:token-type:jwt";

    static final KeycloakServer SERVER = KeycloakServer.shared();
    static final Admin ADMIN = new Admin(SERVER);
    static TestOidcIssuer issuer;
    static Accounts.Account a;

    final Sts sts = new Sts(SERVER);
    final RoleTokens atA = new RoleTokens(SERVER, A, "api", "api-secret-1");

    static Map<String, Object> trust(Map<String, Object> extraCondition, String... actions) {
        Map<String, Object> condition = new LinkedHashMap<>(Map.of("StringLike", Map.of("oidc:sub", "repo:org/*")));
        condition.putAll(extraCondition);
        return Map.of("Version", "1", "Statement", List.of(Map.of("Effect", "Allow", "Action", List.of(actions),
                "Principal", Map.of("Federated", List.of(PROVIDER)), "Condition", condition)));
    }

    @BeforeAll
    static void account() {
        issuer = TestOidcIssuer.start("/tagging-ci");
        a = new Accounts(SERVER).account(A, A_ID);
        a.api("api", "api-secret-1", "reader")
                .realmRole("onward", a.roleArn("next"))
                .role("tagging", trust(Map.of(), "sts:AssumeRole", "sts:TagSession"), 3600).attachClientRole("tagging", "api", "reader")
                .attachRealmRole("tagging", "onward")
                .role("plain", trust(Map.of(), "sts:AssumeRole"), 3600).attachClientRole("plain", "api", "reader")
                .role("app-only", trust(Map.of("StringEquals", Map.of("acs:PrincipalTag/Repository", "org/app")), "sts:AssumeRole"), 3600)
                .attachClientRole("app-only", "api", "reader")
                .role("next", Accounts.trusting(List.of(a.roleArn("tagging")), "sts:TagSession"), 3600)
                .attachClientRole("next", "api", "reader");
        RoleTokens.created(Http.sendJson("POST", SERVER.adminUrl(A) + "/identity-provider/instances", issuer.identityProvider(ALIAS),
                ADMIN.token()));
        RoleTokens.ok(putProvider(Map.of("clientIds", List.of(AUDIENCE),
                "tagClaims", Map.of("Repository", "repository", "Workflow", "workflow"))));
    }

    @AfterAll
    static void tearDown() {
        ADMIN.deleteRealmIfExists(A);
        if (issuer != null) {
            issuer.close();
        }
    }

    static Http.Response putProvider(Object body) {
        return Http.sendJson("PUT", SERVER.adminUrl(A) + "/sts/oidc-providers/" + ALIAS, body, ADMIN.token());
    }

    static JsonNode provider() {
        return Http.get(SERVER.adminUrl(A) + "/sts/oidc-providers/" + ALIAS, ADMIN.token()).json();
    }

    String token(String repository) {
        return issuer.sign(issuer.githubClaims(repository, "refs/heads/main", AUDIENCE));
    }

    Http.Response exchange(String externalToken, String role, Map<String, String> extra) {
        Map<String, String> form = new LinkedHashMap<>();
        form.put("grant_type", Sts.TOKEN_EXCHANGE);
        form.put("client_id", "sts");
        form.put("subject_token", externalToken);
        form.put("subject_token_type", JWT);
        form.put("role_arn", a.roleArn(role));
        form.put("role_session_name", "ci-run-7");
        form.putAll(extra);
        return sts.exchange(A, form);
    }

    static JsonNode okClaims(Http.Response response) {
        assertThat(response.status()).as(response.toString()).isEqualTo(200);
        return Http.claims(response.accessToken());
    }

    static String json(Object value) {
        try {
            return Http.JSON.writeValueAsString(value);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void claimsOfTheExternalTokenBecomeSessionTagsSeenInTheTokenTheEventsAndTheSessionList() {
        JsonNode claims = okClaims(exchange(token("org/app"), "tagging", Map.of("tags", json(Map.of("Stage", "prod")),
                "transitive_tag_keys", json(List.of("Repository")))));

        assertThat(claims.get("session_tags").get("Repository").asText()).isEqualTo("org/app");
        assertThat(claims.get("session_tags").get("Workflow").asText()).isEqualTo("deploy");
        assertThat(claims.get("session_tags").get("Stage").asText()).as("the request's own tag").isEqualTo("prod");
        assertThat(claims.get("transitive_tag_keys")).extracting(JsonNode::asText).containsExactly("Repository");
        JsonNode event = a.events("TOKEN_EXCHANGE", 1).get(0).get("details");
        assertThat(event.get("oidc_provider").asText()).isEqualTo(ALIAS);
        assertThat(event.get("session_tags").asText()).contains("*Repository=org/app").contains("Workflow=deploy").contains("Stage=prod");
        assertThat(a.sessions("tagging")).anySatisfy(s -> {
            assertThat(s.path("sourceIdentity").asText()).startsWith(PROVIDER + "/repo:org/app");
            assertThat(s.path("sessionTags").path("Workflow").asText()).isEqualTo("deploy");
        });
    }

    @Test
    void principalTagsDecideConditionsAndATagRequestNeedsTagSession() {
        assertThat(okClaims(exchange(token("org/app"), "app-only", Map.of())).has("session_tags"))
                .as("the role matched the principal tag but does not allow sts:TagSession: no tags").isFalse();
        Http.Response other = exchange(token("org/other"), "app-only", Map.of());
        assertThat(other.status()).as(other.toString()).isEqualTo(403);
        assertThat(a.events("TOKEN_EXCHANGE_ERROR", 1).get(0).get("details").get("reason").asText()).contains("acs:PrincipalTag/Repository");

        Http.Response asked = exchange(token("org/app"), "plain", Map.of("tags", json(Map.of("Stage", "prod"))));
        assertThat(asked.status()).as(asked.toString()).isEqualTo(403);
        assertThat(asked.json().get("error").asText()).isEqualTo("access_denied");
        assertThat(a.events("TOKEN_EXCHANGE_ERROR", 1).get(0).get("details").get("reason").asText()).contains("sts:TagSession");
    }

    @Test
    void aRequestTagMayNotOverrideAClaimsTagAndAClaimThatIsNotOneValueIsRefusedNamingTheKey() {
        Http.Response overriding = exchange(token("org/app"), "tagging", Map.of("tags", json(Map.of("repository", "org/evil"))));
        assertThat(overriding.status()).as(overriding.toString()).isEqualTo(400);
        assertThat(overriding.json().get("error").asText()).isEqualTo("invalid_request");
        assertThat(overriding.json().get("error_description").asText()).contains("\"Repository\"").contains("cannot be overridden");

        ObjectNode listClaim = issuer.githubClaims("org/app", "refs/heads/main", AUDIENCE);
        listClaim.putArray("workflow").add("a").add("b");
        Http.Response list = exchange(issuer.sign(listClaim), "tagging", Map.of());
        assertThat(list.status()).as(list.toString()).isEqualTo(400);
        assertThat(list.json().get("error_description").asText()).contains("\"Workflow\"").contains("\"workflow\"").contains("an array");

        ObjectNode badValue = issuer.githubClaims("org/app", "refs/heads/main", AUDIENCE);
        badValue.put("workflow", "deploy#1");
        Http.Response bad = exchange(issuer.sign(badValue), "tagging", Map.of());
        assertThat(bad.status()).as(bad.toString()).isEqualTo(400);
        assertThat(bad.json().get("error_description").asText()).contains("\"Workflow\"").contains("\"#\"");
    }

    @Test
    void transitiveClaimTagsFollowTheChainAndTheFirstHopsSourceIdentityStays() {
        Http.Response first = exchange(token("org/app"), "tagging", Map.of("transitive_tag_keys", json(List.of("Repository"))));
        JsonNode firstClaims = okClaims(first);

        JsonNode next = Http.claims(atA.exchange(first.accessToken(), a.roleArn("next")));

        assertThat(next.get("session_tags").get("Repository").asText()).isEqualTo("org/app");
        assertThat(next.get("session_tags").has("Workflow")).as("not transitive: it ends with the first session").isFalse();
        assertThat(next.get("source_identity").asText()).isEqualTo(firstClaims.get("source_identity").asText());
    }

    @Test
    void theAdminApiSetsTagClaimsChecksThemAndKeepsWhatABodyLeavesOut() {
        JsonNode shown = provider();
        assertThat(shown.get("tagClaims").get("Repository").asText()).isEqualTo("repository");
        assertThat(shown.has("tagClaimsProblem")).isFalse();

        Http.Response reserved = putProvider(Map.of("tagClaims", Map.of("aws:x", "sub")));
        assertThat(reserved.status()).as(reserved.toString()).isEqualTo(400);
        assertThat(reserved.json().get("error").asText()).isEqualTo("InvalidParameter.TagClaims");
        assertThat(reserved.json().get("errorMessage").asText()).contains("tagClaims.\"aws:x\"").contains("reserved");
        Http.Response twice = putProvider(Map.of("tagClaims", Map.of("Repo", "a", "REPO", "b")));
        assertThat(twice.status()).as(twice.toString()).isEqualTo(400);
        assertThat(putProvider(Map.of()).status()).as("neither field").isEqualTo(400);
        assertThat(provider().get("tagClaims")).as("unchanged after the refusals").isEqualTo(shown.get("tagClaims"));

        RoleTokens.ok(putProvider(Map.of("clientIds", List.of(AUDIENCE, "other"))));
        assertThat(provider().get("tagClaims")).as("a body without tagClaims keeps them").isEqualTo(shown.get("tagClaims"));
        assertThat(provider().get("clientIds")).extracting(JsonNode::asText).containsExactly(AUDIENCE, "other");
        RoleTokens.ok(putProvider(Map.of("clientIds", List.of(AUDIENCE))));
    }

    /**
     * An administrator holding {@code manage-identity-providers} edits the identity provider through Keycloak's own API:
     * stored tag claims that do not read refuse every exchange through the provider (the role's conditions might
     * depend on them) and show in the admin API, until they are set again.
     */
    @Test
    void tagClaimsWrittenUnreadableThroughKeycloaksIdentityProviderApiRefuseTheExchange() {
        String url = SERVER.adminUrl(A) + "/identity-provider/instances/" + ALIAS;
        JsonNode model = Http.get(url, ADMIN.token()).json();
        ObjectNode edited = model.deepCopy();
        ((ObjectNode) edited.get("config")).put("sts.tagClaims", "{\"Repository\":[\"repository\"]}");
        RoleTokens.ok(Http.sendJson("PUT", url, edited, ADMIN.token()));
        try {
            assertThat(provider().get("tagClaimsProblem").asText()).contains("Repository");
            Http.Response refused = exchange(token("org/app"), "plain", Map.of());
            assertThat(refused.status()).as(refused.toString()).isEqualTo(403);
            assertThat(a.events("TOKEN_EXCHANGE_ERROR", 1).get(0).get("details").get("reason").asText())
                    .contains("tag claims of OIDC provider " + ALIAS);
        } finally {
            RoleTokens.ok(putProvider(Map.of("tagClaims", Map.of("Repository", "repository", "Workflow", "workflow"))));
        }
        assertThat(provider().has("tagClaimsProblem")).isFalse();
        assertThat(exchange(token("org/app"), "plain", Map.of()).status()).as("set again through the admin API").isEqualTo(200);
    }
}
