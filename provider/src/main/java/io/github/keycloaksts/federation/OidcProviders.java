package io.github.keycloaksts.federation;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import com.fasterxml.jackson.core.type.TypeReference;
import io.github.keycloaksts.account.Account;
import io.github.keycloaksts.policy.arn.OidcProviderArn;
import io.github.keycloaksts.policy.tags.TagClaims;
import io.github.keycloaksts.policy.tags.TagValidationException;
import org.keycloak.broker.oidc.KeycloakOIDCIdentityProviderFactory;
import org.keycloak.broker.oidc.OIDCIdentityProviderConfig;
import org.keycloak.broker.oidc.OIDCIdentityProviderFactory;
import org.keycloak.models.IdentityProviderModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.util.JsonSerialization;

/**
 * The OIDC providers of an account (contract: docs/api.md, "Federated principals"): Keycloak identity providers of
 * the realm of type OpenID Connect ({@code oidc}, {@code keycloak-oidc}) with signature validation and an issuer.
 * Their allowed audiences ({@code clientIds}, like Alibaba's {@code ClientIds}) and the claims that become their
 * subjects' principal tags ({@code tagClaims}) are stored in the identity provider's own configuration, so they live
 * and die with it. Keycloak's identity provider API writes that configuration too, unchecked: both are read defensively.
 */
public final class OidcProviders {

    /** The identity provider config entry holding the allowed audiences, a JSON list of strings. */
    public static final String CLIENT_IDS_CONFIG = "sts.clientIds";
    /** The identity provider config entry holding the tag claims, a JSON object of tag keys to claim names. */
    public static final String TAG_CLAIMS_CONFIG = "sts.tagClaims";
    public static final int MAX_CLIENT_IDS = 50;
    public static final int MAX_CLIENT_ID_LENGTH = 255;
    private static final Set<String> TYPES = Set.of(OIDCIdentityProviderFactory.PROVIDER_ID, KeycloakOIDCIdentityProviderFactory.PROVIDER_ID);

    /**
     * One OpenID Connect identity provider as a Federated principal. {@code tagClaimsProblem} is null, or why the stored
     * tag claims do not read (then {@code tagClaims} is empty and an exchange through the provider is refused: the
     * administrators meant its subjects to carry tags that conditions may depend on).
     */
    public record OidcProvider(IdentityProviderModel model, String alias, String issuer, List<String> clientIds, TagClaims tagClaims,
                               String tagClaimsProblem) {

        /** Null when usable in Federated trust, else why not (for the audit and the admin API). */
        public String problem() {
            if (!OidcProviderArn.isValidProviderName(alias)) {
                return "alias " + alias + " is not a valid OIDC provider name (1-128 of A-Z a-z 0-9 _ . -)";
            }
            return signatureProblem(model);
        }

        public boolean enabled() {
            return model.isEnabled();
        }

        public OidcProviderArn arn(String accountId) {
            return OidcProviderArn.of(accountId, alias);
        }

        public OIDCIdentityProviderConfig config() {
            return new OIDCIdentityProviderConfig(model);
        }
    }

    private final KeycloakSession session;
    private final RealmModel realm;

    public OidcProviders(KeycloakSession session, RealmModel realm) {
        this.session = session;
        this.realm = realm;
    }

    /** Every OpenID Connect identity provider of the realm, usable or not, in alias order. */
    public List<OidcProvider> all() {
        RealmModel previous = session.getContext().getRealm();
        try {
            session.getContext().setRealm(realm);
            return session.identityProviders().getAllStream()
                    .filter(OidcProviders::isOpenIdConnect)
                    .map(OidcProviders::of)
                    .sorted(Comparator.comparing(OidcProvider::alias))
                    .toList();
        } finally {
            session.getContext().setRealm(previous);
        }
    }

    /** The OpenID Connect identity provider {@code alias}, usable or not; empty for an unknown alias or another type. */
    public Optional<OidcProvider> byAlias(String alias) {
        if (alias == null) {
            return Optional.empty();
        }
        RealmModel previous = session.getContext().getRealm();
        try {
            session.getContext().setRealm(realm);
            IdentityProviderModel model = session.identityProviders().getByAlias(alias);
            return model != null && isOpenIdConnect(model) ? Optional.of(of(model)) : Optional.empty();
        } finally {
            session.getContext().setRealm(previous);
        }
    }

    /**
     * Sets the allowed audiences and the tag claims of an existing provider (Keycloak's identity provider update, so its
     * events fire); null leaves one as it is.
     */
    public OidcProvider update(OidcProvider provider, List<String> clientIds, TagClaims tagClaims) {
        IdentityProviderModel model = provider.model();
        try {
            if (clientIds != null) {
                model.getConfig().put(CLIENT_IDS_CONFIG, JsonSerialization.writeValueAsString(clientIds));
            }
            if (tagClaims != null && tagClaims.isEmpty()) {
                model.getConfig().remove(TAG_CLAIMS_CONFIG);
            } else if (tagClaims != null) {
                model.getConfig().put(TAG_CLAIMS_CONFIG, JsonSerialization.writeValueAsString(tagClaims.claimByTag()));
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        RealmModel previous = session.getContext().getRealm();
        try {
            session.getContext().setRealm(realm);
            session.identityProviders().update(model);
        } finally {
            session.getContext().setRealm(previous);
        }
        return of(model);
    }

    public static String arnOf(Account account, String alias) {
        return OidcProviderArn.of(account.accountId(), alias).toString();
    }

    public static boolean isOpenIdConnect(IdentityProviderModel model) {
        return model != null && TYPES.contains(model.getProviderId());
    }

    static OidcProvider of(IdentityProviderModel model) {
        String issuer = model.getConfig() == null ? null : model.getConfig().get(IdentityProviderModel.ISSUER);
        String stored = model.getConfig() == null ? null : model.getConfig().get(TAG_CLAIMS_CONFIG);
        TagClaims tagClaims = TagClaims.none();
        String tagClaimsProblem = null;
        try {
            tagClaims = TagClaims.parse(stored == null || stored.isBlank() ? null : stored, TAG_CLAIMS_CONFIG);
        } catch (TagValidationException e) {
            tagClaimsProblem = e.getMessage();
        }
        return new OidcProvider(model, model.getAlias(), issuer == null || issuer.isBlank() ? null : issuer, clientIds(model),
                tagClaims, tagClaimsProblem);
    }

    /** The stored allowed audiences; an unreadable entry is no audience at all (fail closed). */
    static List<String> clientIds(IdentityProviderModel model) {
        String stored = model.getConfig() == null ? null : model.getConfig().get(CLIENT_IDS_CONFIG);
        if (stored == null || stored.isBlank()) {
            return List.of();
        }
        try {
            List<String> values = JsonSerialization.readValue(stored, new TypeReference<List<String>>() { });
            List<String> out = new ArrayList<>();
            for (String v : values) {
                if (v != null && !v.isBlank()) {
                    out.add(v);
                }
            }
            return List.copyOf(new LinkedHashSet<>(out));
        } catch (Exception e) {
            return List.of();
        }
    }

    /** Null when the provider validates signatures with keys Keycloak can load and names an issuer, else why not. */
    public static String signatureProblem(IdentityProviderModel model) {
        OIDCIdentityProviderConfig config = new OIDCIdentityProviderConfig(model);
        if (!config.isValidateSignature()) {
            return "signature validation is off";
        }
        if (config.isUseJwksUrl() ? isBlank(config.getJwksUrl()) : isBlank(config.getPublicKeySignatureVerifier())) {
            return "no JWKS URL or public key to validate signatures with";
        }
        if (isBlank(config.getIssuer())) {
            return "no issuer";
        }
        return null;
    }

    private static boolean isBlank(String s) {
        return s == null || s.isBlank();
    }
}
