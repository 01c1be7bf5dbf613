package io.github.keycloaksts.federation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.keycloaksts.account.Account;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.keycloak.broker.oidc.OIDCIdentityProviderConfig;
import org.keycloak.models.IdentityProviderModel;

/**
 * Which identity providers can stand in Federated trust, and what is read from their configuration. The providers
 * are Keycloak's plain configuration objects, filled in as the admin console would.
 */
class OidcProvidersTest {

    /** A provider that validates signatures with a JWKS URL and names its issuer: usable. */
    static OIDCIdentityProviderConfig usable(String alias) {
        OIDCIdentityProviderConfig config = new OIDCIdentityProviderConfig();
        config.setAlias(alias);
        config.setProviderId("oidc");
        config.setEnabled(true);
        config.setValidateSignature(true);
        config.setUseJwksUrl(true);
        config.setJwksUrl("https://token.actions.githubusercontent.com/.well-known/jwks");
        config.setIssuer("https://token.actions.githubusercontent.com");
        return config;
    }

    static IdentityProviderModel withClientIds(String stored) {
        IdentityProviderModel model = usable("github");
        model.getConfig().put(OidcProviders.CLIENT_IDS_CONFIG, stored);
        return model;
    }

    // ---------------------------------------------------------------- signatureProblem

    @Test
    void aProviderWithJwksAndIssuerHasNoProblem() {
        assertThat(OidcProviders.signatureProblem(usable("github"))).isNull();
    }

    @Test
    void aProviderThatDoesNotValidateSignaturesIsRefusedFirst() {
        OIDCIdentityProviderConfig config = usable("github");
        config.setValidateSignature(false);

        assertThat(OidcProviders.signatureProblem(config)).isEqualTo("signature validation is off");
        // A fresh provider validates nothing until told to.
        assertThat(OidcProviders.signatureProblem(new IdentityProviderModel())).isEqualTo("signature validation is off");
    }

    @ParameterizedTest(name = "jwksUrl <{0}>")
    @ValueSource(strings = {"", "  "})
    void aJwksUrlThatIsBlankIsNoKey(String jwksUrl) {
        OIDCIdentityProviderConfig config = usable("github");
        config.setJwksUrl(jwksUrl);

        assertThat(OidcProviders.signatureProblem(config)).isEqualTo("no JWKS URL or public key to validate signatures with");
    }

    @Test
    void withoutJwksUrlTheValidatingPublicKeyIsWhatCounts() {
        OIDCIdentityProviderConfig config = usable("github");
        config.setUseJwksUrl(false);
        // The JWKS URL is still filled in but not used: no key to validate with.
        assertThat(OidcProviders.signatureProblem(config)).isEqualTo("no JWKS URL or public key to validate signatures with");

        config.setPublicKeySignatureVerifier("-----BEGIN PUBLIC KEY-----MFkw...-----END PUBLIC KEY-----");
        assertThat(OidcProviders.signatureProblem(config)).isNull();
    }

    @ParameterizedTest(name = "issuer <{0}>")
    @CsvSource(nullValues = "NULL", value = {"NULL", "''", "'   '"})
    void aProviderWithoutIssuerIsRefused(String issuer) {
        OIDCIdentityProviderConfig config = usable("github");
        config.setIssuer(issuer);

        assertThat(OidcProviders.signatureProblem(config)).isEqualTo("no issuer");
    }

    // ---------------------------------------------------------------- problem, of, arn

    @Test
    void anAliasThatCannotBeAnArnNameIsTheProblemEvenOfAUsableProvider() {
        OidcProviders.OidcProvider provider = OidcProviders.of(usable("git hub"));

        assertThat(provider.problem()).isEqualTo("alias git hub is not a valid OIDC provider name (1-128 of A-Z a-z 0-9 _ . -)");
        assertThat(OidcProviders.of(usable("github")).problem()).isNull();
    }

    @Test
    void aValidAliasLeavesTheSignatureProblem() {
        OIDCIdentityProviderConfig config = usable("github");
        config.setIssuer(null);

        assertThat(OidcProviders.of(config).problem()).isEqualTo("no issuer");
    }

    @Test
    void aProviderIsReadWithItsAliasIssuerAndAudiences() {
        OidcProviders.OidcProvider provider = OidcProviders.of(withClientIds("[\"sts\",\"ci\"]"));

        assertThat(provider.alias()).isEqualTo("github");
        assertThat(provider.issuer()).isEqualTo("https://token.actions.githubusercontent.com");
        assertThat(provider.clientIds()).containsExactly("sts", "ci");
        assertThat(provider.enabled()).isTrue();
        assertThat(provider.arn("11223344").toString()).isEqualTo("acs:ram::11223344:oidc-provider/github");
    }

    @Test
    void aBlankIssuerIsReadAsNone() {
        OIDCIdentityProviderConfig config = usable("github");
        config.setIssuer(" ");

        assertThat(OidcProviders.of(config).issuer()).isNull();
    }

    @Test
    void theArnOfAProviderNamesTheAccount() {
        Account account = new Account("11223344", "company-a", "acs:ram::11223344:root");

        assertThat(OidcProviders.arnOf(account, "github")).isEqualTo("acs:ram::11223344:oidc-provider/github");
        // An alias that cannot be written as an ARN never gets one.
        assertThatThrownBy(() -> OidcProviders.arnOf(account, "git hub")).isInstanceOf(RuntimeException.class);
    }

    // ---------------------------------------------------------------- isOpenIdConnect

    @ParameterizedTest(name = "{0}: {1}")
    @CsvSource({"oidc, true", "keycloak-oidc, true", "saml, false", "github, false", "OIDC, false"})
    void onlyOpenIdConnectProvidersCount(String providerId, boolean openIdConnect) {
        IdentityProviderModel model = new IdentityProviderModel();
        model.setProviderId(providerId);

        assertThat(OidcProviders.isOpenIdConnect(model)).isEqualTo(openIdConnect);
    }

    @Test
    void noProviderIsNoOpenIdConnectProvider() {
        assertThat(OidcProviders.isOpenIdConnect(null)).isFalse();
    }

    // ---------------------------------------------------------------- clientIds

    @Test
    void storedAudiencesAreReadInOrderEachOnceWithoutBlanks() {
        assertThat(OidcProviders.clientIds(withClientIds("[\"sts\",\" \",null,\"ci\",\"sts\",\"\"]"))).containsExactly("sts", "ci");
    }

    @ParameterizedTest(name = "[{index}] <{0}>")
    @ValueSource(strings = {"", "  ", "[]", "\"sts\"", "{\"0\":\"sts\"}", "[\"sts\"", "sts", "[[\"sts\"]]"})
    void anEmptyOrUnreadableEntryIsNoAudienceAtAll(String stored) {
        // Fail closed: a hand-edited entry never allows an audience by accident.
        assertThat(OidcProviders.clientIds(withClientIds(stored))).isEmpty();
    }

    @Test
    void aProviderWithoutTheEntryOrWithoutConfigurationHasNoAudience() {
        assertThat(OidcProviders.clientIds(usable("github"))).isEmpty();
        IdentityProviderModel model = new IdentityProviderModel();
        model.setConfig(null);
        assertThat(OidcProviders.clientIds(model)).isEmpty();
        assertThat(OidcProviders.of(model).issuer()).isNull();
    }

    @Test
    void theAudiencesReadCannotBeChangedByTheirReader() {
        assertThatThrownBy(() -> OidcProviders.clientIds(withClientIds("[\"sts\"]")).add("ci"))
                .isInstanceOf(UnsupportedOperationException.class);
    }
}
