package io.github.keycloaksts.it;

import static io.github.keycloaksts.it.support.RoleTokens.created;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.keycloaksts.it.support.Accounts;
import io.github.keycloaksts.it.support.Admin;
import io.github.keycloaksts.it.support.Http;
import io.github.keycloaksts.it.support.KeycloakServer;
import io.github.keycloaksts.it.support.RoleTokens;
import io.github.keycloaksts.it.support.Sts;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/**
 * What the generic-path ITs ({@link GenericPathsIT}, {@link GenericPathsMoreIT}) share: the accounts each test starts
 * from and the helpers that read Keycloak's own events. Two classes so that Failsafe's two JVMs share the work.
 *
 * <p>Keycloak's own generic paths and lifecycle switches — realm and client switches, not-before pushes, the
 * role-mapping and role endpoints, the component endpoints — change what keycloak-sts trusts without going through
 * {@code /sts}. Each test is the attack or the operator's act, through that path only: the affected live role tokens
 * end within one second at introspection and userinfo, stay ended when the change is undone, nothing else ends, and
 * an event records the change.
 *
 * <p>Target account {@value #TARGET}: roles {@code ops} (client role {@code api/operator}), {@code audit} (client
 * role {@code api/auditor}) and {@code wide} (realm role {@code bundle}, a composite of {@code reader} and
 * {@code writer}), all trusting {@value #SOURCE_ID} and {@value #OTHER_ID}. Source {@value #SOURCE}: sam and sue,
 * granted every role. Other account {@value #OTHER}: oscar.
 */
abstract class GenericPathsBase {

    static final String TARGET = "it-gp-target";
    static final String SOURCE = "it-gp-source";
    static final String OTHER = "it-gp-other";
    static final String TARGET_ID = "74900001";
    static final String SOURCE_ID = "74900002";
    static final String OTHER_ID = "74900003";
    static final String OPS = "acs:ram::" + TARGET_ID + ":role/ops";
    static final String AUDIT = "acs:ram::" + TARGET_ID + ":role/audit";
    static final String WIDE = "acs:ram::" + TARGET_ID + ":role/wide";

    final KeycloakServer server = KeycloakServer.shared();
    final Admin admin = new Admin(server);
    final Sts sts = new Sts(server);
    final RoleTokens tokens = new RoleTokens(server, TARGET, "api", "api-secret-1");
    final Accounts accounts = new Accounts(server);

    @BeforeEach
    void accounts() {
        List<String> trusted = List.of("acs:ram::" + SOURCE_ID + ":root", "acs:ram::" + OTHER_ID + ":root");
        accounts.account(TARGET, TARGET_ID)
                .api("api", "api-secret-1", "operator", "auditor")
                .realmRole("bundle").realmRole("reader").realmRole("writer").composite("bundle", "reader", "writer")
                .role("ops", Accounts.trusting(trusted), 3600).attachClientRole("ops", "api", "operator")
                .role("audit", Accounts.trusting(trusted), 3600).attachClientRole("audit", "api", "auditor")
                .role("wide", Accounts.trusting(trusted), 3600).attachRealmRole("wide", "bundle");
        admin.createSourceAccount(SOURCE, SOURCE_ID, "sam", "sam-pass-1", List.of(OPS, AUDIT, WIDE));
        admin.createUserWithRealmRole(SOURCE, "sue", "sue-pass-1", "assumer");
        // The other account is only ever read by these tests: made once for the class rather than for each test.
        if (Http.get(server.adminUrl(OTHER), admin.token()).status() != 200) {
            admin.createSourceAccount(OTHER, OTHER_ID, "oscar", "oscar-pass-1", List.of(OPS, AUDIT, WIDE));
        }
    }

    @AfterEach
    void cleanUp() {
        admin.deleteRealmIfExists(TARGET);
        admin.deleteRealmIfExists(SOURCE);
    }

    @AfterAll
    static void removeTheOtherAccount() {
        new Admin(KeycloakServer.shared()).deleteRealmIfExists(OTHER);
    }

    // ---- helpers -------------------------------------------------------------------------------------------------

    /** Keycloak's own admin event of {@code operation} on a resource path that starts with {@code pathPrefix}. */
    void assertAdminEvent(String realm, String operation, String pathPrefix) {
        JsonNode events = Http.get(server.adminUrl(realm) + "/admin-events?operationTypes=" + operation + "&max=50", admin.token()).json();
        List<String> paths = new ArrayList<>();
        events.forEach(event -> paths.add(event.path("resourcePath").asText()));
        assertThat(paths).as("admin events of " + realm).anyMatch(path -> path.startsWith(pathPrefix));
    }

    /** Keycloak's own admin event of {@code operation} on the realm {@code realm} itself. */
    void assertRealmUpdateEvent(String realm) {
        JsonNode events = Http.get(server.adminUrl(realm) + "/admin-events?operationTypes=UPDATE&resourceTypes=REALM&max=50",
                admin.token()).json();
        assertThat(events).as("realm update events of " + realm).isNotEmpty();
    }

    /** The newest user event of {@code type} in {@code realm}. */
    JsonNode lastEvent(String realm, String type) {
        JsonNode events = Http.get(server.adminUrl(realm) + "/events?type=" + type + "&max=1", admin.token()).json();
        assertThat(events).as(type + " events of " + realm).isNotEmpty();
        return events.get(0);
    }

    /** The ID at the end of a 201's {@code Location}. */
    String createdId(Http.Response response) {
        created(response);
        String location = response.header("Location");
        return location.substring(location.lastIndexOf('/') + 1);
    }

    static long now() {
        return System.currentTimeMillis() / 1000;
    }

}
