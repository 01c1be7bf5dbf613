package io.github.keycloaksts.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.Test;

class RoleSessionHandleTest {

    static final String ANCHOR = "0b6c2f8e-4f7a-4c1e-9a55-3d1f2b7c9e01";
    static final String USER = "7d3e1c2b-aaaa-4bbb-8ccc-0123456789ab";

    @Test
    void roundTripsUuidsCompactlyAndOtherIdsLosslessly() {
        RoleSessionHandle token = RoleSessionHandle.version1(RoleSessionHandle.Kind.TOKEN, ANCHOR, USER, "e1f0d2c3-1111-4222-8333-444455556666", 3600, 1764600000000L);
        String text = token.encode();
        assertThat(text).startsWith("1t.").contains(".3600.").hasSizeLessThan(110);
        assertThat(RoleSessionHandle.parse(text)).contains(token);

        RoleSessionHandle odd = RoleSessionHandle.version1(RoleSessionHandle.Kind.CONSOLE, ANCHOR, "ldap:uid=sam,ou=people", "Ab3_x.node-1", 43200, 1764600000000L);
        assertThat(RoleSessionHandle.parse(odd.encode())).contains(odd);

        RoleSessionHandle noSession = RoleSessionHandle.version1(RoleSessionHandle.Kind.TOKEN, ANCHOR, USER, null, 900, 1764600000000L);
        assertThat(noSession.encode()).contains(".-.");
        assertThat(RoleSessionHandle.parse(noSession.encode())).contains(noSession);
    }

    /**
     * A chained session names the earlier one by its realm and its token's jti, as Keycloak 26.7 writes jti (a
     * context prefix, then a UUID): the handle must stay within its limit, and so within Keycloak's user ID columns.
     */
    @Test
    void aChainedHandleNamesTheEarlierSessionByRealmAndTokenIdWithinTheLimit() {
        String realmId = UUID.randomUUID().toString();
        String jti = "trrtte:" + UUID.randomUUID();
        RoleSessionHandle chained = new RoleSessionHandle(RoleSessionHandle.Kind.CHAINED, ANCHOR, realmId, jti,
                UUID.randomUUID().toString(), 3600, 1764600000000L, "AbCdEfGhIjKlMnOp");
        String text = chained.encode();
        assertThat(text).startsWith("2r.");
        assertThat(("f:" + UUID.randomUUID() + ":" + text).length()).as("the role-session user's ID").isLessThan(255);
        assertThat(RoleSessionHandle.parse(text)).contains(chained);
    }

    @Test
    void acceptsOnlyTheOneCanonicalSpelling() {
        String text = RoleSessionHandle.version1(RoleSessionHandle.Kind.TOKEN, ANCHOR, USER, null, 3600, 1764600000000L).encode();
        assertThat(RoleSessionHandle.parse(text.replace(".3600.", ".03600."))).isEmpty();
        assertThat(RoleSessionHandle.parse(text.replace("1t.", "2t."))).isEmpty();
        assertThat(RoleSessionHandle.parse(text.replace("1t.", "1x."))).isEmpty();
        assertThat(RoleSessionHandle.parse(text + ".1")).isEmpty();
        assertThat(RoleSessionHandle.parse(text.substring(0, text.lastIndexOf('.')))).as("no issue time").isEmpty();
        assertThat(RoleSessionHandle.parse(text + "Z")).isEmpty();
        assertThat(RoleSessionHandle.parse(text.replace(".3600.", ".0."))).isEmpty();
        assertThat(RoleSessionHandle.parse(text.replace(".3600.", ".9999999."))).isEmpty();
        // An uppercase UUID is not the compact form's output: it round-trips as the s-form, never as the UUID.
        RoleSessionHandle upper = RoleSessionHandle.version1(RoleSessionHandle.Kind.TOKEN, ANCHOR.toUpperCase(), USER, null, 3600, 1764600000000L);
        assertThat(RoleSessionHandle.parse(upper.encode())).contains(upper);
        assertThat(upper.encode()).isNotEqualTo(text);
    }

    @Test
    void refusesGarbageWithoutThrowing() {
        for (String garbage : new String[] {null, "", "1", "1t", "1t....", "1t.a.b.c.1", "1t.a.b.c.1.1", "1t.!!!!!!!!!!!!!!!!!!!!!!.x.-.1",
                "f:comp:1t.x", "1t." + "A".repeat(300)}) {
            assertThat(RoleSessionHandle.parse(garbage)).as(String.valueOf(garbage)).isEmpty();
        }
    }

    @Test
    void digestsDifferPerHandleAndFitTheRevokedTokenStore() {
        RoleSessionHandle a = RoleSessionHandle.version1(RoleSessionHandle.Kind.TOKEN, ANCHOR, USER, null, 3600, 1764600000000L);
        RoleSessionHandle b = RoleSessionHandle.version1(RoleSessionHandle.Kind.TOKEN, ANCHOR, UUID.randomUUID().toString(), null, 3600, 1764600000000L);
        assertThat(a.digest()).hasSize(32).isNotEqualTo(b.digest());
        assertThat(RoleSessionMarks.handleKey(a).length() + ".revoked".length()).isLessThanOrEqualTo(64);
        assertThat(RoleSessionMarks.sourceUserKey(ANCHOR, USER)).isNotEqualTo(RoleSessionMarks.sourceUserKey(ANCHOR, b.sourceUserId()));
    }

    @Test
    void refusesIncompleteHandlesAndOversizedIds() {
        assertThatThrownBy(() -> RoleSessionHandle.version1(RoleSessionHandle.Kind.TOKEN, "", USER, null, 1, 1764600000000L)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> RoleSessionHandle.version1(RoleSessionHandle.Kind.TOKEN, ANCHOR, USER, null, 0, 1764600000000L)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> RoleSessionHandle.version1(RoleSessionHandle.Kind.TOKEN, ANCHOR, USER, null, 60, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> RoleSessionHandle.version1(RoleSessionHandle.Kind.TOKEN, ANCHOR, "x".repeat(200), null, 1, 1764600000000L).encode())
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void version2RecordsTheSourceClientAndThePolicyDigestCanonically() {
        String digest = AttachedPolicyDigest.of(List.of("a:realm:ecs-admin", "b:client-x:read"));
        RoleSessionHandle token = new RoleSessionHandle(RoleSessionHandle.Kind.TOKEN, ANCHOR, USER, "e1f0d2c3-1111-4222-8333-444455556666",
                "c0ffee00-1111-4222-8333-444455556666", 3600, 1764600000000L, digest);
        String text = token.encode();
        assertThat(text).startsWith("2t.").endsWith("." + digest);
        assertThat(RoleSessionHandle.parse(text)).contains(token);
        assertThat(token.recordsPolicies()).isTrue();
        RoleSessionHandle console = new RoleSessionHandle(RoleSessionHandle.Kind.CONSOLE, ANCHOR, USER, "Ab3_x.node-1", null, 900,
                1764600000000L, digest);
        assertThat(RoleSessionHandle.parse(console.encode())).contains(console);
        // A version-1 handle is never read as version 2 or the other way round, and the digest is part of the text.
        assertThat(RoleSessionHandle.parse(text.replace("2t.", "1t."))).isEmpty();
        assertThat(RoleSessionHandle.parse(text.substring(0, text.lastIndexOf('.')))).isEmpty();
        assertThat(RoleSessionHandle.parse(text.substring(0, text.length() - 1) + "!")).isEmpty();
        assertThat(RoleSessionHandle.parse(text).orElseThrow().policyDigest()).isEqualTo(digest);
        assertThatThrownBy(() -> new RoleSessionHandle(RoleSessionHandle.Kind.TOKEN, ANCHOR, USER, null, "client", 60, 1764600000000L, null))
                .as("a source client without a digest is no handle of any version").isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void theDigestChangesWithAnyMemberOfTheAttachedSetAndNotWithItsOrder() {
        String one = AttachedPolicyDigest.of(List.of("id1:realm:ecs-admin", "id2:c:read"));
        assertThat(AttachedPolicyDigest.of(List.of("id2:c:read", "id1:realm:ecs-admin"))).isEqualTo(one);
        assertThat(AttachedPolicyDigest.of(List.of("id1:realm:ecs-admin2", "id2:c:read"))).as("renamed").isNotEqualTo(one);
        assertThat(AttachedPolicyDigest.of(List.of("id1:realm:ecs-admin"))).as("one removed").isNotEqualTo(one);
        assertThat(AttachedPolicyDigest.of(List.of())).hasSize(16);
        // No two sets share a text by concatenation: members are separated unambiguously.
        assertThat(AttachedPolicyDigest.of(List.of("a", "b"))).isNotEqualTo(AttachedPolicyDigest.of(List.of("a\nb")));
    }
}
