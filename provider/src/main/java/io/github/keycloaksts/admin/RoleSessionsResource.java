package io.github.keycloaksts.admin;

import java.util.List;

import io.github.keycloaksts.account.Account;
import io.github.keycloaksts.admin.representation.RevokedSessionsRepresentation;
import io.github.keycloaksts.admin.representation.RoleSessionRepresentation;
import io.github.keycloaksts.policy.arn.AccountId;
import io.github.keycloaksts.role.AssumableRole;
import io.github.keycloaksts.role.RoleSessionPrincipals;
import io.github.keycloaksts.role.RoleSessions;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import org.keycloak.events.admin.OperationType;

/** {@code /sts/roles/{roleName}/sessions}: the role's live sessions (from the audit trail), and ending them. */
public final class RoleSessionsResource {

    static final String SESSIONS_RESOURCE = "STS_ROLE_SESSIONS";

    private final AdminContext context;
    private final String roleName;

    RoleSessionsResource(AdminContext context, String roleName) {
        this.context = context;
        this.roleName = roleName;
    }

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    public List<RoleSessionRepresentation> list() {
        context.auth.realm().requireViewRealm();
        Account account = context.account();
        AssumableRole role = context.role(roleName);
        return new RoleSessions(context.session, context.realm).live(role, role.arn(account.accountId()).toString()).stream()
                .map(Converters::session).toList();
    }

    /** Ends the role's sessions, of one source account ({@code sourceAccountId}) or of all. */
    @DELETE
    @Produces(MediaType.APPLICATION_JSON)
    public RevokedSessionsRepresentation revoke(@QueryParam("sourceAccountId") String sourceAccountId) {
        context.auth.realm().requireManageRealm();
        AssumableRole role = context.role(roleName);
        if (sourceAccountId != null && !AccountId.isValid(sourceAccountId)) {
            throw AdminApiException.badRequest("InvalidParameter.AccountId", "sourceAccountId: must be 8 to 16 digits");
        }
        List<String> revoked = new RoleSessionPrincipals(context.session, context.realm).revoke(role, sourceAccountId);
        RevokedSessionsRepresentation result = Converters.revoked(role, revoked);
        context.adminEvent.operation(OperationType.DELETE).resource(SESSIONS_RESOURCE)
                .resourcePath(context.uri()).representation(result).success();
        return result;
    }
}
