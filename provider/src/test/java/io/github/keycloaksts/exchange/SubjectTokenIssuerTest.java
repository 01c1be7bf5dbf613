package io.github.keycloaksts.exchange;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Which realm a subject token's issuer names. Only a candidate: the verifier then accepts the realm only if the issuer
 * is exactly that realm's issuer URL on this server, so a look-alike issuer on another host is refused there.
 */
class SubjectTokenIssuerTest {

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(nullValues = "NULL", value = {
            "http://localhost:8080/realms/company-b, company-b",
            "https://sso.example.org/auth/realms/company-b, company-b",
            "http://localhost:8080/realms/realms, realms",
            "http://localhost:8080/realms/x/realms/company-b, company-b",
            "http://localhost:8080/realms/company-b/, NULL",
            "http://localhost:8080/realms/company-b/protocol/openid-connect, NULL",
            "http://localhost:8080/realms/, NULL",
            "http://localhost:8080/company-b, NULL",
            "company-b, NULL",
            "'', NULL",
            "NULL, NULL"})
    void theRealmIsTheLastPathSegmentAfterRealms(String issuer, String realm) {
        assertThat(SubjectTokenVerifier.realmNameOfIssuer(issuer)).isEqualTo(realm);
    }
}
