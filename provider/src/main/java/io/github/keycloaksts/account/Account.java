package io.github.keycloaksts.account;

import java.util.Optional;

import io.github.keycloaksts.policy.arn.AccountArn;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;

/**
 * A realm enabled as an account: its account ID, its alias (the realm name) and its root ARN. The ID is the one the
 * platform gave the realm ({@link AccountRegistry}); the realm's own attribute {@link #ACCOUNT_ID_ATTRIBUTE} only
 * carries it through export and import.
 */
public record Account(String accountId, String alias, String arn) {

    /** Realm attribute read when a realm is created or imported: the account ID it asks for (8–16 digits). */
    public static final String ACCOUNT_ID_ATTRIBUTE = "sts.account-id";

    public static Optional<Account> of(KeycloakSession session, RealmModel realm) {
        return new AccountRegistry(session).accountIdOf(realm)
                .map(accountId -> new Account(accountId, realm.getName(), AccountArn.of(accountId).toString()));
    }
}
