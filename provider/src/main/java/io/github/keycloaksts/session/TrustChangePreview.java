package io.github.keycloaksts.session;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.github.keycloaksts.policy.arn.Arn;
import io.github.keycloaksts.policy.document.PolicyDocument;
import io.github.keycloaksts.role.AssumableRole;
import io.github.keycloaksts.role.AssumableRoleStore;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;

/**
 * What a trust change would do, computed without changing anything (dry runs): the principals that would
 * gain or lose a place in the trust policy's Allow statements, the source accounts whose role sessions would end, and
 * how many live sessions each holds. The accounts are the ones the change itself revokes
 * ({@link RoleSessionRevocation#changedAccounts}, {@link RoleSessionRevocation#accounts}: the same test), the counts
 * those {@link RoleSessions#live} lists.
 */
public final class TrustChangePreview {

    /**
     * @param gained           principals named by an Allow after the change and not before
     * @param lost             principals named by an Allow before the change and not after
     * @param endingAccounts   source accounts whose sessions of the role would end
     * @param endingSessions   live sessions that would end, per source account (every ending account listed, 0 included)
     */
    public record Preview(List<String> gained, List<String> lost, List<String> endingAccounts, Map<String, Integer> endingSessions) {

        public int endingSessionCount() {
            return endingSessions.values().stream().mapToInt(Integer::intValue).sum();
        }
    }

    private final KeycloakSession session;
    private final RealmModel realm;

    public TrustChangePreview(KeycloakSession session, RealmModel realm) {
        this.session = session;
        this.realm = realm;
    }

    /** Replacing the trust policy of {@code role} ({@code before} null: unreadable, so every account's sessions end). */
    public Preview trustPolicyChange(AssumableRole role, String roleArn, PolicyDocument before, PolicyDocument after) {
        List<String> ending = new RoleSessionRevocation(session, realm).changedAccounts(role, before, after);
        Set<String> was = principals(before);
        Set<String> will = principals(after);
        return new Preview(minus(will, was), minus(was, will), ending, liveSessions(role, roleArn, ending));
    }

    /** Deleting {@code role}: everyone it trusts loses it, every session ends. */
    public Preview roleDeletion(AssumableRole role, String roleArn, PolicyDocument before) {
        List<String> ending = new RoleSessionRevocation(session, realm).accounts(role);
        return new Preview(List.of(), List.copyOf(principals(before)), ending, liveSessions(role, roleArn, ending));
    }

    /**
     * Detaching a policy from {@code role}: nobody gains or loses the ability to assume the role, but every live session
     * of the role ends (tokens carry the policies attached when they were issued; {@link AssumableRoleStore#detach}).
     */
    public Preview policyDetach(AssumableRole role, String roleArn) {
        List<String> ending = new RoleSessionRevocation(session, realm).accounts(role);
        return new Preview(List.of(), List.of(), ending, liveSessions(role, roleArn, ending));
    }

    private Map<String, Integer> liveSessions(AssumableRole role, String roleArn, List<String> accounts) {
        Map<String, Integer> counts = new LinkedHashMap<>();
        accounts.forEach(account -> counts.put(account, 0));
        for (LiveRoleSession live : new RoleSessions(session, realm).live(role, roleArn)) {
            String account = live.sourceAccountId();
            if (account != null && counts.containsKey(account)) {
                counts.merge(account, 1, Integer::sum);
            }
        }
        return counts;
    }

    private static Set<String> principals(PolicyDocument document) {
        Set<String> out = new LinkedHashSet<>();
        if (document != null) {
            for (Arn arn : document.allowedPrincipals()) {
                out.add(arn.toString());
            }
        }
        return out;
    }

    private static List<String> minus(Set<String> a, Set<String> b) {
        List<String> out = new ArrayList<>(a);
        out.removeAll(b);
        return out;
    }
}
