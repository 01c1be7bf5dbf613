package io.github.keycloaksts.exchange;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class AssumeRoleClientsTest {

    @ParameterizedTest(name = "{0} public={1} opt-in={2} -> allowed={3}")
    @CsvSource(nullValues = "null", value = {
            "sts,             true,  null,  true",
            "sts,             false, null,  true",
            "account-console, true,  null,  false",
            "ecs-console,     false, null,  false",
            "ecs-console,     false, false, false",
            "ecs-console,     false, TRUE,  false",
            "ecs-console,     false, true,  true",
            "spa,             true,  true,  false",
            "sts-console,     true,  null,  false",
            "STS,             true,  null,  false",
    })
    void onlyStsOrAConfidentialClientThatOptedIn(String clientId, boolean publicClient, String optIn, boolean allowed) {
        assertThat(AssumeRoleClients.refusal(clientId, publicClient, optIn).isEmpty()).isEqualTo(allowed);
    }

    @ParameterizedTest
    @CsvSource({"spa, true, public client", "other, false, has not opted in"})
    void theRefusalSaysWhy(String clientId, boolean publicClient, String why) {
        assertThat(AssumeRoleClients.refusal(clientId, publicClient, publicClient ? "true" : null)).get().asString()
                .contains(clientId).contains(why).contains(AssumeRoleClients.OPT_IN_ATTRIBUTE);
    }
}
