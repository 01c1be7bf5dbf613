package io.github.keycloaksts.adminui;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

import com.fasterxml.jackson.databind.node.TextNode;
import io.github.keycloaksts.admin.AdminApiException;
import io.github.keycloaksts.admin.AdminRequest;
import io.github.keycloaksts.policy.PolicyValidationException;
import io.github.keycloaksts.policy.document.PolicyDocument;
import io.github.keycloaksts.policy.document.PolicyReader;
import io.github.keycloaksts.policy.document.PolicyWriter;
import io.github.keycloaksts.role.AssumableRole;
import io.github.keycloaksts.role.AssumableRoleChangedEvent;
import io.github.keycloaksts.role.AssumableRoleStore;
import io.github.keycloaksts.role.AssumableRoleValidation;
import io.github.keycloaksts.role.AttachedPolicy;
import io.github.keycloaksts.role.RoleValidationException;
import io.github.keycloaksts.session.RoleUpdates;
import jakarta.ws.rs.core.Response;
import org.keycloak.Config;
import org.keycloak.common.Profile;
import org.keycloak.common.util.MultivaluedHashMap;
import org.keycloak.component.ComponentModel;
import org.keycloak.component.ComponentValidationException;
import org.keycloak.events.admin.OperationType;
import org.keycloak.models.ClientModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.models.RealmModel;
import org.keycloak.models.RoleContainerModel;
import org.keycloak.models.RoleModel;
import org.keycloak.models.UserModel;
import org.keycloak.models.utils.KeycloakModelUtils;
import org.keycloak.provider.ProviderConfigProperty;
import org.keycloak.provider.ProviderConfigurationBuilder;
import org.keycloak.provider.ProviderEvent;
import org.keycloak.services.ErrorResponseException;
import org.keycloak.services.resources.admin.AdminEventBuilder;
import org.keycloak.services.resources.admin.fgap.AdminPermissionEvaluator;
import org.keycloak.services.ui.extend.UiPageProviderFactory;

/**
 * The admin console page "Assumable roles" (Keycloak's declarative UI, feature {@code declarative-ui}): lists,
 * creates, edits and deletes the realm's assumable roles.
 *
 * <p>The page stores its entries as components of the realm, while the roles themselves are the {@code sts-role:*}
 * clients (the source of truth, see {@link AssumableRole}). The two never disagree:
 * <ul>
 *   <li>an entry is a mirror of its role and has the ID of the role's client;</li>
 *   <li>saving an entry runs {@link AssumableRoleValidation}, the validation of the admin REST API, and writes the
 *       role through {@link AssumableRoleStore} in the same transaction; deleting an entry deletes the role, and is
 *       refused (409 {@code DeleteConflict.Role.Policy}, as in the REST API) while policies are attached;</li>
 *   <li>every other change of a role (REST API, Keycloak's client and role screens, realm import) is followed, at
 *       the end of its transaction, by rewriting the entries from the roles ({@link MirrorSync}, {@link RoleMirror}),
 *       and at startup every realm is reconciled.</li>
 * </ul>
 * Nothing else depends on the page. Keycloak 26.7.0 loads UiPage providers whether or not {@code declarative-ui}
 * is on (the feature only shows the page in the console's menu). Entries exist only while the feature is on: with it
 * off, nothing is mirrored (Keycloak keeps a realm's components in one JPA collection, so every entry makes each
 * later role change of the realm a little slower — measured in docs/benchmarks.md), page writes are refused, and
 * entries are removed at startup and after a realm import; turning the feature on rebuilds them at the next start.
 * The REST API, the exchange and realm import work the same either way.
 */
public final class AssumableRolesPageProviderFactory implements UiPageProviderFactory<ComponentModel> {

    /** Shown verbatim by the admin console as the menu entry and the page title, hence not kebab-case. */
    public static final String PROVIDER_ID = "Assumable roles";

    static final List<String> CREATE_FIELDS = List.of(PageEntry.ROLE_NAME, PageEntry.DESCRIPTION, PageEntry.TRUST_POLICY,
            PageEntry.MAX_SESSION_DURATION);
    static final List<String> UPDATE_FIELDS = List.of(PageEntry.ROLE_NAME, PageEntry.DESCRIPTION, PageEntry.MAX_SESSION_DURATION);

    private static final String TRUST_POLICY_TEMPLATE = """
            {
              "Version": "1",
              "Statement": [
                {
                  "Effect": "Allow",
                  "Action": "sts:AssumeRole",
                  "Principal": { "RAM": ["acs:ram::<trusted account ID>:root"] }
                }
              ]
            }""";

    private static final List<ProviderConfigProperty> PROPERTIES = ProviderConfigurationBuilder.create()
            .property().name(PageEntry.ROLE_NAME).label("Role name").type(ProviderConfigProperty.STRING_TYPE).required(true)
            .helpText("1 to 64 letters, digits and _.@+=,- ; the role's ARN is acs:ram::<account ID>:role/<role name>. "
                    + "A role cannot be renamed.")
            .add()
            .property().name(PageEntry.DESCRIPTION).label("Description").type(ProviderConfigProperty.STRING_TYPE)
            .helpText("Up to 1024 characters.")
            .add()
            .property().name(PageEntry.TRUST_POLICY).label("Trust policy").type(ProviderConfigProperty.TEXT_TYPE).required(true)
            .defaultValue(TRUST_POLICY_TEMPLATE)
            .helpText("The JSON document that says who may assume this role (Principal.RAM: accounts, their users and roles; "
                    + "Principal.Federated: OIDC providers of this account, see the page OIDC providers, with a condition on "
                    + "oidc:sub; optional Condition). Checked exactly like the admin REST API; an error names the JSON path, "
                    + "e.g. trustPolicy.Statement[0].Principal.RAM[0]. Saving a changed policy ends the role sessions "
                    + "of every account whose standing may have changed.")
            .add()
            .property().name(PageEntry.MAX_SESSION_DURATION).label("Max session duration (seconds)")
            .type(ProviderConfigProperty.INTEGER_TYPE).defaultValue(AssumableRole.DEFAULT_MAX_SESSION_DURATION)
            .helpText("3600 to 43200. The longest lifetime a role token of this role can have.")
            .add()
            .property().name(PageEntry.ATTACHED_POLICIES).label("Attached policies")
            .type(ProviderConfigProperty.MULTIVALUED_STRING_TYPE)
            .helpText("The permissions of the role: realm roles by name (AliyunECSFullAccess), client roles as clientId/roleName "
                    + "(billing/viewer). They become the role principal's role mappings. The role can only be deleted once "
                    + "this list is empty and saved.")
            .add()
            .property().name(PageEntry.LIVE_SESSIONS).label("Live sessions")
            .type(ProviderConfigProperty.TEXT_TYPE)
            .helpText("Read only: the role's live sessions (role tokens and browser role sessions) when this entry was last "
                    + "saved — save it to refresh. Each line: session ID, kind, source identity (user:<source user ID>), "
                    + "session name, end. Edits here are ignored.")
            .add()
            .property().name(PageEntry.END_SESSIONS).label("End sessions")
            .type(ProviderConfigProperty.MULTIVALUED_STRING_TYPE)
            .helpText("Applied on save, like DELETE /sts/roles/{role}/sessions: a session ID from the list, user:<source user ID> "
                    + "(that user's sessions), a source account ID (that account's), or all. Ended sessions stop at once at "
                    + "introspection, userinfo and in browsers.")
            .add()
            .property().name(PageEntry.TRUSTED_PRINCIPALS).label("Trusted principals (from the trust policy)")
            .type(ProviderConfigProperty.STRING_TYPE)
            .helpText("Read only, for the list: the principals named by the trust policy's Allow statements. "
                    + "Edits here are ignored; change the trust policy instead.")
            .add()
            .property().name(PageTools.PREVIEW_ONLY).label("Preview only (dry run)").type(ProviderConfigProperty.BOOLEAN_TYPE)
            .defaultValue(false)
            .helpText("Tick and Save to see what saving would change, without saving: who gains or loses access and how many "
                    + "live role sessions end, per source account. Untick to save.")
            .add()
            .property().name(PageTools.TEST_PRINCIPAL).label("Test access: principal").type(ProviderConfigProperty.STRING_TYPE)
            .helpText("Fill in an account ID, an account ARN (acs:ram::<id>:root) or a user ARN (acs:ram::<id>:user/<name>) and Save: "
                    + "instead of saving, the page answers whether the trust policy in this form lets that principal in "
                    + "(Allow, ImplicitDeny or ExplicitDeny), and for each statement that did not match the first failing part "
                    + "with its JSON path. Clear it to save.")
            .add()
            .property().name(PageTools.TEST_CONTEXT).label("Test access: request context (JSON)").type(ProviderConfigProperty.TEXT_TYPE)
            .helpText("Optional condition keys of the tested request, e.g. {\"sts:ExternalId\": \"a1b2c3\", \"acs:SourceIp\": \"10.0.0.7\", "
                    + "\"acs:MFAPresent\": true, \"acs:CurrentTime\": \"2026-01-01T09:00:00Z\"}.")
            .add()
            .build();

    @Override
    public String getId() {
        return PROVIDER_ID;
    }

    @Override
    public String getHelpText() {
        return "Roles of this account that other accounts can assume (STS AssumeRole). An entry is the role itself: "
                + "saving writes it, deleting deletes it, which is refused while policies are attached. "
                + "Same data and checks as the admin REST API under /sts/roles.";
    }

    @Override
    public List<ProviderConfigProperty> getConfigProperties() {
        return PROPERTIES;
    }

    @Override
    public Map<String, Object> getTypeMetadata() {
        return Map.of("displayFields", List.of(PageEntry.ROLE_NAME, PageEntry.TRUSTED_PRINCIPALS, PageEntry.DESCRIPTION));
    }

    @Override
    public void init(Config.Scope config) {
    }

    @Override
    public void postInit(KeycloakSessionFactory factory) {
    }

    /** Whether Keycloak's declarative admin pages are on (feature {@code declarative-ui}). */
    public static boolean pageOn() {
        return Profile.isFeatureEnabled(Profile.Feature.DECLARATIVE_UI);
    }

    /** Keycloak's model events, as the lifecycle listener hands them on. */
    public static void onEvent(ProviderEvent event, boolean pageOn) {
        if (pageOn) {
            onEvent(event);
        } else {
            onEventWithPageOff(event);
        }
    }

    /**
     * At start-up, for each realm: with the page on, heals entries that went stale while it was off or not deployed
     * and adds those of roles created meanwhile; with the page off, removes the entries, which nothing would keep in
     * step. A failure can be another node doing the same (the entry IDs are the role clients' IDs): the next start or
     * the next change of a role of the realm retries.
     */
    public static void startUp(KeycloakSession session, RealmModel realm, boolean pageOn) {
        if (pageOn) {
            RoleMirror.reconcile(session, realm);
        } else {
            RoleMirror.clear(session, realm);
        }
    }

    /** The page is off: entries that arrive with a realm import or were left from a time it was on go away. */
    private static void onEventWithPageOff(ProviderEvent event) {
        if (event instanceof RealmModel.RealmCreationEvent created) {
            RoleMirror.realmBeingCreated(created.getKeycloakSession(), created.getCreatedRealm().getId(), true);
        } else if (event instanceof RealmModel.RealmPostCreateEvent created) {
            RoleMirror.realmBeingCreated(created.getKeycloakSession(), created.getCreatedRealm().getId(), false);
            RoleMirror.clear(created.getKeycloakSession(), created.getCreatedRealm());
        }
    }

    @Override
    public void close() {
    }

    // ---------------------------------------------------------------- validation (create, update, realm import)

    /**
     * Runs the REST API's validation on the entry and rewrites it in its stored form (canonical trust policy,
     * default duration, attached policies as {@code name} / {@code clientId/name}); the entry of a new role gets the
     * ID its role client will have.
     */
    @Override
    public void validateConfiguration(KeycloakSession session, RealmModel realm, ComponentModel model) {
        if (RoleMirror.isSyncing(session)) {
            return;
        }
        if (!pageOn() && !RoleMirror.isRealmBeingCreated(session, realm)) {
            throw invalid("the page \"" + PROVIDER_ID + "\" needs the declarative-ui feature; use the admin REST API /sts/roles");
        }
        try {
            ComponentModel stored = model.getId() == null ? null : realm.getComponent(model.getId());
            if (!RoleMirror.isRealmBeingCreated(session, realm)) {
                PageTools.answerIfAsked(session, realm, stored, model); // Test access / Preview only: answered, nothing saved
            }
            if (stored != null) {
                validateUpdate(session, realm, stored, model);
            } else if (RoleMirror.isRealmBeingCreated(session, realm)) {
                validateImported(session, realm, model);
            } else {
                validateCreate(session, realm, model);
            }
        } catch (RoleValidationException e) {
            throw invalid(e.getMessage());
        }
    }

    private void validateCreate(KeycloakSession session, RealmModel realm, ComponentModel model) {
        if (model.getId() != null) {
            throw invalid("id: leave it out, the ID of a new role is assigned by the server");
        }
        AssumableRoleValidation validation = new AssumableRoleValidation(realm, new AssumableRoleStore(session, realm));
        validation.account();
        AssumableRoleValidation.NewRole role = validation.newRole(PageEntry.body(model.getConfig(), CREATE_FIELDS));
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

    private void validateUpdate(KeycloakSession session, RealmModel realm, ComponentModel stored, ComponentModel model) {
        AssumableRoleStore roles = new AssumableRoleStore(session, realm);
        AssumableRoleValidation validation = new AssumableRoleValidation(realm, roles);
        validation.account();
        AssumableRole role = roleOf(realm, roles, stored).orElseThrow(() -> invalid(
                "role " + stored.getName() + " does not exist any more: delete this entry"));
        AssumableRoleValidation.RoleChanges changes = validation.roleChanges(role.name(),
                PageEntry.body(model.getConfig(), UPDATE_FIELDS));
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
    private void validateImported(KeycloakSession session, RealmModel realm, ComponentModel model) {
        String roleName = PageEntry.first(model.getConfig(), PageEntry.ROLE_NAME);
        AssumableRole role = (roleName == null ? Optional.<AssumableRole>empty()
                : new AssumableRoleStore(session, realm).find(roleName))
                .orElseThrow(() -> invalid("roleName: entry " + roleName + " of page \""
                        + PROVIDER_ID + "\" names no assumable role of the imported realm (client "
                        + AssumableRole.CLIENT_ID_PREFIX + roleName + "); roles are imported from their clients, the page only shows them"));
        ComponentModel twin = realm.getComponent(role.id());
        if (twin != null && !Objects.equals(twin.getId(), model.getId())) {
            throw invalid("roleName: role " + roleName + " has two entries in page \"" + PROVIDER_ID + "\"");
        }
        model.setId(role.id());
        model.setName(role.name());
        model.setConfig(PageEntry.configOf(role)); // attached policies arrive with the users; rewritten after the import
    }

    /**
     * Entry {@code i} of {@code references}: a realm role by name, or {@code clientId/roleName} (split at the last
     * slash). A reference that reads both ways is refused rather than guessed.
     */
    private static RoleModel policy(RealmModel realm, AssumableRoleValidation validation, List<String> references, int i) {
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

    // ---------------------------------------------------------------- write-through

    @Override
    public void onCreate(KeycloakSession session, RealmModel realm, ComponentModel model) {
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
            RoleModel policy = policy(current, validation, references, i);
            requireMayGrant(session, current, role.name(), policy, true);
            roles.attach(role, policy);
        }
    }

    /**
     * Applies what the admin changed between the stored entry and the saved one, and nothing else: a role changed
     * meanwhile elsewhere (a policy attached through the REST API) keeps that change.
     */
    @Override
    public void onUpdate(KeycloakSession session, RealmModel realm, ComponentModel oldModel, ComponentModel newModel) {
        if (RoleMirror.isSyncing(session)) {
            return;
        }
        RealmModel current = session.realms().getRealm(realm.getId());
        AssumableRoleStore roles = new AssumableRoleStore(session, current);
        AssumableRoleValidation validation = new AssumableRoleValidation(current, roles);
        AssumableRole role = roleOf(current, roles, newModel)
                .orElseThrow(() -> new IllegalStateException("validated entry without role: " + newModel.getName()));
        Map<String, List<String>> before = oldModel.getConfig();
        Map<String, List<String>> after = newModel.getConfig();
        if (changed(before, after, PageEntry.DESCRIPTION)) {
            roles.updateDescription(role, PageEntry.first(after, PageEntry.DESCRIPTION));
        }
        if (changed(before, after, PageEntry.MAX_SESSION_DURATION)) {
            new RoleUpdates(session, current).updateMaxSessionDuration(role, Integer.parseInt(PageEntry.first(after, PageEntry.MAX_SESSION_DURATION)));
        }
        PolicyDocument trustPolicy = validation.trustPolicy(TextNode.valueOf(PageEntry.first(after, PageEntry.TRUST_POLICY)), "trustPolicy.");
        String canonical = PolicyWriter.toJson(trustPolicy);
        if (!canonical.equals(role.trustPolicyJson()) && !canonical.equals(canonicalOrNull(PageEntry.first(before, PageEntry.TRUST_POLICY)))) {
            new RoleUpdates(session, current).updateTrustPolicy(role, documentOrNull(role.trustPolicyJson()), trustPolicy);
        }
        PageSessions.apply(session, current, role, role.arn(validation.account().accountId()).toString(), newModel.getId());
        List<String> was = PageEntry.values(before, PageEntry.ATTACHED_POLICIES);
        List<String> is = PageEntry.values(after, PageEntry.ATTACHED_POLICIES);
        Map<String, RoleModel> attached = new LinkedHashMap<>();
        role.attachedRoles().forEach(r -> attached.put(AttachedPolicy.of(r).qualifiedName(), r));
        for (String reference : was) {
            if (!is.contains(reference) && attached.containsKey(reference)) {
                requireMayGrant(session, current, role.name(), attached.get(reference), false);
                new RoleUpdates(session, current).detach(role, attached.get(reference));
            }
        }
        for (int i = 0; i < is.size(); i++) {
            if (!was.contains(is.get(i)) && !attached.containsKey(is.get(i))) {
                RoleModel policy = policy(current, validation, is, i);
                requireMayGrant(session, current, role.name(), policy, true);
                roles.attach(role, policy);
            }
        }
    }

    /** Deleting an entry deletes its role, refused like {@code DELETE /sts/roles/{roleName}} while policies are attached. */
    @Override
    public void preRemove(KeycloakSession session, RealmModel realm, ComponentModel model) {
        if (RoleMirror.isSyncing(session)) {
            return;
        }
        RealmModel current = session.realms().getRealm(realm.getId());
        AssumableRoleStore roles = new AssumableRoleStore(session, current);
        AssumableRole role = roleOf(current, roles, model).orElse(null);
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

    // ---------------------------------------------------------------- helpers

    /**
     * The check of {@code POST/DELETE /sts/roles/{roleName}/policies} for the page: Keycloak's component endpoints
     * check only {@code manage-realm}, so the page rebuilds the administrator's permissions from the request's bearer
     * token ({@link AdminRequest}) and needs the map-role right on the policy and, when attaching, on every role it
     * contains. Without an administrator behind the request it refuses (fail closed); a realm being created (an
     * import by whoever may create realms) is not checked. A refusal is a 403 and an admin event with the reason;
     * the whole save is rolled back.
     */
    private static void requireMayGrant(KeycloakSession session, RealmModel realm, String roleName, RoleModel policy, boolean attach) {
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
                + " on page \"" + PROVIDER_ID + "\" needs the right to map role " + AttachedPolicy.of(refused.get()).qualifiedName()
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
    private static Optional<AssumableRole> roleOf(RealmModel realm, AssumableRoleStore roles, ComponentModel entry) {
        ClientModel client = entry.getId() == null ? null : realm.getClientById(entry.getId());
        if (client != null && AssumableRole.isRoleClientId(client.getClientId())) {
            return roles.ofClient(client);
        }
        String roleName = PageEntry.first(entry.getConfig(), PageEntry.ROLE_NAME);
        return roleName == null ? Optional.empty() : roles.find(roleName);
    }

    private static boolean changed(Map<String, List<String>> before, Map<String, List<String>> after, String field) {
        return !Objects.equals(PageEntry.first(before, field), PageEntry.first(after, field));
    }

    /** A stored or previously shown trust policy, or null if unreadable (then every account's sessions end). */
    private static PolicyDocument documentOrNull(String json) {
        try {
            return PolicyReader.defaults().readTrustPolicy(json == null ? "" : json);
        } catch (PolicyValidationException e) {
            return null;
        }
    }

    private static String canonicalOrNull(String json) {
        PolicyDocument document = documentOrNull(json);
        return document == null ? null : PolicyWriter.toJson(document);
    }

    // ---------------------------------------------------------------- keeping entries in step

    private static void onEvent(ProviderEvent event) {
        if (event instanceof AssumableRoleChangedEvent changed) {
            MirrorSync.roleChanged(changed.session(), changed.realm().getId(), changed.roleName());
        } else if (event instanceof RealmModel.RealmCreationEvent created) {
            // From here to RealmPostCreateEvent the realm is being imported: entries in the file are adopted by
            // their roles (validateConfiguration) and Keycloak's own events are left aside; the whole realm is
            // reconciled once, at the end of the import's transaction.
            RoleMirror.realmBeingCreated(created.getKeycloakSession(), created.getCreatedRealm().getId(), true);
        } else if (event instanceof RealmModel.RealmPostCreateEvent created) {
            RoleMirror.realmBeingCreated(created.getKeycloakSession(), created.getCreatedRealm().getId(), false);
            MirrorSync.realmChanged(created.getKeycloakSession(), created.getCreatedRealm().getId());
        } else if (event instanceof ClientModel.ClientUpdatedEvent updated) {
            // Keycloak's client screens, partial import, kcadm: description or attributes of a role client
            if (isRoleClient(updated.getUpdatedClient())) {
                clientChanged(updated.getKeycloakSession(), updated.getUpdatedClient());
            }
        } else if (event instanceof ClientModel.ClientRemovedEvent removed) {
            if (isRoleClient(removed.getClient())) {
                clientChanged(removed.getKeycloakSession(), removed.getClient());
            }
        } else if (event instanceof ClientModel.ClientIdChangeEvent renamed) {
            if (AssumableRole.isRoleClientId(renamed.getPreviousClientId()) || isRoleClient(renamed.getUpdatedClient())) {
                clientChanged(renamed.getKeycloakSession(), renamed.getUpdatedClient());
            }
        } else if (event instanceof RoleModel.RoleGrantedEvent granted) {
            principalRolesChanged(granted.getKeycloakSession(), granted.getRole(), granted.getUser());
        } else if (event instanceof RoleModel.RoleRevokedEvent revoked) {
            principalRolesChanged(revoked.getKeycloakSession(), revoked.getRole(), revoked.getUser());
        } else if (event instanceof RoleContainerModel.RoleRemovedEvent removed) {
            // A Keycloak role deleted: if it was attached, it left the role mappings and must leave the entries.
            String realmId = realmIdOf(removed.getRole());
            if (realmId != null) {
                realmChanged(removed.getKeycloakSession(), realmId);
            }
        } else if (event instanceof RoleModel.RoleNameChangeEvent renamed) {
            realmChanged(renamed.getKeycloakSession(), renamed.getRealm().getId());
        }
    }

    private static void clientChanged(KeycloakSession session, ClientModel client) {
        String realmId = client.getRealm().getId();
        if (!RoleMirror.isRealmBeingCreated(session, realmId)) {
            MirrorSync.clientChanged(session, realmId, client.getId());
        }
    }

    private static void realmChanged(KeycloakSession session, String realmId) {
        if (!RoleMirror.isRealmBeingCreated(session, realmId)) {
            MirrorSync.realmChanged(session, realmId);
        }
    }

    /** Role mappings of a service account changed (the client's "Service account roles" tab): maybe a role principal's. */
    private static void principalRolesChanged(KeycloakSession session, RoleModel role, UserModel user) {
        String link = user.getServiceAccountClientLink();
        if (link == null) {
            return; // a person: the common case, decided without a lookup
        }
        String realmId = realmIdOf(role);
        if (realmId == null || RoleMirror.isRealmBeingCreated(session, realmId)) {
            return;
        }
        RealmModel realm = session.realms().getRealm(realmId);
        ClientModel client = realm == null ? null : session.clients().getClientById(realm, link);
        if (isRoleClient(client)) {
            MirrorSync.clientChanged(session, realmId, client.getId());
        }
    }

    private static String realmIdOf(RoleModel role) {
        if (!role.isClientRole()) {
            return role.getContainerId();
        }
        return role.getContainer() instanceof ClientModel client && client.getRealm() != null ? client.getRealm().getId() : null;
    }

    private static boolean isRoleClient(ClientModel client) {
        return client != null && AssumableRole.isRoleClientId(client.getClientId());
    }
}
