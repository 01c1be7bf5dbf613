package io.github.keycloaksts.admin;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.keycloaksts.account.Account;
import io.github.keycloaksts.admin.representation.SimulationRepresentation;
import io.github.keycloaksts.grant.SourceGrants;
import io.github.keycloaksts.platform.PlatformGuardrails;
import io.github.keycloaksts.policy.arn.RoleArn;
import io.github.keycloaksts.policy.arn.UserArn;
import io.github.keycloaksts.policy.condition.RequestContext;
import io.github.keycloaksts.policy.document.PolicyDocument;
import io.github.keycloaksts.policy.eval.AssumeRoleEvaluator;
import io.github.keycloaksts.policy.eval.AssumeRoleRequest;
import io.github.keycloaksts.policy.eval.DecisionSide;
import io.github.keycloaksts.policy.eval.Explanation;
import io.github.keycloaksts.policy.eval.StatementRef;
import io.github.keycloaksts.role.AttachedPolicy;
import io.github.keycloaksts.session.RoleSessionAnchors;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.keycloak.models.GroupModel;
import org.keycloak.models.RoleModel;
import org.keycloak.models.UserModel;
import org.keycloak.models.utils.KeycloakModelUtils;

/**
 * {@code POST /sts/grants/simulate}: the source account's half of "why was I refused?". Whether this account's grants
 * ({@code sts.assume-role} values of the user's effective roles) allow a user to assume a role ARN, evaluated with the
 * evaluator the exchange runs ({@link AssumeRoleEvaluator#explainSource}), as if the role trusted the user, and through
 * which roles, groups and composites the user holds each grant. Needs {@code view-realm} and the right to view users
 * (the answer is about one user's roles); changes nothing, so it records no admin event.
 */
public final class GrantSimulationResource {

    static final Set<String> FIELDS = Set.of("user", "roleArn");
    private static final AssumeRoleEvaluator EVALUATOR = new AssumeRoleEvaluator();

    private final AdminContext context;

    GrantSimulationResource(AdminContext context) {
        this.context = context;
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    public SimulationRepresentation simulate(String body) {
        context.auth.realm().requireViewRealm();
        context.auth.users().requireView();
        Account account = context.account();
        JsonNode json = RequestBody.object(body, FIELDS);
        String username = SimulationInput.text(json, "user", true);
        RoleArn roleArn = SimulationInput.roleArn(json, "roleArn");
        UserModel user = context.session.users().getUserByUsername(context.realm, username);
        if (user == null) {
            throw AdminApiException.notFound("EntityNotExist.User", "user: user " + SimulationInput.printable(username) + " does not exist");
        }
        if (RoleSessionAnchors.isPrincipal(user) || user.getServiceAccountClientLink() != null) {
            throw SimulationInput.bad("user", "not a person: role-session principals and service accounts cannot assume roles");
        }
        UserArn userArn;
        try {
            userArn = UserArn.of(account.accountId(), user.getUsername());
        } catch (RuntimeException e) {
            throw SimulationInput.bad("user", "this username cannot be written as a user ARN, so the exchange refuses the user");
        }

        List<SourceGrants.Held> held = SourceGrants.held(context.realm, user);
        List<PolicyDocument> grants = new ArrayList<>();
        List<SourceGrants.Held> valid = new ArrayList<>();
        for (SourceGrants.Held h : held) {
            if (h.grant() != null) {
                grants.add(h.grant());
                valid.add(h);
            }
        }
        Explanation explanation = EVALUATOR.explainSource(AssumeRoleRequest.of(userArn, roleArn, RequestContext.empty()), grants);

        List<String> notes = new ArrayList<>();
        notes.add("the role's account must also trust this user (its administrator can check with POST /sts/roles/{roleName}/simulate)");
        if (!user.isEnabled()) {
            notes.add("the user is disabled: the exchange refuses the user's tokens before any policy is evaluated");
        }
        for (SourceGrants.Held h : held) {
            if (h.grant() == null) {
                notes.add("ignored: value " + h.value() + " of role " + AttachedPolicy.of(h.role()).qualifiedName() + " grants nothing (" + h.error() + ")");
            }
        }
        SimulationRepresentation side = Simulations.representation(explanation, userArn.toString(), roleArn.toString(), "stored", null,
                holdings(user, held), notes, ref -> grantOf(ref, valid));
        // The platform's guardrails, as far as this side knows the request (the role's admin grade is the role's account's).
        return Simulations.withGuardrails(side, PlatformGuardrails.explain(context.session,
                AssumeRoleRequest.of(userArn, roleArn, RequestContext.empty()), null, explanation.decision(),
                new PlatformGuardrails.Parties(account.accountId(), roleArn.accountId().value(), PlatformGuardrails.USER, null)));
    }

    private static String[] grantOf(StatementRef ref, List<SourceGrants.Held> valid) {
        if (ref.side() != DecisionSide.SOURCE_GRANT || ref.policyIndex() >= valid.size()) {
            return null;
        }
        SourceGrants.Held h = valid.get(ref.policyIndex());
        return new String[] {AttachedPolicy.of(h.role()).qualifiedName(), h.value()};
    }

    /** Each granting role the user holds, its values, and how the user holds it: directly, through groups, composites. */
    private static List<SimulationRepresentation.GrantHolding> holdings(UserModel user, List<SourceGrants.Held> held) {
        Map<RoleModel, List<String>> values = new LinkedHashMap<>();
        held.forEach(h -> values.computeIfAbsent(h.role(), r -> new ArrayList<>()).add(h.value()));
        List<SimulationRepresentation.GrantHolding> out = new ArrayList<>();
        values.forEach((role, v) -> out.add(new SimulationRepresentation.GrantHolding(AttachedPolicy.of(role).qualifiedName(), v,
                heldThrough(user, role))));
        return out;
    }

    static List<String> heldThrough(UserModel user, RoleModel role) {
        Set<String> through = new LinkedHashSet<>();
        user.getRoleMappingsStream().forEach(mapped -> describe(mapped, role, "", through));
        user.getGroupsStream().forEach(group -> {
            for (GroupModel g = group; g != null; g = g.getParent()) {
                String prefix = "group " + KeycloakModelUtils.buildGroupPath(g) + (g == group ? "" : " (parent of a group of the user)");
                g.getRoleMappingsStream().forEach(mapped -> describe(mapped, role, prefix, through));
            }
        });
        return List.copyOf(through);
    }

    private static void describe(RoleModel mapped, RoleModel role, String prefix, Set<String> through) {
        if (mapped.equals(role)) {
            through.add(prefix.isEmpty() ? "direct role mapping" : prefix);
        } else if (mapped.hasRole(role)) {
            String composite = "composite role " + AttachedPolicy.of(mapped).qualifiedName();
            through.add(prefix.isEmpty() ? composite : prefix + ", " + composite);
        }
    }
}
