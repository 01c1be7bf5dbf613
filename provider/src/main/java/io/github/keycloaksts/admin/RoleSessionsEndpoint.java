package io.github.keycloaksts.admin;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.github.keycloaksts.policy.arn.AccountId;
import io.github.keycloaksts.role.AssumableRole;
import io.github.keycloaksts.role.RoleSessionPrincipals;
import io.github.keycloaksts.role.RoleSessions;
import org.keycloak.events.admin.OperationType;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.services.resources.admin.AdminEventBuilder;

/** {@code GET}/{@code DELETE /roles/{roleName}/sessions}: live role sessions, and ending them. */
final class RoleSessionsEndpoint {

    static final String SESSIONS_RESOURCE = "STS_ROLE_SESSIONS";

    private RoleSessionsEndpoint() {
    }

    static List<Map<String, Object>> list(KeycloakSession session, RealmModel realm, AssumableRole role, String accountId) {
        return new RoleSessions(session, realm).live(role, role.arn(accountId).toString());
    }

    static Map<String, Object> revoke(KeycloakSession session, RealmModel realm, AdminEventBuilder adminEvent,
                                      AssumableRole role, String sourceAccountId) {
        if (sourceAccountId != null && !AccountId.isValid(sourceAccountId)) {
            throw StsAdminException.badRequest("InvalidParameter.AccountId", "sourceAccountId: must be 8 to 16 digits");
        }
        List<String> revoked = new RoleSessionPrincipals(session, realm).revoke(role, sourceAccountId);
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("roleName", role.name());
        result.put("revokedAccounts", revoked);
        adminEvent.operation(OperationType.DELETE).resource(SESSIONS_RESOURCE)
                .resourcePath(session.getContext().getUri()).representation(result).success();
        return result;
    }
}
