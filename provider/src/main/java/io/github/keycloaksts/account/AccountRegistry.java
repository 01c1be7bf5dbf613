package io.github.keycloaksts.account;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

import io.github.keycloaksts.policy.arn.AccountId;
import jakarta.persistence.EntityManager;
import jakarta.persistence.LockModeType;
import jakarta.persistence.PersistenceException;
import org.jboss.logging.Logger;
import org.keycloak.Config;
import org.keycloak.connections.jpa.JpaConnectionProvider;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.ModelDuplicateException;
import org.keycloak.models.RealmModel;
import org.keycloak.models.jpa.entities.RealmEntity;

/**
 * The server's register of account IDs: which realm holds which ID, and which IDs were ever handed out.
 *
 * <p>It lives in attributes of the <em>master</em> realm, not of the accounts' own realms, because a realm's own
 * administrators can edit their realm's attributes with Keycloak's ordinary realm update: an ID they could write
 * there would let them impersonate another account. Only administrators of the master realm can change the master
 * realm. The realm attribute {@code sts.account-id} of an account realm is only a carrier for export and import:
 * it is read once, when a platform administrator (or an import at start-up) creates the realm, and ignored after
 * ({@code admin/RealmCreation} refuses anyone else).
 *
 * <p>Two kinds of entries, both cached with the master realm and invalidated cluster-wide by Keycloak's realm cache:
 * <ul>
 *   <li>{@code sts.registry.account.<accountId>} = {@code realm:<realmId>} (the realm the ID was given to) or
 *       {@code deleted:<realmName>} (its realm was deleted: the ID is <em>retired</em>). Never removed: an ID is
 *       never given to another realm, and a retired ID never automatically, whatever the new realm's name (other
 *       accounts' trust policies may still name it); only a platform administrator's explicit reinstatement
 *       ({@code PUT /sts/account} with {@code reinstate}) gives it again. An assignment checks the entry in the
 *       database under a row lock of the master realm, so two nodes giving one ID to two realms at once run one
 *       after the other and the second is refused.</li>
 *   <li>{@code sts.registry.realm.<realmId>} = the realm's current account ID.</li>
 * </ul>
 */
public final class AccountRegistry {

    static final String ACCOUNT_PREFIX = "sts.registry.account.";
    static final String REALM_PREFIX = "sts.registry.realm.";
    static final String VERSION_ATTRIBUTE = "sts.registry.version";
    private static final String LIVE = "realm:";
    private static final String DELETED = "deleted:";

    private static final Logger LOG = Logger.getLogger(AccountRegistry.class);

    private final KeycloakSession session;

    public AccountRegistry(KeycloakSession session) {
        this.session = session;
    }

    /** Why an ID cannot be given to a realm: not an ID, another realm's (now or before), or a deleted account's. */
    public enum Problem { MALFORMED, TAKEN, RETIRED }

    /** The account ID of {@code realm}, if the platform gave it one. */
    public Optional<String> accountIdOf(RealmModel realm) {
        RealmModel master = master();
        if (master == null || realm == null) {
            return Optional.empty();
        }
        String accountId = master.getAttribute(REALM_PREFIX + realm.getId());
        // Validated on read: the master realm's attributes can be edited too, by its own administrators.
        return accountId != null && AccountId.isValid(accountId) && owns(master, accountId, realm)
                ? Optional.of(accountId) : Optional.empty();
    }

    /** The realm that holds {@code accountId} now, if any. One cached lookup, no scan of realms. */
    public Optional<RealmModel> realmOf(String accountId) {
        RealmModel master = master();
        if (master == null || accountId == null || !AccountId.isValid(accountId)) {
            return Optional.empty();
        }
        String entry = master.getAttribute(ACCOUNT_PREFIX + accountId);
        if (entry == null || !entry.startsWith(LIVE)) {
            return Optional.empty();
        }
        RealmModel realm = session.realms().getRealm(entry.substring(LIVE.length()));
        return realm != null && accountId.equals(master.getAttribute(REALM_PREFIX + realm.getId()))
                ? Optional.of(realm) : Optional.empty();
    }

    /** Null when {@code accountId} may be given to {@code realm}, else why not. */
    public Problem check(RealmModel realm, String accountId) {
        if (accountId == null || !AccountId.isValid(accountId)) {
            return Problem.MALFORMED;
        }
        RealmModel master = master();
        return master == null ? null : problem(master.getAttribute(ACCOUNT_PREFIX + accountId), realm);
    }

    /** The realm name a retired {@code accountId} last belonged to; empty if it is not retired. */
    public Optional<String> retiredFrom(String accountId) {
        RealmModel master = master();
        String entry = master == null || accountId == null ? null : master.getAttribute(ACCOUNT_PREFIX + accountId);
        return entry != null && entry.startsWith(DELETED) ? Optional.of(entry.substring(DELETED.length())) : Optional.empty();
    }

    /** Every retired account ID (a deleted account's) and the name of the realm that held it, for the platform view. */
    public Map<String, String> retired() {
        RealmModel master = master();
        Map<String, String> retired = new TreeMap<>();
        if (master != null) {
            master.getAttributes().forEach((key, value) -> {
                if (key.startsWith(ACCOUNT_PREFIX) && value != null && value.startsWith(DELETED)) {
                    retired.put(key.substring(ACCOUNT_PREFIX.length()), value.substring(DELETED.length()));
                }
            });
        }
        return retired;
    }

    /**
     * Gives {@code accountId} to {@code realm} (keeping its previous ID reserved for it). The caller has checked the
     * caller's rights. Throws {@link ModelDuplicateException} when the ID is or was another realm's, including when
     * another node gives it away in a concurrent transaction (the database refuses the second row).
     */
    public void assign(RealmModel realm, String accountId) {
        assign(realm, accountId, false);
    }

    /**
     * As {@link #assign(RealmModel, String)}; with {@code reinstate}, a retired ID (a deleted account's) may be given
     * too. Reinstating is a platform administrator's explicit act; nothing else passes {@code true}.
     */
    public void assign(RealmModel realm, String accountId, boolean reinstate) {
        Problem problem = check(realm, accountId);
        if (problem == Problem.MALFORMED) {
            throw new IllegalArgumentException("not an account ID: " + accountId);
        }
        if (problem == Problem.TAKEN || problem == Problem.RETIRED && !reinstate) {
            throw new ModelDuplicateException("account ID " + accountId + " is or was the ID of another account");
        }
        RealmModel master = master();
        if (master == null) {
            throw new IllegalStateException("no master realm");
        }
        // The check above read the realm cache, which another node may have just made stale, and the realm model
        // writes an existing attribute in place: check again, in the database, holding the master realm's row lock.
        Problem locked = problem(lockedEntry(master, accountId), realm);
        if (locked == Problem.TAKEN || locked == Problem.RETIRED && !reinstate) {
            throw new ModelDuplicateException("account ID " + accountId + " is or was the ID of another account");
        }
        master.setAttribute(ACCOUNT_PREFIX + accountId, LIVE + realm.getId());
        master.setAttribute(REALM_PREFIX + realm.getId(), accountId);
        flush();
        // The carrier for realm export and --import-realm; never read back once the realm exists.
        realm.setAttribute(Account.ACCOUNT_ID_ATTRIBUTE, accountId);
    }

    /**
     * A realm was created, and {@code admin/RealmCreation} found that its creator may give IDs: if its representation
     * carries an account ID, the realm claims it now. A malformed, taken or retired ID fails the creation, so no realm
     * exists that believes it has an ID it has not. The realm gets the public {@code sts} client, as
     * {@code PUT /account} gives it.
     */
    public void claimOnCreation(RealmModel realm, String requested) {
        assign(realm, requested, false);
        AccountService.ensureStsClient(realm);
    }

    /** {@code realm} was deleted: its IDs are retired, never given to a realm again unless a platform administrator reinstates one. */
    public void released(RealmModel realm) {
        RealmModel master = master();
        if (master == null || isMaster(realm)) {
            return;
        }
        String own = LIVE + realm.getId();
        List<String> ids = master.getAttributes().entrySet().stream()
                .filter(e -> e.getKey().startsWith(ACCOUNT_PREFIX) && own.equals(e.getValue()))
                .map(Map.Entry::getKey).toList();
        for (String key : ids) {
            master.setAttribute(key, DELETED + realm.getName());
        }
        master.removeAttribute(REALM_PREFIX + realm.getId());
    }

    /**
     * Once per server (marked in the master realm): registers the IDs of account realms created by versions that
     * kept the ID only in the realm's own attribute. Later edits of that attribute are never read.
     */
    public void migrateOnce() {
        RealmModel master = master();
        if (master == null || master.getAttribute(VERSION_ATTRIBUTE) != null) {
            return;
        }
        session.realms().getRealmsStream().filter(realm -> !isMaster(realm)).forEach(realm -> {
            String requested = realm.getAttribute(Account.ACCOUNT_ID_ATTRIBUTE);
            if (requested == null || accountIdOf(realm).isPresent()) {
                return;
            }
            Problem problem = check(realm, requested);
            if (problem == null) {
                master.setAttribute(ACCOUNT_PREFIX + requested, LIVE + realm.getId());
                master.setAttribute(REALM_PREFIX + realm.getId(), requested);
            } else {
                // A retired ID too: whatever the realm's name, only an explicit reinstatement gives it back.
                LOG.warnf("Realm %s is not an account: its attribute %s=%s is %s", realm.getName(),
                        Account.ACCOUNT_ID_ATTRIBUTE, requested, switch (problem) {
                            case MALFORMED -> "not an account ID";
                            case TAKEN -> "the ID of another realm";
                            case RETIRED -> "the retired ID of a deleted account (reinstate it with PUT /sts/account)";
                        });
            }
        });
        master.setAttribute(VERSION_ATTRIBUTE, "1");
    }

    /** Null if the ID whose register entry is {@code entry} is free or already {@code realm}'s (current or earlier). */
    private static Problem problem(String entry, RealmModel realm) {
        if (entry == null || entry.equals(LIVE + realm.getId())) {
            return null;
        }
        // A deleted account's ID is retired whatever the new realm's name: a realm re-created under the old alias
        // would otherwise inherit the trust other accounts still have in it.
        return entry.startsWith(DELETED) ? Problem.RETIRED : Problem.TAKEN;
    }

    private static boolean owns(RealmModel master, String accountId, RealmModel realm) {
        return (LIVE + realm.getId()).equals(master.getAttribute(ACCOUNT_PREFIX + accountId));
    }

    private RealmModel master() {
        return session.realms().getRealmByName(adminRealmName());
    }

    public static boolean isMaster(RealmModel realm) {
        return adminRealmName().equals(realm.getName());
    }

    /** The server's {@code spi-admin-realm} option: fixed at start, and read per exchange, so read from the config once. */
    private static volatile String adminRealmName;

    private static String adminRealmName() {
        String name = adminRealmName;
        if (name == null) {
            name = Config.getAdminRealm();
            adminRealmName = name;
        }
        return name;
    }

    /**
     * The registry entry of {@code accountId} as the database has it, read while holding a write lock on the master
     * realm's row: concurrent assignments, on any node, run one after the other from here to their commit.
     */
    private String lockedEntry(RealmModel master, String accountId) {
        JpaConnectionProvider jpa = session.getProvider(JpaConnectionProvider.class);
        if (jpa == null) {
            return master.getAttribute(ACCOUNT_PREFIX + accountId);
        }
        EntityManager em = jpa.getEntityManager();
        try {
            em.find(RealmEntity.class, master.getId(), LockModeType.PESSIMISTIC_WRITE);
            List<String> values = em.createQuery("select a.value from RealmAttributeEntity a where a.realm.id = :realm and a.name = :name",
                            String.class)
                    .setParameter("realm", master.getId())
                    .setParameter("name", ACCOUNT_PREFIX + accountId)
                    .getResultList();
            return values.isEmpty() ? null : values.get(0);
        } catch (PersistenceException e) {
            // A lock wait that timed out: another assignment holds the lock; refuse rather than guess.
            throw new ModelDuplicateException("account ID " + accountId + " is being assigned concurrently", e);
        }
    }

    /** Writes the new entries now, so a concurrent claim of the same ID fails here, as a conflict. */
    private void flush() {
        JpaConnectionProvider jpa = session.getProvider(JpaConnectionProvider.class);
        if (jpa == null) {
            return;
        }
        try {
            jpa.getEntityManager().flush();
        } catch (PersistenceException e) {
            throw new ModelDuplicateException("account ID taken concurrently", e);
        }
    }
}
