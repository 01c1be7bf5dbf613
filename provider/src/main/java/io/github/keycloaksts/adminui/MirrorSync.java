package io.github.keycloaksts.adminui;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

import org.jboss.logging.Logger;
import org.keycloak.models.AbstractKeycloakTransaction;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakTransactionManager;
import org.keycloak.models.RealmModel;

/**
 * Defers the page's mirror writes of one session to the end of its transaction: realms whose roles changed are
 * collected with what changed in them (the whole realm, or some roles and clients), and reconciled once, in the prepare phase of the commit — after every change of the request (REST call,
 * page save, realm import, deletion of a client or Keycloak role), before the database commit, in the same database
 * transaction. A failed reconciliation fails the commit, so roles and entries never disagree; a rolled-back request
 * writes neither. A realm removed in the same transaction is skipped: its entries go with it.
 */
final class MirrorSync extends AbstractKeycloakTransaction {

    private static final String ATTRIBUTE = MirrorSync.class.getName();
    private static final Logger LOG = Logger.getLogger(MirrorSync.class);

    /** What changed in one realm: everything, or only some roles (by name) and clients (by ID). */
    private static final class Changes {
        boolean wholeRealm;
        final Set<String> roleNames = new LinkedHashSet<>();
        final Set<String> clientIds = new LinkedHashSet<>();
    }

    private final KeycloakSession session;
    private final Map<String, Changes> realms = new LinkedHashMap<>();

    private MirrorSync(KeycloakSession session) {
        this.session = session;
    }

    /** Notes that roles of {@code realmId} may have changed anywhere in the realm, in {@code session}'s transaction. */
    static void realmChanged(KeycloakSession session, String realmId) {
        Changes changes = changesOf(session, realmId);
        if (changes != null) {
            changes.wholeRealm = true;
        }
    }

    /** Notes that the assumable role {@code roleName} of {@code realmId} changed (or was deleted). */
    static void roleChanged(KeycloakSession session, String realmId, String roleName) {
        Changes changes = changesOf(session, realmId);
        if (changes != null) {
            changes.roleNames.add(roleName);
        }
    }

    /** Notes that the client with ID {@code clientId} changed or was removed: it may be, or have been, a role's. */
    static void clientChanged(KeycloakSession session, String realmId, String clientId) {
        Changes changes = changesOf(session, realmId);
        if (changes != null) {
            changes.clientIds.add(clientId);
        }
    }

    private static Changes changesOf(KeycloakSession session, String realmId) {
        MirrorSync sync = session.getAttribute(ATTRIBUTE, MirrorSync.class);
        if (sync == null) {
            KeycloakTransactionManager transaction = session.getTransactionManager();
            if (!transaction.isActive()) {
                LOG.debugf("Change of roles of realm %s outside a transaction: the page catches up at the next change or start", realmId);
                return null;
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
        return sync.realms.computeIfAbsent(realmId, id -> new Changes());
    }

    @Override
    protected void commitImpl() {
        while (!realms.isEmpty()) {
            Iterator<Map.Entry<String, Changes>> next = realms.entrySet().iterator();
            Map.Entry<String, Changes> entry = next.next();
            next.remove();
            RealmModel realm = session.realms().getRealm(entry.getKey());
            if (realm == null) {
                continue;
            }
            Changes changes = entry.getValue();
            if (changes.wholeRealm) {
                RoleMirror.reconcile(session, realm);
            } else {
                RoleMirror.reconcile(session, realm, changes.roleNames, changes.clientIds);
            }
        }
    }

    @Override
    protected void rollbackImpl() {
        realms.clear();
    }
}
