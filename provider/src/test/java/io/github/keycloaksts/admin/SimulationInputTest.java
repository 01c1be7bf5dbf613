package io.github.keycloaksts.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.keycloaksts.policy.arn.AccountArn;
import io.github.keycloaksts.policy.arn.OidcProviderArn;
import io.github.keycloaksts.policy.arn.UserArn;
import io.github.keycloaksts.policy.condition.ConditionKey;
import io.github.keycloaksts.policy.condition.RequestContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The request of a simulation: each value checked strictly, each fault a 400 whose message starts with its JSON path. */
class SimulationInputTest {

    static final ObjectMapper JSON = new ObjectMapper();

    static JsonNode json(String text) {
        try {
            return JSON.readTree(text);
        } catch (Exception e) {
            throw new IllegalArgumentException(text, e);
        }
    }

    /** A body {"principal": value}, the value given as JSON. */
    static JsonNode principalBody(String valueJson) {
        return json("{\"principal\":" + valueJson + "}");
    }

    static void assertBad(Runnable call, String message) {
        assertThatThrownBy(call::run).isInstanceOfSatisfying(AdminApiException.class, e -> {
            assertThat(e.getResponse().getStatus()).isEqualTo(400);
            assertThat(e.code()).isEqualTo("InvalidParameter");
            assertThat(e.message()).isEqualTo(message);
        });
    }

    static Map<ConditionKey, Object> context(String json) {
        return SimulationInput.context(json(json), "context");
    }

    static void assertBadContext(String json, String message) {
        assertBad(() -> context(json), message);
    }

    // ---------------------------------------------------------------- principal

    @Test
    void aBareAccountIdAndTheAccountArnAreTheAccount() {
        assertThat(SimulationInput.principal(principalBody("\"11223344\""), "principal"))
                .isEqualTo(AccountArn.of("11223344"));
        assertThat(SimulationInput.principal(principalBody("\"acs:ram::11223344:root\""), "principal"))
                .isEqualTo(AccountArn.of("11223344"));
    }

    @Test
    void aUserArnIsThatUser() {
        assertThat(SimulationInput.principal(principalBody("\"acs:ram::11223344:user/bob\""), "principal"))
                .isInstanceOfSatisfying(UserArn.class, user -> assertThat(user.toString()).isEqualTo("acs:ram::11223344:user/bob"));
    }

    @Test
    void anOidcProviderArnIsTheProvider() {
        // Whether it is this account's provider is the caller's check: any well-formed one passes here.
        assertThat(SimulationInput.principal(principalBody("\"acs:ram::99887766:oidc-provider/github\""), "principal"))
                .isEqualTo(OidcProviderArn.of("99887766", "github"));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            "acs:ram::11223344:oidc-provider/bad name" | principal: not an OIDC provider ARN (acs:ram::<accountId>:oidc-provider/<name>)
            "acs:ram::1:oidc-provider/github"          | principal: not an OIDC provider ARN (acs:ram::<accountId>:oidc-provider/<name>)
            "acs:ram::11223344:role/ecs-admin/bob"     | principal: a role session cannot assume a role (role chaining is refused)
            "acs:ram::11223344:role/ecs-admin"         | principal: a role is not a caller; give the account or the user who would assume the role
            "1234567"                                  | principal: not an account ID, account ARN (acs:ram::<accountId>:root) or user ARN (acs:ram::<accountId>:user/<name>)
            "bob"                                      | principal: not an account ID, account ARN (acs:ram::<accountId>:root) or user ARN (acs:ram::<accountId>:user/<name>)
            "*"                                        | principal: not an account ID, account ARN (acs:ram::<accountId>:root) or user ARN (acs:ram::<accountId>:user/<name>)
            null                                       | principal: is required
            11223344                                   | principal: must be a string
            ["11223344"]                               | principal: must be a string
            ""                                         | principal: must be 1-1024 characters
            "11223344\\u0000"                          | principal: control characters are not allowed
            """)
    void aPrincipalThatIsNoCallerIsRefusedWithTheReason(String valueJson, String message) {
        assertBad(() -> SimulationInput.principal(principalBody(valueJson), "principal"), message);
    }

    @Test
    void theFieldNameGivenIsThePathOfTheFault() {
        // The admin console page reads the same principal from a field of its own name.
        assertBad(() -> SimulationInput.principal(json("{}"), "testPrincipal"), "testPrincipal: is required");
    }

    @Test
    void aRoleArnIsReadOrNamedAsTheFault() {
        assertThat(SimulationInput.roleArn(json("{\"roleArn\":\"acs:ram::11223344:role/ecs-admin\"}"), "roleArn").toString())
                .isEqualTo("acs:ram::11223344:role/ecs-admin");
        assertBad(() -> SimulationInput.roleArn(json("{\"roleArn\":\"acs:ram::11223344:user/bob\"}"), "roleArn"),
                "roleArn: not a role ARN (acs:ram::<accountId>:role/<roleName>)");
        assertBad(() -> SimulationInput.roleArn(json("{}"), "roleArn"), "roleArn: is required");
    }

    // ---------------------------------------------------------------- text

    @Test
    void anOptionalTextMayBeAbsentOrNull() {
        assertThat(SimulationInput.text(json("{}"), "user", false)).isNull();
        assertThat(SimulationInput.text(json("{\"user\":null}"), "user", false)).isNull();
        assertBad(() -> SimulationInput.text(json("{\"user\":null}"), "user", true), "user: is required");
    }

    @Test
    void aTextOfUpTo1024CharactersIsTakenAndOneMoreIsRefused() {
        String longest = "u".repeat(SimulationInput.MAX_VALUE_LENGTH);
        assertThat(SimulationInput.text(json("{\"user\":\"" + longest + "\"}"), "user", true)).isEqualTo(longest);
        assertBad(() -> SimulationInput.text(json("{\"user\":\"" + longest + "u\"}"), "user", true), "user: must be 1-1024 characters");
    }

    @ParameterizedTest
    @ValueSource(strings = {"\\u0000", "\\t", "\\n", "\\u007f", "\\u0085"})
    void controlCharactersAreRefusedInAText(String control) {
        // The value ends up in error messages and admin-event details: no line breaks or escapes there.
        assertBad(() -> SimulationInput.text(json("{\"user\":\"bo" + control + "b\"}"), "user", true),
                "user: control characters are not allowed");
    }

    // ---------------------------------------------------------------- context

    @Test
    void anAbsentOrNullContextIsEmpty() {
        assertThat(SimulationInput.context(null, "context")).isEmpty();
        assertThat(context("null")).isEmpty();
        assertThat(context("{}")).isEmpty();
    }

    @Test
    void everyKeyIsTakenWithTheTypeOfItsValue() {
        Map<ConditionKey, Object> values = context("""
                {"sts:ExternalId":"a1b2c3", "acs:SourceIp":"203.0.113.7", "acs:MFAPresent":true,
                 "acs:CurrentTime":"2026-01-01T08:00:00+08:00", "sts:RoleSessionName":"bob", "sts:SourceClientId":"ecs-console",
                 "sts:DurationSeconds":900, "oidc:iss":"https://token.actions.githubusercontent.com", "oidc:aud":"sts",
                 "oidc:sub":"repo:org/app:ref:refs/heads/main"}""");

        assertThat(values).containsExactly(
                Map.entry(ConditionKey.EXTERNAL_ID, "a1b2c3"),
                Map.entry(ConditionKey.ROLE_SESSION_NAME, "bob"),
                Map.entry(ConditionKey.SOURCE_CLIENT_ID, "ecs-console"),
                Map.entry(ConditionKey.DURATION_SECONDS, 900L),
                Map.entry(ConditionKey.SOURCE_IP, "203.0.113.7"),
                Map.entry(ConditionKey.CURRENT_TIME, Instant.parse("2026-01-01T00:00:00Z")),
                Map.entry(ConditionKey.MFA_PRESENT, true),
                Map.entry(ConditionKey.OIDC_ISS, "https://token.actions.githubusercontent.com"),
                Map.entry(ConditionKey.OIDC_AUD, List.of("sts")),
                Map.entry(ConditionKey.OIDC_SUB, "repo:org/app:ref:refs/heads/main"));
    }

    @Test
    void keysAreMatchedInAnyCaseAsInPolicies() {
        assertThat(context("{\"STS:EXTERNALID\":\"x\",\"acs:sourceip\":\"::1\"}"))
                .containsExactly(Map.entry(ConditionKey.EXTERNAL_ID, "x"), Map.entry(ConditionKey.SOURCE_IP, "::1"));
    }

    @Test
    void oneKeyInTwoSpellingsIsGivenTwice() {
        assertBadContext("{\"sts:ExternalId\":\"a\",\"sts:externalid\":\"b\"}", "context.sts:externalid: given twice");
    }

    @Test
    void anUnknownKeyIsNamedWithTheKeysASimulationMaySet() {
        assertBadContext("{\"acs:SourceVpc\":\"vpc-1\"}", "context.acs:SourceVpc: unknown condition key (expected one of "
                + "[sts:ExternalId, sts:RoleSessionName, sts:SourceClientId, sts:SourceIdentity, sts:DurationSeconds, acs:SourceIp,"
                + " acs:CurrentTime, acs:MFAPresent, oidc:iss, oidc:aud, oidc:sub, acs:RequestTag/<key>, acs:PrincipalTag/<key>];"
                + " acs:TagKeys follows from the acs:RequestTag keys)");
        assertBadContext("{\"acs:TagKeys\":\"project\"}", "context.acs:TagKeys: unknown condition key (expected one of "
                + SimulationInput.KEY_NAMES + "; acs:TagKeys follows from the acs:RequestTag keys)");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"\"sts:ExternalId\"", "[]", "1", "true"})
    void aContextThatIsNoObjectIsRefused(String json) {
        assertBadContext(json, "context: must be an object of condition keys");
    }

    @Test
    void moreKeysThanThereAreIsRefusedBeforeAnyIsRead() {
        ObjectNode node = JsonNodeFactory.instance.objectNode();
        for (int i = 0; i <= SimulationInput.MAX_KEYS; i++) {
            node.put("k" + i, "v");
        }
        assertBad(() -> SimulationInput.context(node, "context"), "context: at most 113 keys");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            {"acs:MFAPresent":"true"}                   | context.acs:MFAPresent: must be true or false
            {"acs:MFAPresent":1}                        | context.acs:MFAPresent: must be true or false
            {"sts:DurationSeconds":"900"}               | context.sts:DurationSeconds: must be a whole number of seconds (0-1000000)
            {"sts:DurationSeconds":900.5}               | context.sts:DurationSeconds: must be a whole number of seconds (0-1000000)
            {"sts:DurationSeconds":-1}                  | context.sts:DurationSeconds: must be a whole number of seconds (0-1000000)
            {"sts:DurationSeconds":1000001}             | context.sts:DurationSeconds: must be a whole number of seconds (0-1000000)
            {"sts:DurationSeconds":99999999999999999999} | context.sts:DurationSeconds: must be a whole number of seconds (0-1000000)
            {"acs:CurrentTime":"2026-01-01T00:00:00"}   | context.acs:CurrentTime: not an ISO-8601 date-time with offset (e.g. 2026-01-01T00:00:00Z)
            {"acs:CurrentTime":"2026-01-01"}            | context.acs:CurrentTime: not an ISO-8601 date-time with offset (e.g. 2026-01-01T00:00:00Z)
            {"acs:CurrentTime":1767225600}              | context.acs:CurrentTime: must be a string
            {"acs:SourceIp":"localhost"}                | context.acs:SourceIp: not an IP address
            {"acs:SourceIp":"203.0.113.0/24"}           | context.acs:SourceIp: not an IP address
            {"acs:SourceIp":null}                       | context.acs:SourceIp: must be a string
            {"sts:ExternalId":["a"]}                    | context.sts:ExternalId: must be a string
            {"oidc:aud":[]}                             | context.oidc:aud: 1-50 audiences
            {"oidc:aud":["sts",7]}                      | context.oidc:aud[1]: must be a string
            {"oidc:aud":{"a":"b"}}                      | context.oidc:aud: must be a string
            """)
    void aValueOfTheWrongTypeIsRefusedWithItsPath(String json, String message) {
        assertBadContext(json, message);
    }

    @Test
    void durationsFromZeroToAMillionSecondsAreTaken() {
        assertThat(context("{\"sts:DurationSeconds\":0}")).containsEntry(ConditionKey.DURATION_SECONDS, 0L);
        assertThat(context("{\"sts:DurationSeconds\":1000000}")).containsEntry(ConditionKey.DURATION_SECONDS, 1_000_000L);
    }

    @Test
    void audiencesMayBeAListOfUpTo50() {
        List<String> fifty = new ArrayList<>(Collections.nCopies(SimulationInput.MAX_AUDIENCES - 1, "a"));
        fifty.add("z");
        ObjectNode node = JsonNodeFactory.instance.objectNode();
        fifty.forEach(node.putArray("oidc:aud")::add);
        assertThat(SimulationInput.context(node, "context")).containsEntry(ConditionKey.OIDC_AUD, fifty);

        ((ArrayNode) node.get("oidc:aud")).add("one too many");
        assertBad(() -> SimulationInput.context(node, "context"), "context.oidc:aud: 1-50 audiences");
    }

    @Test
    void aStringValueLongerThan1024CharactersIsRefused() {
        String longest = "x".repeat(SimulationInput.MAX_VALUE_LENGTH);
        assertThat(context("{\"oidc:sub\":\"" + longest + "\"}")).containsEntry(ConditionKey.OIDC_SUB, longest);
        assertBadContext("{\"oidc:sub\":\"" + longest + "x\"}", "context.oidc:sub: longer than 1024 characters");
    }

    @Test
    void anUnknownKeyIsEchoedPrintableAndBounded() {
        // The key is the caller's text: in the message it can carry no control character and no unbounded length.
        String expected = "unknown condition key (expected one of " + SimulationInput.KEY_NAMES
                + "; acs:TagKeys follows from the acs:RequestTag keys)";
        assertBadContext("{\"a\\u0000b\\nc\":1}", "context.a?b?c: " + expected);
        assertBadContext("{\"" + "k".repeat(100) + "\":1}", "context." + "k".repeat(64) + "...: " + expected);
    }

    @Test
    void printableKeepsUpTo64CharactersAndMasksControls() {
        assertThat(SimulationInput.printable("k".repeat(64))).isEqualTo("k".repeat(64));
        assertThat(SimulationInput.printable("k".repeat(65))).isEqualTo("k".repeat(64) + "...");
        assertThat(SimulationInput.printable("bob\r\n\u0085x")).isEqualTo("bob???x");
        assertThat(SimulationInput.printable("张三")).isEqualTo("张三");
    }

    // ---------------------------------------------------------------- build

    @Test
    void theExchangeDefaultsFillWhatTheSimulationLeftOut() {
        Instant before = Instant.now();
        RequestContext ctx = SimulationInput.build(Map.of(), "bob", 3600);

        assertThat(ctx.roleSessionName()).contains("bob");
        assertThat(ctx.durationSeconds()).contains(3600L);
        // The exchange always knows the time of the request: so does the simulation.
        assertThat(ctx.currentTime()).hasValueSatisfying(t -> assertThat(t).isBetween(before, Instant.now()));
        assertThat(ctx.externalId()).isEmpty();
        assertThat(ctx.sourceIp()).isEmpty();
        assertThat(ctx.mfaPresent()).isEmpty();
        assertThat(ctx.oidcAudiences()).isEmpty();
    }

    @Test
    void aNullDefaultSessionNameLeavesTheKeyAbsent() {
        // An account principal stands for any of its users: no username, so no default session name.
        assertThat(SimulationInput.build(Map.of(), null, 900).has(ConditionKey.ROLE_SESSION_NAME)).isFalse();
    }

    @Test
    void givenValuesWinOverTheDefaults() {
        RequestContext ctx = SimulationInput.build(context("""
                {"sts:RoleSessionName":"ci-run", "sts:DurationSeconds":0, "acs:CurrentTime":"2030-06-01T12:00:00Z",
                 "acs:SourceIp":"203.0.113.7", "acs:MFAPresent":false, "oidc:aud":["a","b"], "oidc:iss":"https://issuer",
                 "oidc:sub":"s", "sts:ExternalId":"e", "sts:SourceClientId":"c"}"""), "bob", 3600);

        assertThat(ctx.roleSessionName()).contains("ci-run");
        assertThat(ctx.durationSeconds()).contains(0L);
        assertThat(ctx.currentTime()).contains(Instant.parse("2030-06-01T12:00:00Z"));
        assertThat(ctx.sourceIp()).hasValueSatisfying(ip -> assertThat(ip.getHostAddress()).isEqualTo("203.0.113.7"));
        assertThat(ctx.mfaPresent()).contains(false);
        assertThat(ctx.oidcAudiences()).containsExactly("a", "b");
        assertThat(ctx.oidcIssuer()).contains("https://issuer");
        assertThat(ctx.oidcSubject()).contains("s");
        assertThat(ctx.externalId()).contains("e");
        assertThat(ctx.sourceClientId()).contains("c");
    }

    @Test
    void tagsAndTheSourceIdentityAreReadAsPoliciesWriteThem() throws Exception {
        JsonNode node = new ObjectMapper().readTree("{\"acs:RequestTag/project\":\"apollo\",\"ACS:PrincipalTag/Team\":\"blue\","
                + "\"sts:SourceIdentity\":\"acs:ram::12345678:user/bob\"}");
        RequestContext built = SimulationInput.build(SimulationInput.context(node, "context"), "bob", 3600);
        assertThat(built.requestTags()).containsExactly(Map.entry("project", "apollo"));
        assertThat(built.tagKeys()).containsExactly("project");
        assertThat(built.principalTag("team")).contains("blue");
        assertThat(built.sourceIdentity()).contains("acs:ram::12345678:user/bob");

        assertBadContext("{\"acs:RequestTag/\":\"x\"}", "context.acs:RequestTag/: tag key is empty");
        assertBadContext("{\"acs:RequestTag/a\":\"x\",\"acs:RequestTag/A\":\"y\"}", "context.acs:RequestTag/A: given twice");
        assertBadContext("{\"acs:RequestTag/a\":\"" + "v".repeat(257) + "\"}", "context.acs:RequestTag/a: tag value is longer than 256 characters (257)");
    }
}
