package io.github.keycloaksts.admin.console;

import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.Set;

import org.jboss.logging.Logger;
import org.keycloak.models.AbstractKeycloakTransaction;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakTransactionManager;
import org.keycloak.models.RealmModel;

/**
 * Defers the page's mirror writes of one session to the end of its transaction: realms whose roles changed are
 * collected, and reconciled once, in the prepare phase of the commit — after every change of the request (REST call,
 * page save, realm import, deletion of a client or Keycloak role), before the database commit, in the same database
 * transaction. A failed reconciliation fails the commit, so roles and entries never disagree; a rolled-back request
 * writes neither. A realm removed in the same transaction is skipped: its entries go with it.
 */
final class MirrorSync extends AbstractKeycloakTransaction {

    private static final String ATTRIBUTE = MirrorSync.class.getName();
    private static final Logger LOG = Logger.getLogger(MirrorSync.class);

    private final KeycloakSession session;
    private final Set<String> realmIds = new LinkedHashSet<>();

    private MirrorSync(KeycloakSession session) {
        this.session = session;
    }

    /** Notes that roles of {@code realmId} changed in {@code session}'s transaction. */
    static void realmChanged(KeycloakSession session, String realmId) {
        MirrorSync sync = session.getAttribute(ATTRIBUTE, MirrorSync.class);
        if (sync == null) {
            KeycloakTransactionManager transaction = session.getTransactionManager();
            if (!transaction.isActive()) {
                LOG.debugf("Change of roles of realm %s outside a transaction: the page catches up at the next change or start", realmId);
                return;
            }
            sync = new MirrorSync(session);
            session.setAttribute(ATTRIBUTE, sync);
            // The providers the reconciliation uses are opened now: a provider opened during the commit could no
            // longer enlist its own transaction.
            session.realms();
            session.clients();
            session.roles();
            session.users();
            transaction.enlistPrepare(sync);
        }
        sync.realmIds.add(realmId);
    }

    @Override
    protected void commitImpl() {
        while (!realmIds.isEmpty()) {
            Iterator<String> next = realmIds.iterator();
            String realmId = next.next();
            next.remove();
            RealmModel realm = session.realms().getRealm(realmId);
            if (realm != null) {
                RoleMirror.reconcile(session, realm);
            }
        }
    }

    @Override
    protected void rollbackImpl() {
        realmIds.clear();
    }
}
