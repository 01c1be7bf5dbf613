package io.github.keycloaksts.policy.analysis;

/**
 * What usage is recorded by: a role and where its callers come from. Every principal of one source shares the
 * key, so an account principal and a user principal of the same account see the same usage.
 *
 * @param roleArn the role's canonical ARN, e.g. {@code acs:ram::11223344:role/ecs-admin}
 * @param source  the principal's account ID for {@code RAM} principals, the OIDC provider's ARN for
 *                {@code Federated} ones
 */
public record EdgeKey(String roleArn, String source) {
}
