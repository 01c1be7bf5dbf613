package io.github.keycloaksts.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;

import io.github.keycloaksts.it.support.Admin;
import io.github.keycloaksts.it.support.Http;
import io.github.keycloaksts.it.support.KeycloakServer;
import io.github.keycloaksts.it.support.Sts;

/** Accounts for the cluster tests, set up through one node's admin API; checks made against any node. */
final class ClusterAccounts {

    static final String INSPECTOR = "inspector";
    static final String INSPECTOR_SECRET = "inspector-secret";
    static final String POLICY = "reader";

    private ClusterAccounts() {
    }

    /**
     * A target account: realm {@code realm} = account {@code accountId}, a realm role {@code reader} (the policy to
     * attach) and a confidential client {@code inspector} that introspects tokens without the audience check.
     */
    static void createTarget(KeycloakServer node, String realm, String accountId) {
        Admin admin = new Admin(node);
        admin.deleteRealmIfExists(realm);
        Http.Response created = admin.createRealm(Map.of(
                "realm", realm, "enabled", true, "eventsEnabled", true, "adminEventsEnabled", true,
                "attributes", Map.of("sts.account-id", accountId),
                "roles", Map.of("realm", List.of(Map.of("name", POLICY))),
                "clients", List.of(Map.of("clientId", INSPECTOR, "publicClient", false, "secret", INSPECTOR_SECRET,
                        "standardFlowEnabled", false, "attributes", Map.of("allow.token.introspection.without.audience.check", "true")))));
        assertThat(created.status()).as(created.toString()).isEqualTo(201);
    }

    static String trust(String... accountIds) {
        StringBuilder principals = new StringBuilder();
        for (String id : accountIds) {
            principals.append(principals.isEmpty() ? "" : ",").append("\"acs:ram::").append(id).append(":root\"");
        }
        return "{\"Version\":\"1\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"sts:AssumeRole\",\"Principal\":{\"RAM\":["
                + principals + "]}}]}";
    }

    /** Creates role {@code role} in {@code realm} trusting {@code trustedAccounts}, with the policy {@code reader} attached. */
    static void createRole(KeycloakServer node, String realm, String role, String... trustedAccounts) {
        String token = node.adminToken();
        Http.Response created = Http.sendJson("POST", node.adminUrl(realm) + "/sts/roles",
                "{\"roleName\":\"" + role + "\",\"trustPolicy\":" + trust(trustedAccounts) + "}", token);
        assertThat(created.status()).as(created.toString()).isEqualTo(201);
        Http.Response attached = Http.sendJson("POST", node.adminUrl(realm) + "/sts/roles/" + role + "/policies",
                Map.of("policyName", POLICY), token);
        assertThat(attached.status()).as(attached.toString()).isBetween(200, 204);
    }

    static String arn(String accountId, String role) {
        return "acs:ram::" + accountId + ":role/" + role;
    }

    static boolean active(KeycloakServer node, String realm, String token) {
        Http.Response introspection = new Sts(node).introspect(realm, INSPECTOR, INSPECTOR_SECRET, token);
        assertThat(introspection.status()).as(introspection.toString()).isEqualTo(200);
        return introspection.json().get("active").asBoolean();
    }

    /** Polls {@code condition} (no blind sleep) until it holds or {@code limit} passes; returns the time it took. */
    static Duration within(Duration limit, BooleanSupplier condition) {
        long start = System.nanoTime();
        while (true) {
            if (condition.getAsBoolean()) {
                return Duration.ofNanos(System.nanoTime() - start);
            }
            if (System.nanoTime() - start > limit.toNanos()) {
                return null;
            }
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
    }

    static void cleanUp(KeycloakServer node, String... realms) {
        Admin admin = new Admin(node);
        for (String realm : realms) {
            admin.deleteRealmIfExists(realm);
        }
    }
}
