package io.github.keycloaksts.admin;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.keycloaksts.account.Account;
import io.github.keycloaksts.admin.representation.AccountRepresentation;
import io.github.keycloaksts.admin.representation.PolicyRepresentation;
import io.github.keycloaksts.admin.representation.RoleSessionRepresentation;
import io.github.keycloaksts.policy.document.PolicyReader;
import io.github.keycloaksts.role.AttachedPolicy;
import io.github.keycloaksts.session.LiveRoleSession;
import org.junit.jupiter.api.Test;

/** The conversions of the admin API that take plain values: each field lands where the representation documents it. */
class ConvertersTest {

    static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void anAccountKeepsItsIdAliasAndArn() {
        AccountRepresentation representation = Converters.account(new Account("11223344", "company-a", "acs:ram::11223344:root"));

        assertThat(representation).isEqualTo(new AccountRepresentation("11223344", "company-a", "acs:ram::11223344:root"));
    }

    @Test
    void aRealmRolePolicyHasNoClientIdAndAClientRolePolicyNamesItsClient() throws Exception {
        PolicyRepresentation realmRole = Converters.policy(new AttachedPolicy("ReadOnly", null));
        PolicyRepresentation clientRole = Converters.policy(new AttachedPolicy("admin", "ecs-console"));

        assertThat(realmRole).isEqualTo(new PolicyRepresentation("ReadOnly", null));
        assertThat(clientRole).isEqualTo(new PolicyRepresentation("admin", "ecs-console"));
        // A realm role is written without "clientId" at all, not with a null.
        assertThat(JSON.writeValueAsString(realmRole)).isEqualTo("{\"policyName\":\"ReadOnly\"}");
        assertThat(JSON.writeValueAsString(clientRole)).isEqualTo("{\"policyName\":\"admin\",\"clientId\":\"ecs-console\"}");
    }

    @Test
    void attachedPoliciesKeepTheirOrder() {
        assertThat(Converters.policies(List.of(new AttachedPolicy("b", null), new AttachedPolicy("a", "c"))))
                .containsExactly(new PolicyRepresentation("b", null), new PolicyRepresentation("a", "c"));
        assertThat(Converters.policies(List.of())).isEmpty();
    }

    @Test
    void aLiveSessionIsShownFieldByFieldWithItsTimesInIso8601() {
        LiveRoleSession live = new LiveRoleSession("jti-1", "token", "99887766", "acs:ram::99887766:user/bob", "user-id-1",
                "source-session-1", "bob", "acs:ram::11223344:role/ecs-admin/bob", "ecs-console", "203.0.113.7", "jti-1",
                Instant.parse("2026-01-01T00:00:00Z"), Instant.parse("2026-01-01T01:00:00.5Z"), Map.of("team", "blue"));

        RoleSessionRepresentation shown = Converters.session(live);

        assertThat(shown).isEqualTo(new RoleSessionRepresentation("jti-1", "token", "99887766", "acs:ram::99887766:user/bob",
                "user-id-1", "source-session-1", "bob", "acs:ram::11223344:role/ecs-admin/bob", "ecs-console", "203.0.113.7",
                "jti-1", "2026-01-01T00:00:00Z", "2026-01-01T01:00:00.500Z", Map.of("team", "blue")));
    }

    @Test
    void aFederatedSessionShowsItsMissingSourceFieldsAsNulls() {
        // An OIDC provider's subject has no source account, user or session: the fields stay, null (documented as always present).
        LiveRoleSession live = new LiveRoleSession("browser-1", "browser", null, "acs:ram::11223344:oidc-provider/github/repo:o/a",
                null, null, "ci", "arn", "sts", null, null, Instant.EPOCH, Instant.EPOCH.plusSeconds(900), Map.of());

        JsonNode json = JSON.valueToTree(Converters.session(live));

        assertThat(json.has("sourceAccountId")).isTrue();
        assertThat(json.get("sourceAccountId").isNull()).isTrue();
        assertThat(json.get("tokenId").isNull()).isTrue();
        assertThat(json.get("expiresAt").asText()).isEqualTo("1970-01-01T00:15:00Z");
        assertThat(json.has("sessionTags")).as("no tags: the field is left out, as before tags existed").isFalse();
    }

    @Test
    void aTrustPolicyIsShownAsTheJsonItWasReadFrom() {
        String policy = "{\"Version\":\"1\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"sts:AssumeRole\","
                + "\"Principal\":{\"RAM\":[\"acs:ram::99887766:root\"]}}]}";

        JsonNode shown = Converters.trustPolicy(PolicyReader.defaults().readTrustPolicy(policy));

        assertThat(shown.get("Version").asText()).isEqualTo("1");
        assertThat(shown.get("Statement").size()).isEqualTo(1);
        assertThat(shown.at("/Statement/0/Effect").asText()).isEqualTo("Allow");
        assertThat(shown.at("/Statement/0/Principal/RAM").toString()).contains("acs:ram::99887766:root");
    }
}
