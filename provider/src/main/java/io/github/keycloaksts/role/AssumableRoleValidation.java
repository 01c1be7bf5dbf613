package io.github.keycloaksts.role;

import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.keycloaksts.account.Account;
import io.github.keycloaksts.policy.PolicyValidationException;
import io.github.keycloaksts.policy.arn.RoleArn;
import io.github.keycloaksts.policy.document.PolicyDocument;
import io.github.keycloaksts.policy.document.PolicyReader;
import org.keycloak.models.ClientModel;
import org.keycloak.models.RealmModel;
import org.keycloak.models.RoleModel;

/**
 * The one validation of assumable-role values, shared by the admin REST API ({@code /sts/roles}) and the admin
 * console page, so both refuse the same input with the same code and the same JSON-path message. Input is the
 * REST body shape ({@code roleName}, {@code description}, {@code trustPolicy}, {@code maxSessionDuration}); the
 * console page converts its form into that shape first. Checks run in a fixed order and the first failure wins.
 */
public final class AssumableRoleValidation {

    public static final int MAX_DESCRIPTION = 1024;

    /** A role to create, every value checked; {@code maxSessionDuration} has its default applied. */
    public record NewRole(String roleName, String description, PolicyDocument trustPolicy, int maxSessionDuration) {
    }

    /** Changes of {@code PUT /roles/{roleName}}: the description when given (null clears it), the duration when given. */
    public record RoleChanges(boolean descriptionGiven, String description, Integer maxSessionDuration) {
    }

    private final RealmModel realm;
    private final AssumableRoleStore roles;
    private final PolicyReader policyReader = PolicyReader.defaults();

    public AssumableRoleValidation(RealmModel realm, AssumableRoleStore roles) {
        this.realm = realm;
        this.roles = roles;
    }

    /** The realm's account identity: roles need one (their ARN names it). */
    public Account account() {
        return Account.of(roles.session(), realm).orElseThrow(() -> new RoleValidationException(409, "EntityNotExist.Account",
                "realm " + realm.getName() + " is not an account yet: PUT /account with an accountId first"));
    }

    /** A new role (body of {@code POST /roles}); includes the duplicate check (409). */
    public NewRole newRole(JsonNode body) {
        String roleName = requiredText(body, "roleName");
        if (!RoleArn.isValidRoleName(roleName)) {
            throw RoleValidationException.badRequest("InvalidParameter.RoleName",
                    "roleName: 1 to 64 characters of letters, digits and " + RoleArn.NAME_EXTRA_CHARS);
        }
        String description = optionalText(body, "description", MAX_DESCRIPTION);
        Integer maxSessionDuration = optionalInt(body, "maxSessionDuration",
                AssumableRole.MIN_MAX_SESSION_DURATION, AssumableRole.MAX_MAX_SESSION_DURATION);
        if (!body.has("trustPolicy") || body.get("trustPolicy").isNull()) {
            throw RoleValidationException.badRequest("InvalidParameter", "trustPolicy: required");
        }
        PolicyDocument trustPolicy = trustPolicy(body.get("trustPolicy"), "trustPolicy.");
        if (roles.find(roleName).isPresent() || realm.getClientByClientId(AssumableRole.clientIdOf(roleName)) != null) {
            throw RoleValidationException.conflict("EntityAlreadyExists.Role", "roleName: role " + roleName + " already exists");
        }
        return new NewRole(roleName, description, trustPolicy,
                maxSessionDuration == null ? AssumableRole.DEFAULT_MAX_SESSION_DURATION : maxSessionDuration);
    }

    /** Changes of an existing role (body of {@code PUT /roles/{roleName}}); a role keeps its name. */
    public RoleChanges roleChanges(String roleName, JsonNode body) {
        if (body.has("roleName") && !roleName.equals(body.get("roleName").asText())) {
            throw RoleValidationException.badRequest("InvalidParameter.RoleName", "roleName: a role cannot be renamed");
        }
        String description = optionalText(body, "description", MAX_DESCRIPTION);
        Integer maxSessionDuration = optionalInt(body, "maxSessionDuration",
                AssumableRole.MIN_MAX_SESSION_DURATION, AssumableRole.MAX_MAX_SESSION_DURATION);
        return new RoleChanges(body.has("description"), description, maxSessionDuration);
    }

    /**
     * A trust policy, given as a JSON object or, like RAM's {@code AssumeRolePolicyDocument}, as a string holding
     * one. Errors name the path below {@code pathPrefix} ({@code "trustPolicy."} inside a role body, {@code ""} when
     * the document is the whole body).
     */
    public PolicyDocument trustPolicy(JsonNode node, String pathPrefix) {
        try {
            return node.isTextual() ? policyReader.readTrustPolicy(node.asText()) : policyReader.readTrustPolicy(node);
        } catch (PolicyValidationException e) {
            String path = e.path() == null || e.path().isEmpty() || "$".equals(e.path())
                    ? (pathPrefix.isEmpty() ? "$" : pathPrefix.substring(0, pathPrefix.length() - 1))
                    : pathPrefix + e.path();
            throw RoleValidationException.badRequest("MalformedPolicyDocument", path + ": " + e.detail());
        }
    }

    public AssumableRole role(String roleName) {
        return roles.find(roleName).orElseThrow(() -> RoleValidationException.notFound("EntityNotExist.Role",
                "role " + roleName + " does not exist"));
    }

    /** A permission policy to attach: a realm role, or with {@code clientId} a client role of this realm. */
    public RoleModel policy(String policyName, String clientId) {
        RoleModel policy;
        if (clientId == null) {
            policy = realm.getRole(policyName);
        } else {
            ClientModel client = realm.getClientByClientId(clientId);
            if (client == null) {
                throw RoleValidationException.notFound("EntityNotExist.Policy", "clientId: client " + clientId + " does not exist");
            }
            policy = client.getRole(policyName);
        }
        if (policy == null) {
            throw RoleValidationException.notFound("EntityNotExist.Policy", "policyName: " + (clientId == null ? "realm role " : "client role of " + clientId + " ")
                    + policyName + " does not exist");
        }
        return policy;
    }

    /** A role can be deleted only without attached policies, as in RAM (DeleteConflict.Role.Policy). */
    public void deletable(AssumableRole role) {
        List<AttachedPolicy> attached = role.attachedPolicies();
        if (!attached.isEmpty()) {
            throw RoleValidationException.conflict("DeleteConflict.Role.Policy",
                    "role " + role.name() + " still has " + attached.size() + " attached " + (attached.size() == 1 ? "policy" : "policies")
                            + ": detach them first");
        }
    }

    // ---------------------------------------------------------------- fields

    public static String requiredText(JsonNode body, String field) {
        JsonNode value = body.get(field);
        if (value == null || value.isNull()) {
            throw RoleValidationException.badRequest("InvalidParameter", field + ": required");
        }
        if (!value.isTextual()) {
            throw RoleValidationException.badRequest("InvalidParameter", field + ": must be a string");
        }
        return value.asText();
    }

    public static String optionalText(JsonNode body, String field, int maxLength) {
        JsonNode value = body.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isTextual()) {
            throw RoleValidationException.badRequest("InvalidParameter", field + ": must be a string");
        }
        if (value.asText().length() > maxLength) {
            throw RoleValidationException.badRequest("InvalidParameter", field + ": longer than " + maxLength + " characters");
        }
        return value.asText();
    }

    public static Integer optionalInt(JsonNode body, String field, int min, int max) {
        JsonNode value = body.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isIntegralNumber() || !value.canConvertToInt() || value.asInt() < min || value.asInt() > max) {
            throw RoleValidationException.badRequest("InvalidParameter", field + ": must be an integer from " + min + " to " + max);
        }
        return value.asInt();
    }
}
