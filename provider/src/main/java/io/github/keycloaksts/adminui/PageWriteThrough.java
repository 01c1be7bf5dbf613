package io.github.keycloaksts.adminui;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.node.TextNode;
import io.github.keycloaksts.admin.AdminApiException;
import io.github.keycloaksts.policy.document.PolicyDocument;
import io.github.keycloaksts.policy.document.PolicyWriter;
import io.github.keycloaksts.role.AssumableRole;
import io.github.keycloaksts.role.AssumableRoleStore;
import io.github.keycloaksts.role.AssumableRoleValidation;
import io.github.keycloaksts.role.AttachedPolicy;
import io.github.keycloaksts.role.RoleValidationException;
import io.github.keycloaksts.session.RoleUpdates;
import jakarta.ws.rs.core.Response;
import org.keycloak.component.ComponentModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.RoleModel;

/**
 * Saving an entry of the page writes its role through {@code AssumableRoleStore} and {@code session/RoleUpdates}, in the
 * same transaction; deleting an entry deletes the role (refused while policies are attached).
 */
final class PageWriteThrough {

    private PageWriteThrough() {
    }

    static void onCreate(KeycloakSession session, RealmModel realm, ComponentModel model) {
        if (RoleMirror.isSyncing(session)) {
            return;
        }
        RealmModel current = session.realms().getRealm(realm.getId()); // through the realm cache, which tracks the writes
        AssumableRoleStore roles = new AssumableRoleStore(session, current);
        AssumableRoleValidation validation = new AssumableRoleValidation(current, roles);
        Map<String, List<String>> config = model.getConfig();
        PolicyDocument trustPolicy = validation.trustPolicy(TextNode.valueOf(PageEntry.first(config, PageEntry.TRUST_POLICY)), "trustPolicy.");
        AssumableRole role = roles.create(model.getId(), PageEntry.first(config, PageEntry.ROLE_NAME),
                PageEntry.first(config, PageEntry.DESCRIPTION), PolicyWriter.toJson(trustPolicy),
                Integer.parseInt(PageEntry.first(config, PageEntry.MAX_SESSION_DURATION)));
        List<String> references = PageEntry.values(config, PageEntry.ATTACHED_POLICIES);
        for (int i = 0; i < references.size(); i++) {
            RoleModel policy = PageValidation.policy(current, validation, references, i);
            PageValidation.requireMayGrant(session, current, role.name(), policy, true);
            roles.attach(role, policy);
        }
    }

    /**
     * Applies what the admin changed between the stored entry and the saved one, and nothing else: a role changed
     * meanwhile elsewhere (a policy attached through the REST API) keeps that change.
     */
    static void onUpdate(KeycloakSession session, RealmModel realm, ComponentModel oldModel, ComponentModel newModel) {
        if (RoleMirror.isSyncing(session)) {
            return;
        }
        RealmModel current = session.realms().getRealm(realm.getId());
        AssumableRoleStore roles = new AssumableRoleStore(session, current);
        AssumableRoleValidation validation = new AssumableRoleValidation(current, roles);
        AssumableRole role = PageValidation.roleOf(current, roles, newModel)
                .orElseThrow(() -> new IllegalStateException("validated entry without role: " + newModel.getName()));
        Map<String, List<String>> before = oldModel.getConfig();
        Map<String, List<String>> after = newModel.getConfig();
        if (PageValidation.changed(before, after, PageEntry.DESCRIPTION)) {
            roles.updateDescription(role, PageEntry.first(after, PageEntry.DESCRIPTION));
        }
        if (PageValidation.changed(before, after, PageEntry.MAX_SESSION_DURATION)) {
            new RoleUpdates(session, current).updateMaxSessionDuration(role, Integer.parseInt(PageEntry.first(after, PageEntry.MAX_SESSION_DURATION)));
        }
        PolicyDocument trustPolicy = validation.trustPolicy(TextNode.valueOf(PageEntry.first(after, PageEntry.TRUST_POLICY)), "trustPolicy.");
        String canonical = PolicyWriter.toJson(trustPolicy);
        if (!canonical.equals(role.trustPolicyJson()) && !canonical.equals(PageValidation.canonicalOrNull(PageEntry.first(before, PageEntry.TRUST_POLICY)))) {
            new RoleUpdates(session, current).updateTrustPolicy(role, PageValidation.documentOrNull(role.trustPolicyJson()), trustPolicy);
        }
        PageSessions.apply(session, current, role, role.arn(validation.account().accountId()).toString(), newModel.getId());
        List<String> was = PageEntry.values(before, PageEntry.ATTACHED_POLICIES);
        List<String> is = PageEntry.values(after, PageEntry.ATTACHED_POLICIES);
        Map<String, RoleModel> attached = new LinkedHashMap<>();
        role.attachedRoles().forEach(r -> attached.put(AttachedPolicy.of(r).qualifiedName(), r));
        for (String reference : was) {
            if (!is.contains(reference) && attached.containsKey(reference)) {
                PageValidation.requireMayGrant(session, current, role.name(), attached.get(reference), false);
                new RoleUpdates(session, current).detach(role, attached.get(reference));
            }
        }
        for (int i = 0; i < is.size(); i++) {
            if (!was.contains(is.get(i)) && !attached.containsKey(is.get(i))) {
                RoleModel policy = PageValidation.policy(current, validation, is, i);
                PageValidation.requireMayGrant(session, current, role.name(), policy, true);
                roles.attach(role, policy);
            }
        }
    }

    /** Deleting an entry deletes its role, refused like {@code DELETE /sts/roles/{roleName}} while policies are attached. */
    static void preRemove(KeycloakSession session, RealmModel realm, ComponentModel model) {
        if (RoleMirror.isSyncing(session)) {
            return;
        }
        RealmModel current = session.realms().getRealm(realm.getId());
        AssumableRoleStore roles = new AssumableRoleStore(session, current);
        AssumableRole role = PageValidation.roleOf(current, roles, model).orElse(null);
        if (role == null) {
            return; // an entry whose role is already gone
        }
        try {
            new AssumableRoleValidation(current, roles).deletable(role);
        } catch (RoleValidationException e) {
            // Not an IllegalArgumentException (which Keycloak would swallow here): the removal and its admin event
            // are rolled back. The body is the REST API's plus error_description, which the admin console shows
            // under the code.
            throw AdminApiException.shownByConsole(Response.Status.fromStatusCode(e.status()), e.code(), e.getMessage());
        }
        new RoleUpdates(session, current).delete(role);
    }
}
