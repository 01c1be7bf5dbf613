package io.github.keycloaksts.admin;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.TreeMap;

import io.github.keycloaksts.role.AssumableRole;
import org.junit.jupiter.api.Test;

/**
 * The comparison behind the guard of role clients ({@link RoleClientGuard.Shape}): which of a client's properties
 * make it a role, and which changes through Keycloak's client endpoints are refused.
 */
class RoleClientGuardShapeTest {

    static final Map<String, String> ROLE_ATTRIBUTES = Map.of(
            AssumableRole.ROLE_NAME_ATTRIBUTE, "ops",
            AssumableRole.TRUST_POLICY_ATTRIBUTE, "{\"Version\":\"1\",\"Statement\":[]}",
            "standard.token.exchange.enabled", "false");

    static RoleClientGuard.Shape shape(String clientId, Map<String, String> attributes) {
        return new RoleClientGuard.Shape(clientId, AssumableRole.isRoleClientId(clientId), true, "openid-connect", true, false,
                false, false, false, false, "client-secret", null, false, new TreeMap<>(attributes));
    }

    static RoleClientGuard.Shape role() {
        return shape("sts-role:ops", ROLE_ATTRIBUTES);
    }

    @Test
    void anIdenticalShapeHasNoChanges() {
        assertThat(role().changesTo(role())).isEmpty();
    }

    @Test
    void everyGuardedPropertyIsNamedWhenItChanges() {
        RoleClientGuard.Shape before = role();
        RoleClientGuard.Shape after = new RoleClientGuard.Shape("sts-role:ops2", true, false, "saml", false, true, true, true, true, true,
                "client-jwt", "s3cret", true, ROLE_ATTRIBUTES);

        // In the order the refusal lists them (recorded in the admin event's reason).
        assertThat(before.changesTo(after)).containsExactly("clientId", "enabled", "protocol", "publicClient", "bearerOnly",
                "standardFlowEnabled", "implicitFlowEnabled", "directAccessGrantsEnabled", "serviceAccountsEnabled",
                "clientAuthenticatorType", "secret", "fullScopeAllowed");
    }

    @Test
    void anAttributeAddedChangedOrRemovedIsNamedByItsKey() {
        Map<String, String> changed = new TreeMap<>(ROLE_ATTRIBUTES);
        changed.put(AssumableRole.TRUST_POLICY_ATTRIBUTE, "{\"Version\":\"1\",\"Statement\":[{}]}");
        changed.remove(AssumableRole.ROLE_NAME_ATTRIBUTE);
        changed.put("standard.token.exchange.enabled", "true");
        changed.put(AssumableRole.MAX_SESSION_DURATION_ATTRIBUTE, "43200");

        // Sorted by key: the union of both sides, so a removed attribute is a change too.
        assertThat(role().changesTo(shape("sts-role:ops", changed))).containsExactly(
                "attributes.standard.token.exchange.enabled",
                "attributes.sts.max-session-duration",
                "attributes.sts.role-name",
                "attributes.sts.trust-policy");
    }

    @Test
    void settingASecretIsAChangeOnItsOwn() {
        RoleClientGuard.Shape withSecret = new RoleClientGuard.Shape("sts-role:ops", true, true, "openid-connect", true, false, false,
                false, false, false, "client-secret", "new", false, ROLE_ATTRIBUTES);
        assertThat(role().changesTo(withSecret)).containsExactly("secret");
    }

    @Test
    void theRoleClientIdNamespaceLooksLikeARole() {
        assertThat(shape("sts-role:anything", Map.of()).looksLikeRole()).isTrue();
        assertThat(shape("ecs-console", Map.of()).looksLikeRole()).isFalse();
        assertThat(shape("STS-ROLE:ops", Map.of()).looksLikeRole()).as("the prefix is case-sensitive, as the store's").isFalse();
    }

    @Test
    void anyAttributeThatStoresARoleLooksLikeARole() {
        for (String attribute : AssumableRole.STORAGE_ATTRIBUTES) {
            assertThat(shape("ecs-console", Map.of(attribute, "x")).looksLikeRole()).as(attribute).isTrue();
        }
    }

    @Test
    void theAssumeRoleOptInIsNotARoleAttribute() {
        // sts.assume-role.enabled opts an ordinary client in to AssumeRole: an sts.* attribute that makes no role.
        assertThat(shape("ecs-console", Map.of("sts.assume-role.enabled", "true", "sts.other", "x")).looksLikeRole()).isFalse();
    }
}
