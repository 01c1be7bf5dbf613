package io.github.keycloaksts.it.support;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * IT set-up that reads as intent: accounts, apps, assumable roles, trust and grants, through keycloak-sts's admin API
 * ({@code docs/api.md}) and Keycloak's own, as the platform administrator. Every call checks its answer, so a set-up
 * that did not happen fails where it happened, not in the assertion after.
 */
public final class Accounts {

    private final KeycloakServer server;
    private final Admin admin;

    public Accounts(KeycloakServer server) {
        this.server = server;
        this.admin = new Admin(server);
    }

    /** A trust policy allowing {@code sts:AssumeRole} (and {@code extraActions}) to {@code principals} (RAM ARNs). */
    public static Map<String, Object> trusting(List<String> principals, String... extraActions) {
        return trusting(principals, Map.of(), extraActions);
    }

    /** As {@link #trusting(List, String...)}, with a {@code Condition} block. */
    public static Map<String, Object> trusting(List<String> principals, Map<String, Object> condition, String... extraActions) {
        Map<String, Object> statement = new LinkedHashMap<>();
        statement.put("Effect", "Allow");
        List<String> actions = new ArrayList<>(List.of("sts:AssumeRole"));
        actions.addAll(List.of(extraActions));
        statement.put("Action", actions.size() == 1 ? actions.get(0) : actions);
        statement.put("Principal", Map.of("RAM", principals));
        if (!condition.isEmpty()) {
            statement.put("Condition", condition);
        }
        return Map.of("Version", "1", "Statement", List.of(statement));
    }

    /** A new account realm {@code realm} = account {@code accountId}, with events on. */
    public Account account(String realm, String accountId) {
        admin.createAccountRealm(realm, accountId);
        return new Account(realm, accountId);
    }

    /** One account realm, to set up in its own words. */
    public final class Account {
        private final String realm;
        private final String accountId;

        Account(String realm, String accountId) {
            this.realm = realm;
            this.accountId = accountId;
        }

        public String realm() {
            return realm;
        }

        public String roleArn(String roleName) {
            return "acs:ram::" + accountId + ":role/" + roleName;
        }

        public String root() {
            return "acs:ram::" + accountId + ":root";
        }

        /** A confidential client (no browser flow) with client roles {@code roles}: an API and its introspecting client. */
        public Account api(String clientId, String secret, String... roles) {
            expect(201, Http.sendJson("POST", server.adminUrl(realm) + "/clients", Map.of("clientId", clientId, "publicClient", false,
                    "secret", secret, "standardFlowEnabled", false), admin.token()));
            String uuid = admin.clientUuid(realm, clientId);
            for (String role : roles) {
                expect(201, Http.sendJson("POST", server.adminUrl(realm) + "/clients/" + uuid + "/roles", Map.of("name", role), admin.token()));
            }
            return this;
        }

        /** A realm role whose {@code sts.assume-role} grants {@code roleArnPatterns} (none: a plain role). */
        public Account realmRole(String name, String... roleArnPatterns) {
            Map<String, Object> rep = new LinkedHashMap<>();
            rep.put("name", name);
            if (roleArnPatterns.length > 0) {
                rep.put("attributes", Map.of("sts.assume-role", List.of(roleArnPatterns)));
            }
            expect(201, Http.sendJson("POST", server.adminUrl(realm) + "/roles", rep, admin.token()));
            return this;
        }

        /** Makes the realm role {@code role} a composite of the realm roles {@code children}. */
        public Account composite(String role, String... children) {
            List<JsonNode> roles = new ArrayList<>();
            for (String child : children) {
                Http.Response found = Http.get(server.adminUrl(realm) + "/roles/" + child, admin.token());
                expect(200, found);
                roles.add(found.json());
            }
            expect(204, Http.sendJson("POST", server.adminUrl(realm) + "/roles/" + role + "/composites", roles, admin.token()));
            return this;
        }

        /** An assumable role with {@code trustPolicy} and a maximum session of {@code maxSessionDuration} seconds. */
        public Account role(String name, Map<String, Object> trustPolicy, int maxSessionDuration) {
            expect(201, Http.sendJson("POST", server.adminUrl(realm) + "/sts/roles", Map.of("roleName", name, "trustPolicy", trustPolicy,
                    "maxSessionDuration", maxSessionDuration), admin.token()));
            return this;
        }

        /** Attaches the realm role {@code policyName} to role {@code roleName}. */
        public Account attachRealmRole(String roleName, String policyName) {
            expect(201, Http.sendJson("POST", server.adminUrl(realm) + "/sts/roles/" + roleName + "/policies",
                    Map.of("policyName", policyName), admin.token()));
            return this;
        }

        /** Attaches the client role {@code clientId}/{@code policyName} to role {@code roleName}. */
        public Account attachClientRole(String roleName, String clientId, String policyName) {
            expect(201, Http.sendJson("POST", server.adminUrl(realm) + "/sts/roles/" + roleName + "/policies",
                    Map.of("policyName", policyName, "clientId", clientId), admin.token()));
            return this;
        }

        /** The live sessions of role {@code roleName}, as {@code GET …/sessions} lists them. */
        public JsonNode sessions(String roleName) {
            Http.Response listed = Http.get(server.adminUrl(realm) + "/sts/roles/" + roleName + "/sessions", admin.token());
            expect(200, listed);
            return listed.json();
        }

        /** Ends one session of role {@code roleName} by its ID. */
        public void endSession(String roleName, String sessionId) {
            expect(204, Http.delete(server.adminUrl(realm) + "/sts/roles/" + roleName + "/sessions/" + sessionId, admin.token()));
        }

        /** The newest user events of {@code type} in this realm, newest first. */
        public JsonNode events(String type, int max) {
            Http.Response events = Http.get(server.adminUrl(realm) + "/events?type=" + type + "&max=" + max, admin.token());
            expect(200, events);
            return events.json();
        }

        public void delete() {
            admin.deleteRealmIfExists(realm);
        }
    }

    private static void expect(int status, Http.Response response) {
        assertThat(response.status()).as(response.toString()).isEqualTo(status);
    }
}
