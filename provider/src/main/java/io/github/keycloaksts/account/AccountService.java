package io.github.keycloaksts.account;

import java.util.Optional;
import java.util.function.Consumer;

import io.github.keycloaksts.policy.arn.AccountId;
import org.keycloak.models.ClientModel;
import org.keycloak.models.ClientScopeModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.utils.KeycloakModelUtils;
import org.keycloak.protocol.oidc.OIDCLoginProtocol;
import org.keycloak.protocol.oidc.OIDCLoginProtocolFactory;

/** Turning realms into accounts and finding accounts by ID or alias. */
public final class AccountService {

    /** The public client every account has: apps of other accounts exchange tokens through it. */
    public static final String STS_CLIENT_ID = "sts";

    private final KeycloakSession session;

    public AccountService(KeycloakSession session) {
        this.session = session;
    }

    /** The realm whose account ID is {@code accountId}, if any. */
    public Optional<RealmModel> findByAccountId(String accountId) {
        return new AccountRegistry(session).realmOf(accountId);
    }

    /** The account named by alias (realm name) or account ID, as typed on the Switch Role page. */
    public Optional<RealmModel> findByAliasOrAccountId(String aliasOrId) {
        if (aliasOrId == null || aliasOrId.isBlank()) {
            return Optional.empty();
        }
        if (AccountId.isValid(aliasOrId)) {
            Optional<RealmModel> byId = findByAccountId(aliasOrId);
            if (byId.isPresent()) {
                return byId;
            }
        }
        RealmModel realm = session.realms().getRealmByName(aliasOrId);
        return realm != null && Account.of(session, realm).isPresent() ? Optional.of(realm) : Optional.empty();
    }

    /**
     * Makes {@code realm} the account {@code accountId}: registers the ID ({@link AccountRegistry#assign}, which
     * refuses an ID that is or was another realm's) and makes sure the public {@code sts} client exists. Only a
     * platform administrator may call this; the caller checks.
     */
    public Account assign(RealmModel realm, String accountId) {
        return assign(realm, accountId, false);
    }

    /** As {@link #assign(RealmModel, String)}; {@code reinstate} also gives a retired ID (a platform administrator's explicit act). */
    public Account assign(RealmModel realm, String accountId, boolean reinstate) {
        new AccountRegistry(session).assign(realm, accountId, reinstate);
        ensureStsClient(realm);
        useStsAccountTheme(realm);
        return Account.of(session, realm).orElseThrow();
    }

    /** The account theme that puts Switch Role in the account console, unless the realm has chosen one. */
    public static final String ACCOUNT_THEME = "sts";

    /**
     * Gives a new account the {@value #ACCOUNT_THEME} account theme when it has none of its own (an operator who set
     * another, {@code keycloak.v3} included, keeps it: that is the opt-out, docs/operations.md).
     */
    public static void useStsAccountTheme(RealmModel realm) {
        String theme = realm.getAccountTheme();
        if (theme == null || theme.isBlank()) {
            realm.setAccountTheme(ACCOUNT_THEME);
        }
    }

    /** Returns null when {@code accountId} may be given to {@code realm}, else why not. */
    public AccountRegistry.Problem validateAccountId(RealmModel realm, String accountId) {
        return new AccountRegistry(session).check(realm, accountId);
    }

    static void ensureStsClient(RealmModel realm) {
        ensureConsoleClient(realm);
        ensurePublicClient(realm, STS_CLIENT_ID, client -> {
            client.setName("Security Token Service");
            client.setDescription("Public client of the STS: apps of other accounts exchange tokens for roles of this account through it");
            client.setStandardFlowEnabled(false);
            client.setServiceAccountsEnabled(false);
            client.setFullScopeAllowed(false);
            withoutRoleMappers(realm, client);
        });
    }

    /**
     * A role token's roles and audience are the attached policies, written by keycloak-sts; Keycloak's role mappers (the
     * {@code roles} client scope) would compute the user's roles only for them to be replaced, at every exchange and
     * again at every introspection of a role token. For a client without roles of its own, as {@code sts} is, that
     * costs a database query each time: Keycloak's realm cache does not keep an empty list of client roles.
     */
    static void withoutRoleMappers(RealmModel realm, ClientModel client) {
        ClientScopeModel roles = KeycloakModelUtils.getClientScopeByName(realm, OIDCLoginProtocolFactory.ROLES_SCOPE);
        if (roles != null) {
            client.removeClientScope(roles);
        }
    }

    /** The public client the console pages (Switch Role, role console) sign users in with. */
    public static final String CONSOLE_CLIENT_ID = "sts-console";

    static void ensureConsoleClient(RealmModel realm) {
        ensurePublicClient(realm, CONSOLE_CLIENT_ID, client -> {
            client.setName("STS console");
            client.setDescription("Switch Role and role console pages of keycloak-sts");
            client.setStandardFlowEnabled(true);
            client.setRootUrl("${authBaseUrl}");
            client.setBaseUrl("/realms/" + realm.getName() + "/sts/switch-role");
            client.addRedirectUri("/realms/" + realm.getName() + "/sts/*");
        });
    }

    /**
     * Creates the public OIDC client {@code clientId} set up by {@code setUp}, unless the realm has it already. Either
     * way it gets Keycloak's default authenticator if it has none, as a client made on Keycloak's own screens does:
     * a public client without one makes Keycloak log KC-SERVICES0018 on every token request (once per AssumeRole).
     * Earlier versions left it unset.
     */
    private static void ensurePublicClient(RealmModel realm, String clientId, Consumer<ClientModel> setUp) {
        ClientModel client = realm.getClientByClientId(clientId);
        boolean created = client == null;
        if (created) {
            client = realm.addClient(clientId);
        }
        if (client.getClientAuthenticatorType() == null) {
            client.setClientAuthenticatorType(KeycloakModelUtils.getDefaultClientAuthenticatorType());
        }
        if (created) {
            client.setProtocol(OIDCLoginProtocol.LOGIN_PROTOCOL);
            client.setPublicClient(true);
            client.setImplicitFlowEnabled(false);
            client.setDirectAccessGrantsEnabled(false);
            setUp.accept(client);
            client.setEnabled(true);
        }
    }
}
