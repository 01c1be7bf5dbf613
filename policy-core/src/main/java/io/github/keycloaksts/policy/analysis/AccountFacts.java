package io.github.keycloaksts.policy.analysis;

/**
 * One account of the platform, as the caller knows it: a Keycloak realm with an account ID. Raw facts: nothing is
 * validated, and the analyzer copes with nulls and junk.
 *
 * @param accountId    the account ID (8-16 digits)
 * @param realmName    the realm's name, for humans
 * @param organization the organization the account belongs to, or null: accounts of one organization trust each
 *                     other without an external ID; an account without one is a third party to every other
 */
public record AccountFacts(String accountId, String realmName, String organization) {
}
