package io.github.keycloaksts.policy.analysis;

import java.time.Instant;
import java.util.Comparator;

/**
 * One principal an Allow statement of a role's trust policy names for {@code sts:AssumeRole}: who may assume the
 * role, seen from the platform.
 *
 * @param roleArn           the role's canonical ARN
 * @param roleAccountId     the role's account
 * @param principal         the principal's canonical ARN ({@code acs:ram::<id>:root} for a bare account ID)
 * @param principalKind     what the principal names
 * @param sourceAccountId   the account callers come from: the principal's account for {@code RAM} principals, null
 *                          for an OIDC provider (its subjects are outside the platform)
 * @param sourceKey         the source of the {@link EdgeKey}: {@code sourceAccountId}, or the provider's ARN
 * @param crossAccount      whether a {@code RAM} principal is of another account than the role
 * @param path              the principal's JSON path in the trust policy, e.g. {@code Statement[0].Principal.RAM[1]}
 * @param externalId        whether the statement requires an {@code sts:ExternalId} ({@link TrustTerms#requiresExternalId})
 * @param expires           the statement's term ({@link TrustTerms#expiryOf}), or null for none
 * @param lastAllowed       the last allowed assumption recorded for the edge key, or null
 * @param lastRefused       the last refused assumption recorded for the edge key, or null
 * @param liveSessions      live role sessions recorded for the edge key
 * @param severity          the worst severity of the findings on this edge, or null for none
 */
public record TrustEdge(String roleArn, String roleAccountId, String principal, PrincipalKind principalKind,
                        String sourceAccountId, String sourceKey, boolean crossAccount, String path,
                        boolean externalId, Instant expires, Instant lastAllowed, Instant lastRefused,
                        int liveSessions, Severity severity) {

    /** By role, then path: the order of every list of edges. */
    public static final Comparator<TrustEdge> ORDER = Comparator.comparing(TrustEdge::roleArn)
            .thenComparing(TrustEdge::path)
            .thenComparing(TrustEdge::principal);

    /** @return the key usage and live sessions are recorded by */
    public EdgeKey key() {
        return new EdgeKey(roleArn, sourceKey);
    }

    /** @return whether callers come from outside the role's account: another account or an OIDC provider */
    public boolean external() {
        return crossAccount || principalKind == PrincipalKind.OIDC_PROVIDER;
    }

    TrustEdge withSeverity(Severity worst) {
        return new TrustEdge(roleArn, roleAccountId, principal, principalKind, sourceAccountId, sourceKey,
                crossAccount, path, externalId, expires, lastAllowed, lastRefused, liveSessions, worst);
    }
}
