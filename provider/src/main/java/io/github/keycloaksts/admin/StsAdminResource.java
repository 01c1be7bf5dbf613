package io.github.keycloaksts.admin;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.keycloaksts.account.Account;
import io.github.keycloaksts.account.AccountRegistry;
import io.github.keycloaksts.account.AccountService;
import io.github.keycloaksts.grant.SourceGrants;
import io.github.keycloaksts.policy.PolicyValidationException;
import io.github.keycloaksts.policy.arn.ArnPattern;
import io.github.keycloaksts.policy.document.Effect;
import io.github.keycloaksts.policy.document.PolicyDocument;
import io.github.keycloaksts.policy.document.PolicyReader;
import io.github.keycloaksts.policy.document.PolicyWriter;
import io.github.keycloaksts.policy.document.Statement;
import io.github.keycloaksts.role.AssumableRole;
import io.github.keycloaksts.role.AssumableRoleStore;
import io.github.keycloaksts.role.AssumableRoleValidation;
import io.github.keycloaksts.role.AttachedPolicy;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.keycloak.Config;
import org.keycloak.events.admin.OperationType;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.ModelDuplicateException;
import org.keycloak.models.RealmModel;
import org.keycloak.models.RoleModel;
import org.keycloak.services.ErrorResponseException;
import org.keycloak.services.resources.admin.AdminAuth;
import org.keycloak.services.resources.admin.AdminEventBuilder;
import org.keycloak.services.resources.admin.fgap.AdminPermissions;
import org.keycloak.services.resources.admin.fgap.AdminPermissionEvaluator;

/**
 * {@code /admin/realms/{realm}/sts}: the account's identity, its assumable roles (trust policies and attached
 * policies) and, on the source side, which of its Keycloak roles grant assuming what. Reading needs
 * {@code view-realm}, changing needs {@code manage-realm}; every change is an admin event.
 */
public class StsAdminResource {

    static final String ACCOUNT_RESOURCE = "STS_ACCOUNT";
    static final String ROLE_RESOURCE = "STS_ROLE";
    static final String TRUST_POLICY_RESOURCE = "STS_TRUST_POLICY";
    static final String ROLE_POLICY_RESOURCE = "STS_ROLE_POLICY";

    private final KeycloakSession session;
    private final RealmModel realm;
    private final AdminPermissionEvaluator auth;
    private final AdminEventBuilder adminEvent;
    private final AssumableRoleStore roles;
    private final AssumableRoleValidation validation;
    private final PolicyReader policyReader = PolicyReader.defaults();

    StsAdminResource(KeycloakSession session, RealmModel realm, AdminPermissionEvaluator auth, AdminEventBuilder adminEvent) {
        this.session = session;
        this.realm = realm;
        this.auth = auth;
        this.adminEvent = adminEvent;
        this.roles = new AssumableRoleStore(session, realm);
        this.validation = new AssumableRoleValidation(realm, roles);
    }

    // ---------------------------------------------------------------- account

    @GET
    @Path("account")
    @Produces(MediaType.APPLICATION_JSON)
    public Account getAccount() {
        auth.realm().requireViewRealm();
        return requireAccount();
    }

    @PUT
    @Path("account")
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    public Account putAccount(String body) {
        auth.realm().requireManageRealm();
        requirePlatformAdministrator();
        JsonNode json = JsonBodies.object(body);
        JsonBodies.onlyFields(json, Set.of("accountId"));
        String accountId = JsonBodies.requiredText(json, "accountId");
        AccountService accounts = new AccountService(session);
        AccountRegistry.Problem problem = accounts.validateAccountId(realm, accountId);
        if (problem == AccountRegistry.Problem.MALFORMED) {
            throw StsAdminException.badRequest("InvalidParameter.AccountId", "accountId: must be 8 to 16 digits");
        }
        if (problem == AccountRegistry.Problem.TAKEN) {
            throw takenAccountId(accountId);
        }
        Account account;
        try {
            account = accounts.assign(realm, accountId);
        } catch (ModelDuplicateException e) {
            throw takenAccountId(accountId); // given to another realm by a concurrent request, on this node or another
        }
        adminEvent.operation(OperationType.UPDATE).resource(ACCOUNT_RESOURCE)
                .resourcePath(session.getContext().getUri()).representation(account).success();
        return account;
    }

    private static ErrorResponseException takenAccountId(String accountId) {
        return StsAdminException.conflict("EntityAlreadyExists.AccountId", "accountId: " + accountId + " is or was the ID of another account");
    }

    /**
     * Account IDs belong to the platform: only an administrator of the master realm who may manage the master realm
     * itself gives or changes them. A realm's own administrators, whatever their roles, can read them only.
     */
    private void requirePlatformAdministrator() {
        RealmModel master = session.realms().getRealmByName(Config.getAdminRealm());
        AdminAuth caller = auth.adminAuth();
        if (master == null || !master.getId().equals(caller.getRealm().getId())
                || !AdminPermissions.evaluator(session, master, caller).realm().canManageRealm()) {
            throw AdminRequest.refuse(session, realm, adminEvent.operation(OperationType.UPDATE).resource(ACCOUNT_RESOURCE)
                            .resourcePath(session.getContext().getUri()), "NoPermission.AccountId",
                    "account IDs are assigned by administrators of the master realm",
                    "account IDs are assigned by administrators of the master realm; " + caller.getUser().getUsername()
                            + " of realm " + caller.getRealm().getName() + " is not one");
        }
    }

    // ---------------------------------------------------------------- roles

    @GET
    @Path("roles")
    @Produces(MediaType.APPLICATION_JSON)
    public List<Map<String, Object>> listRoles() {
        auth.realm().requireViewRealm();
        Account account = requireAccount();
        return roles.list().map(role -> representation(account, role)).toList();
    }

    @POST
    @Path("roles")
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    public Response createRole(String body) {
        auth.realm().requireManageRealm();
        Account account = requireAccount();
        JsonNode json = JsonBodies.object(body);
        JsonBodies.onlyFields(json, Set.of("roleName", "description", "trustPolicy", "maxSessionDuration"));
        AssumableRoleValidation.NewRole valid = checked(() -> validation.newRole(json));
        String roleName = valid.roleName();
        AssumableRole role = roles.create(roleName, valid.description(), PolicyWriter.toJson(valid.trustPolicy()),
                valid.maxSessionDuration());
        Map<String, Object> representation = representation(account, role);
        adminEvent.operation(OperationType.CREATE).resource(ROLE_RESOURCE)
                .resourcePath(session.getContext().getUri(), roleName).representation(representation).success();
        return Response.created(session.getContext().getUri().getAbsolutePathBuilder().path(roleName).build())
                .entity(representation).build();
    }

    @GET
    @Path("roles/{roleName}")
    @Produces(MediaType.APPLICATION_JSON)
    public Map<String, Object> getRole(@PathParam("roleName") String roleName) {
        auth.realm().requireViewRealm();
        return representation(requireAccount(), requireRole(roleName));
    }

    @PUT
    @Path("roles/{roleName}")
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    public Map<String, Object> updateRole(@PathParam("roleName") String roleName, String body) {
        auth.realm().requireManageRealm();
        Account account = requireAccount();
        AssumableRole role = requireRole(roleName);
        JsonNode json = JsonBodies.object(body);
        JsonBodies.onlyFields(json, Set.of("roleName", "description", "maxSessionDuration"));
        AssumableRoleValidation.RoleChanges changes = checked(() -> validation.roleChanges(roleName, json));
        if (changes.descriptionGiven()) {
            roles.updateDescription(role, changes.description());
        }
        if (changes.maxSessionDuration() != null) {
            roles.updateMaxSessionDuration(role, changes.maxSessionDuration());
        }
        Map<String, Object> representation = representation(account, role);
        adminEvent.operation(OperationType.UPDATE).resource(ROLE_RESOURCE)
                .resourcePath(session.getContext().getUri()).representation(representation).success();
        return representation;
    }

    @DELETE
    @Path("roles/{roleName}")
    public Response deleteRole(@PathParam("roleName") String roleName) {
        auth.realm().requireManageRealm();
        AssumableRole role = requireRole(roleName);
        checked(() -> {
            validation.deletable(role);
            return role;
        });
        roles.delete(role);
        adminEvent.operation(OperationType.DELETE).resource(ROLE_RESOURCE)
                .resourcePath(session.getContext().getUri()).success();
        return Response.noContent().build();
    }

    // ---------------------------------------------------------------- trust policy

    @GET
    @Path("roles/{roleName}/trust-policy")
    @Produces(MediaType.APPLICATION_JSON)
    public JsonNode getTrustPolicy(@PathParam("roleName") String roleName) {
        auth.realm().requireViewRealm();
        return storedTrustPolicyJson(requireRole(roleName));
    }

    @PUT
    @Path("roles/{roleName}/trust-policy")
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    public JsonNode putTrustPolicy(@PathParam("roleName") String roleName, String body) {
        auth.realm().requireManageRealm();
        AssumableRole role = requireRole(roleName);
        PolicyDocument trustPolicy = readTrustPolicy(JsonBodies.object(body), "");
        PolicyDocument before;
        try {
            before = policyReader.readTrustPolicy(role.trustPolicyJson() == null ? "" : role.trustPolicyJson());
        } catch (PolicyValidationException e) {
            before = null; // unreadable before: revoke every account's sessions
        }
        List<String> revoked = roles.updateTrustPolicy(role, before, trustPolicy);
        JsonNode representation = PolicyWriter.toJsonNode(trustPolicy);
        adminEvent.operation(OperationType.UPDATE).resource(TRUST_POLICY_RESOURCE)
                .resourcePath(session.getContext().getUri()).representation(representation)
                .detail("revoked_accounts", String.join(",", revoked)).success();
        return representation;
    }

    // ---------------------------------------------------------------- attached policies

    @GET
    @Path("roles/{roleName}/policies")
    @Produces(MediaType.APPLICATION_JSON)
    public List<AttachedPolicy> listPolicies(@PathParam("roleName") String roleName) {
        auth.realm().requireViewRealm();
        return requireRole(roleName).attachedPolicies();
    }

    @POST
    @Path("roles/{roleName}/policies")
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    public Response attachPolicy(@PathParam("roleName") String roleName, String body) {
        auth.realm().requireManageRealm();
        AssumableRole role = requireRole(roleName);
        JsonNode json = JsonBodies.object(body);
        JsonBodies.onlyFields(json, Set.of("policyName", "clientId"));
        String policyName = JsonBodies.requiredText(json, "policyName");
        String clientId = JsonBodies.optionalText(json, "clientId", 255);
        RoleModel policy = requirePolicy(policyName, clientId);
        requireMayGrant(roleName, policy, OperationType.CREATE);
        if (role.attachedRoles().anyMatch(policy::equals)) {
            throw StsAdminException.conflict("EntityAlreadyExists.Role.Policy",
                    "policy " + AttachedPolicy.of(policy).qualifiedName() + " is already attached to role " + roleName);
        }
        roles.attach(role, policy);
        AttachedPolicy attached = AttachedPolicy.of(policy);
        adminEvent.operation(OperationType.CREATE).resource(ROLE_POLICY_RESOURCE)
                .resourcePath(session.getContext().getUri(), attached.policyName()).representation(attached).success();
        return Response.status(Response.Status.CREATED).entity(attached).build();
    }

    @DELETE
    @Path("roles/{roleName}/policies/{policyName}")
    public Response detachPolicy(@PathParam("roleName") String roleName, @PathParam("policyName") String policyName,
                                 @QueryParam("clientId") String clientId) {
        auth.realm().requireManageRealm();
        AssumableRole role = requireRole(roleName);
        RoleModel policy = requirePolicy(policyName, clientId);
        requireMayGrant(roleName, policy, OperationType.DELETE);
        if (role.attachedRoles().noneMatch(policy::equals)) {
            throw StsAdminException.notFound("EntityNotExist.Role.Policy",
                    "policy " + AttachedPolicy.of(policy).qualifiedName() + " is not attached to role " + roleName);
        }
        roles.detach(role, policy);
        adminEvent.operation(OperationType.DELETE).resource(ROLE_POLICY_RESOURCE)
                .resourcePath(session.getContext().getUri()).representation(AttachedPolicy.of(policy)).success();
        return Response.noContent().build();
    }

    // ---------------------------------------------------------------- role sessions

    @GET
    @Path("roles/{roleName}/sessions")
    @Produces(MediaType.APPLICATION_JSON)
    public List<Map<String, Object>> listSessions(@PathParam("roleName") String roleName) {
        auth.realm().requireViewRealm();
        Account account = requireAccount();
        return RoleSessionsEndpoint.list(session, realm, requireRole(roleName), account.accountId());
    }

    @DELETE
    @Path("roles/{roleName}/sessions")
    @Produces(MediaType.APPLICATION_JSON)
    public Map<String, Object> revokeSessions(@PathParam("roleName") String roleName,
                                              @QueryParam("sourceAccountId") String sourceAccountId) {
        auth.realm().requireManageRealm();
        return RoleSessionsEndpoint.revoke(session, realm, adminEvent, requireRole(roleName), sourceAccountId);
    }

    // ---------------------------------------------------------------- source side

    @GET
    @Path("grants")
    @Produces(MediaType.APPLICATION_JSON)
    public List<Map<String, Object>> listGrants() {
        auth.realm().requireViewRealm();
        return SourceGrants.grantingRoles(realm).map(role -> {
            AttachedPolicy id = AttachedPolicy.of(role);
            Map<String, Object> grant = new LinkedHashMap<>();
            grant.put("roleName", id.policyName());
            if (id.clientId() != null) {
                grant.put("clientId", id.clientId());
            }
            List<String> allowed = new ArrayList<>();
            List<Map<String, String>> invalid = new ArrayList<>();
            for (String pattern : SourceGrants.patternsOf(role)) {
                try {
                    ArnPattern.parse(pattern);
                    allowed.add(pattern);
                } catch (PolicyValidationException e) {
                    invalid.add(Map.of("value", pattern, "error", e.getMessage()));
                }
            }
            grant.put("allows", allowed);
            if (!invalid.isEmpty()) {
                grant.put("invalid", invalid); // ignored by the exchange (fail closed); shown so admins can fix them
            }
            return grant;
        }).sorted((a, b) -> String.valueOf(a.get("clientId")).concat("/" + a.get("roleName"))
                .compareTo(String.valueOf(b.get("clientId")).concat("/" + b.get("roleName")))).toList();
    }

    // ---------------------------------------------------------------- helpers

    /** Runs a check of the shared {@link AssumableRoleValidation} (also used by the admin console page). */
    private static <T> T checked(Supplier<T> check) {
        return StsAdminException.checked(check);
    }

    /**
     * Attaching a policy grants it to whoever assumes the role, so it takes what granting it takes in Keycloak: the
     * map-role right on the role and on every role it contains ({@link AdminRequest#firstUnmappable}); detaching
     * takes the map-role right on the role, as Keycloak's role-mapping removal does. A refusal is a 403 with an
     * admin event carrying the error and the reason; nothing is changed.
     */
    private void requireMayGrant(String roleName, RoleModel policy, OperationType operation) {
        java.util.Optional<RoleModel> refused = operation == OperationType.CREATE
                ? AdminRequest.firstUnmappable(auth, policy)
                : (auth.roles().canMapRole(policy) ? java.util.Optional.empty() : java.util.Optional.of(policy));
        if (refused.isEmpty()) {
            return;
        }
        AttachedPolicy attached = AttachedPolicy.of(policy);
        String reason = (operation == OperationType.CREATE ? "attaching " : "detaching ") + attached.qualifiedName()
                + (operation == OperationType.CREATE ? " to" : " from") + " role " + roleName + " needs the right to map role "
                + AdminRequest.qualifiedName(refused.get())
                + (refused.get().equals(policy) ? "" : " (contained in " + attached.qualifiedName() + ")");
        adminEvent.operation(operation).resource(ROLE_POLICY_RESOURCE)
                .resourcePath(session.getContext().getUri()).representation(attached);
        throw AdminRequest.refuse(session, realm, adminEvent, "Forbidden.Policy",
                "you may not grant policy " + attached.qualifiedName(), reason);
    }

    private Account requireAccount() {
        return checked(validation::account);
    }

    private AssumableRole requireRole(String roleName) {
        return checked(() -> validation.role(roleName));
    }

    private RoleModel requirePolicy(String policyName, String clientId) {
        return checked(() -> validation.policy(policyName, clientId));
    }

    private PolicyDocument readTrustPolicy(JsonNode node, String pathPrefix) {
        return checked(() -> validation.trustPolicy(node, pathPrefix));
    }

    private JsonNode storedTrustPolicyJson(AssumableRole role) {
        String stored = role.trustPolicyJson();
        try {
            return PolicyWriter.toJsonNode(policyReader.readTrustPolicy(stored == null ? "" : stored));
        } catch (PolicyValidationException e) {
            // Only a hand-edited import can get here; the exchange treats this role as trusting nobody.
            throw StsAdminException.of(Response.Status.CONFLICT, "MalformedPolicyDocument.Stored",
                    "the stored trust policy of role " + role.name() + " is invalid (" + e.getMessage() + "): PUT a new one");
        }
    }

    private Map<String, Object> representation(Account account, AssumableRole role) {
        Map<String, Object> rep = new LinkedHashMap<>();
        rep.put("roleName", role.name());
        rep.put("arn", role.arn(account.accountId()).toString());
        rep.put("description", role.description());
        rep.put("maxSessionDuration", role.maxSessionDuration());
        Long created = role.createdEpochMillis();
        if (created != null) {
            rep.put("createDate", java.time.Instant.ofEpochMilli(created).toString());
        }
        List<String> trusted = new ArrayList<>();
        try {
            PolicyDocument trustPolicy = policyReader.readTrustPolicy(role.trustPolicyJson() == null ? "" : role.trustPolicyJson());
            rep.put("trustPolicy", PolicyWriter.toJsonNode(trustPolicy));
            for (Statement statement : trustPolicy.statements()) {
                if (statement.effect() == Effect.ALLOW) {
                    statement.principals().arns().forEach(arn -> {
                        if (!trusted.contains(arn.toString())) {
                            trusted.add(arn.toString());
                        }
                    });
                }
            }
        } catch (PolicyValidationException e) {
            rep.put("trustPolicy", null);
            rep.put("trustPolicyError", e.getMessage());
        }
        rep.put("trustedPrincipals", trusted);
        rep.put("attachedPolicies", role.attachedPolicies());
        return rep;
    }
}
