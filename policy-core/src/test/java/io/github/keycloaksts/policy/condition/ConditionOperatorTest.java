package io.github.keycloaksts.policy.condition;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.OffsetDateTime;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import io.github.keycloaksts.policy.PolicyValidationException;
import io.github.keycloaksts.policy.document.PolicyDocument;
import io.github.keycloaksts.policy.document.PolicyReader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every operator with every key it accepts, read from a real trust policy and evaluated against
 * a request context; absent keys included. Rows: operator | key | JSON value(s) | request value
 * ({@code <absent>} = key not in the request; tags as {@code key=value,...}; {@code acs:TagKeys} as the
 * request tags' keys) | expected.
 */
class ConditionOperatorTest {

    private static final String ABSENT = "<absent>";

    private static final String TABLE = """
            StringEquals              | sts:ExternalId      | "a1b2c3"                       | a1b2c3                    | true
            StringEquals              | sts:ExternalId      | "a1b2c3"                       | A1B2C3                    | false
            StringEquals              | sts:ExternalId      | ["x","a1b2c3"]                 | a1b2c3                    | true
            StringEquals              | sts:ExternalId      | "a1b2c3"                       | <absent>                  | false
            StringEquals              | sts:RoleSessionName | "bob"                          | bob                       | true
            StringEquals              | sts:SourceClientId  | "my-app"                       | other-app                 | false
            StringEquals              | oidc:iss            | "https://issuer.example"       | https://issuer.example    | true
            StringEquals              | sts:SourceIdentity  | "acs:ram::12345678:user/bob"   | acs:ram::12345678:user/bob | true
            StringLike                | sts:SourceIdentity  | "acs:ram::12345678:user/*"     | acs:ram::87654321:user/bob | false
            StringNotEquals           | sts:SourceIdentity  | "acs:ram::12345678:user/bob"   | <absent>                  | true
            StringEquals              | acs:RequestTag/Project | "apollo"                    | Project=apollo            | true
            StringEquals              | acs:RequestTag/Project | "apollo"                    | PROJECT=apollo            | true
            StringEquals              | acs:requesttag/PROJECT | "apollo"                    | project=apollo            | true
            StringEquals              | acs:RequestTag/Project | "apollo"                    | Project=Apollo            | false
            StringEquals              | acs:RequestTag/Project | "apollo"                    | Stage=apollo              | false
            StringEquals              | acs:RequestTag/Project | "apollo"                    | <absent>                  | false
            StringNotEquals           | acs:RequestTag/Project | "apollo"                    | Stage=apollo              | true
            StringEqualsIgnoreCase    | acs:RequestTag/Project | "APOLLO"                    | Project=apollo            | true
            StringLike                | acs:RequestTag/Cost Center | "12*"                   | cost center=1234          | true
            StringEquals              | acs:PrincipalTag/Dept | "ops"                        | dept=ops,Stage=prod       | true
            StringEquals              | ACS:PRINCIPALTAG/dept | "ops"                        | Dept=ops                  | true
            StringNotLike             | acs:PrincipalTag/Dept | "o*"                         | Dept=dev                  | true
            StringNotLike             | acs:PrincipalTag/Dept | "o*"                         | <absent>                  | true
            StringEquals              | acs:PrincipalTag/Dept | "ops"                        | Team=ops                  | false
            StringEquals              | acs:TagKeys         | "Project"                      | Stage,Project             | true
            StringEquals              | acs:TagKeys         | "Project"                      | project                   | false
            StringEqualsIgnoreCase    | acs:TagKeys         | "Project"                      | PROJECT                   | true
            StringNotEquals           | acs:TagKeys         | "Project"                      | Stage,Project             | false
            StringNotEquals           | acs:TagKeys         | "Project"                      | Stage                     | true
            StringNotEquals           | acs:TagKeys         | "Project"                      | <absent>                  | true
            StringLike                | acs:TagKeys         | ["Cost*","Pro*"]               | Stage,Project             | true
            StringLike                | oidc:sub            | "repo:org/app:ref:*"           | repo:org/app:ref:refs/heads/main | true
            StringEquals              | acs:PrincipalAccount | "12345678"                    | 12345678                  | true
            StringEquals              | acs:PrincipalOrgId  | "acme"                         | other                     | false
            StringNotEquals           | acs:PrincipalOrgId  | "acme"                         | <absent>                  | true
            StringEquals              | acs:ResourceAccount | "11223344"                     | 11223344                  | true
            StringLike                | acs:ResourceOrgId   | "ac*"                          | acme                      | true
            StringEquals              | acs:PrincipalType   | "WebIdentity"                  | User                      | false
            Bool                      | sts:RoleAdminGrade  | "true"                         | true                      | true
            Bool                      | sts:RoleAdminGrade  | "true"                         | <absent>                  | false
            StringNotEquals           | sts:TrustConditionKeys | "oidc:aud"                  | oidc:sub                  | true
            StringNotEquals           | sts:TrustConditionKeys | "oidc:aud"                  | oidc:aud,oidc:sub         | false
            StringEquals              | sts:TrustConditionKeys | "oidc:aud"                  | oidc:aud,oidc:sub         | true
            StringEquals              | oidc:aud            | "sts"                          | other,sts                 | true
            StringNotEquals           | oidc:aud            | "sts"                          | other,sts                 | false
            StringNotEquals           | oidc:aud            | "sts"                          | other                     | true
            StringNotEquals           | sts:ExternalId      | "a1"                           | a1                        | false
            StringNotEquals           | sts:ExternalId      | "a1"                           | b2                        | true
            StringNotEquals           | sts:ExternalId      | ["x","y"]                      | y                         | false
            StringNotEquals           | sts:ExternalId      | "a1"                           | <absent>                  | true
            StringEqualsIgnoreCase    | sts:SourceClientId  | "My-App"                       | my-app                    | true
            StringEqualsIgnoreCase    | sts:SourceClientId  | "My-App"                       | other                     | false
            StringEqualsIgnoreCase    | sts:SourceClientId  | "My-App"                       | <absent>                  | false
            StringNotEqualsIgnoreCase | sts:SourceClientId  | "My-App"                       | MY-APP                    | false
            StringNotEqualsIgnoreCase | sts:SourceClientId  | "My-App"                       | other                     | true
            StringNotEqualsIgnoreCase | sts:SourceClientId  | "My-App"                       | <absent>                  | true
            StringLike                | sts:RoleSessionName | "bob-*"                        | bob-1                     | true
            StringLike                | sts:RoleSessionName | "bob-*"                        | alice                     | false
            StringLike                | sts:RoleSessionName | "b?b"                          | bob                       | true
            StringLike                | sts:RoleSessionName | "b?b"                          | BOB                       | false
            StringLike                | sts:RoleSessionName | ["x*","*b"]                    | bob                       | true
            StringLike                | sts:RoleSessionName | "*"                            | <absent>                  | false
            StringNotLike             | sts:RoleSessionName | "bob-*"                        | bob-1                     | false
            StringNotLike             | sts:RoleSessionName | "bob-*"                        | alice                     | true
            StringNotLike             | sts:RoleSessionName | "bob-*"                        | <absent>                  | true
            NumericEquals             | sts:DurationSeconds | 3600                           | 3600                      | true
            NumericEquals             | sts:DurationSeconds | "3600.0"                       | 3600                      | true
            NumericEquals             | sts:DurationSeconds | [900,3600]                     | 900                       | true
            NumericEquals             | sts:DurationSeconds | 3600                           | 900                       | false
            NumericEquals             | sts:DurationSeconds | 3600                           | <absent>                  | false
            NumericNotEquals          | sts:DurationSeconds | 3600                           | 3600                      | false
            NumericNotEquals          | sts:DurationSeconds | 3600                           | 900                       | true
            NumericNotEquals          | sts:DurationSeconds | 3600                           | <absent>                  | true
            NumericLessThan           | sts:DurationSeconds | 3600                           | 900                       | true
            NumericLessThan           | sts:DurationSeconds | 3600                           | 3600                      | false
            NumericLessThan           | sts:DurationSeconds | "-1.5"                         | -2                        | true
            NumericLessThan           | sts:DurationSeconds | 3600                           | <absent>                  | false
            NumericLessThanEquals     | sts:DurationSeconds | 3600                           | 3600                      | true
            NumericLessThanEquals     | sts:DurationSeconds | 3600                           | 3601                      | false
            NumericLessThanEquals     | sts:DurationSeconds | 3600                           | <absent>                  | false
            NumericGreaterThan        | sts:DurationSeconds | 900                            | 3600                      | true
            NumericGreaterThan        | sts:DurationSeconds | 900                            | 900                       | false
            NumericGreaterThan        | sts:DurationSeconds | 899.5                          | 900                       | true
            NumericGreaterThan        | sts:DurationSeconds | 900                            | <absent>                  | false
            NumericGreaterThanEquals  | sts:DurationSeconds | 900                            | 900                       | true
            NumericGreaterThanEquals  | sts:DurationSeconds | 900                            | 899                       | false
            NumericGreaterThanEquals  | sts:DurationSeconds | 900                            | <absent>                  | false
            DateEquals                | acs:CurrentTime     | "2025-01-01T00:00:00Z"         | 2025-01-01T08:00:00+08:00 | true
            DateEquals                | acs:CurrentTime     | "2025-01-01T00:00:00Z"         | 2025-01-01T00:00:01Z      | false
            DateEquals                | acs:CurrentTime     | "2025-01-01T00:00:00Z"         | <absent>                  | false
            DateNotEquals             | acs:CurrentTime     | "2025-01-01T00:00:00Z"         | 2025-01-01T00:00:00Z      | false
            DateNotEquals             | acs:CurrentTime     | "2025-01-01T00:00:00Z"         | 2025-01-02T00:00:00Z      | true
            DateNotEquals             | acs:CurrentTime     | "2025-01-01T00:00:00Z"         | <absent>                  | true
            DateLessThan              | acs:CurrentTime     | "2025-01-01T00:00:00Z"         | 2024-12-31T23:59:59Z      | true
            DateLessThan              | acs:CurrentTime     | "2025-01-01T00:00:00Z"         | 2025-01-01T00:00:00Z      | false
            DateLessThan              | acs:CurrentTime     | "2025-01-01T00:00:00Z"         | <absent>                  | false
            DateLessThanEquals        | acs:CurrentTime     | "2025-01-01T00:00:00Z"         | 2025-01-01T00:00:00Z      | true
            DateLessThanEquals        | acs:CurrentTime     | "2025-01-01T00:00:00Z"         | 2025-01-01T00:00:00.001Z  | false
            DateLessThanEquals        | acs:CurrentTime     | "2025-01-01T00:00:00Z"         | <absent>                  | false
            DateGreaterThan           | acs:CurrentTime     | "2019-08-12T17:00:00+08:00"    | 2019-08-12T09:00:01Z      | true
            DateGreaterThan           | acs:CurrentTime     | "2019-08-12T17:00:00+08:00"    | 2019-08-12T09:00:00Z      | false
            DateGreaterThan           | acs:CurrentTime     | "2019-08-12T17:00:00+08:00"    | <absent>                  | false
            DateGreaterThanEquals     | acs:CurrentTime     | "2019-08-12T17:00:00+08:00"    | 2019-08-12T09:00:00Z      | true
            DateGreaterThanEquals     | acs:CurrentTime     | "2019-08-12T17:00:00+08:00"    | 2019-08-12T08:59:59Z      | false
            DateGreaterThanEquals     | acs:CurrentTime     | "2019-08-12T17:00:00+08:00"    | <absent>                  | false
            Bool                      | acs:MFAPresent      | true                           | true                      | true
            Bool                      | acs:MFAPresent      | true                           | false                     | false
            Bool                      | acs:MFAPresent      | "false"                        | false                     | true
            Bool                      | acs:MFAPresent      | [true,false]                   | false                     | true
            Bool                      | acs:MFAPresent      | true                           | <absent>                  | false
            Bool                      | acs:MFAPresent      | false                          | <absent>                  | false
            IpAddress                 | acs:SourceIp        | "10.0.0.0/8"                   | 10.1.2.3                  | true
            IpAddress                 | acs:SourceIp        | "10.0.0.0/8"                   | 11.0.0.1                  | false
            IpAddress                 | acs:SourceIp        | "192.168.1.10"                 | 192.168.1.10              | true
            IpAddress                 | acs:SourceIp        | "192.168.1.10"                 | 192.168.1.11              | false
            IpAddress                 | acs:SourceIp        | "10.1.2.3/31"                  | 10.1.2.2                  | true
            IpAddress                 | acs:SourceIp        | "172.16.0.0/12"                | 172.31.255.255            | true
            IpAddress                 | acs:SourceIp        | "172.16.0.0/12"                | 172.32.0.0                | false
            IpAddress                 | acs:SourceIp        | ["10.0.0.0/8","192.168.0.0/16"]| 192.168.3.4               | true
            IpAddress                 | acs:SourceIp        | "0.0.0.0/0"                    | 203.0.113.9               | true
            IpAddress                 | acs:SourceIp        | "2001:db8::/32"                | 2001:db8::1               | true
            IpAddress                 | acs:SourceIp        | "2001:db8::/32"                | 2001:db9::1               | false
            IpAddress                 | acs:SourceIp        | "2001:DB8:0:0:0:0:0:1"         | 2001:db8::1               | true
            IpAddress                 | acs:SourceIp        | "::1"                          | 0:0:0:0:0:0:0:1           | true
            IpAddress                 | acs:SourceIp        | "10.0.0.0/8"                   | ::ffff:10.0.0.1           | true
            IpAddress                 | acs:SourceIp        | "::ffff:10.0.0.0/104"          | 10.9.9.9                  | true
            IpAddress                 | acs:SourceIp        | "::/0"                         | 10.0.0.1                  | false
            IpAddress                 | acs:SourceIp        | "0.0.0.0/0"                    | 2001:db8::1               | false
            IpAddress                 | acs:SourceIp        | "10.0.0.0/8"                   | <absent>                  | false
            NotIpAddress              | acs:SourceIp        | "10.0.0.0/8"                   | 10.1.2.3                  | false
            NotIpAddress              | acs:SourceIp        | "10.0.0.0/8"                   | 11.0.0.1                  | true
            NotIpAddress              | acs:SourceIp        | ["10.0.0.0/8","2001:db8::/32"] | 2001:db8::5               | false
            NotIpAddress              | acs:SourceIp        | "10.0.0.0/8"                   | <absent>                  | true
            """;

    static Stream<Arguments> table() {
        return TABLE.lines().map(l -> Arrays.stream(l.split("\\|")).map(String::trim).toArray())
                .map(Arguments::of);
    }

    @ParameterizedTest(name = "{0} {1} {2} vs {3} -> {4}")
    @MethodSource("table")
    void evaluates(String operator, String key, String values, String request, String expected) {
        PolicyDocument doc = PolicyReader.defaults().readTrustPolicy("""
                {"Version":"1","Statement":[{"Effect":"Allow","Action":"sts:AssumeRole",
                 "Principal":{"RAM":"12345678"},"Condition":{"%s":{"%s":%s}}}]}""".formatted(operator, key, values));
        Condition condition = doc.statements().get(0).conditions().get(0);
        assertThat(condition.operator().operatorName()).isEqualTo(operator);
        assertThat(condition.keyName()).isEqualToIgnoringCase(key);
        RequestContext ctx = context(condition.key(), request);
        assertThat(condition.test(ctx)).isEqualTo(Boolean.parseBoolean(expected));
    }

    @Test
    void tableCoversEveryOperatorAndKeyWithAbsentKeys() {
        Set<ConditionOperator> operators = EnumSet.noneOf(ConditionOperator.class);
        Set<ConditionOperator> absent = EnumSet.noneOf(ConditionOperator.class);
        Set<ConditionKey> keys = EnumSet.noneOf(ConditionKey.class);
        table().forEach(a -> {
            ConditionOperator op = ConditionOperator.fromName((String) a.get()[0]).orElseThrow();
            operators.add(op);
            keys.add(ConditionKey.fromName((String) a.get()[1]).orElseThrow());
            if (a.get()[3].equals(ABSENT)) {
                absent.add(op);
            }
        });
        assertThat(operators).containsExactlyInAnyOrder(ConditionOperator.values());
        assertThat(absent).containsExactlyInAnyOrder(ConditionOperator.values());
        assertThat(keys).containsExactlyInAnyOrder(ConditionKey.values());
    }

    @Test
    void absentKeySemanticsFollowNegation() {
        for (ConditionOperator op : ConditionOperator.values()) {
            ConditionKey key = Arrays.stream(ConditionKey.values()).filter(k -> k.type() == op.valueType())
                    .findFirst().orElseThrow();
            String value = switch (op.valueType()) {
                case STRING -> "x";
                case NUMBER -> "1";
                case DATE -> "2025-01-01T00:00:00Z";
                case BOOL -> "true";
                case IP -> "10.0.0.0/8";
            };
            assertThat(Condition.of(op, key, List.of(value)).test(RequestContext.empty()))
                    .as(op.operatorName()).isEqualTo(op.isNegated());
        }
    }

    static Stream<Arguments> operatorKeyPairs() {
        return Arrays.stream(ConditionOperator.values())
                .flatMap(op -> Arrays.stream(ConditionKey.values()).map(k -> Arguments.of(op, k)));
    }

    /** A name of the key as a policy writes it: with a tag key for the keys that take one. */
    static String sampleName(ConditionKey key) {
        return key.hasTagKey() ? key.keyName() + "/Project" : key.keyName();
    }

    @ParameterizedTest(name = "{0} with {1}")
    @MethodSource("operatorKeyPairs")
    void operatorKeyCompatibility(ConditionOperator op, ConditionKey key) {
        String value = switch (op.valueType()) {
            case STRING -> "\"x\"";
            case NUMBER -> "1";
            case DATE -> "\"2025-01-01T00:00:00Z\"";
            case BOOL -> "true";
            case IP -> "\"10.0.0.0/8\"";
        };
        String json = """
                {"Version":"1","Statement":[{"Effect":"Allow","Action":"sts:AssumeRole",
                 "Principal":{"RAM":"12345678"},"Condition":{"%s":{"%s":%s}}}]}"""
                .formatted(op.operatorName(), sampleName(key), value);
        if (op.valueType() == key.type()) {
            assertThat(PolicyReader.defaults().readTrustPolicy(json).statements().get(0).conditions()).hasSize(1);
        } else {
            assertThatThrownBy(() -> PolicyReader.defaults().readTrustPolicy(json))
                    .isInstanceOf(PolicyValidationException.class)
                    .hasMessage("Statement[0].Condition.%s: operator %s cannot be used with key \"%s\" (%s %s key)",
                            op.operatorName(), op.operatorName(), sampleName(key),
                            key.type() == ValueType.IP ? "an" : "a", key.type().label());
        }
    }

    @ParameterizedTest(name = "{0} {1} {2}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', textBlock = """
            NumericEquals          | sts:DurationSeconds | "abc"              | Statement[0].Condition.NumericEquals.sts:DurationSeconds: not a number: "abc"
            NumericEquals          | sts:DurationSeconds | "1e5"              | Statement[0].Condition.NumericEquals.sts:DurationSeconds: not a number: "1e5"
            NumericEquals          | sts:DurationSeconds | "+5"               | Statement[0].Condition.NumericEquals.sts:DurationSeconds: not a number: "+5"
            NumericEquals          | sts:DurationSeconds | "1."               | Statement[0].Condition.NumericEquals.sts:DurationSeconds: not a number: "1."
            NumericEquals          | sts:DurationSeconds | [1,"x"]            | Statement[0].Condition.NumericEquals.sts:DurationSeconds[1]: not a number: "x"
            NumericEquals          | sts:DurationSeconds | 1e400              | Statement[0].Condition.NumericEquals.sts:DurationSeconds: number out of range
            NumericEquals          | sts:DurationSeconds | true               | Statement[0].Condition.NumericEquals.sts:DurationSeconds: must be a number or a string, got a boolean
            DateLessThan           | acs:CurrentTime     | "2025-01-01"       | Statement[0].Condition.DateLessThan.acs:CurrentTime: not an ISO-8601 date-time with offset (e.g. 2025-01-01T00:00:00Z): "2025-01-01"
            DateLessThan           | acs:CurrentTime     | "2025-13-01T00:00:00Z" | Statement[0].Condition.DateLessThan.acs:CurrentTime: not an ISO-8601 date-time with offset (e.g. 2025-01-01T00:00:00Z): "2025-13-01T00:00:00Z"
            DateLessThan           | acs:CurrentTime     | "2025-01-01T00:00:00" | Statement[0].Condition.DateLessThan.acs:CurrentTime: not an ISO-8601 date-time with offset (e.g. 2025-01-01T00:00:00Z): "2025-01-01T00:00:00"
            DateLessThan           | acs:CurrentTime     | 1735689600         | Statement[0].Condition.DateLessThan.acs:CurrentTime: must be a string, got a number
            Bool                   | acs:MFAPresent      | "yes"              | Statement[0].Condition.Bool.acs:MFAPresent: not a boolean (true or false): "yes"
            Bool                   | acs:MFAPresent      | "TRUE"             | Statement[0].Condition.Bool.acs:MFAPresent: not a boolean (true or false): "TRUE"
            Bool                   | acs:MFAPresent      | 1                  | Statement[0].Condition.Bool.acs:MFAPresent: must be a boolean or a string, got a number
            IpAddress              | acs:SourceIp        | "10.0.0.256"       | Statement[0].Condition.IpAddress.acs:SourceIp: not an IP address or CIDR range: "10.0.0.256"
            IpAddress              | acs:SourceIp        | "10.0.0.0/33"      | Statement[0].Condition.IpAddress.acs:SourceIp: not an IP address or CIDR range: "10.0.0.0/33"
            IpAddress              | acs:SourceIp        | "10.0.0.0/"        | Statement[0].Condition.IpAddress.acs:SourceIp: not an IP address or CIDR range: "10.0.0.0/"
            IpAddress              | acs:SourceIp        | ["10.0.0.0/8","example.com"] | Statement[0].Condition.IpAddress.acs:SourceIp[1]: not an IP address or CIDR range: "example.com"
            IpAddress              | acs:SourceIp        | "2001:db8::/129"   | Statement[0].Condition.IpAddress.acs:SourceIp: not an IP address or CIDR range: "2001:db8::/129"
            IpAddress              | acs:SourceIp        | "fe80::1%eth0"     | Statement[0].Condition.IpAddress.acs:SourceIp: not an IP address or CIDR range: "fe80::1%eth0"
            NotIpAddress           | acs:SourceIp        | "010.0.0.1"        | Statement[0].Condition.NotIpAddress.acs:SourceIp: not an IP address or CIDR range: "010.0.0.1"
            StringEquals           | sts:ExternalId      | 5                  | Statement[0].Condition.StringEquals.sts:ExternalId: must be a string, got a number
            StringEquals           | sts:ExternalId      | []                 | Statement[0].Condition.StringEquals.sts:ExternalId: must not be empty
            StringEquals           | sts:ExternalId      | [["a"]]            | Statement[0].Condition.StringEquals.sts:ExternalId[0]: must be a string, got a list
            StringEquals           | sts:ExternalId      | null               | Statement[0].Condition.StringEquals.sts:ExternalId: must be a string, got null
            StringEquals           | sts:ExternalId      | {"a":"b"}          | Statement[0].Condition.StringEquals.sts:ExternalId: must be a string, got an object
            StringEquals           | sts:ExternalId      | "a\\u0000"         | Statement[0].Condition.StringEquals.sts:ExternalId: contains a control character
            StringEquals           | sts:ExternalId      | "\\ud800"          | Statement[0].Condition.StringEquals.sts:ExternalId: contains an unpaired surrogate
            """)
    void rejectsInvalidValues(String operator, String key, String values, String message) {
        String json = """
                {"Version":"1","Statement":[{"Effect":"Allow","Action":"sts:AssumeRole",
                 "Principal":{"RAM":"12345678"},"Condition":{"%s":{"%s":%s}}}]}""".formatted(operator, key, values);
        assertThatThrownBy(() -> PolicyReader.defaults().readTrustPolicy(json))
                .isInstanceOf(PolicyValidationException.class)
                .hasMessage(message);
    }

    @Test
    void keyNamesAreCaseInsensitiveAndCanonicalised() {
        PolicyDocument doc = PolicyReader.defaults().readTrustPolicy("""
                {"Version":"1","Statement":[{"Effect":"Allow","Action":"sts:AssumeRole",
                 "Principal":{"RAM":"12345678"},"Condition":{"StringEquals":{"STS:externalid":"x"}}}]}""");
        assertThat(doc.statements().get(0).conditions().get(0).key()).isEqualTo(ConditionKey.EXTERNAL_ID);
        assertThat(doc.toString()).contains("\"sts:ExternalId\"");
    }

    @Test
    void conditionsAndAcrossKeysOrWithinValues() {
        PolicyDocument doc = PolicyReader.defaults().readTrustPolicy("""
                {"Version":"1","Statement":[{"Effect":"Allow","Action":"sts:AssumeRole",
                 "Principal":{"RAM":"12345678"},"Condition":{
                   "StringEquals":{"sts:ExternalId":["a","b"],"sts:RoleSessionName":"bob"},
                   "IpAddress":{"acs:SourceIp":"10.0.0.0/8"}}}]}""");
        var s = doc.statements().get(0);
        RequestContext all = RequestContext.builder().externalId("b").roleSessionName("bob").sourceIp("10.0.0.1").build();
        assertThat(s.firstUnmetCondition(all)).isEmpty();
        RequestContext wrongIp = RequestContext.builder().externalId("a").roleSessionName("bob").sourceIp("11.0.0.1").build();
        assertThat(s.firstUnmetCondition(wrongIp)).map(Condition::toString).contains("IpAddress acs:SourceIp");
        RequestContext noSession = RequestContext.builder().externalId("a").sourceIp("10.0.0.1").build();
        assertThat(s.firstUnmetCondition(noSession)).map(Condition::toString).contains("StringEquals sts:RoleSessionName");
    }

    @Test
    void conditionOfValidatesToo() {
        assertThatThrownBy(() -> Condition.of(ConditionOperator.IP_ADDRESS, ConditionKey.SOURCE_IP, List.of("10.0.0.0/8", "x")))
                .isInstanceOf(PolicyValidationException.class)
                .hasMessage("[1]: not an IP address or CIDR range: \"x\"");
        assertThatThrownBy(() -> Condition.of(ConditionOperator.BOOL, ConditionKey.EXTERNAL_ID, List.of("true")))
                .hasMessage("operator Bool cannot be used with key \"sts:ExternalId\" (a string key)");
        assertThatThrownBy(() -> Condition.of(ConditionOperator.STRING_EQUALS, ConditionKey.EXTERNAL_ID, List.of()))
                .hasMessage("at least one value is required");
        Condition c = Condition.of(ConditionOperator.STRING_EQUALS, ConditionKey.EXTERNAL_ID, List.of("secret"));
        assertThat(c.toString()).isEqualTo("StringEquals sts:ExternalId").doesNotContain("secret");
        assertThat(c).isEqualTo(Condition.of(ConditionOperator.STRING_EQUALS, ConditionKey.EXTERNAL_ID, List.of("secret")));
    }

    @Test
    void conditionOfChecksTagKeys() {
        Condition c = Condition.of(ConditionOperator.STRING_EQUALS, ConditionKey.REQUEST_TAG, "Project", List.of("apollo"));
        assertThat(c.keyName()).isEqualTo("acs:RequestTag/Project");
        assertThat(c.tagKey()).contains("Project");
        assertThat(c.toString()).isEqualTo("StringEquals acs:RequestTag/Project");
        assertThat(c).isEqualTo(Condition.of(ConditionOperator.STRING_EQUALS, ConditionKey.REQUEST_TAG, "Project", List.of("apollo")))
                .isNotEqualTo(Condition.of(ConditionOperator.STRING_EQUALS, ConditionKey.PRINCIPAL_TAG, "Project", List.of("apollo")))
                .isNotEqualTo(Condition.of(ConditionOperator.STRING_EQUALS, ConditionKey.REQUEST_TAG, "Stage", List.of("apollo")));
        RequestContext ctx = RequestContext.builder().requestTags(Map.of("PROJECT", "apollo")).build();
        assertThat(c.test(ctx)).isTrue();
        assertThat(c.keyPresent(ctx)).isTrue();
        assertThat(c.keyPresent(RequestContext.builder().requestTags(Map.of("Stage", "apollo")).build())).isFalse();
        assertThat(Condition.of(ConditionOperator.STRING_EQUALS, ConditionKey.EXTERNAL_ID, List.of("x")).tagKey()).isEmpty();

        assertThatThrownBy(() -> Condition.of(ConditionOperator.STRING_EQUALS, ConditionKey.REQUEST_TAG, List.of("x")))
                .isInstanceOf(PolicyValidationException.class)
                .hasMessage("key \"acs:RequestTag/\" needs a tag key (acs:RequestTag/<tag key>)");
        assertThatThrownBy(() -> Condition.of(ConditionOperator.STRING_EQUALS, ConditionKey.PRINCIPAL_TAG, "a b?", List.of("x")))
                .hasMessage("key \"acs:PrincipalTag/a b?\" tag key contains the character \"?\""
                        + " (allowed: letters, digits, spaces and _ . : / = + - @)");
        assertThatThrownBy(() -> Condition.of(ConditionOperator.STRING_EQUALS, ConditionKey.EXTERNAL_ID, "Project", List.of("x")))
                .hasMessage("key \"sts:ExternalId\" takes no tag key");
        assertThatThrownBy(() -> Condition.of(ConditionOperator.BOOL, ConditionKey.REQUEST_TAG, "Project", List.of("true")))
                .hasMessage("operator Bool cannot be used with key \"acs:RequestTag/Project\" (a string key)");
    }

    @Test
    void keyNamesOfTagKeys() {
        assertThat(ConditionKey.fromName("ACS:requestTAG/x/y")).contains(ConditionKey.REQUEST_TAG);
        assertThat(ConditionKey.tagKeyOf("ACS:requestTAG/x/y")).isEqualTo("x/y");
        assertThat(ConditionKey.fromName("acs:PrincipalTag")).contains(ConditionKey.PRINCIPAL_TAG);
        assertThat(ConditionKey.tagKeyOf("acs:PrincipalTag")).isEmpty();
        assertThat(ConditionKey.fromName("acs:TagKeys")).contains(ConditionKey.TAG_KEYS);
        assertThat(ConditionKey.fromName("acs:TagKeys/x")).isEmpty();
        assertThat(ConditionKey.fromName("/acs:RequestTag")).isEmpty();
        assertThat(ConditionKey.REQUEST_TAG.hasTagKey()).isTrue();
        assertThat(ConditionKey.TAG_KEYS.hasTagKey()).isFalse();
    }

    @Test
    void theContextHoldsTagsAndLooksThemUpIgnoringCase() {
        Map<String, String> tags = new LinkedHashMap<>();
        tags.put("Project", "apollo");
        tags.put("Cost Center", "12");
        RequestContext ctx = RequestContext.builder().requestTags(tags).principalTags(Map.of("Dept", "ops"))
                .sourceIdentity("acs:ram::12345678:user/bob").build();
        tags.put("Later", "x"); // the context copied the map
        assertThat(ctx.requestTags()).containsExactly(Map.entry("Project", "apollo"), Map.entry("Cost Center", "12"));
        assertThat(ctx.requestTag("project")).contains("apollo");
        assertThat(ctx.requestTag("COST CENTER")).contains("12");
        assertThat(ctx.requestTag("Dept")).isEmpty();
        assertThat(ctx.tagKeys()).containsExactly("Project", "Cost Center");
        assertThat(ctx.principalTags()).containsExactly(Map.entry("Dept", "ops"));
        assertThat(ctx.principalTag("DEPT")).contains("ops");
        assertThat(ctx.sourceIdentity()).contains("acs:ram::12345678:user/bob");
        assertThat(ctx.has(ConditionKey.REQUEST_TAG)).isTrue();
        assertThat(ctx.has(ConditionKey.TAG_KEYS)).isTrue();
        assertThat(ctx.toString()).isEqualTo("RequestContext{sts:SourceIdentity=acs:ram::12345678:user/bob, "
                + "acs:RequestTag={Project=apollo, Cost Center=12}, acs:PrincipalTag={Dept=ops}}");

        RequestContext none = RequestContext.builder().requestTags(Map.of()).principalTags(null).build();
        assertThat(none.requestTags()).isEmpty();
        assertThat(none.tagKeys()).isEmpty();
        assertThat(none.has(ConditionKey.TAG_KEYS)).isFalse();
        assertThat(none.principalTag("Dept")).isEmpty();
        assertThat(RequestContext.builder().requestTags(Map.of("a", "b")).requestTags(null).build().has(ConditionKey.TAG_KEYS))
                .isFalse();

        Map<String, String> twice = new LinkedHashMap<>();
        twice.put("Project", "a");
        twice.put("project", "b");
        assertThatThrownBy(() -> RequestContext.builder().requestTags(twice))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("request tags \"Project\" and \"project\" differ only in case");
    }

    static RequestContext context(ConditionKey key, String value) {
        RequestContext.Builder b = RequestContext.builder();
        if (ABSENT.equals(value)) {
            return b.build();
        }
        switch (key) {
            case EXTERNAL_ID -> b.externalId(value);
            case ROLE_SESSION_NAME -> b.roleSessionName(value);
            case SOURCE_CLIENT_ID -> b.sourceClientId(value);
            case SOURCE_IDENTITY -> b.sourceIdentity(value);
            case DURATION_SECONDS -> b.durationSeconds(Long.parseLong(value));
            case SOURCE_IP -> b.sourceIp(value);
            case CURRENT_TIME -> b.currentTime(OffsetDateTime.parse(value).toInstant());
            case MFA_PRESENT -> b.mfaPresent(Boolean.parseBoolean(value));
            case OIDC_ISS -> b.oidcIssuer(value);
            case OIDC_SUB -> b.oidcSubject(value);
            case OIDC_AUD -> b.oidcAudiences(List.of(value.split(",")));
            case REQUEST_TAG -> b.requestTags(tags(value));
            case PRINCIPAL_TAG -> b.principalTags(tags(value));
            case TAG_KEYS -> b.requestTags(Arrays.stream(value.split(",")).collect(Collectors.toMap(k -> k, k -> "x",
                    (x, y) -> x, LinkedHashMap::new)));
            case PRINCIPAL_ACCOUNT -> b.principalAccount(value);
            case PRINCIPAL_ORG_ID -> b.principalOrgId(value);
            case RESOURCE_ACCOUNT -> b.resourceAccount(value);
            case RESOURCE_ORG_ID -> b.resourceOrgId(value);
            case PRINCIPAL_TYPE -> b.principalType(value);
            case ROLE_ADMIN_GRADE -> b.roleAdminGrade(Boolean.parseBoolean(value));
            case TRUST_CONDITION_KEYS -> b.trustConditionKeys(List.of(value.split(",")));
            default -> throw new IllegalArgumentException(key.toString());
        }
        return b.build();
    }

    /** {@code k=v,k2=v2} as an ordered map. */
    static Map<String, String> tags(String pairs) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String pair : pairs.split(",")) {
            int eq = pair.indexOf('=');
            out.put(pair.substring(0, eq), pair.substring(eq + 1));
        }
        return out;
    }
}
