package io.github.keycloaksts.policy.analysis;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Everything the analyzer looks at, taken by the caller at one moment. Null collections are empty, and null
 * elements, keys and values are dropped, so that a partial snapshot still analyzes. Immutable.
 *
 * @param accounts        the accounts that exist
 * @param roles           the roles with their trust policies
 * @param grants          the Keycloak roles with {@code sts.assume-role} values
 * @param usage           recorded assumptions per edge key
 * @param liveSessions    live role sessions per edge key
 * @param retiredAccounts account IDs once held by a deleted account, to the deleted realm's name
 */
public record PlatformSnapshot(List<AccountFacts> accounts, List<RoleFacts> roles, List<GrantFacts> grants,
                               Map<EdgeKey, Usage> usage, Map<EdgeKey, Integer> liveSessions,
                               Map<String, String> retiredAccounts) {

    /** Copies, dropping nulls. */
    public PlatformSnapshot {
        accounts = copy(accounts);
        roles = copy(roles);
        grants = copy(grants);
        usage = copy(usage);
        liveSessions = copy(liveSessions);
        retiredAccounts = copy(retiredAccounts);
    }

    /**
     * @param accounts the accounts
     * @param roles    the roles
     * @param grants   the grants
     * @return a snapshot without usage, live sessions or retired accounts
     */
    public static PlatformSnapshot of(List<AccountFacts> accounts, List<RoleFacts> roles, List<GrantFacts> grants) {
        return new PlatformSnapshot(accounts, roles, grants, Map.of(), Map.of(), Map.of());
    }

    private static <T> List<T> copy(List<T> list) {
        if (list == null) {
            return List.of();
        }
        List<T> out = new ArrayList<>(list.size());
        for (T t : list) {
            if (t != null) {
                out.add(t);
            }
        }
        return Collections.unmodifiableList(out);
    }

    private static <K, V> Map<K, V> copy(Map<K, V> map) {
        if (map == null) {
            return Map.of();
        }
        Map<K, V> out = new HashMap<>();
        map.forEach((k, v) -> {
            if (k != null && v != null) {
                out.put(k, v);
            }
        });
        return Collections.unmodifiableMap(out);
    }
}
