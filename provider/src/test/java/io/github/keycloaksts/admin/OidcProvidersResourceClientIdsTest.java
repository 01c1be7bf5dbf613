package io.github.keycloaksts.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.keycloaksts.federation.OidcProviders;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The body of {@code PUT /sts/oidc-providers/{alias}}: the allowed audiences, each a bounded printable string. */
class OidcProvidersResourceClientIdsTest {

    static JsonNode json(String text) throws Exception {
        return new ObjectMapper().readTree(text);
    }

    static void assertRefused(JsonNode body, String message) {
        assertThatThrownBy(() -> OidcProvidersResource.clientIds(body)).isInstanceOfSatisfying(AdminApiException.class, e -> {
            assertThat(e.getResponse().getStatus()).isEqualTo(400);
            assertThat(e.code()).isEqualTo("InvalidParameter.ClientIds");
            assertThat(e.message()).isEqualTo(message);
        });
    }

    @Test
    void theAudiencesAreTakenInOrderEachOnce() throws Exception {
        assertThat(OidcProvidersResource.clientIds(json("{\"clientIds\":[\"sts\",\"ci\",\"sts\"]}"))).containsExactly("sts", "ci");
    }

    @Test
    void anEmptyListAllowsNoAudience() throws Exception {
        // Stored as is: the provider then fails every exchange closed, which is the administrator's explicit choice.
        assertThat(OidcProvidersResource.clientIds(json("{\"clientIds\":[]}"))).isEmpty();
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"{}", "{\"clientIds\":null}", "{\"clientIds\":\"sts\"}", "{\"clientIds\":{\"0\":\"sts\"}}"})
    void anythingButAListIsRefused(String body) throws Exception {
        assertRefused(json(body), "clientIds: a list of strings is required");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            [7]                 | clientIds[0]
            ["sts",null]        | clientIds[1]
            ["sts",""]          | clientIds[1]
            ["sts","ci","  "]   | clientIds[2]
            [["sts"]]           | clientIds[0]
            ["a\\tb"]           | clientIds[0]
            ["a\\u0000"]        | clientIds[0]
            """)
    void aBadAudienceIsNamedByItsIndex(String list, String path) throws Exception {
        assertRefused(json("{\"clientIds\":" + list + "}"),
                path + ": a non-empty string of at most 255 characters without control characters is required");
    }

    @Test
    void anAudienceOfUpTo255CharactersIsTaken() throws Exception {
        String longest = "a".repeat(OidcProviders.MAX_CLIENT_ID_LENGTH);
        assertThat(OidcProvidersResource.clientIds(json("{\"clientIds\":[\"" + longest + "\"]}"))).containsExactly(longest);
        assertRefused(json("{\"clientIds\":[\"" + longest + "a\"]}"),
                "clientIds[0]: a non-empty string of at most 255 characters without control characters is required");
    }

    @Test
    void atMost50AudiencesAreTaken() {
        ObjectNode body = JsonNodeFactory.instance.objectNode();
        ArrayNode list = body.putArray("clientIds");
        for (int i = 0; i < OidcProviders.MAX_CLIENT_IDS; i++) {
            list.add("client-" + i);
        }
        assertThat(OidcProvidersResource.clientIds(body)).hasSize(50);

        list.add("client-50");
        assertRefused(body, "clientIds: at most 50");
    }
}
