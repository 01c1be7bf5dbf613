package io.github.keycloaksts.policy.document;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;

import io.github.keycloaksts.policy.PolicyValidationException;
import io.github.keycloaksts.policy.arn.Arn;
import io.github.keycloaksts.policy.arn.OidcProviderArn;
import io.github.keycloaksts.policy.arn.RoleArn;
import io.github.keycloaksts.policy.arn.UserArn;
import io.github.keycloaksts.policy.condition.RequestContext;
import io.github.keycloaksts.policy.eval.AssumeRoleEvaluator;
import io.github.keycloaksts.policy.eval.AssumeRoleRequest;
import io.github.keycloaksts.policy.eval.Decision;
import io.github.keycloaksts.policy.eval.Outcome;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Federated principals (OIDC providers) and the oidc:* condition keys: reading, writing, matching, deciding. */
class FederatedPrincipalTest {

    static final String GITHUB = "acs:ram::11223344:oidc-provider/github";
    static final RoleArn ROLE = RoleArn.parse("acs:ram::11223344:role/deployer");
    static final String MAIN = "repo:org/app:ref:refs/heads/main";
    static final PolicyReader READER = PolicyReader.defaults();
    static final AssumeRoleEvaluator EVALUATOR = new AssumeRoleEvaluator();

    static String trust(String principal, String condition) {
        return "{\"Version\":\"1\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"sts:AssumeRole\",\"Principal\":"
                + principal + (condition == null ? "" : ",\"Condition\":" + condition) + "}]}";
    }

    static RequestContext federated(String iss, List<String> aud, String sub) {
        return RequestContext.builder().oidcIssuer(iss).oidcAudiences(aud).oidcSubject(sub).build();
    }

    @Test
    void providerArnParsesAndPrintsCanonically() {
        Arn arn = Arn.parse(GITHUB);
        assertThat(arn).isEqualTo(OidcProviderArn.of("11223344", "github"));
        assertThat(arn.toString()).isEqualTo(GITHUB);
        assertThat(((OidcProviderArn) arn).subjectIdentity(MAIN)).isEqualTo(GITHUB + "/" + MAIN);
        assertThatThrownBy(() -> OidcProviderArn.parse("acs:ram::11223344:oidc-provider/git hub"))
                .hasMessageContaining("invalid OIDC provider name");
        assertThatThrownBy(() -> OidcProviderArn.parse("acs:ram::11223344:oidc-provider/"))
                .hasMessageContaining("invalid OIDC provider name");
    }

    @Test
    void federatedStatementRoundTripsThroughTheWriter() {
        PolicyDocument doc = READER.readTrustPolicy(trust("{\"Federated\":\"" + GITHUB + "\",\"RAM\":\"12345678\"}",
                "{\"StringEquals\":{\"oidc:sub\":\"" + MAIN + "\",\"oidc:aud\":\"sts.example\"}}"));
        String json = PolicyWriter.toJson(doc);
        assertThat(json).contains("\"Federated\":[\"" + GITHUB + "\"]").contains("\"RAM\":[\"acs:ram::12345678:root\"]");
        assertThat(READER.readTrustPolicy(json)).isEqualTo(doc);
        assertThat(doc.allowedPrincipals()).containsExactly(Arn.parse("acs:ram::12345678:root"), Arn.parse(GITHUB));
    }

    @ParameterizedTest(name = "[{index}] {2}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', textBlock = """
            {"Federated":"acs:ram::11223344:oidc-provider/github"} | | Statement[0]: a statement with a "Federated" principal needs a condition on "oidc:sub" (e.g. {"StringEquals":{"oidc:sub":"repo:org/app:ref:refs/heads/main"}})
            {"Federated":"acs:ram::11223344:oidc-provider/github"} | {"StringEquals":{"oidc:aud":"sts"}} | Statement[0].Condition: a statement with a "Federated" principal needs a condition on "oidc:sub" (e.g. {"StringEquals":{"oidc:sub":"repo:org/app:ref:refs/heads/main"}})
            {"Federated":"acs:ram::11223344:oidc-provider/github"} | {"StringNotEquals":{"oidc:sub":"repo:evil/x:ref:refs/heads/main"}} | Statement[0].Condition.StringNotEquals.oidc:sub: a Federated Allow needs a positive condition on "oidc:sub" (a negated one trusts every other subject of the provider)
            {"Federated":"acs:ram::11223344:oidc-provider/github"} | {"StringLike":{"oidc:sub":"*"}} | Statement[0].Condition.StringLike.oidc:sub: value "*" matches every subject of the provider: the text before the first wildcard must name an owner (e.g. "repo:org/*")
            {"Federated":"12345678"} | {"StringEquals":{"oidc:sub":"x"}} | Statement[0].Principal.Federated: not an OIDC provider ARN (acs:ram::<accountId>:oidc-provider/<name>)
            {"Federated":"acs:ram::11223344:root"} | {"StringEquals":{"oidc:sub":"x"}} | Statement[0].Principal.Federated: not an OIDC provider ARN (acs:ram::<accountId>:oidc-provider/<name>)
            {"Federated":["acs:ram::11223344:oidc-provider/*"]} | {"StringEquals":{"oidc:sub":"x"}} | Statement[0].Principal.Federated[0]: wildcards are not allowed in principals: "acs:ram::11223344:oidc-provider/*"
            {"RAM":"acs:ram::11223344:oidc-provider/github"} | | Statement[0].Principal.RAM: an OIDC provider is a "Federated" principal, not "RAM"
            """)
    void invalidFederatedStatementsAreRefusedWithTheirPath(String principal, String condition, String message) {
        assertThatThrownBy(() -> READER.readTrustPolicy(trust(principal, condition)))
                .isInstanceOf(PolicyValidationException.class)
                .hasMessage(message);
    }

    @Test
    void aDenyNamingTheProviderWithASubjectConditionIsAccepted() {
        READER.readTrustPolicy("{\"Version\":\"1\",\"Statement\":[{\"Effect\":\"Deny\",\"Action\":\"sts:AssumeRole\","
                + "\"Principal\":{\"Federated\":\"" + GITHUB + "\"},\"Condition\":{\"StringNotLike\":{\"oidc:sub\":\"repo:org/*\"}}}]}");
    }

    @Test
    void federatedSubjectsMatchOnlyFederatedPrincipalsAndTheirConditions() {
        PolicyDocument doc = READER.readTrustPolicy(trust("{\"Federated\":\"" + GITHUB + "\"}",
                "{\"StringEquals\":{\"oidc:sub\":\"" + MAIN + "\",\"oidc:aud\":\"sts.example\"},"
                        + "\"StringLike\":{\"oidc:iss\":\"https://token.actions.*\"}}"));
        OidcProviderArn github = OidcProviderArn.parse(GITHUB);
        String iss = "https://token.actions.githubusercontent.com";

        Decision ok = EVALUATOR.evaluateFederated(AssumeRoleRequest.of(github, ROLE,
                federated(iss, List.of("other", "sts.example"), MAIN)), doc);
        assertThat(ok.outcome()).isEqualTo(Outcome.ALLOW);

        assertThat(EVALUATOR.evaluateFederated(AssumeRoleRequest.of(github, ROLE,
                federated(iss, List.of("sts.example"), "repo:org/app:ref:refs/heads/dev")), doc).outcome())
                .isEqualTo(Outcome.IMPLICIT_DENY);
        assertThat(EVALUATOR.evaluateFederated(AssumeRoleRequest.of(github, ROLE,
                federated(iss, List.of("other"), MAIN)), doc).outcome()).isEqualTo(Outcome.IMPLICIT_DENY);
        assertThat(EVALUATOR.evaluateFederated(AssumeRoleRequest.of(github, ROLE,
                federated(iss, null, MAIN)), doc).reason()).contains("oidc:aud absent");
        // another provider of the same account is not trusted by this statement
        assertThat(EVALUATOR.evaluateFederated(AssumeRoleRequest.of(OidcProviderArn.of("11223344", "gitlab"), ROLE,
                federated(iss, List.of("sts.example"), MAIN)), doc).outcome()).isEqualTo(Outcome.IMPLICIT_DENY);
    }

    /** The target-side simulator (explainTrust) decides a federated request as the exchange (evaluateFederated) does. */
    @Test
    void theSimulatorDecidesFederatedRequestsAsTheExchange() {
        PolicyDocument doc = READER.readTrustPolicy("{\"Version\":\"1\",\"Statement\":["
                + "{\"Effect\":\"Allow\",\"Action\":\"sts:AssumeRole\",\"Principal\":{\"Federated\":\"" + GITHUB + "\"},"
                + "\"Condition\":{\"StringLike\":{\"oidc:sub\":\"repo:org/*\"}}},"
                + "{\"Effect\":\"Deny\",\"Action\":\"sts:AssumeRole\",\"Principal\":{\"Federated\":\"" + GITHUB + "\"},"
                + "\"Condition\":{\"StringEquals\":{\"oidc:sub\":\"repo:org/forbidden:ref:refs/heads/main\"}}}]}");
        String iss = "https://token.actions.githubusercontent.com";
        for (String provider : List.of("github", "gitlab")) {
            for (String sub : List.of(MAIN, "repo:org/forbidden:ref:refs/heads/main", "repo:evil/app:ref:refs/heads/main")) {
                AssumeRoleRequest request = AssumeRoleRequest.of(OidcProviderArn.of("11223344", provider), ROLE,
                        federated(iss, List.of("sts.example"), sub));
                assertThat(EVALUATOR.explainTrust(request, doc).decision().outcome()).as(provider + " " + sub)
                        .isEqualTo(EVALUATOR.evaluateFederated(request, doc).outcome());
            }
        }
        AssumeRoleRequest gitlab = AssumeRoleRequest.of(OidcProviderArn.of("11223344", "gitlab"), ROLE, federated(iss, List.of("a"), MAIN));
        assertThat(EVALUATOR.explainTrust(gitlab, doc).statements().get(0).failure().orElseThrow().path()).isEqualTo("Statement[0].Principal.Federated");
    }

    @Test
    void accountPrincipalsNeverMatchFederatedSubjectsNorTheReverse() {
        PolicyDocument ownAccount = READER.readTrustPolicy(trust("{\"RAM\":\"11223344\"}", null));
        assertThat(EVALUATOR.evaluateFederated(AssumeRoleRequest.of(OidcProviderArn.parse(GITHUB), ROLE,
                federated("x", List.of("a"), MAIN)), ownAccount).outcome()).isEqualTo(Outcome.IMPLICIT_DENY);

        PolicyDocument federatedOnly = READER.readTrustPolicy(trust("{\"Federated\":\"" + GITHUB + "\"}",
                "{\"StringLike\":{\"oidc:sub\":\"repo:org/*\"}}"));
        assertThat(federatedOnly.statements().get(0).matchesPrincipal(PrincipalKey.of(UserArn.of("11223344", "bob")))).isFalse();
        // the federated evaluation refuses a non-federated request instead of skipping the source side
        assertThat(EVALUATOR.evaluateFederated(AssumeRoleRequest.of(UserArn.of("11223344", "bob"), ROLE,
                RequestContext.empty()), federatedOnly).reason()).startsWith("evaluation error:");
    }

    @Test
    void negatedOperatorsOnAMultiValuedKeyHoldOnlyWhenNoValueMatches() {
        PolicyDocument doc = READER.readTrustPolicy("{\"Version\":\"1\",\"Statement\":[{\"Effect\":\"Allow\","
                + "\"Action\":\"sts:AssumeRole\",\"Principal\":{\"Federated\":\"" + GITHUB + "\"},"
                + "\"Condition\":{\"StringEquals\":{\"oidc:sub\":\"" + MAIN + "\"},\"StringNotEquals\":{\"oidc:aud\":\"blocked\"}}}]}");
        OidcProviderArn github = OidcProviderArn.parse(GITHUB);
        assertThat(EVALUATOR.evaluateFederated(AssumeRoleRequest.of(github, ROLE, federated("i", List.of("a", "b"), MAIN)), doc)
                .isAllowed()).isTrue();
        assertThat(EVALUATOR.evaluateFederated(AssumeRoleRequest.of(github, ROLE, federated("i", List.of("a", "blocked"), MAIN)), doc)
                .isAllowed()).isFalse();
    }

    /** A pattern must pin an owner, whatever the issuer; every value of every positive operator counts. */
    @ParameterizedTest(name = "[{index}] {0}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', textBlock = """
            `"*:*"` | value "*:*" matches every subject of the provider
            `"?*"` | value "?*" matches every subject of the provider
            `":/*"` | value ":/*" matches every subject of the provider
            `"repo:*"` | value "repo:*" matches every subject of the kind "repo:"
            `"REPO:*"` | value "REPO:*" matches every subject of the kind "repo:"
            `"repo:/*"` | value "repo:/*" matches every subject of the kind "repo:"
            `"repository_owner:*"` | value "repository_owner:*" matches every subject of the kind "repository_owner:"
            `"project_path:*"` | value "project_path:*" matches every subject of the kind "project_path:"
            `"system:serviceaccount:*"` | value "system:serviceaccount:*" matches every subject of the kind "system:serviceaccount:"
            `"system:*"` | value "system:*" matches every subject of the kind "system:"
            `"https://*"` | value "https://*" matches every subject of the kind "https://"
            `"repo:octo-org*"` | value "repo:octo-org*" does not close the owner with a separator
            `"system:serviceaccount:prod?"` | value "system:serviceaccount:prod?" does not close the owner with a separator
            `["repo:org/app:ref:refs/heads/main","repo:*"]` | value "repo:*" matches every subject of the kind "repo:"
            """)
    void subjectPatternsThatPinNoOwnerAreRefused(String values, String message) {
        for (String operator : List.of("StringLike", "StringEquals")) {
            assertThatThrownBy(() -> READER.readTrustPolicy(trust("{\"Federated\":\"" + GITHUB + "\"}",
                    "{\"" + operator + "\":{\"oidc:sub\":" + values + "}}")))
                    .as(operator)
                    .isInstanceOf(PolicyValidationException.class)
                    .hasMessageStartingWith("Statement[0].Condition." + operator + ".oidc:sub: " + message);
        }
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', textBlock = """
            `"repo:org/*"`
            `"repo:org/app:*"`
            `"repo:org/app-*"`
            `"project_path:group/*"`
            `"system:serviceaccount:prod:*"`
            `"tenant:acme:*"`
            `"repo:org/app:ref:refs/heads/main"`
            `"repo:"`
            `["repo:org/app:ref:refs/heads/main","repo:org/lib:*"]`
            """)
    void ownerPinnedSubjectPatternsAreAccepted(String values) {
        READER.readTrustPolicy(trust("{\"Federated\":\"" + GITHUB + "\"}", "{\"StringLike\":{\"oidc:sub\":" + values + "}}"));
    }

    @Test
    void aDenyMayUseABroadSubjectPattern() {
        READER.readTrustPolicy("{\"Version\":\"1\",\"Statement\":[{\"Effect\":\"Deny\",\"Action\":\"sts:AssumeRole\","
                + "\"Principal\":{\"Federated\":\"" + GITHUB + "\"},\"Condition\":{\"StringLike\":{\"oidc:sub\":\"repo:*\"}}}]}");
    }
}
