package io.github.keycloaksts.session;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

import org.keycloak.component.ComponentModel;
import org.keycloak.credential.CredentialInput;
import org.keycloak.credential.CredentialModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.SubjectCredentialManager;
import org.keycloak.models.UserModel;
import org.keycloak.storage.StorageId;
import org.keycloak.storage.adapter.AbstractUserAdapter;

/**
 * The user a live role session's tokens are issued to, served by {@link RoleSessionUserStorage} while the session
 * holds. Read-only, no credentials, no role mappings, no groups and none of the realm's default roles: a role token's
 * roles are the attached policies written into it, never anything a user holds. It carries the attributes that make
 * it a role-session principal ({@link RoleSessionAnchors#isPrincipal}), so it can never be the subject of
 * another assumption.
 */
final class RoleSessionUser extends AbstractUserAdapter {

    private final String username;
    private final String email;
    private final RoleSessionHandle handle;
    private final RoleSessionAnchors.Anchor anchor;
    /** Built on first use: only mappers of the display claims need the names, and they need a look-up or two. */
    private Map<String, List<String>> attributes;

    private RoleSessionDisplay display;

    /** {@code display} null: worked out when first needed (a session looked up again later). */
    RoleSessionUser(KeycloakSession session, RealmModel realm, ComponentModel component, RoleSessionHandle handle,
                    RoleSessionAnchors.Anchor anchor, RoleSessionDisplay display) {
        super(session, realm, component);
        // Distinct from the anchor's username and e-mail, which Keycloak's user-profile checks would see as taken.
        String suffix = handle.digest().toLowerCase(Locale.ROOT).substring(0, 16);
        this.username = anchor.username() + "." + suffix;
        this.storageId = new StorageId(component.getId(), handle.encode());
        this.email = suffix + "@role-session.invalid";
        this.handle = handle;
        this.anchor = anchor;
        this.display = display;
    }

    private Map<String, List<String>> attributes() {
        if (attributes == null) {
            if (display == null) {
                display = RoleSessionDisplay.of(session, realm, handle, anchor);
            }
            attributes = Map.of(
                    UserModel.USERNAME, List.of(username),
                    RoleSessionAnchors.ROLE_CLIENT_ATTRIBUTE, List.of(anchor.roleClientId()),
                    anchor.federated() ? RoleSessionAnchors.OIDC_PROVIDER_ATTRIBUTE : RoleSessionAnchors.SOURCE_ACCOUNT_ATTRIBUTE,
                    List.of(anchor.federated() ? anchor.provider() : anchor.accountId()),
                    UserModel.FIRST_NAME, List.of(display.firstName()),
                    UserModel.LAST_NAME, List.of(display.lastName()),
                    UserModel.EMAIL, List.of(email));
        }
        return attributes;
    }

    @Override
    public String getUsername() {
        return username;
    }

    @Override
    protected boolean appendDefaultRolesToRoleMappings() {
        return false;
    }

    @Override
    protected boolean appendDefaultGroups() {
        return false;
    }

    @Override
    public String getFirstAttribute(String name) {
        List<String> values = attributes().get(name);
        return values == null ? null : values.get(0);
    }

    @Override
    public Map<String, List<String>> getAttributes() {
        return attributes();
    }

    @Override
    public List<String> getAttribute(String name) {
        return attributes().getOrDefault(name, List.of());
    }

    @Override
    public Stream<String> getAttributeStream(String name) {
        return getAttribute(name).stream();
    }

    @Override
    public String getFirstName() {
        return getFirstAttribute(UserModel.FIRST_NAME);
    }

    @Override
    public String getLastName() {
        return getFirstAttribute(UserModel.LAST_NAME);
    }

    @Override
    public String getEmail() {
        return email;
    }

    @Override
    public boolean isEmailVerified() {
        return true;
    }

    @Override
    public SubjectCredentialManager credentialManager() {
        return NoCredentials.INSTANCE;
    }

    /** A role session has no credentials and takes none. */
    private static final class NoCredentials implements SubjectCredentialManager {
        static final NoCredentials INSTANCE = new NoCredentials();

        @Override public boolean isValid(List<CredentialInput> inputs) { return false; }
        @Override public boolean updateCredential(CredentialInput input) { return false; }
        @Override public void updateStoredCredential(CredentialModel cred) { }
        @Override public CredentialModel createStoredCredential(CredentialModel cred) { return null; }
        @Override public boolean removeStoredCredentialById(String id) { return false; }
        @Override public CredentialModel getStoredCredentialById(String id) { return null; }
        @Override public Stream<CredentialModel> getStoredCredentialsStream() { return Stream.empty(); }
        @Override public Stream<CredentialModel> getStoredCredentialsByTypeStream(String type) { return Stream.empty(); }
        @Override public CredentialModel getStoredCredentialByNameAndType(String name, String type) { return null; }
        @Override public boolean moveStoredCredentialTo(String id, String newPreviousCredentialId) { return false; }
        @Override public void updateCredentialLabel(String credentialId, String credentialLabel) { }
        @Override public void disableCredentialType(String credentialType) { }
        @Override public Stream<String> getDisableableCredentialTypesStream() { return Stream.empty(); }
        @Override public boolean isConfiguredFor(String type) { return false; }
        @Override public boolean isConfiguredLocally(String type) { return false; }
        @Override public Stream<String> getConfiguredUserStorageCredentialTypesStream() { return Stream.empty(); }
        @Override public CredentialModel createCredentialThroughProvider(CredentialModel model) { return null; }
    }
}
