package io.github.keycloaksts.account;

import java.util.Optional;

import io.github.keycloaksts.policy.arn.AccountArn;
import io.github.keycloaksts.policy.arn.AccountId;
import org.keycloak.models.RealmModel;

/**
 * A realm enabled as an account: its account ID, its alias (the realm name) and its root ARN.
 * The account ID lives in a realm attribute, so it travels with realm export and {@code --import-realm}
 * and is cached and invalidated cluster-wide with the realm.
 */
public record Account(String accountId, String alias, String arn) {

    /** Realm attribute that holds the account ID (8–16 digits). */
    public static final String ACCOUNT_ID_ATTRIBUTE = "sts.account-id";

    public static Optional<Account> of(RealmModel realm) {
        String accountId = realm.getAttribute(ACCOUNT_ID_ATTRIBUTE);
        if (accountId == null || !AccountId.isValid(accountId)) {
            return Optional.empty(); // a malformed ID (hand-edited import) makes no account: fail closed
        }
        return Optional.of(new Account(accountId, realm.getName(), AccountArn.of(accountId).toString()));
    }
}
