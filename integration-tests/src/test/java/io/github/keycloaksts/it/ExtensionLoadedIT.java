package io.github.keycloaksts.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.keycloaksts.it.support.Http;
import io.github.keycloaksts.it.support.KeycloakServer;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** The running server has our provider and theme, and the demo accounts of realm-config/. */
class ExtensionLoadedIT {

    private final KeycloakServer server = KeycloakServer.shared();

    @Nested
    class Provider {

        @Test
        void realmEndpointAnswersWithTheAccountOfTheRealm() {
            Http.Response response = Http.get(server.realmUrl("company-a") + "/sts/account");

            assertThat(response.status()).as(response.toString()).isEqualTo(200);
            JsonNode account = response.json();
            assertThat(account.get("accountId").asText()).isEqualTo("11223344");
            assertThat(account.get("alias").asText()).isEqualTo("company-a");
            assertThat(account.get("arn").asText()).isEqualTo("acs:ram::11223344:root");
        }

        @Test
        void realmThatIsNotAnAccountHasNoAccount() {
            Http.Response response = Http.get(server.realmUrl("master") + "/sts/account");

            assertThat(response.status()).as(response.toString()).isEqualTo(404);
        }

        @Test
        void serverInfoListsOurProviderAndTheme() {
            JsonNode info = Http.get(server.baseUrl() + "/admin/serverinfo", server.adminToken()).json();

            assertThat(info.at("/providers/realm-restapi-extension/providers").has("sts"))
                    .as("realm-restapi-extension providers").isTrue();
            List<String> loginThemes = new ArrayList<>();
            info.at("/themes/login").forEach(theme -> loginThemes.add(theme.get("name").asText()));
            assertThat(loginThemes).contains("sts");
        }

        @Test
        void serverInfoShowsTheVersionOfTheInstalledJar() {
            String expected = System.getProperty("sts.version");
            assertThat(expected).as("sts.version (failsafe system property)").isNotBlank();

            JsonNode info = Http.get(server.baseUrl() + "/admin/serverinfo", server.adminToken()).json();

            assertThat(info.at("/providers/realm-restapi-extension/providers/sts/operationalInfo/version").asText())
                    .isEqualTo(expected);
        }
    }

    @Nested
    class DemoAccounts {

        @Test
        void companyBIsAccount12345678() {
            JsonNode account = Http.get(server.realmUrl("company-b") + "/sts/account").json();

            assertThat(account.get("accountId").asText()).isEqualTo("12345678");
        }

        @Test
        void bobSignsInThroughOpsCliAndHisTokenIsForTheSts() {
            String token = Http.passwordGrant(server, "company-b", "ops-cli", "bob", "123456").accessToken();

            JsonNode claims = Http.claims(token);
            assertThat(claims.get("iss").asText()).isEqualTo(server.realmUrl("company-b"));
            assertThat(claims.get("preferred_username").asText()).isEqualTo("bob");
            JsonNode aud = claims.get("aud");
            List<String> audiences = new ArrayList<>();
            if (aud.isArray()) {
                aud.forEach(a -> audiences.add(a.asText()));
            } else {
                audiences.add(aud.asText());
            }
            assertThat(audiences).contains("sts");
        }

        @Test
        void wrongPasswordIsRefused() {
            Http.Response response = Http.passwordGrant(server, "company-b", "ops-cli", "bob", "wrong");

            assertThat(response.status()).as(response.toString()).isEqualTo(400);
            assertThat(response.json().get("error").asText()).isEqualTo("invalid_grant");
            assertThat(response.json().has("access_token")).isFalse();
        }

        @Test
        void everyAccountHasThePublicStsClientAndCompanyAHasTheSeedPolicy() {
            String admin = server.adminToken();
            for (String realm : List.of("company-a", "company-b")) {
                JsonNode clients = Http.get(server.adminUrl(realm) + "/clients?clientId=sts", admin).json();
                assertThat(clients).as(realm + " clients").hasSize(1);
                assertThat(clients.get(0).get("publicClient").asBoolean()).isTrue();
                JsonNode realmRep = Http.get(server.adminUrl(realm), admin).json();
                assertThat(realmRep.get("loginTheme").asText()).isEqualTo("sts");
            }
            Http.Response role = Http.get(server.adminUrl("company-a") + "/roles/AliyunECSFullAccess", admin);
            assertThat(role.status()).as(role.toString()).isEqualTo(200);
        }
    }

    @Nested
    class Theme {

        @Test
        void loginPageOfAnAccountUsesTheStsThemeInSimplifiedChinese() {
            String url = server.realmUrl("company-b") + "/protocol/openid-connect/auth?client_id=account-console"
                    + "&response_type=code&scope=openid&ui_locales=zh-CN"
                    + "&code_challenge_method=S256&code_challenge=E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM&redirect_uri="
                    + URLEncoder.encode(server.realmUrl("company-b") + "/account/", StandardCharsets.UTF_8);
            Http.Response page = Http.get(url);

            assertThat(page.status()).as(page.toString()).isEqualTo(200);
            assertThat(page.body()).contains("/resources/").contains("/login/sts/css/sts.css");
            assertThat(page.body()).contains("lang=\"zh-CN\"");
        }
    }
}
