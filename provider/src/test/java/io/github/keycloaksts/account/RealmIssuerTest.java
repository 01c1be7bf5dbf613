package io.github.keycloaksts.account;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.keycloak.services.Urls;

/** The short way to a realm's issuer gives exactly what Keycloak's {@link Urls#realmIssuer} gives. */
class RealmIssuerTest {

    @ParameterizedTest(name = "{0} + {1}")
    @CsvSource({
            "http://localhost:8080/, company-a",
            "https://sso.example.org/auth/, company-b",
            "https://sso.example.org:8443/a/b/, Realm_1.x~y-z",
            "http://localhost:8080, company-a",
            "http://localhost:8080/, company a",
            "http://localhost:8080/, compañía",
            "http://localhost:8080/, a%2Fb",
            "http://localhost:8080/, ..",
            "http://localhost:8080/?x=1, company-a"})
    void sameAsKeycloak(String base, String realm) {
        URI baseUri = URI.create(base);
        assertThat(RealmIssuer.of(baseUri, realm)).isEqualTo(Urls.realmIssuer(baseUri, realm));
    }
}
