package io.github.keycloaksts.policy.document;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.keycloaksts.policy.PolicyValidationException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Every validation error of the reader, with its exact path and message. Rows: kind | JSON | message.
 * The same documents are also read as Jackson trees (the admin REST path) where the JSON is valid.
 */
class PolicyReaderValidationTest {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    @ParameterizedTest(name = "[{index}] {2}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', textBlock = """
            TRUST      | []                                                 | $: expected a JSON object, got a list
            TRUST      | "x"                                                | $: expected a JSON object, got a string
            TRUST      | {}                                                 | $: missing "Version"
            TRUST      | {"Version":"1"}                                    | $: missing "Statement"
            TRUST      | {"Version":"2","Statement":[]}                     | Version: must be "1"
            TRUST      | {"Version":1,"Statement":[]}                       | Version: must be "1"
            TRUST      | {"Version":"1","Statement":[],"Id":"x"}            | $: unknown field "Id"
            TRUST      | {"version":"1","Statement":[]}                     | $: unknown field "version"
            TRUST      | {"Version":"1","Statement":"x"}                    | Statement: must be an object or a list of objects, got a string
            TRUST      | {"Version":"1","Statement":[1]}                    | Statement[0]: expected a JSON object, got a number
            TRUST      | {"Version":"1","Statement":[{"Effect":"Allow","Action":"sts:AssumeRole","Principal":{"RAM":"12345678"},"NotAction":"x"}]} | Statement[0]: unknown field "NotAction"
            TRUST      | {"Version":"1","Statement":[{"Effect":"Allow","Action":"sts:AssumeRole","Principal":{"RAM":"12345678"},"Resource":"*"}]} | Statement[0]: "Resource" is not allowed in a trust policy (the resource is the role)
            PERMISSION | {"Version":"1","Statement":[{"Effect":"Allow","Action":"sts:AssumeRole","Principal":{"RAM":"12345678"},"Resource":"*"}]} | Statement[0]: "Principal" is not allowed in a permission policy
            SESSION    | {"Version":"1","Statement":[{"Effect":"Allow","Action":"sts:AssumeRole","Principal":{"RAM":"12345678"},"Resource":"*"}]} | Statement[0]: "Principal" is not allowed in a session policy
            TRUST      | {"Version":"1","Statement":[{"Action":"sts:AssumeRole","Principal":{"RAM":"12345678"}}]}                      | Statement[0]: missing "Effect"
            TRUST      | {"Version":"1","Statement":[{"Effect":"allow","Action":"sts:AssumeRole","Principal":{"RAM":"12345678"}}]}     | Statement[0].Effect: must be "Allow" or "Deny"
            TRUST      | {"Version":"1","Statement":[{"Effect":true,"Action":"sts:AssumeRole","Principal":{"RAM":"12345678"}}]}        | Statement[0].Effect: must be "Allow" or "Deny"
            TRUST      | {"Version":"1","Statement":[{"Effect":"Allow","Principal":{"RAM":"12345678"}}]}                               | Statement[0]: missing "Action"
            TRUST      | {"Version":"1","Statement":[{"Effect":"Allow","Action":[],"Principal":{"RAM":"12345678"}}]}                   | Statement[0].Action: must not be empty
            TRUST      | {"Version":"1","Statement":[{"Effect":"Allow","Action":5,"Principal":{"RAM":"12345678"}}]}                    | Statement[0].Action: must be a string or a list of strings, got a number
            TRUST      | {"Version":"1","Statement":[{"Effect":"Allow","Action":["sts:AssumeRole",5],"Principal":{"RAM":"12345678"}}]} | Statement[0].Action[1]: must be a string, got a number
            TRUST      | {"Version":"1","Statement":[{"Effect":"Allow","Action":"ecs:*","Principal":{"RAM":"12345678"}}]}              | Statement[0].Action: unknown action "ecs:*" (expected sts:AssumeRole, sts:TagSession, sts:* or *)
            TRUST      | {"Version":"1","Statement":[{"Effect":"Allow","Action":["sts:AssumeRole","sts:GetCallerIdentity"],"Principal":{"RAM":"12345678"}}]} | Statement[0].Action[1]: unknown action "sts:GetCallerIdentity" (expected sts:AssumeRole, sts:TagSession, sts:* or *)
            TRUST      | {"Version":"1","Statement":[{"Effect":"Allow","Action":"sts:Tag","Principal":{"RAM":"12345678"}}]}            | Statement[0].Action: unknown action "sts:Tag" (expected sts:AssumeRole, sts:TagSession, sts:* or *)
            PERMISSION | {"Version":"1","Statement":[{"Effect":"Allow","Action":["sts:AssumeRole","sts:TagSession"],"Resource":"*"}]}   | Statement[0].Action[1]: action "sts:TagSession" names only sts:TagSession, which trust policies alone decide (a permission policy decides sts:AssumeRole)
            SESSION    | {"Version":"1","Statement":[{"Effect":"Allow","Action":"sts:tag*","Resource":"*"}]}                             | Statement[0].Action: action "sts:tag*" names only sts:TagSession, which trust policies alone decide (a session policy decides sts:AssumeRole)
            PERMISSION | {"Version":"1","Statement":[{"Effect":"Allow","Action":"sts:GetCallerIdentity","Resource":"*"}]}                | Statement[0].Action: unknown action "sts:GetCallerIdentity" (expected sts:AssumeRole, sts:* or *)
            TRUST      | {"Version":"1","Statement":[{"Effect":"Allow","Action":"sts:AssumeRole"}]}                                      | Statement[0]: missing "Principal"
            TRUST      | {"Version":"1","Statement":[{"Effect":"Allow","Action":"sts:AssumeRole","Principal":"*"}]}                      | Statement[0].Principal: wildcard principal "*" is not allowed; list account IDs or ARNs in "RAM"
            TRUST      | {"Version":"1","Statement":[{"Effect":"Allow","Action":"sts:AssumeRole","Principal":"12345678"}]}               | Statement[0].Principal: must be an object like {"RAM": [...]}, got a string
            TRUST      | {"Version":"1","Statement":[{"Effect":"Allow","Action":"sts:AssumeRole","Principal":{}}]}                       | Statement[0].Principal: missing "RAM" or "Federated"
            TRUST      | {"Version":"1","Statement":[{"Effect":"Allow","Action":"sts:AssumeRole","Principal":{"Service":"ecs.aliyuncs.com"}}]} | Statement[0].Principal: unsupported principal type "Service" (only "RAM" and "Federated")
            TRUST      | {"Version":"1","Statement":[{"Effect":"Allow","Action":"sts:AssumeRole","Principal":{"RAM":"*"}}]}              | Statement[0].Principal.RAM: wildcard principal "*" is not allowed; list account IDs or ARNs
            TRUST      | {"Version":"1","Statement":[{"Effect":"Allow","Action":"sts:AssumeRole","Principal":{"RAM":["12345678","*"]}}]} | Statement[0].Principal.RAM[1]: wildcard principal "*" is not allowed; list account IDs or ARNs
            TRUST      | {"Version":"1","Statement":[{"Effect":"Allow","Action":"sts:AssumeRole","Principal":{"RAM":["acs:ram::12345678:root","bob"]}}]} | Statement[0].Principal.RAM[1]: not an account ID or ARN
            TRUST      | {"Version":"1","Statement":[{"Effect":"Allow","Action":"sts:AssumeRole","Principal":{"RAM":["acs:ram::*:root"]}}]} | Statement[0].Principal.RAM[0]: wildcards are not allowed in principals: "acs:ram::*:root"
            TRUST      | {"Version":"1","Statement":[{"Effect":"Allow","Action":"sts:AssumeRole","Principal":{"RAM":"1234"}}]}            | Statement[0].Principal.RAM: account ID must be 8-16 digits: "1234"
            TRUST      | {"Version":"1","Statement":[{"Effect":"Allow","Action":"sts:AssumeRole","Principal":{"RAM":"acs:ram::12345678:role/ops/bob"}}]} | Statement[0].Principal.RAM: role session ARNs cannot be principals; name the role ARN
            TRUST      | {"Version":"1","Statement":[{"Effect":"Allow","Action":"sts:AssumeRole","Principal":{"RAM":"acs:ram:cn:12345678:root"}}]} | Statement[0].Principal.RAM: region must be empty in ARN "acs:ram:cn:12345678:root"
            TRUST      | {"Version":"1","Statement":[{"Effect":"Allow","Action":"sts:AssumeRole","Principal":{"RAM":[]}}]}               | Statement[0].Principal.RAM: must not be empty
            TRUST      | {"Version":"1","Statement":[{"Effect":"Allow","Action":"sts:AssumeRole","Principal":{"RAM":[null]}}]}           | Statement[0].Principal.RAM[0]: must be a string, got null
            TRUST      | {"Version":"1","Statement":[{"Sid":"","Effect":"Allow","Action":"sts:AssumeRole","Principal":{"RAM":"12345678"}}]} | Statement[0].Sid: must be 1-128 characters
            TRUST      | {"Version":"1","Statement":[{"Sid":7,"Effect":"Allow","Action":"sts:AssumeRole","Principal":{"RAM":"12345678"}}]}  | Statement[0].Sid: must be a string, got a number
            TRUST      | {"Version":"1","Statement":[{"Sid":"A","Effect":"Allow","Action":"sts:AssumeRole","Principal":{"RAM":"12345678"}},{"Sid":"A","Effect":"Deny","Action":"sts:AssumeRole","Principal":{"RAM":"12345678"}}]} | Statement[1].Sid: duplicate Sid "A"
            TRUST      | {"Version":"1","Statement":[{"Effect":"Allow","Action":"sts:AssumeRole","Principal":{"RAM":"12345678"},"Condition":[]}]} | Statement[0].Condition: must be an object of operator: {key: values}, got a list
            TRUST      | {"Version":"1","Statement":[{"Effect":"Allow","Action":"sts:AssumeRole","Principal":{"RAM":"12345678"},"Condition":{"StringEqualz":{"sts:ExternalId":"x"}}}]} | Statement[0].Condition: unknown operator "StringEqualz"
            TRUST      | {"Version":"1","Statement":[{"Effect":"Allow","Action":"sts:AssumeRole","Principal":{"RAM":"12345678"},"Condition":{"stringequals":{"sts:ExternalId":"x"}}}]} | Statement[0].Condition: unknown operator "stringequals"
            TRUST      | {"Version":"1","Statement":[{"Effect":"Allow","Action":"sts:AssumeRole","Principal":{"RAM":"12345678"},"Condition":{"StringEquals":{"acs:Nope":"x"}}}]} | Statement[0].Condition.StringEquals: unknown key "acs:Nope"
            TRUST      | {"Version":"1","Statement":[{"Effect":"Allow","Action":"sts:AssumeRole","Principal":{"RAM":"12345678"},"Condition":{"StringEquals":{}}}]} | Statement[0].Condition.StringEquals: must not be empty
            TRUST      | {"Version":"1","Statement":[{"Effect":"Allow","Action":"sts:AssumeRole","Principal":{"RAM":"12345678"},"Condition":{"StringEquals":"x"}}]} | Statement[0].Condition.StringEquals: must be an object of key: value(s), got a string
            TRUST      | {"Version":"1","Statement":[{"Effect":"Allow","Action":"sts:AssumeRole","Principal":{"RAM":"12345678"},"Condition":{"StringEquals":{"sts:ExternalId":"x","STS:EXTERNALID":"y"}}}]} | Statement[0].Condition.StringEquals: duplicate key "STS:EXTERNALID"
            TRUST      | {"Version":"1","Statement":[{"Effect":"Allow","Action":"sts:AssumeRole","Principal":{"RAM":"12345678"},"Condition":{"IpAddress":{"sts:ExternalId":"10.0.0.0/8"}}}]} | Statement[0].Condition.IpAddress: operator IpAddress cannot be used with key "sts:ExternalId" (a string key)
            TRUST      | {"Version":"1","Statement":[{"Effect":"Allow","Action":"sts:AssumeRole","Principal":{"RAM":"12345678"},"Condition":{"StringEquals":{"acs:RequestTag/":"x"}}}]} | Statement[0].Condition.StringEquals: key "acs:RequestTag/" needs a tag key (acs:RequestTag/<tag key>)
            TRUST      | {"Version":"1","Statement":[{"Effect":"Allow","Action":"sts:AssumeRole","Principal":{"RAM":"12345678"},"Condition":{"StringEquals":{"acs:RequestTag":"x"}}}]} | Statement[0].Condition.StringEquals: key "acs:RequestTag" needs a tag key (acs:RequestTag/<tag key>)
            TRUST      | {"Version":"1","Statement":[{"Effect":"Allow","Action":"sts:AssumeRole","Principal":{"RAM":"12345678"},"Condition":{"StringEquals":{"acs:principaltag/":"x"}}}]} | Statement[0].Condition.StringEquals: key "acs:principaltag/" needs a tag key (acs:PrincipalTag/<tag key>)
            TRUST      | {"Version":"1","Statement":[{"Effect":"Allow","Action":"sts:AssumeRole","Principal":{"RAM":"12345678"},"Condition":{"StringEquals":{"acs:PrincipalTag/a#b":"x"}}}]} | Statement[0].Condition.StringEquals: key "acs:PrincipalTag/a#b" tag key contains the character "#" (allowed: letters, digits, spaces and _ . : / = + - @)
            TRUST      | {"Version":"1","Statement":[{"Effect":"Allow","Action":"sts:AssumeRole","Principal":{"RAM":"12345678"},"Condition":{"StringEquals":{"acs:RequestTag/acs:Project":"x"}}}]} | Statement[0].Condition.StringEquals: key "acs:RequestTag/acs:Project" tag key is reserved (keys starting with acs: or aws: are the system's)
            TRUST      | {"Version":"1","Statement":[{"Effect":"Allow","Action":"sts:AssumeRole","Principal":{"RAM":"12345678"},"Condition":{"StringEquals":{"acs:RequestTag/kkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkk":"x"}}}]} | Statement[0].Condition.StringEquals: key "acs:RequestTag/kkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkk..." tag key is longer than 128 characters (129)
            TRUST      | {"Version":"1","Statement":[{"Effect":"Allow","Action":"sts:AssumeRole","Principal":{"RAM":"12345678"},"Condition":{"StringEquals":{"acs:RequestTag/Project":"x","ACS:REQUESTTAG/project":"y"}}}]} | Statement[0].Condition.StringEquals: duplicate key "ACS:REQUESTTAG/project"
            TRUST      | {"Version":"1","Statement":[{"Effect":"Allow","Action":"sts:AssumeRole","Principal":{"RAM":"12345678"},"Condition":{"StringEquals":{"acs:TagKeys/Project":"x"}}}]} | Statement[0].Condition.StringEquals: unknown key "acs:TagKeys/Project"
            TRUST      | {"Version":"1","Statement":[{"Effect":"Allow","Action":"sts:AssumeRole","Principal":{"RAM":"12345678"},"Condition":{"StringEquals":{"sts:ExternalId/x":"x"}}}]} | Statement[0].Condition.StringEquals: unknown key "sts:ExternalId/x"
            TRUST      | {"Version":"1","Statement":[{"Effect":"Allow","Action":"sts:AssumeRole","Principal":{"RAM":"12345678"},"Condition":{"StringEquals":{"acs:RequestTags/Project":"x"}}}]} | Statement[0].Condition.StringEquals: unknown key "acs:RequestTags/Project"
            TRUST      | {"Version":"1","Statement":[{"Effect":"Allow","Action":"sts:AssumeRole","Principal":{"RAM":"12345678"},"Condition":{"NumericEquals":{"acs:RequestTag/Project":"1"}}}]} | Statement[0].Condition.NumericEquals: operator NumericEquals cannot be used with key "acs:RequestTag/Project" (a string key)
            TRUST      | {"Version":"1","Statement":[{"Effect":"Allow","Action":"sts:AssumeRole","Principal":{"RAM":"12345678"},"Condition":{"Bool":{"acs:SourceIp":"true"}}}]} | Statement[0].Condition.Bool: operator Bool cannot be used with key "acs:SourceIp" (an IP address key)
            PERMISSION | {"Version":"1","Statement":[{"Effect":"Allow","Action":"sts:AssumeRole"}]}                                     | Statement[0]: missing "Resource"
            PERMISSION | {"Version":"1","Statement":[{"Effect":"Allow","Action":"sts:AssumeRole","Resource":"ecs-admin"}]}               | Statement[0].Resource: not an ARN pattern: "ecs-admin" (expected acs:ram:... or *)
            PERMISSION | {"Version":"1","Statement":[{"Effect":"Allow","Action":"sts:AssumeRole","Resource":["*","acs:ram::1:role/*"]}]} | Statement[0].Resource[1]: account ID must be 8-16 digits: "1"
            PERMISSION | {"Version":"1","Statement":[{"Effect":"Allow","Action":"sts:AssumeRole","Resource":"acs:ram::11223344:user/bob"}]} | Statement[0].Resource: not a role ARN: "acs:ram::11223344:user/bob"
            PERMISSION | {"Version":"1","Statement":[{"Effect":"Allow","Action":"sts:AssumeRole","Resource":[]}]}                        | Statement[0].Resource: must not be empty
            SESSION    | {"Version":"1","Statement":[{"Effect":"Allow","Action":"sts:AssumeRole","Resource":["AliyunECS*",""]}]}         | Statement[0].Resource[1]: must not be empty
            SESSION    | {"Version":"1","Statement":[{"Effect":"Allow","Action":"ram:AttachPolicy","Resource":"*"}]}                      | Statement[0].Action: unknown action "ram:AttachPolicy" (expected sts:AssumeRole, sts:* or *)
            SESSION    | {"Version":"1","Statement":{"Effect":"Allow","Action":"sts:AssumeRole","Resource":"*","Sid":5}}                  | Statement.Sid: must be a string, got a number
            """)
    void rejects(PolicyKind kind, String json, String message) throws Exception {
        assertThatThrownBy(() -> PolicyReader.defaults().read(kind, json))
                .isInstanceOf(PolicyValidationException.class)
                .hasMessage(message)
                .satisfies(e -> {
                    PolicyValidationException p = (PolicyValidationException) e;
                    assertThat(p.path() + ": " + p.detail()).isEqualTo(message);
                });
        // same verdict when the document arrives as a Jackson tree (admin REST body)
        var tree = MAPPER.readTree(json);
        assertThatThrownBy(() -> PolicyReader.defaults().read(kind, tree)).hasMessage(message);
    }

    @ParameterizedTest(name = "[{index}] {1}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', textBlock = """
            ``                                                          | $: document is empty
            `   `                                                       | $: document is empty
            {                                                           | $: malformed JSON at line 1, column 2: Unexpected end-of-input: expected close marker for Object (start marker at [Source: REDACTED (`StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION` disabled); line: 1, column: 1])
            {"Version":"1","Statement":[]} x                            | $: malformed JSON at line 1, column 32: Unrecognized token 'x': was expecting (JSON String, Number, Array, Object or token 'null', 'true' or 'false')
            {"Version":"1","Statement":[]}{}                            | $: malformed JSON at line 1, column 31: Trailing token (of type START_OBJECT) found after value (bound as `com.fasterxml.jackson.databind.JsonNode`): not allowed as per `DeserializationFeature.FAIL_ON_TRAILING_TOKENS`
            {"Version":"1","Version":"1","Statement":[]}                | Version: duplicate field "Version"
            {"Version":"1","Statement":[{"Effect":"Allow","Effect":"Deny"}]} | Statement[0].Effect: duplicate field "Effect"
            {'Version':'1'}                                             | $: malformed JSON at line 1, column 2: Unexpected character (''' (code 39)): was expecting double-quote to start field name
            {"Version":"1","Statement":[]/*c*/}                         | $: malformed JSON at line 1, column 30: Unexpected character ('/' (code 47)): maybe a (non-standard) comment? (not recognized as one since Feature 'ALLOW_COMMENTS' not enabled for parser)
            {"Version":"1","Statement":[],}                             | $: malformed JSON at line 1, column 31: Unexpected character ('}' (code 125)): was expecting double-quote to start field name
            """)
    void rejectsMalformedJson(String json, String message) {
        assertThatThrownBy(() -> PolicyReader.defaults().readTrustPolicy(json))
                .isInstanceOf(PolicyValidationException.class)
                .hasMessage(message);
    }

    @Test
    void rejectsNullInputs() {
        assertThatThrownBy(() -> PolicyReader.defaults().readTrustPolicy((String) null))
                .isInstanceOf(PolicyValidationException.class).hasMessage("$: document is null");
        assertThatThrownBy(() -> PolicyReader.defaults().readTrustPolicy((JsonNode) null))
                .isInstanceOf(PolicyValidationException.class).hasMessage("$: document is null");
        assertThatThrownBy(() -> PolicyReader.defaults().readTrustPolicy(MAPPER.nullNode()))
                .isInstanceOf(PolicyValidationException.class).hasMessage("$: document is null");
    }

    @ParameterizedTest(name = "[{index}] {1}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', textBlock = """
            {"Principal":"*"}                                                                    | WILDCARD_PRINCIPAL
            {"Principal":{"RAM":["12345678","*"]}}                                               | WILDCARD_PRINCIPAL
            {"Principal":{"RAM":"acs:ram::*:root"}}                                              | WILDCARD_PRINCIPAL
            {"Principal":{"Federated":"acs:ram::11223344:oidc-provider/*"},"Condition":{"StringEquals":{"oidc:sub":"x"}}} | WILDCARD_PRINCIPAL
            {"Principal":{"Federated":"acs:ram::11223344:oidc-provider/gh"}}                    | BROAD_OIDC_SUBJECT
            {"Principal":{"Federated":"acs:ram::11223344:oidc-provider/gh"},"Condition":{"StringLike":{"oidc:sub":"repo:*"}}} | BROAD_OIDC_SUBJECT
            {"Principal":{"Federated":"acs:ram::11223344:oidc-provider/gh"},"Condition":{"StringNotEquals":{"oidc:sub":"x"}}} | BROAD_OIDC_SUBJECT
            {"Principal":{"RAM":"bob"}}                                                          | OTHER
            {"Principal":{"RAM":"12345678"},"Condition":{"StringEquals":{"sts:Nope":"x"}}}       | OTHER
            """)
    void classifiesTheRefusalsAnAnalysisTellsApart(String statementRest, PolicyValidationException.Reason reason) {
        String json = "{\"Version\":\"1\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"sts:AssumeRole\","
                + statementRest.substring(1) + "]}";
        assertThatThrownBy(() -> PolicyReader.defaults().readTrustPolicy(json))
                .isInstanceOfSatisfying(PolicyValidationException.class, e -> assertThat(e.reason()).isEqualTo(reason));
    }

    @Test
    void readTreeThenReadIsReadingTheText() {
        String json = "{\"Version\":\"1\",\"Statement\":{\"Effect\":\"Allow\",\"Action\":\"sts:AssumeRole\","
                + "\"Principal\":{\"RAM\":\"12345678\"}}}";
        PolicyReader reader = PolicyReader.defaults();
        assertThat(reader.readTrustPolicy(reader.readTree(json))).isEqualTo(reader.readTrustPolicy(json));
        assertThatThrownBy(() -> reader.readTree("{\"a\":1,\"a\":2}")).isInstanceOf(PolicyValidationException.class)
                .hasMessage("a: duplicate field \"a\"");
    }
}
