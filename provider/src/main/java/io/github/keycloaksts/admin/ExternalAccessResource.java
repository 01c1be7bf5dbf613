package io.github.keycloaksts.admin;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.github.keycloaksts.account.Account;
import io.github.keycloaksts.account.AccountRegistry;
import io.github.keycloaksts.grant.SourceGrants;
import io.github.keycloaksts.platform.TrustUsage;
import io.github.keycloaksts.platform.TrustUseEntity;
import io.github.keycloaksts.policy.analysis.TrustAnalysis;
import io.github.keycloaksts.policy.arn.ArnPattern;
import io.github.keycloaksts.role.AssumableRole;
import io.github.keycloaksts.role.AssumableRoleStore;
import io.github.keycloaksts.role.AttachedPolicy;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import org.keycloak.models.ClientModel;
import org.keycloak.models.RealmModel;

/**
 * An account's own view of its external access, for its administrators ({@code view-realm}):
 * <ul>
 *   <li>{@code GET /sts/external-access}: who can come in: every principal its roles' trust policies name, with the
 *       last use and refusal per source account, unexpired sessions, and the findings on its roles;</li>
 *   <li>{@code GET /sts/external-access/outbound}: where its people can go, from its own grants only: each
 *       {@code sts.assume-role} value, the account it points at and whether that account exists (public, like
 *       {@code /realms/{r}/sts/account}), the findings on its grants, and when its users last assumed or were refused
 *       each role.</li>
 * </ul>
 * Neither view shows another account's policies or users: inbound edges come from this account's trust policies,
 * outbound entries from its grants; another account's trust in this one is not shown.
 */
public final class ExternalAccessResource {

    private final AdminContext context;

    ExternalAccessResource(AdminContext context) {
        this.context = context;
    }

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    public Map<String, Object> inbound(@QueryParam("unusedDays") String unusedDays, @QueryParam("expiringDays") String expiringDays) {
        context.auth.realm().requireViewRealm();
        Account account = context.account();
        TrustAnalysis into = TrustGraphResource.analyze(context, unusedDays, expiringDays).into(account.accountId());
        Map<String, Object> out = TrustGraphResource.representation(into, true);
        out.put("accountId", account.accountId());
        return out;
    }

    @GET
    @Path("outbound")
    @Produces(MediaType.APPLICATION_JSON)
    public Map<String, Object> outbound() {
        context.auth.realm().requireViewRealm();
        Account account = context.account();
        AccountRegistry registry = new AccountRegistry(context.session);
        List<Map<String, Object>> grants = new ArrayList<>();
        SourceGrants.grantingRoles(context.realm).forEach(role -> {
            List<String> values = SourceGrants.patternsOf(role);
            for (int i = 0; i < values.size(); i++) {
                Map<String, Object> g = new LinkedHashMap<>();
                g.put("grantRole", AttachedPolicy.of(role).qualifiedName());
                g.put("path", SourceGrants.ASSUME_ROLE_ATTRIBUTE + "[" + i + "]");
                g.put("value", values.get(i));
                String target = targetAccount(values.get(i));
                g.put("targetAccountId", target);
                g.put("targetAccountExists", target == null ? null : registry.realmOf(target).isPresent());
                grants.add(g);
            }
        });
        List<Map<String, Object>> used = new ArrayList<>();
        for (TrustUseEntity row : TrustUsage.all(context.session)) {
            if (account.accountId().equals(row.getSource())) {
                // Roles this account's users assumed or tried: their own events name them already.
                RealmModel target = context.session.realms().getRealm(row.getRealmId());
                Optional<String> targetId = target == null ? Optional.empty() : registry.accountIdOf(target);
                ClientModel client = target == null ? null : target.getClientById(row.getRoleId());
                Optional<AssumableRole> role = client == null || targetId.isEmpty() ? Optional.empty()
                        : new AssumableRoleStore(context.session, target).ofClient(client);
                if (role.isPresent()) {
                    Map<String, Object> u = new LinkedHashMap<>();
                    u.put("roleArn", role.get().arn(targetId.get()).toString());
                    u.put("lastAllowed", row.getLastAllowed() == null ? null : Instant.ofEpochMilli(row.getLastAllowed()).toString());
                    u.put("lastRefused", row.getLastRefused() == null ? null : Instant.ofEpochMilli(row.getLastRefused()).toString());
                    used.add(u);
                }
            }
        }
        TrustAnalysis outOf = TrustGraphResource.analyze(context, null, null).outOf(account.accountId());
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("accountId", account.accountId());
        out.put("grants", grants);
        out.put("used", used);
        out.put("findings", outOf.findings().stream().map(TrustGraphResource::finding).toList());
        return out;
    }

    /** The account a grant value points at: its account part when that is a literal ID, else null (a pattern). */
    private static String targetAccount(String value) {
        try {
            ArnPattern.parse(value);
        } catch (RuntimeException e) {
            return null;
        }
        String[] parts = value.split(":", 5);
        return parts.length == 5 && parts[3].chars().allMatch(Character::isDigit) && !parts[3].isEmpty() ? parts[3] : null;
    }
}
