package io.github.keycloaksts.exchange;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;

import io.github.keycloaksts.assume.AssumeRoleRefusal;
import io.github.keycloaksts.assume.TargetRole;
import io.github.keycloaksts.policy.document.PolicyReader;
import jakarta.ws.rs.core.MultivaluedHashMap;
import jakarta.ws.rs.core.MultivaluedMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** What {@link AssumeRoleParameters#read} takes from a well-formed form, and the fault it names in a malformed one. */
class AssumeRoleParametersParsingTest {

    static final String ARN = "acs:ram::11223344:role/ecs-admin";

    static MultivaluedMap<String, String> form(String... extra) {
        MultivaluedMap<String, String> form = new MultivaluedHashMap<>();
        form.add("grant_type", "urn:ietf:params:oauth:grant-type:token-exchange");
        form.add("client_id", "sts");
        form.add("subject_token", "a.b.c");
        form.add("subject_token_type", AssumeRoleParameters.ACCESS_TOKEN_TYPE);
        form.add("role_arn", ARN);
        for (int i = 0; i < extra.length; i += 2) {
            if (extra[i + 1] == null) {
                form.remove(extra[i]);
            } else {
                form.add(extra[i], extra[i + 1]);
            }
        }
        return form;
    }

    /** The base form with one parameter set to {@code value} (replacing it if the base form has it). */
    static MultivaluedMap<String, String> replaced(String name, String value) {
        MultivaluedMap<String, String> form = form();
        form.putSingle(name, value);
        return form;
    }

    static AssumeRoleParameters read(MultivaluedMap<String, String> form) {
        return AssumeRoleParameters.read(form, PolicyReader.defaults());
    }

    static void assertInvalidNaming(MultivaluedMap<String, String> form, String parameter, String key) {
        assertThatThrownBy(() -> read(form)).isInstanceOfSatisfying(AssumeRoleRefusal.class, f -> {
            assertThat(f.oauthError()).isEqualTo("invalid_request");
            assertThat(f.reason()).startsWith(parameter).contains(key);
        });
    }

    static void assertInvalid(MultivaluedMap<String, String> form, String reason) {
        assertThatThrownBy(() -> read(form)).isInstanceOfSatisfying(AssumeRoleRefusal.class, f -> {
            assertThat(f.oauthError()).isEqualTo("invalid_request");
            assertThat(f.status()).isEqualTo(400);
            assertThat(f.reason()).isEqualTo(reason);
        });
    }

    @Test
    void theMinimalRequestLeavesEveryOptionToItsDefault() {
        AssumeRoleParameters params = read(form());

        assertThat(params.roleArn.toString()).isEqualTo(ARN);
        assertThat(params.subjectToken).isEqualTo("a.b.c");
        assertThat(params.sessionName).as("derived from the source user later").isNull();
        assertThat(params.durationSeconds).as("the role's default later").isNull();
        assertThat(params.externalId).isNull();
        assertThat(params.sessionPolicy).isNull();
        assertThat(params.audience).isEmpty();
        assertThat(params.scope).isNull();
    }

    @Test
    void everyOptionIsTakenAsSent() {
        AssumeRoleParameters params = read(form("role_session_name", "bob@ops", "duration_seconds", "900", "external_id", "a1b2c3",
                "policy", "{\"Version\":\"1\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"*\",\"Resource\":\"ReadOnly\"}]}",
                "audience", "ecs-console", "audience", "billing", "scope", "openid profile",
                "requested_token_type", AssumeRoleParameters.ACCESS_TOKEN_TYPE));

        assertThat(params.sessionName).isEqualTo("bob@ops");
        assertThat(params.durationSeconds).isEqualTo(900);
        assertThat(params.externalId).isEqualTo("a1b2c3");
        assertThat(params.sessionPolicy.statements()).hasSize(1);
        assertThat(params.audience).containsExactly("ecs-console", "billing");
        assertThat(params.scope).isEqualTo("openid profile");
    }

    @ParameterizedTest(name = "{0}={1}")
    @CsvSource(delimiter = '|', textBlock = """
            role_arn           | acs:ram::11223344:user/bob | role_arn: not a role ARN (acs:ram::<accountId>:role/<roleName>)
            role_arn           | ecs-admin                  | role_arn: not a role ARN (acs:ram::<accountId>:role/<roleName>)
            subject_token_type | urn:ietf:params:oauth:token-type:refresh_token | subject_token_type: only urn:ietf:params:oauth:token-type:access_token, urn:ietf:params:oauth:token-type:jwt and urn:ietf:params:oauth:token-type:id_token are supported
            requested_token_type | urn:ietf:params:oauth:token-type:refresh_token | requested_token_type: only urn:ietf:params:oauth:token-type:access_token can be issued
            actor_token        | x.y.z                      | actor_token: not supported by AssumeRole
            actor_token_type   | urn:ietf:params:oauth:token-type:access_token | actor_token: not supported by AssumeRole
            requested_subject  | bob                        | requested_subject: not supported by AssumeRole
            requested_issuer   | company-b                  | requested_issuer: not supported by AssumeRole
            subject_issuer     | company-b                  | subject_issuer: only with subject_token_type urn:ietf:params:oauth:token-type:jwt or urn:ietf:params:oauth:token-type:id_token
            role_session_name  | b                          | role_session_name: 2 to 64 characters of letters, digits and _.@=,-
            role_session_name  | bob smith                  | role_session_name: 2 to 64 characters of letters, digits and _.@=,-
            duration_seconds   | 899                        | duration_seconds: at least 900
            duration_seconds   | 1h                         | duration_seconds: not an integer
            duration_seconds   | 99999999999                | duration_seconds: not an integer
            external_id        | a                          | external_id: 2 to 1224 characters of letters, digits and _+=,.@:/-
            external_id        | a b                        | external_id: 2 to 1224 characters of letters, digits and _+=,.@:/-
            audience           | ' '                        | audience: empty value
            """)
    void aMalformedValueIsNamed(String name, String value, String reason) {
        MultivaluedMap<String, String> form = form();
        form.putSingle(name, value);

        assertInvalid(form, reason);
    }

    @Test
    void anExternalJwtNeedsASessionNameAndMayNameItsProvider() {
        MultivaluedMap<String, String> form = form();
        form.putSingle("subject_token_type", AssumeRoleParameters.JWT_TOKEN_TYPE);
        assertInvalid(form, "role_session_name: required with an external subject_token");
        form.putSingle("role_session_name", "ci-run-42");
        assertThat(read(form).federatedTokenType).isEqualTo(AssumeRoleParameters.JWT_TOKEN_TYPE);
        assertThat(read(form).subjectIssuer).isNull();
        form.putSingle("subject_issuer", "github");
        assertThat(read(form).subjectIssuer).isEqualTo("github");
        form.putSingle("external_id", "a1b2c3");
        assertInvalid(form, "external_id: not supported with an external subject_token");
        form.remove("external_id");
        form.putSingle("tags", "{\"project\":\"apollo\"}");
        form.putSingle("transitive_tag_keys", "[\"project\"]");
        assertThat(read(form).tags).as("AssumeRoleWithOIDC takes request tags as AssumeRole does").containsEntry("project", "apollo");
        assertThat(read(form).transitiveTagKeys).containsExactly("project");
        form.putSingle("tags", "{\"project\":1}");
        assertInvalid(form, "tags: the value of \"project\" must be a string, got a number");
        form.remove("tags");
        form.remove("transitive_tag_keys");
        form.putSingle("subject_token", "x".repeat(20_001));
        assertInvalid(form, "subject_token: longer than 20000 characters");
        form.putSingle("subject_token", "x".repeat(20_000));
        assertThat(read(form).subjectToken).hasSize(20_000);
        assertThat(read(form()).federatedTokenType).as("an access token is not federated").isNull();
    }

    @ParameterizedTest
    @CsvSource({"role_arn", "subject_token", "subject_token_type"})
    void aMissingOrBlankRequiredParameterIsNamed(String name) {
        assertInvalid(form(name, null), name + ": required");
        MultivaluedMap<String, String> blank = form();
        blank.putSingle(name, " ");
        assertInvalid(blank, name + ": required");
    }

    @Test
    void aRepeatedSingleValuedParameterIsRefusedButAudienceMayRepeat() {
        assertInvalid(form("role_arn", ARN), "role_arn: repeated parameter");
        assertInvalid(form("scope", "a", "scope", "b"), "scope: repeated parameter");
        assertThat(read(form("audience", "a", "audience", "b")).audience).containsExactly("a", "b");
    }

    @Test
    void anInvalidSessionPolicyIsRefusedWithItsPath() {
        assertThatThrownBy(() -> read(form("policy", "{\"Version\":\"2\",\"Statement\":[]}")))
                .isInstanceOfSatisfying(AssumeRoleRefusal.class, f -> assertThat(f.reason()).startsWith("policy: Version"));
    }

    @Test
    void oversizedValuesAreRefusedBeforeTheyAreParsed() {
        assertThat(read(form("external_id", "x".repeat(1224))).externalId).hasSize(1224);
        assertThatThrownBy(() -> read(form("external_id", "x".repeat(AssumeRoleParameters.MAX_PARAMETER_CHARS + 1))))
                .isInstanceOfSatisfying(AssumeRoleRefusal.class, f -> assertThat(f.reason()).startsWith("external_id: longer than"));
        MultivaluedMap<String, String> hugeToken = form();
        hugeToken.putSingle("subject_token", "x".repeat(AssumeRoleParameters.MAX_SUBJECT_TOKEN_CHARS + 1));
        assertThatThrownBy(() -> read(hugeToken))
                .isInstanceOfSatisfying(AssumeRoleRefusal.class, f -> assertThat(f.reason()).startsWith("subject_token: longer than"));
    }

    @ParameterizedTest
    @CsvSource(nullValues = "NULL", value = {
            "bob, bob",
            "bob smith, bob-smith",
            "b, b-",
            "'', --",
            "NULL, --",
            "张三, --",
            "alice@company-b.example, alice@company-b.example"})
    void theDefaultSessionNameIsTheUsernameMadeValid(String username, String expected) {
        assertThat(TargetRole.sessionNameFrom(username)).isEqualTo(expected);
    }

    @Test
    void aLongUsernameIsCutTo64() {
        assertThat(TargetRole.sessionNameFrom("u".repeat(100))).hasSize(64);
    }

    @Test
    void theAuditCopyEscapesControlCharactersAndIsBounded() {
        assertThat(AssumeRoleParameters.printable("ops\u0000x")).isEqualTo("ops\\u0000x");
        assertThat(AssumeRoleParameters.printable(null)).isNull();
        assertThat(AssumeRoleParameters.printable("y".repeat(1000))).hasSize(300);
        assertThat(List.of(AssumeRoleParameters.hasControlCharacter("a\tb", true), AssumeRoleParameters.hasControlCharacter("a\tb", false)))
                .containsExactly(false, true);
    }

    @ParameterizedTest
    @ValueSource(strings = {"\u0000", "\t", "\n", "\r", "\u001b", "\u007f", "\u0085"})
    void controlCharactersAreRefusedInEveryParameter(String control) {
        for (String name : new String[] {"role_arn", "role_session_name", "external_id", "subject_token", "client_id", "scope",
                "duration_seconds", "audience"}) {
            String value = "role_arn".equals(name) ? ARN + control : "x" + control + "y";
            assertThatThrownBy(() -> AssumeRoleParameters.read(replaced(name, value), PolicyReader.defaults()))
                    .as(name).isInstanceOfSatisfying(AssumeRoleRefusal.class, f -> {
                        assertThat(f.oauthError()).isEqualTo("invalid_request");
                        assertThat(f.status()).isEqualTo(400);
                        assertThat(f.reason()).startsWith(name + ": control characters");
                    });
        }
    }

    @Test
    void aSessionPolicyMayBeLaidOutOnSeveralLines() {
        String policy = "{\n\t\"Version\": \"1\",\r\n\t\"Statement\": [{\"Effect\": \"Allow\", \"Action\": \"*\", \"Resource\": \"*\"}]\n}";
        assertThat(AssumeRoleParameters.read(replaced("policy", policy), PolicyReader.defaults()).sessionPolicy).isNotNull();

        assertThatThrownBy(() -> AssumeRoleParameters.read(replaced("policy", policy.replace("\"1\"", "\"1\u0000\"")), PolicyReader.defaults()))
                .isInstanceOf(AssumeRoleRefusal.class).hasMessageStartingWith("policy: control characters");
        assertThatThrownBy(() -> AssumeRoleParameters.read(replaced("policy", policy.replace("\"1\"", "\"1\n\"")), PolicyReader.defaults()))
                .as("a line break inside a JSON string").isInstanceOf(AssumeRoleRefusal.class).hasMessageStartingWith("policy:");
    }

    @Test
    void controlCharactersInParameterNamesAreRefused() {
        assertThatThrownBy(() -> AssumeRoleParameters.read(replaced("role_arn\u0000", "x"), PolicyReader.defaults()))
                .isInstanceOf(AssumeRoleRefusal.class).hasMessageContaining("parameter names");
    }

    @Test
    void theAuditShowsControlCharactersEscaped() {
        assertThat(AssumeRoleParameters.printable(ARN + "\u0000\t")).isEqualTo(ARN + "\\u0000\\u0009");
        assertThat(AssumeRoleParameters.printable("x".repeat(1000))).hasSize(300);
        assertThat(AssumeRoleParameters.printable(null)).isNull();
    }

    @Test
    void tagsAndTransitiveKeysAreReadAndABadOneNamesItsParameterAndKey() {
        MultivaluedMap<String, String> form = form();
        form.putSingle("tags", "{\"project\": \"apollo\",\n \"team\": \"blue\"}");
        form.putSingle("transitive_tag_keys", "[\"project\"]");
        AssumeRoleParameters params = read(form);
        assertThat(params.tags).containsEntry("project", "apollo").containsEntry("team", "blue");
        assertThat(params.transitiveTagKeys).containsExactly("project");

        form.putSingle("tags", "{\"bad#key\": \"x\"}");
        assertInvalidNaming(form, "tags: ", "bad#key");
        form.putSingle("tags", "{\"project\": \"apollo\"}");
        form.putSingle("transitive_tag_keys", "[\"project\", \"PROJECT\"]");
        assertInvalidNaming(form, "transitive_tag_keys: ", "PROJECT");
        form.put("tags", List.of("{}", "{}"));
        assertInvalid(form, "tags: repeated parameter");
    }
}
