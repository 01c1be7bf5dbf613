package io.github.keycloaksts.adminui;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.github.keycloaksts.account.Account;
import io.github.keycloaksts.admin.AdminApiException;
import io.github.keycloaksts.admin.SimulationInput;
import io.github.keycloaksts.assume.TargetRole;
import io.github.keycloaksts.policy.PolicyValidationException;
import io.github.keycloaksts.policy.arn.Arn;
import io.github.keycloaksts.policy.arn.RoleArn;
import io.github.keycloaksts.policy.condition.ConditionKey;
import io.github.keycloaksts.policy.condition.RequestContext;
import io.github.keycloaksts.policy.document.PolicyDocument;
import io.github.keycloaksts.policy.eval.AssumeRoleEvaluator;
import io.github.keycloaksts.policy.eval.AssumeRoleRequest;
import io.github.keycloaksts.policy.eval.Explanation;
import io.github.keycloaksts.policy.eval.Outcome;
import io.github.keycloaksts.policy.eval.StatementExplanation;
import io.github.keycloaksts.role.AssumableRole;
import io.github.keycloaksts.role.AssumableRoleStore;
import io.github.keycloaksts.role.AssumableRoleValidation;
import io.github.keycloaksts.role.RoleValidationException;
import io.github.keycloaksts.session.TrustChangePreview;
import org.keycloak.component.ComponentModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;

/**
 * The page's "Test access" and "Preview only" fields. Keycloak's declarative page can only save a component
 * (see docs/admin-console.md), so both answer as a refused save: the console shows the answer in its alert, and
 * nothing is saved, changed or revoked. Test access runs the target-side simulator ({@code POST …/simulate}) on the
 * trust policy in the form; Preview only runs the trust-policy dry run ({@code PUT …/trust-policy?dryRun=true}).
 */
final class PageTools {

    static final String PREVIEW_ONLY = "previewOnly";
    static final String TEST_PRINCIPAL = "testPrincipal";
    static final String TEST_CONTEXT = "testContext";
    private static final AssumeRoleEvaluator EVALUATOR = new AssumeRoleEvaluator();
    private static final ObjectMapper JSON = JsonMapper.builder().enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION).build();

    private PageTools() {
    }

    /** Returns when the save is a save; throws the answer when the form asks for a test or a preview. */
    static void answerIfAsked(KeycloakSession session, RealmModel realm, ComponentModel stored, ComponentModel model) {
        Map<String, List<String>> config = model.getConfig();
        String principal = PageEntry.first(config, TEST_PRINCIPAL);
        principal = principal == null || principal.isBlank() ? null : principal.trim();
        boolean preview = "true".equals(PageEntry.first(config, PREVIEW_ONLY));
        if (principal == null && !preview) {
            return;
        }
        try {
            AssumableRoleStore roles = new AssumableRoleStore(session, realm);
            AssumableRoleValidation validation = new AssumableRoleValidation(realm, roles);
            Account account = validation.account();
            String trustText = PageEntry.first(config, PageEntry.TRUST_POLICY);
            if (trustText == null) {
                throw PageValidation.invalid("trustPolicy: required");
            }
            PolicyDocument trustPolicy = validation.trustPolicy(TextNode.valueOf(trustText), "trustPolicy.");
            String roleName = stored != null ? stored.getName() : PageEntry.first(config, PageEntry.ROLE_NAME);
            if (roleName == null || !RoleArn.isValidRoleName(roleName)) {
                throw PageValidation.invalid("roleName: required to test access (1 to 64 letters, digits and _.@+=,-)");
            }
            RoleArn roleArn = RoleArn.of(account.accountId(), roleName);
            AssumableRole role = stored == null ? null : roles.find(stored.getName()).orElse(null);
            String answer = principal != null
                    ? testAccess(principal, PageEntry.first(config, TEST_CONTEXT), roleArn, role, trustPolicy)
                    : preview(session, realm, roleArn, role, trustPolicy);
            throw PageValidation.invalid(answer);
        } catch (AdminApiException e) {
            throw PageValidation.invalid(e.message());
        } catch (RoleValidationException e) {
            throw PageValidation.invalid(e.getMessage());
        }
    }

    private static String testAccess(String principalText, String contextText, RoleArn roleArn, AssumableRole role,
                                     PolicyDocument trustPolicy) {
        ObjectNode body = JsonNodeFactory.instance.objectNode().put(TEST_PRINCIPAL, principalText);
        Arn principal = SimulationInput.principal(body, TEST_PRINCIPAL);
        JsonNode contextNode = null;
        if (contextText != null && !contextText.isBlank()) {
            if (contextText.length() > 16 * 1024) {
                throw PageValidation.invalid(TEST_CONTEXT + ": larger than 16384 characters");
            }
            try {
                contextNode = JSON.readTree(contextText);
            } catch (Exception e) {
                throw PageValidation.invalid(TEST_CONTEXT + ": not valid JSON");
            }
        }
        Map<ConditionKey, Object> given = SimulationInput.context(contextNode, TEST_CONTEXT);
        int maxDuration = role == null ? AssumableRole.DEFAULT_MAX_SESSION_DURATION : role.maxSessionDuration();
        RequestContext context = SimulationInput.build(given, TargetRole.defaultSessionName(principal), TargetRole.defaultDuration(maxDuration));
        AssumeRoleRequest request = TargetRole.simulatedRequest(principal, roleArn, context);
        Explanation explanation = EVALUATOR.explainTrust(request, trustPolicy);
        StringBuilder answer = new StringBuilder("Test access (nothing saved): ")
                .append(decision(explanation.decision().outcome())).append(" for ").append(principal).append(" on ").append(roleArn);
        if (!explanation.matched().isEmpty()) {
            answer.append(". Matched: ");
            List<String> matched = new ArrayList<>();
            explanation.matched().forEach(s -> matched.add(statement(s)));
            answer.append(String.join(", ", matched));
        }
        if (!explanation.unmatched().isEmpty()) {
            answer.append(". Not matched: ");
            List<String> unmatched = new ArrayList<>();
            explanation.unmatched().forEach(s -> unmatched.add(statement(s) + " at " + s.failure().orElseThrow().path() + " ("
                    + s.failure().orElseThrow().detail() + ")"));
            answer.append(String.join("; ", unmatched));
        }
        return answer.append(". The source account must also grant it. Clear Test access to save.").toString();
    }

    private static String preview(KeycloakSession session, RealmModel realm, RoleArn roleArn, AssumableRole role,
                                  PolicyDocument trustPolicy) {
        if (role == null) {
            return "Preview (nothing saved): a new role; " + (trustPolicy.allowedPrincipals().isEmpty() ? "nobody"
                    : String.join(", ", trustPolicy.allowedPrincipals().stream().map(Object::toString).toList()))
                    + " would be trusted. Clear Preview only to save.";
        }
        PolicyDocument before;
        try {
            before = role.trustPolicy();
        } catch (PolicyValidationException e) {
            before = null;
        }
        TrustChangePreview.Preview p = new TrustChangePreview(session, realm).trustPolicyChange(role, roleArn.toString(), before, trustPolicy);
        List<String> parts = new ArrayList<>();
        if (!p.lost().isEmpty()) {
            parts.add(String.join(", ", p.lost()) + " lose" + (p.lost().size() == 1 ? "s" : "") + " access");
        }
        if (!p.gained().isEmpty()) {
            parts.add(String.join(", ", p.gained()) + " gain" + (p.gained().size() == 1 ? "s" : "") + " access");
        }
        if (parts.isEmpty()) {
            parts.add("no principal gains or loses access");
        }
        int ending = p.endingSessionCount();
        String sessions = ending == 0 && p.endingAccounts().isEmpty() ? "no live session ends"
                : ending + " live session" + (ending == 1 ? "" : "s") + " end (sessions of account" + (p.endingAccounts().size() == 1 ? " " : "s ")
                + String.join(", ", p.endingSessions().entrySet().stream().map(e -> e.getKey() + ": " + e.getValue()).toList()) + ")";
        return "Preview (nothing saved): " + String.join("; ", parts) + "; " + sessions + ". Clear Preview only to save.";
    }

    private static String decision(Outcome outcome) {
        return switch (outcome) {
            case ALLOW -> "Allow";
            case EXPLICIT_DENY -> "ExplicitDeny";
            case IMPLICIT_DENY -> "ImplicitDeny";
        };
    }

    private static String statement(StatementExplanation s) {
        return "Statement[" + s.ref().statementIndex() + "]" + s.ref().sid().map(sid -> " (Sid " + sid + ")").orElse("");
    }
}
