package io.github.keycloaksts.policy.arn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ArnPatternTest {

    @ParameterizedTest(name = "{0} ~ {1} = {2}")
    @CsvSource(delimiter = '|', textBlock = """
            *                                   | acs:ram::11223344:role/ecs-admin      | true
            acs:ram::11223344:role/ecs-admin    | acs:ram::11223344:role/ecs-admin      | true
            acs:ram::11223344:role/ecs-admin    | acs:ram::11223344:role/ecs-admin2     | false
            acs:ram::11223344:role/ecs-admin    | acs:ram::11223344:role/ECS-admin      | false
            acs:ram::11223344:role/*            | acs:ram::11223344:role/ecs-admin      | true
            acs:ram::11223344:role/*            | acs:ram::11223345:role/ecs-admin      | false
            acs:ram:*:11223344:role/ecs-*       | acs:ram::11223344:role/ecs-admin      | true
            acs:ram:*:11223344:role/ecs-*       | acs:ram::11223344:role/rds-admin      | false
            acs:ram::*:role/ecs-admin           | acs:ram::99999999:role/ecs-admin      | true
            acs:ram::11223344:role/ecs-?dmin    | acs:ram::11223344:role/ecs-admin      | true
            acs:ram::11223344:role/ecs-?dmin    | acs:ram::11223344:role/ecs-aadmin     | false
            acs:ram::1122334?:role/*            | acs:ram::11223349:role/x              | true
            acs:ram:*                           | acs:ram::11223344:role/x              | true
            acs:ram::11223344:*                 | acs:ram::11223344:role/x              | true
            acs:ram::11223344:*admin            | acs:ram::11223344:role/ecs-admin      | true
            acs:ram::11223344:role/*-admin      | acs:ram::11223344:role/-admin         | true
            acs:ram::11223344:role/*a*a*b       | acs:ram::11223344:role/aab            | true
            acs:ram::11223344:role/*a*a*b       | acs:ram::11223344:role/aaa            | false
            """)
    void matches(String pattern, String arn, boolean expected) {
        assertThat(ArnPattern.parse(pattern).matches(arn)).isEqualTo(expected);
        assertThat(ArnPattern.parse(pattern).matches(Arn.parse(arn))).isEqualTo(expected);
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', textBlock = """
            ``                                  | not an ARN pattern: "" (expected acs:ram:... or *)
            **                                  | not an ARN pattern: "**" (expected acs:ram:... or *)
            role/*                              | not an ARN pattern: "role/*" (expected acs:ram:... or *)
            acs:ecs:*                           | only acs:ram: ARN patterns are supported: "acs:ecs:*"
            acs:ram::11223344:role/a b          | invalid character " " in ARN pattern "acs:ram::11223344:role/a b"
            acs:ram::11223344:role/[a]*         | invalid character "[" in ARN pattern "acs:ram::11223344:role/[a]*"
            acs:ram::11223344:role/x:y:*        | too many ":" in ARN pattern "acs:ram::11223344:role/x:y:*"
            acs:ram:cn-hangzhou:11223344:role/* | region must be empty or a wildcard in ARN pattern "acs:ram:cn-hangzhou:11223344:role/*"
            acs:ram::1122:role/*                | account ID must be 8-16 digits: "1122"
            acs:ram::11223344                   | not an ARN: "acs:ram::11223344" (expected acs:ram::<accountId>:<resource>)
            acs:ram::1122334?                   | incomplete ARN pattern "acs:ram::1122334?" (expected acs:ram:<region>:<accountId>:<resource>)
            acs:ram::11223344:role/bad name     | invalid character " " in ARN pattern "acs:ram::11223344:role/bad name"
            acs:ram::11223344:group/x           | unknown resource type in ARN "acs:ram::11223344:group/x" (expected root, user/<name>, role/<name> or oidc-provider/<name>)
            """)
    void rejects(String pattern, String message) {
        assertThatThrownBy(() -> ArnPattern.parse(pattern)).isInstanceOf(InvalidArnException.class).hasMessage(message);
    }

    @Test
    void rejectsNull() {
        assertThatThrownBy(() -> ArnPattern.parse(null)).hasMessage("not an ARN pattern: null");
    }

    @Test
    void hostilePatternsStayLinear() {
        ArnPattern p = ArnPattern.parse("acs:ram::11223344:role/*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*b");
        String arn = "acs:ram::11223344:role/" + "a".repeat(100_000);
        long start = System.nanoTime();
        for (int i = 0; i < 100; i++) {
            assertThat(p.matches(arn)).isFalse();
        }
        // Not a speed target (benchmarks measure speed): backtracking on this input would not end in hours; linear ends in
        // milliseconds. The bound is loose so a loaded machine never fails it.
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(60));
    }

    @Test
    void equalityByText() {
        assertThat(ArnPattern.parse("acs:ram::11223344:role/*")).isEqualTo(ArnPattern.parse("acs:ram::11223344:role/*"))
                .hasSameHashCodeAs(ArnPattern.parse("acs:ram::11223344:role/*"));
        assertThat(ArnPattern.parse("*").hasWildcards()).isTrue();
        assertThat(ArnPattern.parse("acs:ram::11223344:role/x").hasWildcards()).isFalse();
        assertThat(ArnPattern.parse("acs:ram::11223344:role/x").toString()).isEqualTo("acs:ram::11223344:role/x");
    }
}
