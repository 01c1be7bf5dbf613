package io.github.keycloaksts.account;

import java.util.List;
import java.util.function.BiConsumer;

import org.jboss.logging.Logger;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.models.RealmModel;
import org.keycloak.models.utils.KeycloakModelUtils;

/** Start-up work over every realm: one pass, one transaction per realm, so one realm's failure does not undo the others'. */
public final class EveryRealm {

    private static final Logger LOG = Logger.getLogger(EveryRealm.class);

    private EveryRealm() {
    }

    /**
     * Runs {@code steps} for each realm, in order, in one transaction with the session's context set to it; returns how
     * many realms there were. When that transaction fails, the realm's steps run again each in a transaction of its
     * own, so one failing step (another node doing the same work at the same moment; the next start retries) does not
     * undo the others. Failures are logged with {@code what} and the realm.
     */
    public static int each(KeycloakSessionFactory factory, String what, List<BiConsumer<KeycloakSession, RealmModel>> steps) {
        List<String> realmIds = KeycloakModelUtils.runJobInTransactionWithResult(factory,
                session -> session.realms().getRealmsStream().map(RealmModel::getId).toList());
        for (String realmId : realmIds) {
            if (!run(factory, realmId, steps)) {
                steps.forEach(step -> {
                    if (!run(factory, realmId, List.of(step))) {
                        LOG.warnf("Could not %s in realm %s (one step)", what, realmId);
                    }
                });
            }
        }
        return realmIds.size();
    }

    private static boolean run(KeycloakSessionFactory factory, String realmId, List<BiConsumer<KeycloakSession, RealmModel>> steps) {
        try {
            KeycloakModelUtils.runJobInTransaction(factory, session -> {
                RealmModel realm = session.realms().getRealm(realmId);
                if (realm != null) {
                    session.getContext().setRealm(realm);
                    steps.forEach(step -> step.accept(session, realm));
                }
            });
            return true;
        } catch (RuntimeException e) {
            LOG.debugf("Start-up steps in realm %s failed together: %s", realmId, e.toString());
            return false;
        }
    }
}
