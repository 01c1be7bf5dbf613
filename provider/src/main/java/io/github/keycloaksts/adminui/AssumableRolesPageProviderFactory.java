package io.github.keycloaksts.adminui;

import java.util.List;
import java.util.Map;

import io.github.keycloaksts.role.AssumableRole;
import io.github.keycloaksts.role.AssumableRoleStore;
import io.github.keycloaksts.role.AssumableRoleValidation;
import io.github.keycloaksts.role.RoleValidationException;
import org.keycloak.Config;
import org.keycloak.common.Profile;
import org.keycloak.component.ComponentModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.models.RealmModel;
import org.keycloak.provider.ProviderConfigProperty;
import org.keycloak.provider.ProviderConfigurationBuilder;
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
                    + "oidc:sub; optional Condition). Action sts:AssumeRole, and sts:TagSession to let sessions carry session "
                    + "tags. Condition keys: sts:ExternalId, sts:RoleSessionName, sts:SourceClientId, sts:SourceIdentity (who "
                    + "started a chain of sessions), sts:DurationSeconds, acs:SourceIp, acs:CurrentTime, acs:MFAPresent, "
                    + "acs:RequestTag/<key>, acs:PrincipalTag/<key>, acs:TagKeys, oidc:iss, oidc:aud, oidc:sub. A role ARN "
                    + "principal (acs:ram::<id>:role/<name>) trusts that role's sessions (role chaining). Checked exactly "
                    + "like the admin REST API; an error names the JSON path, e.g. trustPolicy.Statement[0].Principal.RAM[0]. "
                    + "Saving a changed policy ends the role sessions of every account whose standing may have changed.")
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
                    + "\"acs:MFAPresent\": true, \"acs:CurrentTime\": \"2026-01-01T09:00:00Z\", \"sts:SourceIdentity\": "
                    + "\"acs:ram::12345678:user/bob\", \"acs:RequestTag/project\": \"apollo\", \"acs:PrincipalTag/team\": \"blue\"}.")
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
            throw PageValidation.invalid("the page \"" + PROVIDER_ID + "\" needs the declarative-ui feature; use the admin REST API /sts/roles");
        }
        try {
            ComponentModel stored = model.getId() == null ? null : realm.getComponent(model.getId());
            if (!RoleMirror.isRealmBeingCreated(session, realm)) {
                PageTools.answerIfAsked(session, realm, stored, model); // Test access / Preview only: answered, nothing saved
            }
            if (stored != null) {
                PageValidation.validateUpdate(session, realm, stored, model);
            } else if (RoleMirror.isRealmBeingCreated(session, realm)) {
                PageValidation.validateImported(session, realm, model);
            } else {
                PageValidation.validateCreate(session, realm, model);
            }
        } catch (RoleValidationException e) {
            throw PageValidation.invalid(e.getMessage());
        }
    }

    // ---------------------------------------------------------------- write-through (PageWriteThrough)

    @Override
    public void onCreate(KeycloakSession session, RealmModel realm, ComponentModel model) {
        PageWriteThrough.onCreate(session, realm, model);
    }

    @Override
    public void onUpdate(KeycloakSession session, RealmModel realm, ComponentModel oldModel, ComponentModel newModel) {
        PageWriteThrough.onUpdate(session, realm, oldModel, newModel);
    }

    @Override
    public void preRemove(KeycloakSession session, RealmModel realm, ComponentModel model) {
        PageWriteThrough.preRemove(session, realm, model);
    }
}
