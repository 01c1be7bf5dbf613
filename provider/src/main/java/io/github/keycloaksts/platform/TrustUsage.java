package io.github.keycloaksts.platform;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.persistence.EntityManager;
import org.jboss.logging.Logger;
import org.keycloak.connections.jpa.JpaConnectionProvider;
import org.keycloak.models.ClientModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.models.RealmModel;
import org.keycloak.models.utils.KeycloakModelUtils;
import org.keycloak.provider.ProviderEvent;
import org.keycloak.timer.TimerProvider;

/**
 * When each trust edge (a role and a source account or OIDC provider) was last used and last refused, cluster-wide and
 * cheap: an assumption only updates a node-local map entry (no database write on the exchange path); every
 * {@value #FLUSH_MILLIS} ms, and before the platform view reads, each node writes its entries into {@code STS_TRUST_USE},
 * keeping the later moment. Another node's uses appear within that interval; a node that dies loses at most its last
 * interval (the view counts in days). The moments are the platform view's, not an audit trail: events are that.
 */
public final class TrustUsage {

    static final long FLUSH_MILLIS = 5_000;
    /** A bound on what one node buffers between flushes: edges beyond it wait for the next use after a flush. */
    static final int MAX_BUFFERED = 100_000;

    private static final Logger LOG = Logger.getLogger(TrustUsage.class);
    private static final Map<Edge, long[]> BUFFER = new ConcurrentHashMap<>();

    private record Edge(String realmId, String roleId, String source) {
    }

    private TrustUsage() {
    }

    /** A successful assumption of role {@code roleId} of {@code realm} by {@code source} (account ID or provider ARN). */
    public static void allowed(RealmModel realm, String roleId, String source) {
        record(realm, roleId, source, 0);
    }

    /** A refusal, decided by either account's policies or by the platform. */
    public static void refused(RealmModel realm, String roleId, String source) {
        record(realm, roleId, source, 1);
    }

    /**
     * The source of an edge: the account ID, or for an external subject (no source account) the OIDC provider's ARN, the
     * part of its source identity ({@code acs:ram::<id>:oidc-provider/<alias>/<subject>}) before the subject.
     */
    public static String sourceOf(String sourceAccount, String sourceIdentity) {
        if (sourceAccount != null) {
            return sourceAccount;
        }
        if (sourceIdentity == null) {
            return null;
        }
        int provider = sourceIdentity.indexOf(":oidc-provider/");
        int end = provider < 0 ? -1 : sourceIdentity.indexOf('/', provider + ":oidc-provider/".length());
        return end < 0 ? null : sourceIdentity.substring(0, end);
    }

    private static void record(RealmModel realm, String roleId, String source, int slot) {
        if (realm == null || roleId == null || source == null || source.length() > 255
                || BUFFER.size() >= MAX_BUFFERED && !BUFFER.containsKey(new Edge(realm.getId(), roleId, source))) {
            return;
        }
        long now = System.currentTimeMillis();
        BUFFER.compute(new Edge(realm.getId(), roleId, source), (edge, moments) -> {
            long[] m = moments != null ? moments : new long[2];
            m[slot] = Math.max(m[slot], now);
            return m;
        });
    }

    /** Writes this node's buffered moments, each edge keeping the later of its stored and buffered moments. */
    public static void flush(KeycloakSessionFactory factory) {
        if (BUFFER.isEmpty()) {
            return;
        }
        Map<Edge, long[]> taken = new HashMap<>();
        for (Edge edge : new ArrayList<>(BUFFER.keySet())) {
            long[] moments = BUFFER.remove(edge);
            if (moments != null) {
                taken.put(edge, moments);
            }
        }
        try {
            KeycloakModelUtils.runJobInTransaction(factory, session -> write(session, taken));
        } catch (RuntimeException e) {
            // Another node inserted the same edge at the same moment: keep the moments for the next flush.
            LOG.debugf(e, "Trust use flush failed; retrying later");
            taken.forEach((edge, moments) -> BUFFER.merge(edge, moments, (a, b) -> new long[] {Math.max(a[0], b[0]), Math.max(a[1], b[1])}));
        }
    }

    private static void write(KeycloakSession session, Map<Edge, long[]> taken) {
        EntityManager em = session.getProvider(JpaConnectionProvider.class).getEntityManager();
        taken.forEach((edge, moments) -> {
            TrustUseEntity row = em.find(TrustUseEntity.class, new TrustUseEntity.Key(edge.realmId(), edge.roleId(), edge.source()));
            boolean created = row == null;
            if (created) {
                row = new TrustUseEntity();
                row.realmId = edge.realmId();
                row.roleId = edge.roleId();
                row.source = edge.source();
            }
            row.lastAllowed = later(row.lastAllowed, moments[0]);
            row.lastRefused = later(row.lastRefused, moments[1]);
            if (created) {
                em.persist(row);
            }
        });
        em.flush();
    }

    private static Long later(Long stored, long buffered) {
        if (buffered == 0) {
            return stored;
        }
        return stored == null ? buffered : Math.max(stored, buffered);
    }

    /** Every stored row (after this node's flush), for the platform view. */
    public static List<TrustUseEntity> all(KeycloakSession session) {
        flush(session.getKeycloakSessionFactory());
        return session.getProvider(JpaConnectionProvider.class).getEntityManager()
                .createNamedQuery("stsTrustUse", TrustUseEntity.class).getResultList();
    }

    /** Every node flushes its own buffer on a timer (not cluster-aware: the buffers are per node). */
    public static void scheduleFlush(KeycloakSessionFactory factory) {
        try (KeycloakSession session = factory.create()) {
            TimerProvider timer = session.getProvider(TimerProvider.class);
            if (timer != null) {
                timer.schedule(() -> flush(factory), FLUSH_MILLIS, "sts-trust-use-flush");
            }
        }
    }

    /** A removed realm's or role's rows go with it. */
    public static void onEvent(ProviderEvent event) {
        if (event instanceof RealmModel.RealmRemovedEvent removed) {
            em(removed.getKeycloakSession()).createNamedQuery("stsDeleteTrustUseOfRealm")
                    .setParameter("realmId", removed.getRealm().getId()).executeUpdate();
        } else if (event instanceof ClientModel.ClientRemovedEvent removed) {
            em(removed.getKeycloakSession()).createNamedQuery("stsDeleteTrustUseOfRole")
                    .setParameter("realmId", removed.getClient().getRealm().getId())
                    .setParameter("roleId", removed.getClient().getId()).executeUpdate();
        }
    }

    private static EntityManager em(KeycloakSession session) {
        return session.getProvider(JpaConnectionProvider.class).getEntityManager();
    }
}
