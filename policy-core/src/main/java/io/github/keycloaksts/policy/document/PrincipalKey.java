package io.github.keycloaksts.policy.document;

import java.util.Objects;

import io.github.keycloaksts.policy.arn.Arn;
import io.github.keycloaksts.policy.arn.AssumedRoleArn;
import io.github.keycloaksts.policy.arn.OidcProviderArn;
import io.github.keycloaksts.policy.arn.RoleArn;
import io.github.keycloaksts.policy.arn.UserArn;

/**
 * The hash keys under which a requesting principal is looked up in a statement's
 * {@link Principals}; compute it once per request with {@link #of(Arn)}.
 *
 * @param arn     the requesting principal
 * @param account its account ID (matches account principals)
 * @param user    {@code <accountId>/<username>} for a user, else null
 * @param role    {@code <accountId>/<roleName>} for a role session, else null
 * @param federated the provider ARN for a federated requester (an external subject of an OIDC provider), else
 *                null; a federated requester matches only {@code Federated} principals, never its account's
 */
public record PrincipalKey(Arn arn, String account, String user, String role, String federated) {

    /** @throws NullPointerException if {@code arn} or {@code account} is null */
    public PrincipalKey {
        Objects.requireNonNull(arn, "arn");
        Objects.requireNonNull(account, "account");
    }

    /** A key of a RAM requester (no federated part). */
    public PrincipalKey(Arn arn, String account, String user, String role) {
        this(arn, account, user, role, null);
    }

    /**
     * @param requester a user or a role session ({@link UserArn} or {@link AssumedRoleArn}), or an
     *                  {@link OidcProviderArn} for an external subject of that provider; an account or
     *                  role ARN matches only account principals
     * @return the lookup keys
     */
    public static PrincipalKey of(Arn requester) {
        String account = requester.accountId().value();
        if (requester instanceof UserArn u) {
            return new PrincipalKey(requester, account, userKey(u), null);
        }
        if (requester instanceof OidcProviderArn p) {
            return new PrincipalKey(requester, account, null, null, p.toString());
        }
        if (requester instanceof AssumedRoleArn s) {
            return new PrincipalKey(requester, account, null, roleKey(s.role()));
        }
        return new PrincipalKey(requester, account, null, null);
    }

    static String userKey(UserArn u) {
        return u.accountId().value() + "/" + u.userName();
    }

    static String roleKey(RoleArn r) {
        return r.accountId().value() + "/" + r.roleName();
    }
}
