package io.github.keycloaksts.policy.document;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.keycloaksts.policy.arn.Arn;
import org.junit.jupiter.api.Test;

class PolicyWriterTest {

    private static final PolicyReader READER = PolicyReader.defaults();

    private static final String MESSY = """
            {"Statement": {"Condition": {"IpAddress": {"acs:SourceIp": "10.0.0.0/8"},
                                         "Bool": {"acs:mfapresent": true},
                                         "StringEquals": {"sts:RoleSessionName": "bob", "sts:ExternalId": ["a1", "b2"]},
                                         "NumericLessThan": {"sts:DurationSeconds": 3600.50}},
                           "Principal": {"RAM": ["12345678", "acs:ram::87654321:user/Alice", "acs:ram::12345678:root",
                                                 "acs:ram::12345678:role/ops"]},
                           "Action": ["sts:AssumeRole", "sts:AssumeRole", "sts:*"],
                           "Effect": "Allow", "Sid": "Trust"},
             "Version": "1"}""";

    private static final String CANONICAL = "{\"Version\":\"1\",\"Statement\":[{\"Sid\":\"Trust\",\"Effect\":\"Allow\","
            + "\"Action\":[\"sts:AssumeRole\",\"sts:*\"],"
            + "\"Principal\":{\"RAM\":[\"acs:ram::12345678:root\",\"acs:ram::87654321:user/alice\",\"acs:ram::12345678:role/ops\"]},"
            + "\"Condition\":{\"StringEquals\":{\"sts:ExternalId\":[\"a1\",\"b2\"],\"sts:RoleSessionName\":[\"bob\"]},"
            + "\"NumericLessThan\":{\"sts:DurationSeconds\":[\"3600.5\"]},"
            + "\"Bool\":{\"acs:MFAPresent\":[\"true\"]},"
            + "\"IpAddress\":{\"acs:SourceIp\":[\"10.0.0.0/8\"]}}}]}";

    @Test
    void writesCanonicalJson() {
        PolicyDocument doc = READER.readTrustPolicy(MESSY);
        assertThat(PolicyWriter.toJson(doc)).isEqualTo(CANONICAL);
        assertThat(doc.toString()).isEqualTo(CANONICAL);
    }

    @Test
    void roundTripsAndIsIdempotent() throws Exception {
        PolicyDocument doc = READER.readTrustPolicy(MESSY);
        PolicyDocument again = READER.readTrustPolicy(PolicyWriter.toJson(doc));
        assertThat(again).isEqualTo(doc).hasSameHashCodeAs(doc);
        assertThat(PolicyWriter.toJson(again)).isEqualTo(PolicyWriter.toJson(doc));
        assertThat(READER.readTrustPolicy(PolicyWriter.toJsonNode(doc))).isEqualTo(doc);
        assertThat(PolicyWriter.toJsonNode(doc)).isEqualTo(new ObjectMapper().readTree(CANONICAL));
    }

    @Test
    void modelExposesTheParsedStatement() {
        Statement s = READER.readTrustPolicy(MESSY).statements().get(0);
        assertThat(s.sid()).contains("Trust");
        assertThat(s.effect()).isEqualTo(Effect.ALLOW);
        assertThat(s.actions()).containsExactly("sts:AssumeRole", "sts:*");
        assertThat(s.principals().arns()).containsExactly(Arn.parse("acs:ram::12345678:root"),
                Arn.parse("acs:ram::87654321:user/alice"), Arn.parse("acs:ram::12345678:role/ops"));
        assertThat(s.resources()).isEmpty();
        assertThat(s.conditions()).hasSize(5);
        assertThat(s.toString()).isEqualTo("Statement{Sid=Trust, Allow, actions=[sts:AssumeRole, sts:*], principals=3, "
                + "conditions=[StringEquals sts:ExternalId, StringEquals sts:RoleSessionName, "
                + "NumericLessThan sts:DurationSeconds, Bool acs:MFAPresent, IpAddress acs:SourceIp]}");
    }

    @Test
    void tagKeysKeepTheirSpellingAndSortIgnoringCase() throws Exception {
        PolicyDocument doc = READER.readTrustPolicy("""
                {"Version":"1","Statement":{"Effect":"Allow","Action":["sts:AssumeRole","STS:tagsession"],
                 "Principal":{"RAM":"12345678"},"Condition":{"StringEquals":{"acs:requesttag/stage":"prod",
                 "ACS:PRINCIPALTAG/Dept":"ops","acs:RequestTag/Project":["apollo"],"sts:sourceidentity":"x",
                 "acs:tagkeys":"Project"}}}}""");
        String canonical = "{\"Version\":\"1\",\"Statement\":[{\"Effect\":\"Allow\","
                + "\"Action\":[\"sts:AssumeRole\",\"STS:tagsession\"],\"Principal\":{\"RAM\":[\"acs:ram::12345678:root\"]},"
                + "\"Condition\":{\"StringEquals\":{\"sts:SourceIdentity\":[\"x\"],\"acs:RequestTag/Project\":[\"apollo\"],"
                + "\"acs:RequestTag/stage\":[\"prod\"],\"acs:PrincipalTag/Dept\":[\"ops\"],\"acs:TagKeys\":[\"Project\"]}}}]}";
        assertThat(PolicyWriter.toJson(doc)).isEqualTo(canonical);
        PolicyDocument again = READER.readTrustPolicy(canonical);
        assertThat(again).isEqualTo(doc).hasSameHashCodeAs(doc);
        assertThat(PolicyWriter.toJson(again)).isEqualTo(canonical);
        assertThat(READER.readTrustPolicy(PolicyWriter.toJsonNode(doc))).isEqualTo(doc);
        assertThat(doc.statements().get(0).conditions()).extracting(Object::toString).containsExactly(
                "StringEquals sts:SourceIdentity", "StringEquals acs:RequestTag/Project", "StringEquals acs:RequestTag/stage",
                "StringEquals acs:PrincipalTag/Dept", "StringEquals acs:TagKeys");
        // the tag key is compared ignoring case, but kept as written: another spelling is another document
        assertThat(READER.readTrustPolicy(canonical.replace("acs:RequestTag/Project", "acs:RequestTag/PROJECT")))
                .isNotEqualTo(doc);
    }

    @Test
    void documentsOfDifferentKindsDiffer() {
        String json = "{\"Version\":\"1\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"*\",\"Resource\":\"*\"}]}";
        assertThat(READER.readPermissionPolicy(json)).isNotEqualTo(READER.readSessionPolicy(json));
        assertThat(READER.readPermissionPolicy(json).toString()).isEqualTo(READER.readSessionPolicy(json).toString());
        assertThat(READER.readPermissionPolicy(json).version()).isEqualTo("1");
    }
}
