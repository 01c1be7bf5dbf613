package io.github.keycloaksts.policy.eval;

import java.util.Objects;

import io.github.keycloaksts.policy.arn.AccountArn;
import io.github.keycloaksts.policy.arn.Arn;
import io.github.keycloaksts.policy.arn.AssumedRoleArn;
import io.github.keycloaksts.policy.arn.OidcProviderArn;
import io.github.keycloaksts.policy.arn.RoleArn;
import io.github.keycloaksts.policy.arn.UserArn;
import io.github.keycloaksts.policy.condition.RequestContext;
import io.github.keycloaksts.policy.document.PrincipalKey;

/**
 * Who wants to assume which role, in which context. Immutable; the principal's lookup keys are
 * computed once here.
 *
 * <pre>{@code
 * AssumeRoleRequest req = AssumeRoleRequest.forUser("12345678", "bob",
 *         RoleArn.parse("acs:ram::11223344:role/ecs-admin"),
 *         RequestContext.builder().externalId("a1b2c3").currentTime(Instant.now()).build());
 * }</pre>
 */
public final class AssumeRoleRequest {

    private final Arn source;
    private final RoleArn role;
    private final RequestContext context;
    private final PrincipalKey principalKey;
    private final String roleString;

    private AssumeRoleRequest(Arn source, RoleArn role, RequestContext context) {
        this.source = Objects.requireNonNull(source, "source");
        this.role = Objects.requireNonNull(role, "role");
        this.context = Objects.requireNonNull(context, "context");
        if (!(source instanceof UserArn) && !(source instanceof AssumedRoleArn) && !(source instanceof AccountArn)
                && !(source instanceof OidcProviderArn)) {
            throw new IllegalArgumentException("the source must be a user, an account, a role session or an OIDC provider: " + source);
        }
        this.principalKey = PrincipalKey.of(source);
        this.roleString = role.toString();
    }

    /**
     * @param source  the requesting user ({@link UserArn}), role session ({@link AssumedRoleArn}), or the OIDC
     *                provider of a federated subject ({@link OidcProviderArn}; its subject goes in the
     *                context's {@code oidc:*} keys)
     * @param role    the role to assume
     * @param context the condition key values
     * @return the request
     * @throws IllegalArgumentException if {@code source} is an account or role ARN
     */
    public static AssumeRoleRequest of(Arn source, RoleArn role, RequestContext context) {
        if (source instanceof AccountArn) {
            throw new IllegalArgumentException("the source must be a user, a role session or an OIDC provider: " + source);
        }
        return new AssumeRoleRequest(source, role, context);
    }

    /**
     * A request standing for any user of an account whom no statement names individually: for the trust-side
     * simulator ({@link AssumeRoleEvaluator#explainTrust}), which answers "does the role trust this account?". A
     * statement naming the account matches it; one naming only some of its users does not.
     *
     * @param account the account
     * @param role    the role to assume
     * @param context the condition key values
     * @return the request
     */
    public static AssumeRoleRequest forAnyUserOf(AccountArn account, RoleArn role, RequestContext context) {
        return new AssumeRoleRequest(account, role, context);
    }

    /**
     * @param sourceAccountId the user's account ID
     * @param username        the user's username (any case)
     * @param role            the role to assume
     * @param context         the condition key values
     * @return the request
     * @throws io.github.keycloaksts.policy.arn.InvalidArnException if the account ID or username is invalid
     */
    public static AssumeRoleRequest forUser(String sourceAccountId, String username, RoleArn role,
                                            RequestContext context) {
        return new AssumeRoleRequest(UserArn.of(sourceAccountId, username), role, context);
    }

    /** @return the requesting principal */
    public Arn source() {
        return source;
    }

    /** @return the role to assume */
    public RoleArn role() {
        return role;
    }

    /** @return the condition key values */
    public RequestContext context() {
        return context;
    }

    /** @return the principal's hash keys */
    public PrincipalKey principalKey() {
        return principalKey;
    }

    String roleString() {
        return roleString;
    }

    @Override
    public String toString() {
        return source + " -> " + role + " " + context;
    }
}
