package io.github.keycloaksts.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullSource;
import org.junit.jupiter.params.provider.ValueSource;

/** How an admin request body is read: one JSON object, no duplicate keys, bounded, and only the fields the request knows. */
class RequestBodyTest {

    static final Set<String> ACCOUNT_FIELDS = Set.of("accountId");

    static void assertRefused(String body, Set<String> allowed, String message) {
        assertThatThrownBy(() -> RequestBody.object(body, allowed)).isInstanceOfSatisfying(AdminApiException.class, e -> {
            assertThat(e.getResponse().getStatus()).isEqualTo(400);
            assertThat(e.code()).isEqualTo("InvalidParameter");
            assertThat(e.message()).isEqualTo(message);
        });
    }

    @Test
    void aKnownFieldIsReadWithItsType() {
        JsonNode body = RequestBody.object("{\"accountId\": \"11223344\"}", ACCOUNT_FIELDS);

        assertThat(body.get("accountId").isTextual()).isTrue();
        assertThat(body.get("accountId").asText()).isEqualTo("11223344");
    }

    @Test
    void missingFieldsAreLeftToTheCaller() {
        // Which fields are required is the request's business: the body reader only refuses what it does not know.
        assertThat(RequestBody.object("{}", ACCOUNT_FIELDS).size()).isZero();
    }

    @Test
    void anUnknownFieldIsNamedWithTheFieldsExpected() {
        assertRefused("{\"accountId\":\"11223344\",\"acountId\":\"1\"}", ACCOUNT_FIELDS,
                "acountId: unknown field (expected one of [accountId])");
    }

    @Test
    void withoutAListOfFieldsAnyFieldIsKept() {
        // A trust policy's own fields (Version, Statement, ...) are checked by the policy reader, not here.
        JsonNode body = RequestBody.object("{\"Version\":\"1\",\"Anything\":[1,2]}", null);

        assertThat(body.get("Anything").size()).isEqualTo(2);
    }

    @ParameterizedTest(name = "[{index}] <{0}>")
    @NullSource
    @ValueSource(strings = {"", "   ", "\n", "null", "[]", "[{\"accountId\":\"11223344\"}]", "\"11223344\"", "11223344", "true"})
    void anythingButAJsonObjectIsRefused(String body) {
        assertRefused(body, ACCOUNT_FIELDS, "request body: a JSON object is required");
    }

    @ParameterizedTest(name = "[{index}] <{0}>")
    @ValueSource(strings = {"{", "{\"accountId\":}", "{accountId: \"11223344\"}", "{'accountId':'11223344'}", "{\"a\":1,}",
            "{\"accountId\":\"11223344\"} garbage", "{\"accountId\":\"11223344\"}{\"accountId\":\"99999999\"}"})
    void malformedJsonIsRefusedWithoutEchoingTheParserError(String body) {
        assertRefused(body, null, "request body: not valid JSON");
    }

    @Test
    void aDuplicateKeyIsRefusedSoNoValueSilentlyWins() {
        assertRefused("{\"accountId\":\"11223344\",\"accountId\":\"99887766\"}", ACCOUNT_FIELDS, "request body: not valid JSON");
        // At any depth: a trust policy with two Effects would otherwise keep the last one.
        assertRefused("{\"Statement\":[{\"Effect\":\"Deny\",\"Effect\":\"Allow\"}]}", null, "request body: not valid JSON");
    }

    @Test
    void aBodyOfAtMost256KibiCharactersIsRead() {
        String object = "{\"accountId\":\"11223344\"}";
        String largest = object + " ".repeat(256 * 1024 - object.length());

        assertThat(RequestBody.object(largest, ACCOUNT_FIELDS).get("accountId").asText()).isEqualTo("11223344");
        // One character more is refused before it is parsed.
        assertRefused(largest + " ", ACCOUNT_FIELDS, "request body: larger than 262144 characters");
    }
}
