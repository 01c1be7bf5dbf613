package io.github.keycloaksts.account;

import java.util.List;
import java.util.function.BiConsumer;

import org.jboss.logging.Logger;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.models.RealmModel;
import org.keycloak.models.utils.KeycloakModelUtils;

/** Startup work over every realm, each in a transaction of its own, so one realm's failure does not undo the others'. */
public final class EveryRealm {

    private static final Logger LOG = Logger.getLogger(EveryRealm.class);

    private EveryRealm() {
    }

    /**
     * Runs {@code work} for each realm with the session's context set to it. A failure is logged with
     * {@code what} and the realm, and the next realm goes on: another node may be doing the same work at the same
     * moment, and the next start retries.
     */
    public static void each(KeycloakSessionFactory factory, String what, BiConsumer<KeycloakSession, RealmModel> work) {
        List<String> realmIds = KeycloakModelUtils.runJobInTransactionWithResult(factory,
                session -> session.realms().getRealmsStream().map(RealmModel::getId).toList());
        for (String realmId : realmIds) {
            try {
                KeycloakModelUtils.runJobInTransaction(factory, session -> {
                    RealmModel realm = session.realms().getRealm(realmId);
                    if (realm != null) {
                        session.getContext().setRealm(realm);
                        work.accept(session, realm);
                    }
                });
            } catch (RuntimeException e) {
                LOG.warnf("Could not %s in realm %s: %s", what, realmId, e.toString());
            }
        }
    }
}
