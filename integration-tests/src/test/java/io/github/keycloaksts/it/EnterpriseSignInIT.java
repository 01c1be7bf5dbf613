package io.github.keycloaksts.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;

import io.github.keycloaksts.it.support.Http;
import io.github.keycloaksts.it.support.KeycloakServer;
import org.junit.jupiter.api.Test;

/** Enterprise sign-in: alias + username lead to that account's themed login with the username filled in. */
class EnterpriseSignInIT {

    final KeycloakServer server = KeycloakServer.shared();
    final String signin = server.realmUrl("master") + "/sts/signin";

    @Test
    void thePageAsksForAliasAndUsername() {
        Http.Response page = Http.get(signin);

        assertThat(page.status()).isEqualTo(200);
        assertThat(page.body()).contains("id=\"sts-signin-form\"").contains("name=\"alias\"").contains("name=\"username\"")
                .contains("<label for=\"sts-alias\"");
    }

    @Test
    void aliasAndUsernameLeadToTheAccountsLoginWithTheUsernameFilledIn() {
        Http.Response redirect = Http.postForm(signin, Map.of("alias", "company-b", "username", "bob"));

        assertThat(redirect.status()).as(redirect.toString()).isEqualTo(303);
        String location = URLDecoder.decode(redirect.header("Location"), StandardCharsets.UTF_8);
        assertThat(location).startsWith(server.realmUrl("company-b") + "/protocol/openid-connect/auth?")
                .contains("login_hint=bob").contains("client_id=sts-console")
                .contains("redirect_uri=" + server.realmUrl("company-b") + "/sts/switch-role");

        Http.Response login = Http.get(redirect.header("Location"));
        assertThat(login.status()).as(login.toString()).isEqualTo(200);
        assertThat(login.body()).contains("value=\"bob\"").contains("company-b").contains("/login/sts/css/sts.css");
    }

    @Test
    void usernameAtAliasWorksToo() {
        Http.Response redirect = Http.postForm(signin, Map.of("username", "bob@company-b"));

        assertThat(redirect.status()).as(redirect.toString()).isEqualTo(303);
        assertThat(URLDecoder.decode(redirect.header("Location"), StandardCharsets.UTF_8))
                .startsWith(server.realmUrl("company-b") + "/protocol/openid-connect/auth?").endsWith("login_hint=bob");
    }

    @Test
    void anUnknownAliasIsSaidOnTheSamePage() {
        Http.Response page = Http.postForm(signin, Map.of("alias", "no-such-company", "username", "bob"));

        assertThat(page.status()).isEqualTo(400);
        assertThat(page.body()).contains("id=\"sts-error\"").contains("No enterprise with this alias")
                .contains("value=\"no-such-company\"");
    }

    @Test
    void aRealmThatIsNotAnAccountIsNoEnterprise() {
        Http.Response page = Http.postForm(signin, Map.of("alias", "master", "username", "admin"));

        assertThat(page.status()).isEqualTo(400);
        assertThat(page.body()).contains("id=\"sts-error\"");
    }
}
