package io.github.keycloaksts.policy.arn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.keycloaksts.policy.PolicyValidationException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ArnTest {

    @ParameterizedTest(name = "{0} -> {1} {2}")
    @CsvSource(delimiter = '|', textBlock = """
            acs:ram::12345678:root                        | AccountArn     | acs:ram::12345678:root
            acs:ram::1234567890123456:root                | AccountArn     | acs:ram::1234567890123456:root
            acs:ram::12345678:user/bob                    | UserArn        | acs:ram::12345678:user/bob
            acs:ram::12345678:user/Bob.Smith@corp         | UserArn        | acs:ram::12345678:user/bob.smith@corp
            acs:ram::12345678:user/a+b=c,d-e_f            | UserArn        | acs:ram::12345678:user/a+b=c,d-e_f
            acs:ram::11223344:role/ecs-admin              | RoleArn        | acs:ram::11223344:role/ecs-admin
            acs:ram::11223344:role/ECS.Admin@x+y=z,w      | RoleArn        | acs:ram::11223344:role/ECS.Admin@x+y=z,w
            acs:ram::11223344:role/ecs-admin/bob          | AssumedRoleArn | acs:ram::11223344:role/ecs-admin/bob
            acs:ram::11223344:role/ecs-admin/b_o.b@x=1,-  | AssumedRoleArn | acs:ram::11223344:role/ecs-admin/b_o.b@x=1,-
            """)
    void parsesAndFormatsCanonically(String text, String type, String canonical) {
        Arn arn = Arn.parse(text);
        assertThat(arn.getClass().getSimpleName()).isEqualTo(type);
        assertThat(arn.toString()).isEqualTo(canonical);
        assertThat(Arn.parse(arn.toString())).isEqualTo(arn);
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', textBlock = """
            foo                                     | not an ARN: "foo"
            ``                                      | not an ARN: ""
            arn:aws:iam::123456789012:root          | not an ARN: "arn:aws:iam::123456789012:root"
            acs:ram::12345678                       | not an ARN: "acs:ram::12345678" (expected acs:ram::<accountId>:<resource>)
            acs:ram::12345678:role/a:b              | not an ARN: "acs:ram::12345678:role/a:b" (expected acs:ram::<accountId>:<resource>)
            acs:ecs::12345678:root                  | unsupported service "ecs" in ARN "acs:ecs::12345678:root" (only ram)
            acs:ram:cn-hangzhou:12345678:root       | region must be empty in ARN "acs:ram:cn-hangzhou:12345678:root"
            acs:ram::1234567:root                   | account ID must be 8-16 digits: "1234567"
            acs:ram::12345678901234567:root         | account ID must be 8-16 digits: "12345678901234567"
            acs:ram::1234567a:root                  | account ID must be 8-16 digits: "1234567a"
            acs:ram::１２３４５６７８:root            | account ID must be 8-16 digits: "１２３４５６７８"
            acs:ram::12345678:group/x               | unknown resource type in ARN "acs:ram::12345678:group/x" (expected root, user/<name>, role/<name> or oidc-provider/<name>)
            acs:ram::12345678:Root                  | unknown resource type in ARN "acs:ram::12345678:Root" (expected root, user/<name>, role/<name> or oidc-provider/<name>)
            acs:ram::12345678:user/                 | invalid user name "" (1-255 of A-Z a-z 0-9 _ . @ + = , -)
            acs:ram::12345678:user/bo b             | invalid user name "bo b" (1-255 of A-Z a-z 0-9 _ . @ + = , -)
            acs:ram::12345678:user/a/b              | invalid user name "a/b" (1-255 of A-Z a-z 0-9 _ . @ + = , -)
            acs:ram::12345678:role/                 | invalid role name "" (1-64 of A-Z a-z 0-9 _ . @ + = , -)
            acs:ram::12345678:role/é                | invalid role name "é" (1-64 of A-Z a-z 0-9 _ . @ + = , -)
            acs:ram::12345678:role/x/a              | invalid role session name "a" (2-64 of A-Z a-z 0-9 _ . @ = , -)
            acs:ram::12345678:role/x/a+b            | invalid role session name "a+b" (2-64 of A-Z a-z 0-9 _ . @ = , -)
            acs:ram::12345678:role/x/a/b            | invalid role session name "a/b" (2-64 of A-Z a-z 0-9 _ . @ = , -)
            acs:ram::12345678:role/x/               | invalid role session name "" (2-64 of A-Z a-z 0-9 _ . @ = , -)
            """)
    void rejectsWithClearMessage(String text, String message) {
        assertThatThrownBy(() -> Arn.parse(text))
                .isInstanceOf(InvalidArnException.class)
                .isInstanceOf(PolicyValidationException.class)
                .hasMessage(message)
                .satisfies(e -> assertThat(((PolicyValidationException) e).path()).isEmpty());
    }

    @Test
    void rejectsNull() {
        assertThatThrownBy(() -> Arn.parse(null)).isInstanceOf(InvalidArnException.class).hasMessage("not an ARN: null");
    }

    @Test
    void nameLengthLimits() {
        String role64 = "r".repeat(64);
        assertThat(RoleArn.of("11223344", role64).roleName()).isEqualTo(role64);
        assertThatThrownBy(() -> RoleArn.of("11223344", role64 + "r")).hasMessageStartingWith("invalid role name");
        String user255 = "u".repeat(255);
        assertThat(UserArn.of("12345678", user255).userName()).isEqualTo(user255);
        assertThatThrownBy(() -> UserArn.of("12345678", user255 + "u")).hasMessageStartingWith("invalid user name");
        String session64 = "s".repeat(64);
        assertThat(RoleArn.of("11223344", "r").session(session64).sessionName()).isEqualTo(session64);
        assertThatThrownBy(() -> RoleArn.of("11223344", "r").session(session64 + "s"))
                .hasMessageStartingWith("invalid role session name");
        assertThat(AssumedRoleArn.isValidSessionName("ab")).isTrue();
        assertThat(AssumedRoleArn.isValidSessionName("a")).isFalse();
        assertThat(AssumedRoleArn.isValidSessionName(null)).isFalse();
    }

    @Test
    void typedParsersRefuseOtherKinds() {
        assertThat(RoleArn.parse("acs:ram::11223344:role/ecs-admin")).isEqualTo(RoleArn.of("11223344", "ecs-admin"));
        assertThatThrownBy(() -> RoleArn.parse("acs:ram::11223344:role/ecs-admin/bob"))
                .isInstanceOf(InvalidArnException.class)
                .hasMessage("not a role ARN: \"acs:ram::11223344:role/ecs-admin/bob\"");
        assertThatThrownBy(() -> UserArn.parse("acs:ram::11223344:root"))
                .hasMessage("not a user ARN: \"acs:ram::11223344:root\"");
        assertThatThrownBy(() -> AccountArn.parse("acs:ram::11223344:user/x"))
                .hasMessage("not an account ARN: \"acs:ram::11223344:user/x\"");
        assertThatThrownBy(() -> AssumedRoleArn.parse("acs:ram::11223344:role/x"))
                .hasMessage("not a role session ARN: \"acs:ram::11223344:role/x\"");
        assertThat(AssumedRoleArn.parse("acs:ram::11223344:role/x/bob").role()).isEqualTo(RoleArn.of("11223344", "x"));
        assertThat(UserArn.parse("acs:ram::12345678:user/BOB")).isEqualTo(UserArn.of("12345678", "bob"));
        assertThat(AccountArn.parse("acs:ram::12345678:root")).isEqualTo(AccountArn.of("12345678"));
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', textBlock = """
            12345678                    | acs:ram::12345678:root
            1234567890123456            | acs:ram::1234567890123456:root
            acs:ram::12345678:root      | acs:ram::12345678:root
            acs:ram::12345678:user/Bob  | acs:ram::12345678:user/bob
            acs:ram::12345678:role/ops  | acs:ram::12345678:role/ops
            """)
    void principalsAcceptBareAccountIds(String text, String canonical) {
        assertThat(Arn.parsePrincipal(text).toString()).isEqualTo(canonical);
    }

    @Test
    void bareAccountIdMustBeValid() {
        assertThatThrownBy(() -> Arn.parsePrincipal("1234"))
                .hasMessage("account ID must be 8-16 digits: \"1234\"");
    }

    @Test
    void accountIds() {
        assertThat(AccountId.isValid("12345678")).isTrue();
        assertThat(AccountId.isValid("00000000")).isTrue();
        assertThat(AccountId.isValid("1234567")).isFalse();
        assertThat(AccountId.isValid(null)).isFalse();
        assertThat(AccountId.of("11223344").toString()).isEqualTo("11223344");
        assertThatThrownBy(() -> AccountId.of("-1234567")).hasMessage("account ID must be 8-16 digits: \"-1234567\"");
    }

    @Test
    void messagesQuoteHostileInputSafely() {
        String hostile = "acs:ram::12345678:user/\u0000\"" + "x".repeat(500);
        assertThatThrownBy(() -> Arn.parse(hostile))
                .hasMessageStartingWith("invalid user name \"\\u0000\\\"xxx")
                .hasMessageContaining("...\"")
                .satisfies(e -> assertThat(e.getMessage().length()).isLessThan(200));
    }
}
