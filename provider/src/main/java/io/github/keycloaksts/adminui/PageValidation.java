package io.github.keycloaksts.adminui;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

import com.fasterxml.jackson.databind.node.TextNode;
import io.github.keycloaksts.admin.AdminRequest;
import io.github.keycloaksts.policy.PolicyValidationException;
import io.github.keycloaksts.policy.document.PolicyDocument;
import io.github.keycloaksts.policy.document.PolicyReader;
import io.github.keycloaksts.policy.document.PolicyWriter;
import io.github.keycloaksts.role.AssumableRole;
import io.github.keycloaksts.role.AssumableRoleStore;
import io.github.keycloaksts.role.AssumableRoleValidation;
import io.github.keycloaksts.role.AttachedPolicy;
import io.github.keycloaksts.role.RoleValidationException;
import jakarta.ws.rs.core.Response;
import org.keycloak.common.util.MultivaluedHashMap;
import org.keycloak.component.ComponentModel;
import org.keycloak.component.ComponentValidationException;
import org.keycloak.events.admin.OperationType;
import org.keycloak.models.ClientModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.RoleModel;
import org.keycloak.models.utils.KeycloakModelUtils;
import org.keycloak.services.ErrorResponseException;
import org.keycloak.services.resources.admin.AdminEventBuilder;
import org.keycloak.services.resources.admin.fgap.AdminPermissionEvaluator;

/**
 * The page's validation of an entry (create, update, realm import): the REST API's own checks
 * ({@code AssumableRoleValidation}), Keycloak's map-role rights for attaching, and the entry rewritten in its stored
 * form.
 */
final class PageValidation {

    private PageValidation() {
    }

    static void validateCreate(KeycloakSession session, RealmModel realm, ComponentModel model) {
        if (model.getId() != null) {
            throw invalid("id: leave it out, the ID of a new role is assigned by the server");
        }
        AssumableRoleValidation validation = new AssumableRoleValidation(realm, new AssumableRoleStore(session, realm));
        validation.account();
        AssumableRoleValidation.NewRole role = validation.newRole(PageEntry.body(model.getConfig(), AssumableRolesPageProviderFactory.CREATE_FIELDS));
        List<AttachedPolicy> policies = new ArrayList<>();
        List<String> references = PageEntry.values(model.getConfig(), PageEntry.ATTACHED_POLICIES);
        for (int i = 0; i < references.size(); i++) {
            policies.add(AttachedPolicy.of(policy(realm, validation, references, i)));
        }
        model.setId(KeycloakModelUtils.generateId());
        model.setName(role.roleName());
        model.setConfig(PageEntry.config(role.roleName(), role.description(), role.trustPolicy(), null,
                role.maxSessionDuration(), policies));
    }

    static void validateUpdate(KeycloakSession session, RealmModel realm, ComponentModel stored, ComponentModel model) {
        AssumableRoleStore roles = new AssumableRoleStore(session, realm);
        AssumableRoleValidation validation = new AssumableRoleValidation(realm, roles);
        validation.account();
        AssumableRole role = roleOf(realm, roles, stored).orElseThrow(() -> invalid(
                "role " + stored.getName() + " does not exist any more: delete this entry"));
        AssumableRoleValidation.RoleChanges changes = validation.roleChanges(role.name(),
                PageEntry.body(model.getConfig(), AssumableRolesPageProviderFactory.UPDATE_FIELDS));
        String trustPolicyText = PageEntry.first(model.getConfig(), PageEntry.TRUST_POLICY);
        if (trustPolicyText == null) {
            throw invalid("trustPolicy: required");
        }
        PolicyDocument trustPolicy = validation.trustPolicy(TextNode.valueOf(trustPolicyText), "trustPolicy.");
        // Attached policies: the role's, plus the entries added since the stored entry (each checked), minus the
        // entries removed since; removing one that no longer exists is harmless.
        List<String> before = PageEntry.values(stored.getConfig(), PageEntry.ATTACHED_POLICIES);
        List<String> after = PageEntry.values(model.getConfig(), PageEntry.ATTACHED_POLICIES);
        Map<String, AttachedPolicy> attached = new LinkedHashMap<>();
        role.attachedPolicies().forEach(p -> attached.put(p.qualifiedName(), p));
        for (int i = 0; i < after.size(); i++) {
            if (!before.contains(after.get(i)) && !attached.containsKey(after.get(i))) {
                attached.put(after.get(i), AttachedPolicy.of(policy(realm, validation, after, i)));
            }
        }
        before.stream().filter(p -> !after.contains(p)).forEach(attached::remove);
        String liveSessions = PageSessions.prepare(session, realm, role, role.arn(validation.account().accountId()).toString(),
                stored.getId(), PageEntry.values(model.getConfig(), PageEntry.END_SESSIONS));
        model.setName(role.name());
        MultivaluedHashMap<String, String> config = PageEntry.config(role.name(), changes.description(), trustPolicy, null,
                changes.maxSessionDuration() == null ? role.maxSessionDuration() : changes.maxSessionDuration(),
                List.copyOf(attached.values()));
        config.putSingle(PageEntry.LIVE_SESSIONS, liveSessions);
        model.setConfig(config);
    }

    /** An entry arriving with a realm import (a realm export taken with the feature on): adopted by its role. */
    static void validateImported(KeycloakSession session, RealmModel realm, ComponentModel model) {
        String roleName = PageEntry.first(model.getConfig(), PageEntry.ROLE_NAME);
        AssumableRole role = (roleName == null ? Optional.<AssumableRole>empty()
                : new AssumableRoleStore(session, realm).find(roleName))
                .orElseThrow(() -> invalid("roleName: entry " + roleName + " of page \""
                        + AssumableRolesPageProviderFactory.PROVIDER_ID + "\" names no assumable role of the imported realm (client "
                        + AssumableRole.CLIENT_ID_PREFIX + roleName + "); roles are imported from their clients, the page only shows them"));
        ComponentModel twin = realm.getComponent(role.id());
        if (twin != null && !Objects.equals(twin.getId(), model.getId())) {
            throw invalid("roleName: role " + roleName + " has two entries in page \"" + AssumableRolesPageProviderFactory.PROVIDER_ID + "\"");
        }
        model.setId(role.id());
        model.setName(role.name());
        model.setConfig(PageEntry.configOf(role)); // attached policies arrive with the users; rewritten after the import
    }

    /**
     * Entry {@code i} of {@code references}: a realm role by name, or {@code clientId/roleName} (split at the last
     * slash). A reference that reads both ways is refused rather than guessed.
     */
    static RoleModel policy(RealmModel realm, AssumableRoleValidation validation, List<String> references, int i) {
        String reference = references.get(i);
        String path = PageEntry.ATTACHED_POLICIES + "[" + i + "]: ";
        RoleModel realmRole = realm.getRole(reference);
        int slash = reference.lastIndexOf('/');
        String clientId = slash > 0 && slash < reference.length() - 1 ? reference.substring(0, slash) : null;
        String clientRoleName = clientId == null ? null : reference.substring(slash + 1);
        ClientModel client = clientId == null ? null : realm.getClientByClientId(clientId);
        RoleModel clientRole = client == null ? null : client.getRole(clientRoleName);
        if (realmRole != null && clientRole != null) {
            throw invalid(path + reference + " is both a realm role and role "
                    + clientRoleName + " of client " + clientId + "; attach it through the admin REST API");
        }
        if (realmRole != null || clientRole != null) {
            return realmRole != null ? realmRole : clientRole;
        }
        try {
            // Not found: the REST API's lookup says why ("realm role X does not exist", "client C does not exist", ...).
            return validation.policy(clientId == null ? reference : clientRoleName, clientId);
        } catch (RoleValidationException e) {
            throw invalid(path + e.getMessage().replaceFirst("^(policyName|clientId): ", ""));
        }
    }

    // ---------------------------------------------------------------- helpers

    /**
     * The check of {@code POST/DELETE /sts/roles/{roleName}/policies} for the page: Keycloak's component endpoints
     * check only {@code manage-realm}, so the page rebuilds the administrator's permissions from the request's bearer
     * token ({@link AdminRequest}) and needs the map-role right on the policy and, when attaching, on every role it
     * contains. Without an administrator behind the request it refuses (fail closed); a realm being created (an
     * import by whoever may create realms) is not checked. A refusal is a 403 and an admin event with the reason;
     * the whole save is rolled back.
     */
    static void requireMayGrant(KeycloakSession session, RealmModel realm, String roleName, RoleModel policy, boolean attach) {
        if (RoleMirror.isRealmBeingCreated(session, realm)) {
            return;
        }
        Optional<AdminPermissionEvaluator> auth = AdminRequest.permissions(session, realm);
        Optional<RoleModel> refused = auth.isEmpty() ? Optional.of(policy)
                : attach ? AdminRequest.firstUnmappable(auth.get(), policy)
                : (auth.get().roles().canMapRole(policy) ? Optional.empty() : Optional.of(policy));
        if (refused.isEmpty()) {
            return;
        }
        String name = AttachedPolicy.of(policy).qualifiedName();
        String reason = (attach ? "attaching " + name + " to" : "detaching " + name + " from") + " role " + roleName
                + " on page \"" + AssumableRolesPageProviderFactory.PROVIDER_ID + "\" needs the right to map role " + AttachedPolicy.of(refused.get()).qualifiedName()
                + (refused.get().equals(policy) ? "" : " (contained in " + name + ")")
                + (auth.isEmpty() ? "; no administrator behind the request" : "");
        AdminEventBuilder event = AdminRequest.eventBuilder(session, realm).orElse(null);
        if (event == null) {
            throw new ErrorResponseException("Forbidden.Policy", "you may not grant policy " + name, Response.Status.FORBIDDEN);
        }
        event.operation(attach ? OperationType.CREATE : OperationType.DELETE).resource("STS_ROLE_POLICY")
                .resourcePath(session.getContext().getUri()).representation(AttachedPolicy.of(policy));
        throw AdminRequest.refuse(session, realm, event, "Forbidden.Policy", "you may not grant policy " + name, reason);
    }

    /**
     * A refusal with {@code message} as the admin sees it. Keycloak answers a {@link ComponentValidationException}
     * with its message run through {@link java.text.MessageFormat}, so quotes and braces (frequent in JSON errors)
     * are quoted for it.
     */
    static ComponentValidationException invalid(String message) {
        return new ComponentValidationException(message.replace("'", "''").replace("{", "'{'").replace("}", "'}'"));
    }

    /** The role an entry mirrors: the client with the entry's ID, else (an entry imported by hand) by name. */
    static Optional<AssumableRole> roleOf(RealmModel realm, AssumableRoleStore roles, ComponentModel entry) {
        ClientModel client = entry.getId() == null ? null : realm.getClientById(entry.getId());
        if (client != null && AssumableRole.isRoleClientId(client.getClientId())) {
            return roles.ofClient(client);
        }
        String roleName = PageEntry.first(entry.getConfig(), PageEntry.ROLE_NAME);
        return roleName == null ? Optional.empty() : roles.find(roleName);
    }

    static boolean changed(Map<String, List<String>> before, Map<String, List<String>> after, String field) {
        return !Objects.equals(PageEntry.first(before, field), PageEntry.first(after, field));
    }

    /** A stored or previously shown trust policy, or null if unreadable (then every account's sessions end). */
    static PolicyDocument documentOrNull(String json) {
        try {
            return PolicyReader.defaults().readTrustPolicy(json == null ? "" : json);
        } catch (PolicyValidationException e) {
            return null;
        }
    }

    static String canonicalOrNull(String json) {
        PolicyDocument document = documentOrNull(json);
        return document == null ? null : PolicyWriter.toJson(document);
    }
}
