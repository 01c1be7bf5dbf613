package io.github.keycloaksts.platform;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.github.keycloaksts.account.AccountRegistry;
import io.github.keycloaksts.grant.SourceGrants;
import io.github.keycloaksts.policy.analysis.AccountFacts;
import io.github.keycloaksts.policy.analysis.EdgeKey;
import io.github.keycloaksts.policy.analysis.GrantFacts;
import io.github.keycloaksts.policy.analysis.PlatformSnapshot;
import io.github.keycloaksts.policy.analysis.RoleFacts;
import io.github.keycloaksts.policy.analysis.Usage;
import io.github.keycloaksts.role.AssumableRoleStore;
import io.github.keycloaksts.role.AttachedPolicy;
import org.keycloak.Config;
import org.keycloak.connections.jpa.JpaConnectionProvider;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;

/**
 * The platform as the Keycloak-free analyzer ({@code policy/analysis}) sees it: every account (realm with an account
 * ID) with its organization, every assumable role with its raw stored trust policy (validated by the analyzer, which
 * reports what it cannot read) and whether its attached policies are admin-grade ({@link AdminGrade}), every source
 * grant, the retired account IDs, the last use and refusal of each edge ({@link TrustUsage}) and the unexpired role
 * sessions recorded per edge. One pass over the realms, roles and granting roles; every read is a cached model read
 * except the two table scans.
 */
public final class PlatformSnapshots {

    /** Master realm attribute: when this server started counting trust use (the "never used since" of unused trusts). */
    public static final String TRACKING_SINCE_ATTRIBUTE = "sts.platform.tracking-since";

    private PlatformSnapshots() {
    }

    /** The platform now. */
    public static PlatformSnapshot of(KeycloakSession session) {
        AccountRegistry registry = new AccountRegistry(session);
        PlatformPolicies.InForce inForce = PlatformPolicies.inForce(session);
        List<AccountFacts> accounts = new ArrayList<>();
        List<RoleFacts> roles = new ArrayList<>();
        List<GrantFacts> grants = new ArrayList<>();
        Map<String, String> roleArnById = new HashMap<>();
        Map<String, String> realmIds = new HashMap<>();
        session.realms().getRealmsStream().forEach(realm -> registry.accountIdOf(realm).ifPresent(accountId -> {
            realmIds.put(realm.getId(), accountId);
            accounts.add(new AccountFacts(accountId, realm.getName(), inForce.organizationOf(accountId).orElse(null)));
            new AssumableRoleStore(session, realm).list().forEach(role -> {
                roleArnById.put(realm.getId() + "/" + role.id(), role.arn(accountId).toString());
                Long created = role.createdEpochMillis();
                roles.add(new RoleFacts(accountId, role.name(), role.trustPolicyJson(), AdminGrade.of(role.attachedRoles()),
                        created == null ? null : Instant.ofEpochMilli(created)));
            });
            SourceGrants.grantingRoles(realm).forEach(role -> grants.add(new GrantFacts(accountId, AttachedPolicy.of(role).qualifiedName(),
                    SourceGrants.patternsOf(role))));
        }));
        Map<EdgeKey, Usage> usage = new HashMap<>();
        for (TrustUseEntity row : TrustUsage.all(session)) {
            String roleArn = roleArnById.get(row.getRealmId() + "/" + row.getRoleId());
            if (roleArn != null) {
                usage.put(new EdgeKey(roleArn, row.getSource()), new Usage(instant(row.getLastAllowed()), instant(row.getLastRefused())));
            }
        }
        Map<EdgeKey, Integer> live = new HashMap<>();
        List<Object[]> sessions = session.getProvider(JpaConnectionProvider.class).getEntityManager()
                .createQuery("select r.realmId, r.roleId, r.sourceAccount, r.sourceIdentity from RoleSessionRecordEntity r"
                        + " where r.expiresAt > :now", Object[].class)
                .setParameter("now", System.currentTimeMillis() / 1000).getResultList();
        for (Object[] row : sessions) {
            String roleArn = roleArnById.get(row[0] + "/" + row[1]);
            String source = TrustUsage.sourceOf((String) row[2], (String) row[3]);
            if (roleArn != null && source != null) {
                live.merge(new EdgeKey(roleArn, source), 1, Integer::sum);
            }
        }
        return new PlatformSnapshot(accounts, roles, grants, usage, live, registry.retired());
    }

    /** When this server started counting trust use; written once, at the first start of a version that counts. */
    public static Instant trackingSince(KeycloakSession session) {
        RealmModel master = session.realms().getRealmByName(Config.getAdminRealm());
        String value = master == null ? null : master.getAttribute(TRACKING_SINCE_ATTRIBUTE);
        try {
            return value == null ? null : Instant.ofEpochMilli(Long.parseLong(value));
        } catch (NumberFormatException e) {
            return null; // validated on read: an edited value only makes "never used" undecidable, never wrong
        }
    }

    /** Marks the start of counting, if not marked yet. */
    public static void markTrackingStart(KeycloakSession session) {
        RealmModel master = session.realms().getRealmByName(Config.getAdminRealm());
        if (master != null && master.getAttribute(TRACKING_SINCE_ATTRIBUTE) == null) {
            master.setAttribute(TRACKING_SINCE_ATTRIBUTE, Long.toString(System.currentTimeMillis()));
        }
    }

    private static Instant instant(Long millis) {
        return millis == null ? null : Instant.ofEpochMilli(millis);
    }
}
