package io.github.keycloaksts.admin.representation;

import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;

/**
 * {@code POST /sts/roles/{roleName}/simulate} and {@code POST /sts/grants/simulate}: the decision of one side's policies
 * for a request ({@code Allow}, {@code ImplicitDeny}, {@code ExplicitDeny}), the statements that matched, and for each
 * statement that did not, the first principal, resource or condition that failed with its JSON path. The target side
 * names its trust policy's statements, the source side its grants (with the Keycloak role holding each and how the
 * user holds that role). Each side sees only its own policies, and both see the platform's guardrails (statements
 * with a {@code guardrail} name), which come after both sides: a guardrail's Deny makes the decision an
 * {@code ExplicitDeny} whose reason cites it.
 */
@JsonPropertyOrder({"decision", "reason", "principal", "roleArn", "policySource", "context", "matchedStatements", "unmatchedStatements",
        "grants", "notes"})
@JsonInclude(JsonInclude.Include.NON_NULL)
public record SimulationRepresentation(
        String decision,
        String reason,
        String principal,
        String roleArn,
        String policySource,
        Map<String, Object> context,
        List<StatementResult> matchedStatements,
        List<StatementResult> unmatchedStatements,
        List<GrantHolding> grants,
        @JsonInclude(JsonInclude.Include.NON_EMPTY) List<String> notes) {

    /** One statement: where it is, and for an unmatched one what failed first. */
    @JsonPropertyOrder({"guardrail", "statement", "sid", "effect", "grantRole", "grantValue", "failed", "path", "detail"})
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record StatementResult(String guardrail, String statement, String sid, String effect, String grantRole, String grantValue,
                                  String failed, String path, String detail) {
    }

    /** A Keycloak role of the source account whose {@code sts.assume-role} values the user holds, and through what. */
    @JsonPropertyOrder({"role", "values", "heldThrough"})
    public record GrantHolding(String role, List<String> values, List<String> heldThrough) {
    }
}
