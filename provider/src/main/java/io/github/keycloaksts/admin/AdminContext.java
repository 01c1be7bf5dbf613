package io.github.keycloaksts.admin;

import java.util.function.Supplier;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.keycloaksts.account.Account;
import io.github.keycloaksts.policy.document.PolicyDocument;
import io.github.keycloaksts.policy.document.PolicyReader;
import io.github.keycloaksts.role.AssumableRole;
import io.github.keycloaksts.role.AssumableRoleStore;
import io.github.keycloaksts.role.AssumableRoleValidation;
import io.github.keycloaksts.role.RoleValidationException;
import io.github.keycloaksts.session.RoleUpdates;
import jakarta.ws.rs.core.UriInfo;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.RoleModel;
import org.keycloak.services.resources.admin.AdminEventBuilder;
import org.keycloak.services.resources.admin.fgap.AdminPermissionEvaluator;

/**
 * What every resource of one {@code /sts} admin request shares: the session, the realm, the administrator's
 * permissions, the admin event, the role store, and the shared assumable-role validation ({@code role/}, also
 * behind the admin console page) — whose refusals become {@link AdminApiException}s here and nowhere else.
 */
final class AdminContext {

    static final PolicyReader POLICY_READER = PolicyReader.defaults();

    final KeycloakSession session;
    final RealmModel realm;
    final AdminPermissionEvaluator auth;
    final AdminEventBuilder adminEvent;
    final AssumableRoleStore roles;
    /** Changes of a role that end role sessions go through here, never through {@link #roles} directly. */
    final RoleUpdates updates;
    private final AssumableRoleValidation validation;

    AdminContext(KeycloakSession session, RealmModel realm, AdminPermissionEvaluator auth, AdminEventBuilder adminEvent) {
        this.session = session;
        this.realm = realm;
        this.auth = auth;
        this.adminEvent = adminEvent;
        this.roles = new AssumableRoleStore(session, realm);
        this.updates = new RoleUpdates(session, realm);
        this.validation = new AssumableRoleValidation(realm, roles);
    }

    UriInfo uri() {
        return session.getContext().getUri();
    }

    /** The realm's account identity; 409 {@code EntityNotExist.Account} if it has none. */
    Account account() {
        return validated(validation::account);
    }

    /** 404 {@code EntityNotExist.Role} for an unknown role. */
    AssumableRole role(String roleName) {
        return validated(() -> validation.role(roleName));
    }

    /** A realm role, or with {@code clientId} a client role; 404 {@code EntityNotExist.Policy} if there is none. */
    RoleModel policy(String policyName, String clientId) {
        return validated(() -> validation.policy(policyName, clientId));
    }

    AssumableRoleValidation.NewRole newRole(JsonNode body) {
        return validated(() -> validation.newRole(body));
    }

    AssumableRoleValidation.RoleChanges roleChanges(String roleName, JsonNode body) {
        return validated(() -> validation.roleChanges(roleName, body));
    }

    PolicyDocument trustPolicy(JsonNode node, String pathPrefix) {
        return validated(() -> validation.trustPolicy(node, pathPrefix));
    }

    /** 409 {@code DeleteConflict.Role.Policy} while policies are attached. */
    void requireDeletable(AssumableRole role) {
        validated(() -> {
            validation.deletable(role);
            return role;
        });
    }

    String requiredText(JsonNode body, String field) {
        return validated(() -> AssumableRoleValidation.requiredText(body, field));
    }

    String optionalText(JsonNode body, String field, int maxLength) {
        return validated(() -> AssumableRoleValidation.optionalText(body, field, maxLength));
    }

    private static <T> T validated(Supplier<T> check) {
        try {
            return check.get();
        } catch (RoleValidationException e) {
            throw AdminApiException.of(e);
        }
    }
}
