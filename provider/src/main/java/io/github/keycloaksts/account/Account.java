package io.github.keycloaksts.account;

import java.util.Optional;

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
        if (accountId == null || accountId.isBlank()) {
            return Optional.empty();
        }
        return Optional.of(new Account(accountId, realm.getName(), rootArn(accountId)));
    }

    static String rootArn(String accountId) {
        return "acs:ram::" + accountId + ":root";
    }
}
