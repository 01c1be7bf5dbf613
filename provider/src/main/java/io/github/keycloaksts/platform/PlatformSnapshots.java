package io.github.keycloaksts.platform;

import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import io.github.keycloaksts.account.AccountRegistry;
import io.github.keycloaksts.grant.SourceGrants;
import io.github.keycloaksts.policy.analysis.AccountFacts;
import io.github.keycloaksts.policy.analysis.EdgeKey;
import io.github.keycloaksts.policy.analysis.GrantFacts;
import io.github.keycloaksts.policy.analysis.PlatformSnapshot;
import io.github.keycloaksts.policy.analysis.RoleFacts;
import io.github.keycloaksts.policy.analysis.Usage;
import io.github.keycloaksts.policy.arn.RoleArn;
import io.github.keycloaksts.role.AssumableRole;
import jakarta.persistence.FlushModeType;
import jakarta.persistence.TypedQuery;
import org.keycloak.Config;
import org.keycloak.connections.jpa.JpaConnectionProvider;
import org.keycloak.models.ClientModel;
import org.keycloak.models.Constants;
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
        }));
        roles(session, realmIds, roles, roleArnById);
        grants(session, realmIds, grants);
        Map<EdgeKey, Usage> usage = new HashMap<>();
        for (TrustUseEntity row : TrustUsage.all(session)) {
            String roleArn = roleArnById.get(row.getRealmId() + "/" + row.getRoleId());
            if (roleArn != null) {
                usage.put(new EdgeKey(roleArn, row.getSource()), new Usage(instant(row.getLastAllowed()), instant(row.getLastRefused())));
            }
        }
        Map<EdgeKey, Integer> live = new HashMap<>();
        List<Object[]> sessions = query(session, "select r.realmId, r.roleId, r.sourceAccount, r.sourceIdentity from RoleSessionRecordEntity r"
                        + " where r.expiresAt > :now")
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

    /**
     * Every assumable role of every account in one query over the role clients' attributes (a search of each realm's
     * clients would scan the client table once per realm), read as {@code AssumableRole} reads them: a client
     * {@code sts-role:<name>} whose {@code sts.role-name} is {@code <name>}. The admin grade is the recorded attached
     * policies' (an upper bound of what the role's principal still holds: it may over-report, never miss, and costs no
     * user look-up).
     */
    private static void roles(KeycloakSession session, Map<String, String> accountByRealmId, List<RoleFacts> roles,
                              Map<String, String> roleArnById) {
        Set<String> adminGradeRoles = adminGradeRoleIds(session);
        List<Object[]> rows = query(session, "select a.client.realmId, a.client.id, a.client.clientId, a.name, a.value from ClientAttributeEntity a"
                        + " where a.client.clientId like :prefix and a.name in :names")
                .setParameter("prefix", AssumableRole.CLIENT_ID_PREFIX + "%")
                .setParameter("names", List.of(AssumableRole.ROLE_NAME_ATTRIBUTE, AssumableRole.TRUST_POLICY_ATTRIBUTE,
                        AssumableRole.CREATED_ATTRIBUTE, AssumableRole.ATTACHED_POLICIES_ATTRIBUTE))
                .getResultList();
        Map<List<String>, Map<String, String>> byClient = new TreeMap<>(Comparator.comparing((List<String> k) -> k.get(0))
                .thenComparing(k -> k.get(1)));
        for (Object[] row : rows) {
            if (accountByRealmId.containsKey((String) row[0])) {
                byClient.computeIfAbsent(List.of((String) row[0], (String) row[1], (String) row[2]), k -> new HashMap<>())
                        .put((String) row[3], (String) row[4]);
            }
        }
        byClient.forEach((key, attributes) -> {
            String name = attributes.get(AssumableRole.ROLE_NAME_ATTRIBUTE);
            if (name == null || !key.get(2).equals(AssumableRole.clientIdOf(name)) || !RoleArn.isValidRoleName(name)) {
                return; // a client that merely looks like a role
            }
            String accountId = accountByRealmId.get(key.get(0));
            roleArnById.put(key.get(0) + "/" + key.get(1), RoleArn.of(accountId, name).toString());
            boolean adminGrade = AssumableRole.recordedPolicyIds(attributes.get(AssumableRole.ATTACHED_POLICIES_ATTRIBUTE)).stream()
                    .anyMatch(adminGradeRoles::contains);
            roles.add(new RoleFacts(accountId, name, attributes.get(AssumableRole.TRUST_POLICY_ATTRIBUTE), adminGrade,
                    created(attributes.get(AssumableRole.CREATED_ATTRIBUTE))));
        });
    }

    /**
     * The IDs of every admin-grade Keycloak role of the server: the {@code realm-management} client roles and every
     * composite that contains one, however deep. Two queries and a walk up the composite edges, instead of expanding
     * each role's composites through the model (uncached queries per role, 10,000 roles at a time).
     */
    private static Set<String> adminGradeRoleIds(KeycloakSession session) {
        List<Object[]> management = query(session, "select r.id, r.id from RoleEntity r, ClientEntity c where r.clientId = c.id"
                + " and c.clientId = :clientId").setParameter("clientId", Constants.REALM_MANAGEMENT_CLIENT_ID).getResultList();
        Map<String, List<String>> parents = new HashMap<>();
        for (Object[] edge : query(session, "select c.parentRole.id, c.childRole.id from CompositeRoleEntity c").getResultList()) {
            parents.computeIfAbsent((String) edge[1], k -> new ArrayList<>()).add((String) edge[0]);
        }
        Set<String> admin = new HashSet<>();
        Deque<String> todo = new ArrayDeque<>();
        management.forEach(row -> todo.add((String) row[0]));
        while (!todo.isEmpty()) {
            String id = todo.poll();
            if (admin.add(id)) {
                todo.addAll(parents.getOrDefault(id, List.of()));
            }
        }
        return admin;
    }

    /** A read-only query that does not make Hibernate flush the request's persistence context first. */
    private static TypedQuery<Object[]> query(KeycloakSession session, String jpql) {
        return session.getProvider(JpaConnectionProvider.class).getEntityManager().createQuery(jpql, Object[].class)
                .setFlushMode(FlushModeType.COMMIT);
    }

    private static Instant created(String millis) {
        try {
            return millis == null ? null : Instant.ofEpochMilli(Long.parseLong(millis));
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /**
     * Every source grant of every account in one query over the role attributes: walking each realm's clients and their
     * roles would load every client role of the server (Keycloak's own included) into the cache, one query a client.
     */
    private static void grants(KeycloakSession session, Map<String, String> accountByRealmId, List<GrantFacts> grants) {
        List<Object[]> rows = query(session, "select a.role.realmId, a.role.clientId, a.role.name, a.value from RoleAttributeEntity a"
                        + " where a.name = :name")
                .setParameter("name", SourceGrants.ASSUME_ROLE_ATTRIBUTE).getResultList();
        Map<List<String>, List<String>> byRole = new TreeMap<>(Comparator.comparing((List<String> k) -> k.get(0))
                .thenComparing(k -> k.get(1)).thenComparing(k -> k.get(2)));
        for (Object[] row : rows) {
            String realmId = (String) row[0];
            String value = row[3] == null ? "" : ((String) row[3]).trim();
            if (!accountByRealmId.containsKey(realmId) || value.isEmpty()) {
                continue;
            }
            byRole.computeIfAbsent(List.of(realmId, row[1] == null ? "" : (String) row[1], (String) row[2]), k -> new ArrayList<>()).add(value);
        }
        byRole.forEach((key, values) -> {
            String name = key.get(2);
            if (!key.get(1).isEmpty()) {
                RealmModel realm = session.realms().getRealm(key.get(0));
                ClientModel client = realm == null ? null : realm.getClientById(key.get(1));
                name = (client == null ? key.get(1) : client.getClientId()) + "/" + name;
            }
            values.sort(null);
            grants.add(new GrantFacts(accountByRealmId.get(key.get(0)), name, values));
        });
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
