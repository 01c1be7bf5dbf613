package io.github.keycloaksts.admin;

import java.util.List;
import java.util.Map;

import io.github.keycloaksts.account.Account;
import io.github.keycloaksts.admin.representation.RevokedSessionsRepresentation;
import io.github.keycloaksts.admin.representation.RoleSessionRepresentation;
import io.github.keycloaksts.policy.arn.AccountId;
import io.github.keycloaksts.role.AssumableRole;
import io.github.keycloaksts.session.RoleSessionRevocation;
import io.github.keycloaksts.session.RoleSessions;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.keycloak.events.admin.OperationType;

/**
 * {@code /sts/roles/{roleName}/sessions}: the role's live sessions (from the record of role-session starts, each re-checked; never from events), and ending
 * them: all, one source account's, one source user's, or one session.
 */
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
        AssumableRole role = context.role(roleName);
        return new RoleSessions(context.session, context.realm).live(role, arn(role)).stream()
                .map(Converters::session).toList();
    }

    /**
     * Ends the role's sessions: of one source account ({@code sourceAccountId}), of one source user
     * ({@code sourceUserId}, as the session list shows it; within {@code sourceAccountId} when both are given), or all.
     */
    @DELETE
    @Produces(MediaType.APPLICATION_JSON)
    public RevokedSessionsRepresentation revoke(@QueryParam("sourceAccountId") String sourceAccountId,
                                                @QueryParam("sourceUserId") String sourceUserId) {
        context.auth.realm().requireManageRealm();
        AssumableRole role = context.role(roleName);
        if (sourceAccountId != null && !AccountId.isValid(sourceAccountId)) {
            throw AdminApiException.badRequest("InvalidParameter.AccountId", "sourceAccountId: must be 8 to 16 digits");
        }
        if (sourceUserId != null && !RoleSessionRevocation.isSourceUserId(sourceUserId)) {
            throw AdminApiException.badRequest("InvalidParameter.SourceUserId",
                    "sourceUserId: must be a user ID (1 to 255 of A-Z a-z 0-9 : . _ -)");
        }
        RoleSessionRevocation principals = new RoleSessionRevocation(context.session, context.realm);
        List<String> revoked = sourceUserId == null ? principals.revoke(role, sourceAccountId)
                : principals.revokeSourceUser(role, sourceAccountId, sourceUserId);
        RevokedSessionsRepresentation result = Converters.revoked(role, revoked);
        context.adminEvent.operation(OperationType.DELETE).resource(SESSIONS_RESOURCE)
                .resourcePath(context.uri()).representation(result).success();
        return result;
    }

    /** Ends one live session: a role token (by its ID) or a browser role session. 404 when no such session is live. */
    @DELETE
    @Path("{sessionId}")
    public Response end(@PathParam("sessionId") String sessionId) {
        context.auth.realm().requireManageRealm();
        AssumableRole role = context.role(roleName);
        if (!new RoleSessions(context.session, context.realm).end(role, arn(role), sessionId)) {
            throw AdminApiException.notFound("EntityNotExist.RoleSession", "sessionId: no live session " + sessionId + " of role " + role.name());
        }
        context.adminEvent.operation(OperationType.DELETE).resource(SESSIONS_RESOURCE)
                .resourcePath(context.uri()).representation(Map.of("roleName", role.name(), "sessionId", sessionId)).success();
        return Response.noContent().build();
    }

    private String arn(AssumableRole role) {
        Account account = context.account();
        return role.arn(account.accountId()).toString();
    }
}
