package io.github.keycloaksts.policy.document;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import io.github.keycloaksts.policy.arn.AccountArn;
import io.github.keycloaksts.policy.arn.Arn;
import io.github.keycloaksts.policy.arn.AssumedRoleArn;
import io.github.keycloaksts.policy.arn.OidcProviderArn;
import io.github.keycloaksts.policy.arn.RoleArn;
import io.github.keycloaksts.policy.arn.UserArn;

/**
 * The {@code Principal.RAM} and {@code Principal.Federated} entries of a trust policy statement, indexed into hash sets when the
 * statement is read, so that matching costs O(1) whatever the number of principals:
 * <ul>
 *   <li>an account ({@code acs:ram::<id>:root} or bare {@code <id>}) matches every user and role
 *       session of that account;</li>
 *   <li>a user ARN matches that user (user names compare case-insensitively);</li>
 *   <li>a role ARN matches the sessions of that role ({@code acs:ram::<id>:role/<name>/<session>});</li>
 *   <li>an OIDC provider ARN ({@code Principal.Federated}) matches the external subjects of that
 *       provider, and a federated requester matches nothing else.</li>
 * </ul>
 * Immutable and thread-safe.
 */
public final class Principals {

    static final Principals NONE = new Principals(List.of());

    private final List<Arn> arns;
    private final Set<String> accounts = new HashSet<>();
    private final Set<String> users = new HashSet<>();
    private final Set<String> roles = new HashSet<>();
    private final Set<String> federated = new HashSet<>();

    private Principals(List<Arn> arns) {
        this.arns = arns;
        for (Arn arn : arns) {
            if (arn instanceof AccountArn a) {
                accounts.add(a.accountId().value());
            } else if (arn instanceof UserArn u) {
                users.add(PrincipalKey.userKey(u));
            } else if (arn instanceof RoleArn r) {
                roles.add(PrincipalKey.roleKey(r));
            } else if (arn instanceof OidcProviderArn p) {
                federated.add(p.toString());
            } else {
                throw new IllegalArgumentException("not a principal: " + arn);
            }
        }
    }

    /**
     * @param arns account, user, role or OIDC provider ARNs (duplicates are dropped, order is kept)
     * @return the indexed set
     * @throws IllegalArgumentException for a role session ARN
     */
    public static Principals of(Collection<? extends Arn> arns) {
        for (Arn arn : arns) {
            if (arn instanceof AssumedRoleArn) {
                throw new IllegalArgumentException("role session ARNs cannot be principals: " + arn);
            }
        }
        return new Principals(List.copyOf(new LinkedHashSet<>(arns)));
    }

    /** @return the principals in canonical form, in document order */
    public List<Arn> arns() {
        return arns;
    }

    /** @return whether there are no principals (always the case outside trust policies) */
    public boolean isEmpty() {
        return arns.isEmpty();
    }

    /** @return the number of distinct principals */
    public int size() {
        return arns.size();
    }

    /**
     * @param key the requester's lookup keys
     * @return whether an entry names the requester, its account, or (for a role session) its role
     */
    public boolean matches(PrincipalKey key) {
        if (key.federated() != null) {
            return federated.contains(key.federated());
        }
        return accounts.contains(key.account())
                || (key.user() != null && users.contains(key.user()))
                || (key.role() != null && roles.contains(key.role()));
    }

    /**
     * @param requester a user or role session ARN
     * @return same as {@code matches(PrincipalKey.of(requester))}
     */
    public boolean matches(Arn requester) {
        return matches(PrincipalKey.of(requester));
    }

    /** @return the canonical ARN strings of the {@code RAM} principals */
    List<String> strings() {
        List<String> out = new ArrayList<>(arns.size());
        for (Arn a : arns) {
            if (!(a instanceof OidcProviderArn)) {
                out.add(a.toString());
            }
        }
        return out;
    }

    /** @return the canonical ARN strings of the {@code Federated} principals */
    List<String> federatedStrings() {
        List<String> out = new ArrayList<>();
        for (Arn a : arns) {
            if (a instanceof OidcProviderArn) {
                out.add(a.toString());
            }
        }
        return out;
    }

    /** @return whether an entry is an OIDC provider ({@code Principal.Federated}) */
    public boolean hasFederated() {
        return !federated.isEmpty();
    }

    /** @return the OIDC providers named ({@code Principal.Federated}), in document order */
    public List<OidcProviderArn> federatedProviders() {
        List<OidcProviderArn> out = new ArrayList<>();
        for (Arn a : arns) {
            if (a instanceof OidcProviderArn p) {
                out.add(p);
            }
        }
        return out;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Principals p && p.arns.equals(arns);
    }

    @Override
    public int hashCode() {
        return arns.hashCode();
    }

    @Override
    public String toString() {
        return arns.toString();
    }
}
