package io.github.keycloaksts.adminui;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

import io.github.keycloaksts.account.Account;
import io.github.keycloaksts.admin.AdminApiException;
import io.github.keycloaksts.federation.OidcProviders;
import io.github.keycloaksts.federation.OidcProviders.OidcProvider;
import io.github.keycloaksts.policy.tags.TagClaims;
import jakarta.ws.rs.core.Response;
import org.jboss.logging.Logger;
import org.keycloak.Config;
import org.keycloak.common.util.MultivaluedHashMap;
import org.keycloak.component.ComponentModel;
import org.keycloak.component.ComponentValidationException;
import org.keycloak.models.IdentityProviderModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.models.RealmModel;
import org.keycloak.provider.ProviderConfigProperty;
import org.keycloak.provider.ProviderConfigurationBuilder;
import org.keycloak.provider.ProviderEvent;
import org.keycloak.services.ui.extend.UiPageProviderFactory;

/**
 * The admin console page "OIDC providers" (feature {@code declarative-ui}): the realm's OpenID Connect
 * identity providers usable in Federated trust, with their ARN, issuer and allowed audiences, as
 * {@code GET /sts/oidc-providers} shows them. Saving an entry sets the provider's allowed audiences with the checks of
 * {@code PUT /sts/oidc-providers/{alias}}; creating one names a provider by alias; an entry cannot be deleted here
 * (the identity provider is deleted under <em>Identity providers</em>, which removes its entry and ends its role
 * sessions).
 *
 * <p>Entries are components with the identity provider's internal ID, rewritten from the providers (the source of
 * truth) at startup and whenever an identity provider is updated or removed; Keycloak publishes no event when one is
 * created, so a new provider appears once it is updated (setting its audiences through the REST API does it), once
 * it is named on this page, or at the next start. With the page off, there are no entries.
 */
public final class OidcProvidersPageProviderFactory implements UiPageProviderFactory<ComponentModel> {

    /** Shown verbatim by the admin console as the menu entry and the page title. */
    public static final String PROVIDER_ID = "OIDC providers";
    static final String ALIAS = "alias";
    static final String ARN = "arn";
    static final String ISSUER = "issuer";
    static final String CLIENT_IDS = "clientIds";
    static final String TAG_CLAIMS = "tagClaims";

    private static final MirrorWrites SYNCING = new MirrorWrites(OidcProvidersPageProviderFactory.class);
    private static final Logger LOG = Logger.getLogger(OidcProvidersPageProviderFactory.class);

    private static final List<ProviderConfigProperty> PROPERTIES = ProviderConfigurationBuilder.create()
            .property().name(ALIAS).label("Identity provider alias").type(ProviderConfigProperty.STRING_TYPE).required(true)
            .helpText("An OpenID Connect identity provider of this realm with 'Validate signatures' on and an issuer "
                    + "(Identity providers). It cannot be changed here.")
            .add()
            .property().name(ARN).label("ARN").type(ProviderConfigProperty.STRING_TYPE)
            .helpText("Read only: name it in a trust policy as \"Principal\":{\"Federated\":[\"<ARN>\"]}, with a condition on oidc:sub "
                    + "(also oidc:iss, oidc:aud, sts:SourceIdentity).")
            .add()
            .property().name(ISSUER).label("Issuer").type(ProviderConfigProperty.STRING_TYPE)
            .helpText("Read only: the identity provider's issuer; external tokens must carry exactly this iss.")
            .add()
            .property().name(CLIENT_IDS).label("Allowed audiences (client IDs)").type(ProviderConfigProperty.MULTIVALUED_STRING_TYPE)
            .helpText("External tokens are accepted only if their aud names one of these (at most 50, each 1 to 255 characters). "
                    + "Empty: no token of this provider is accepted.")
            .add()
            .property().name(TAG_CLAIMS).label("Tag claims").type(ProviderConfigProperty.MULTIVALUED_STRING_TYPE)
            .helpText("Principal tags of the provider's subjects, one per row as <tag key>=<claim name>, e.g. Repository=repository: "
                    + "the top-level claim of the external token becomes the tag (acs:PrincipalTag/<key>, and a session tag where "
                    + "the trust policy allows sts:TagSession). At most 50.")
            .add()
            .build();

    @Override
    public String getId() {
        return PROVIDER_ID;
    }

    @Override
    public String getHelpText() {
        return "External OIDC issuers (CI pipelines, Kubernetes clusters, other IdPs) that trust policies of this account can "
                + "name as Federated principals (AssumeRoleWithOIDC). Same data and checks as the admin REST API under "
                + "/sts/oidc-providers.";
    }

    @Override
    public List<ProviderConfigProperty> getConfigProperties() {
        return PROPERTIES;
    }

    @Override
    public Map<String, Object> getTypeMetadata() {
        return Map.of("displayFields", List.of(ALIAS, ARN, ISSUER));
    }

    @Override
    public void init(Config.Scope config) {
    }

    @Override
    public void postInit(KeycloakSessionFactory factory) {
    }

    @Override
    public void close() {
    }

    /** At start-up, for each realm: the entries in step with the identity providers, or gone with the page off. */
    public static void startUp(KeycloakSession session, RealmModel realm, boolean pageOn) {
        SYNCING.run(session, () -> {
            if (pageOn) {
                reconcile(session, realm);
            } else {
                entries(realm).forEach(realm::removeComponent);
            }
        });
    }

    /** Keycloak's model events, as the lifecycle listener hands them on. */
    public static void onEvent(ProviderEvent event, boolean pageOn) {
        if (event instanceof RealmModel.RealmPostCreateEvent created) {
            // A realm import: entries in the file were let through (validateConfiguration); rebuild them from the
            // imported identity providers, or drop them with the page off, as at start-up.
            startUp(created.getKeycloakSession(), created.getCreatedRealm(), pageOn);
        } else if (!pageOn) {
            return;
        } else if (event instanceof RealmModel.IdentityProviderRemovedEvent removed) {
            SYNCING.run(removed.getKeycloakSession(), () -> remove(removed.getRealm(), removed.getRemovedIdentityProvider()));
        } else if (event instanceof RealmModel.IdentityProviderUpdatedEvent updated) {
            KeycloakSession session = updated.getKeycloakSession();
            RealmModel realm = updated.getRealm();
            IdentityProviderModel model = updated.getUpdatedIdentityProvider();
            SYNCING.run(session, () -> new OidcProviders(session, realm).byAlias(model.getAlias()).ifPresentOrElse(
                    provider -> write(session, realm, provider), () -> remove(realm, model)));
        }
    }

    // ---------------------------------------------------------------- page hooks

    @Override
    public void validateConfiguration(KeycloakSession session, RealmModel realm, ComponentModel model) {
        if (SYNCING.active(session) || RoleMirror.isRealmBeingCreated(session, realm)) {
            return; // mirror writes; a realm import, whose entries are rebuilt from its providers at RealmPostCreateEvent
        }
        if (!AssumableRolesPageProviderFactory.pageOn()) {
            throw invalid("the page \"" + PROVIDER_ID + "\" needs the declarative-ui feature; use the admin REST API /sts/oidc-providers");
        }
        ComponentModel stored = model.getId() == null ? null : realm.getComponent(model.getId());
        String alias = stored != null ? first(stored.getConfig(), ALIAS) : first(model.getConfig(), ALIAS);
        if (stored == null && model.getId() != null) {
            throw invalid("id: leave it out, an entry has the ID of its identity provider");
        }
        OidcProviders providers = new OidcProviders(session, realm);
        OidcProvider provider = providers.byAlias(alias).orElseThrow(() -> invalid(
                "alias: no OpenID Connect identity provider " + alias + " in this realm"));
        String problem = provider.problem();
        if (problem != null) {
            throw invalid("alias: identity provider " + alias + " cannot be used in Federated trust: " + problem);
        }
        if (stored == null && realm.getComponent(provider.model().getInternalId()) != null) {
            throw invalid("alias: identity provider " + alias + " already has an entry");
        }
        List<String> clientIds = OidcProviderPageInput.clientIds(model.getConfig());
        TagClaims tagClaims = OidcProviderPageInput.tagClaims(model.getConfig());
        model.setId(provider.model().getInternalId());
        model.setName(provider.alias());
        model.setConfig(config(account(session, realm), provider, clientIds, tagClaims));
    }

    @Override
    public void onCreate(KeycloakSession session, RealmModel realm, ComponentModel model) {
        writeThrough(session, realm, model);
    }

    @Override
    public void onUpdate(KeycloakSession session, RealmModel realm, ComponentModel oldModel, ComponentModel newModel) {
        writeThrough(session, realm, newModel);
    }

    /** An entry goes when its identity provider goes; deleting one here is refused. */
    @Override
    public void preRemove(KeycloakSession session, RealmModel realm, ComponentModel model) {
        if (SYNCING.active(session) || RoleMirror.isRealmBeingCreated(session, realm) || new OidcProviders(session, realm).byAlias(model.getName()).isEmpty()) {
            return;
        }
        throw AdminApiException.shownByConsole(Response.Status.CONFLICT, "DeleteConflict.OIDCProvider",
                "delete the identity provider " + model.getName() + " under Identity providers; its entry and its role sessions go with it");
    }

    private static void writeThrough(KeycloakSession session, RealmModel realm, ComponentModel model) {
        if (SYNCING.active(session) || RoleMirror.isRealmBeingCreated(session, realm)) {
            return;
        }
        OidcProviders providers = new OidcProviders(session, realm);
        OidcProvider provider = providers.byAlias(model.getName())
                .orElseThrow(() -> new IllegalStateException("validated entry without provider: " + model.getName()));
        List<String> clientIds = OidcProviderPageInput.clientIds(model.getConfig());
        TagClaims tagClaims = OidcProviderPageInput.tagClaims(model.getConfig());
        if (!clientIds.equals(provider.clientIds()) || !tagClaims.equals(provider.tagClaims()) || provider.tagClaimsProblem() != null) {
            SYNCING.run(session, () -> providers.update(provider, clientIds, tagClaims));
        }
    }

    // ---------------------------------------------------------------- mirror

    private static List<ComponentModel> entries(RealmModel realm) {
        return realm.getComponentsStream(realm.getId(), RoleMirror.PROVIDER_TYPE)
                .filter(c -> PROVIDER_ID.equals(c.getProviderId()))
                .toList();
    }

    private static void reconcile(KeycloakSession session, RealmModel realm) {
        List<ComponentModel> entries = new ArrayList<>(entries(realm));
        for (OidcProvider provider : new OidcProviders(session, realm).all()) {
            if (provider.problem() == null) {
                write(session, realm, provider);
                entries.removeIf(e -> e.getId().equals(provider.model().getInternalId()));
            }
        }
        entries.forEach(realm::removeComponent);
    }

    private static void write(KeycloakSession session, RealmModel realm, OidcProvider provider) {
        if (provider.problem() != null) {
            remove(realm, provider.model());
            return;
        }
        MultivaluedHashMap<String, String> shown = config(account(session, realm), provider, provider.clientIds(), provider.tagClaims());
        ComponentModel entry = realm.getComponent(provider.model().getInternalId());
        if (entry == null) {
            ComponentModel added = new ComponentModel();
            added.setId(provider.model().getInternalId());
            added.setName(provider.alias());
            added.setParentId(realm.getId());
            added.setProviderType(RoleMirror.PROVIDER_TYPE);
            added.setProviderId(PROVIDER_ID);
            added.setConfig(shown);
            realm.addComponentModel(added);
        } else if (PROVIDER_ID.equals(entry.getProviderId())
                && (!Objects.equals(entry.getConfig(), shown) || !Objects.equals(entry.getName(), provider.alias()))) {
            ComponentModel updated = new ComponentModel(entry);
            updated.setName(provider.alias());
            updated.setConfig(shown);
            realm.updateComponent(updated);
        }
    }

    private static void remove(RealmModel realm, IdentityProviderModel model) {
        ComponentModel entry = model.getInternalId() == null ? null : realm.getComponent(model.getInternalId());
        if (entry != null && PROVIDER_ID.equals(entry.getProviderId())) {
            realm.removeComponent(entry);
            LOG.debugf("Removed the page entry of OIDC provider %s of realm %s", model.getAlias(), realm.getName());
        }
    }

    private static MultivaluedHashMap<String, String> config(Optional<Account> account, OidcProvider provider, List<String> clientIds,
                                                            TagClaims tagClaims) {
        MultivaluedHashMap<String, String> config = new MultivaluedHashMap<>();
        config.putSingle(ALIAS, provider.alias());
        account.ifPresent(a -> config.putSingle(ARN, OidcProviders.arnOf(a, provider.alias())));
        config.putSingle(ISSUER, provider.issuer());
        config.put(CLIENT_IDS, new ArrayList<>(clientIds));
        List<String> rows = new ArrayList<>();
        tagClaims.claimByTag().forEach((key, claim) -> rows.add(key + "=" + claim));
        config.put(TAG_CLAIMS, rows);
        return config;
    }

    private static Optional<Account> account(KeycloakSession session, RealmModel realm) {
        return Account.of(session, realm);
    }

    private static String first(Map<String, List<String>> config, String key) {
        List<String> values = config == null ? null : config.get(key);
        return values == null || values.isEmpty() ? null : values.get(0);
    }

    private static ComponentValidationException invalid(String message) {
        return PageValidation.invalid(message);
    }
}
