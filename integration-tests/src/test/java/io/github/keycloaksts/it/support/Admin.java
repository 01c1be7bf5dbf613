package io.github.keycloaksts.it.support;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;

/** Setup through Keycloak's own admin REST API, as the master admin. */
public final class Admin {

    private final KeycloakServer server;

    public Admin(KeycloakServer server) {
        this.server = server;
    }

    public String token() {
        return server.adminToken();
    }

    /** Creates (or recreates) a realm that is the account {@code accountId}, with events on and a user list. */
    public void createAccountRealm(String realm, String accountId) {
        deleteRealmIfExists(realm);
        Http.Response created = createRealm(Map.of(
                "realm", realm, "enabled", true,
                "adminEventsEnabled", true, "adminEventsDetailsEnabled", true, "eventsEnabled", true,
                "attributes", accountId == null ? Map.of() : Map.of("sts.account-id", accountId)));
        assertThat(created.status()).as(created.toString()).isEqualTo(201);
    }

    /**
     * {@code POST /admin/realms} with {@code representation}, as the platform administrator; its {@code sts.account-id}
     * is given afterwards by {@link #giveAccountId}, which reinstates an ID this test run retired by deleting the
     * realm, as an operator re-creating that account would. The end state is the one a creation with the
     * attribute gives ({@code AccountIdentityIT} tests that path); one realm creation instead of a refused one and a
     * second, which on a loaded machine takes longer than a request may.
     */
    public Http.Response createRealm(Map<String, Object> representation) {
        if (!(representation.get("attributes") instanceof Map<?, ?> attributes)
                || !(attributes.get("sts.account-id") instanceof String accountId)) {
            return Http.sendJson("POST", server.baseUrl() + "/admin/realms", representation, token());
        }
        Map<Object, Object> otherAttributes = new LinkedHashMap<>(attributes);
        otherAttributes.remove("sts.account-id");
        Map<String, Object> without = new LinkedHashMap<>(representation);
        without.put("attributes", otherAttributes);
        Http.Response created = Http.sendJson("POST", server.baseUrl() + "/admin/realms", without, token());
        if (created.status() == 201) {
            Http.Response given = giveAccountId((String) representation.get("realm"), accountId);
            assertThat(given.status()).as(given.toString()).isEqualTo(200);
        }
        return created;
    }

    /**
     * Creates a source account in one call: realm {@code realm} = account {@code accountId}, a public client
     * {@code app} (direct grants, access tokens for audience {@code sts}), the client {@code sts}, and a user whose
     * realm role {@code assumer} carries {@code sts.assume-role} = {@code grantPatterns}.
     */
    public void createSourceAccount(String realm, String accountId, String username, String password, List<String> grantPatterns) {
        createSourceAccount(realm, accountId, username, password, grantPatterns, Map.of());
    }

    /** As above; {@code accountId} null makes a realm that is not an account; {@code extra} adds realm fields. */
    public void createSourceAccount(String realm, String accountId, String username, String password, List<String> grantPatterns,
                                    Map<String, Object> extra) {
        deleteRealmIfExists(realm);
        Map<String, Object> audience = Map.of("name", "audience sts", "protocol", "openid-connect",
                "protocolMapper", "oidc-audience-mapper",
                "config", Map.of("included.client.audience", "sts", "access.token.claim", "true"));
        Map<String, Object> rep = new LinkedHashMap<>(Map.of(
                "realm", realm, "enabled", true, "eventsEnabled", true, "adminEventsEnabled", true,
                "attributes", accountId == null ? Map.of() : Map.of("sts.account-id", accountId),
                "roles", Map.of("realm", List.of(Map.of("name", "assumer", "attributes", Map.of("sts.assume-role", grantPatterns)))),
                "clients", List.of(
                        Map.of("clientId", "app", "publicClient", true, "directAccessGrantsEnabled", true,
                                "standardFlowEnabled", false, "protocolMappers", List.of(audience)),
                        Map.of("clientId", "sts", "publicClient", true, "standardFlowEnabled", false)),
                "users", List.of(Map.of("username", username, "enabled", true, "email", username + "@example.org",
                        "emailVerified", true, "firstName", username, "lastName", "Test",
                        "credentials", List.of(Map.of("type", "password", "value", password, "temporary", false)),
                        "realmRoles", List.of("assumer")))));
        rep.putAll(extra);
        Http.Response created = createRealm(rep);
        assertThat(created.status()).as(created.toString()).isEqualTo(201);
    }

    /**
     * {@code PUT /sts/account} as the platform administrator; an ID this test run retired by deleting its realm is
     * reinstated explicitly, as an operator re-creating that account would.
     */
    public Http.Response giveAccountId(String realm, String accountId) {
        String url = server.adminUrl(realm) + "/sts/account";
        Http.Response put = Http.sendJson("PUT", url, Map.of("accountId", accountId), token());
        if (put.status() == 409 && put.body().contains("retired")) {
            put = Http.sendJson("PUT", url, Map.of("accountId", accountId, "reinstate", true), token());
        }
        return put;
    }

    /** A user with a password and the realm role {@code realmRole}; returns its ID. */
    public String createUserWithRealmRole(String realm, String username, String password, String realmRole) {
        String userId = createUser(realm, username, password, null, List.of());
        JsonNode role = Http.get(server.adminUrl(realm) + "/roles/" + realmRole, token()).json();
        Http.Response mapped = Http.sendJson("POST", server.adminUrl(realm) + "/users/" + userId + "/role-mappings/realm",
                List.of(role), token());
        assertThat(mapped.status()).as(mapped.toString()).isEqualTo(204);
        return userId;
    }

    public void deleteRealmIfExists(String realm) {
        Http.delete(server.adminUrl(realm), token());
    }

    public void createRealmRole(String realm, String role) {
        Http.Response created = Http.sendJson("POST", server.adminUrl(realm) + "/roles", Map.of("name", role), token());
        assertThat(created.status()).as(created.toString()).isEqualTo(201);
    }

    public void createClientWithRole(String realm, String clientId, String role) {
        Http.Response created = Http.sendJson("POST", server.adminUrl(realm) + "/clients",
                Map.of("clientId", clientId, "publicClient", true), token());
        assertThat(created.status()).as(created.toString()).isEqualTo(201);
        String id = clientUuid(realm, clientId);
        Http.Response role1 = Http.sendJson("POST", server.adminUrl(realm) + "/clients/" + id + "/roles", Map.of("name", role), token());
        assertThat(role1.status()).as(role1.toString()).isEqualTo(201);
    }

    public String clientUuid(String realm, String clientId) {
        JsonNode clients = Http.get(server.adminUrl(realm) + "/clients?clientId=" + clientId, token()).json();
        assertThat(clients).as("client " + clientId).hasSize(1);
        return clients.get(0).get("id").asText();
    }

    /** Creates a user with a password and the given client roles of {@code roleClientId} (e.g. realm-management). */
    public String createUser(String realm, String username, String password, String roleClientId, List<String> clientRoles) {
        Http.Response created = Http.sendJson("POST", server.adminUrl(realm) + "/users", Map.of(
                "username", username, "enabled", true, "email", username + "@example.org", "emailVerified", true,
                "firstName", username, "lastName", "Test",
                "credentials", List.of(Map.of("type", "password", "value", password, "temporary", false))), token());
        assertThat(created.status()).as(created.toString()).isEqualTo(201);
        String location = created.header("Location");
        String userId = location.substring(location.lastIndexOf('/') + 1);
        if (roleClientId != null && !clientRoles.isEmpty()) {
            String clientUuid = clientUuid(realm, roleClientId);
            List<JsonNode> roles = clientRoles.stream()
                    .map(r -> Http.get(server.adminUrl(realm) + "/clients/" + clientUuid + "/roles/" + r, token()).json())
                    .toList();
            Http.Response mapped = Http.sendJson("POST", server.adminUrl(realm) + "/users/" + userId + "/role-mappings/clients/" + clientUuid,
                    roles, token());
            assertThat(mapped.status()).as(mapped.toString()).isEqualTo(204);
        }
        return userId;
    }
}
