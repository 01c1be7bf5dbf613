package io.github.keycloaksts.exchange;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;

import io.github.keycloaksts.policy.arn.RoleArn;
import org.junit.jupiter.api.Test;
import org.keycloak.representations.AccessToken;

class RoleTokenClaimsChainTest {

    static final RoleArn OPS = RoleArn.parse("acs:ram::75100003:role/ops");

    @Test
    void aChainedTokenKeepsTheFirstHopsSourceIdentityAndNestsTheEarlierActorInside() {
        Map<String, Object> bob = Map.of("sub", "bob-id", "iss", "https://kc/realms/b");
        AccessToken token = new AccessToken();
        token.getOtherClaims().put("source_identity", "forged by a mapper");
        token.getOtherClaims().put("act", Map.of("sub", "forged"));

        RoleTokenClaims.applyChained(token, List.of(), List.of(), OPS, "bob", "acs:ram::75100001:user/bob",
                "f:comp:2t.handle", "https://kc/realms/a", bob);

        assertThat(token.getOtherClaims().get("source_identity")).isEqualTo("acs:ram::75100001:user/bob");
        @SuppressWarnings("unchecked")
        Map<String, Object> act = (Map<String, Object>) token.getOtherClaims().get("act");
        assertThat(act).containsEntry("sub", "f:comp:2t.handle").containsEntry("iss", "https://kc/realms/a").containsEntry("act", bob);
        assertThat(RoleTokenClaims.actors(act)).isEqualTo(2);
        assertThat(token.getAudience()).as("no policy grants onward: not a subject token").isNull();
    }

    @Test
    void actorsCountsTheNestingAndStopsPastTheCap() {
        assertThat(RoleTokenClaims.actors(null)).isZero();
        assertThat(RoleTokenClaims.actors("not an object")).isZero();
        assertThat(RoleTokenClaims.actors(Map.of("sub", "bob"))).isEqualTo(1);
        Map<String, Object> deep = Map.of("sub", "x");
        for (int i = 0; i < 50; i++) {
            deep = Map.of("sub", "x", "act", deep);
        }
        assertThat(RoleTokenClaims.actors(deep)).as("a forged deep act is cut at one past the cap").isEqualTo(4);
    }
}
