package io.github.keycloaksts.policy.analysis;

import java.util.List;

/**
 * The source side: a Keycloak role of an account whose {@code sts.assume-role} attribute lets its holders assume
 * the roles its values match. Raw facts: nothing is validated.
 *
 * @param accountId        the account (realm) of the Keycloak role
 * @param keycloakRoleName the Keycloak role's name
 * @param patterns         the attribute's values as stored, one role ARN pattern each; null means none
 */
public record GrantFacts(String accountId, String keycloakRoleName, List<String> patterns) {
}
