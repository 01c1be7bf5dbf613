package io.github.keycloaksts.exchange;

import io.github.keycloaksts.assume.AssumeRoleRefusal;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.keycloaksts.policy.document.PolicyReader;
import jakarta.ws.rs.core.MultivaluedHashMap;
import jakarta.ws.rs.core.MultivaluedMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class AssumeRoleParametersTest {

    static final String ARN = "acs:ram::11223344:role/ecs-admin";

    static MultivaluedMap<String, String> form(String name, String value) {
        MultivaluedMap<String, String> form = new MultivaluedHashMap<>();
        form.add("grant_type", "urn:ietf:params:oauth:grant-type:token-exchange");
        form.add("client_id", "sts");
        form.add("subject_token", "a.b.c");
        form.add("subject_token_type", AssumeRoleParameters.ACCESS_TOKEN_TYPE);
        form.add("role_arn", ARN);
        form.putSingle(name, value);
        return form;
    }

    @ParameterizedTest
    @ValueSource(strings = {"\u0000", "\t", "\n", "\r", "\u001b", "\u007f", "\u0085"})
    void controlCharactersAreRefusedInEveryParameter(String control) {
        for (String name : new String[] {"role_arn", "role_session_name", "external_id", "subject_token", "client_id", "scope",
                "duration_seconds", "audience"}) {
            String value = "role_arn".equals(name) ? ARN + control : "x" + control + "y";
            assertThatThrownBy(() -> AssumeRoleParameters.read(form(name, value), PolicyReader.defaults()))
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
        assertThat(AssumeRoleParameters.read(form("policy", policy), PolicyReader.defaults()).sessionPolicy).isNotNull();

        assertThatThrownBy(() -> AssumeRoleParameters.read(form("policy", policy.replace("\"1\"", "\"1\u0000\"")), PolicyReader.defaults()))
                .isInstanceOf(AssumeRoleRefusal.class).hasMessageStartingWith("policy: control characters");
        assertThatThrownBy(() -> AssumeRoleParameters.read(form("policy", policy.replace("\"1\"", "\"1\n\"")), PolicyReader.defaults()))
                .as("a line break inside a JSON string").isInstanceOf(AssumeRoleRefusal.class).hasMessageStartingWith("policy:");
    }

    @Test
    void controlCharactersInParameterNamesAreRefused() {
        assertThatThrownBy(() -> AssumeRoleParameters.read(form("role_arn\u0000", "x"), PolicyReader.defaults()))
                .isInstanceOf(AssumeRoleRefusal.class).hasMessageContaining("parameter names");
    }

    @Test
    void theAuditShowsControlCharactersEscaped() {
        assertThat(AssumeRoleParameters.printable(ARN + "\u0000\t")).isEqualTo(ARN + "\\u0000\\u0009");
        assertThat(AssumeRoleParameters.printable("x".repeat(1000))).hasSize(300);
        assertThat(AssumeRoleParameters.printable(null)).isNull();
    }
}
