package io.github.keycloaksts.session;

import org.jboss.logging.Logger;
import org.keycloak.common.util.Time;
import org.keycloak.models.KeycloakSession;
import org.keycloak.timer.ScheduledTask;

/**
 * Deletes the records of role sessions that have expired: they are never listed or ended again. Run by a
 * {@code ClusterAwareScheduledTaskRunner}, keyed by this class's simple name, so one node of the cluster per interval.
 */
public final class ExpiredRoleSessionRecords implements ScheduledTask {

    private static final Logger LOG = Logger.getLogger(ExpiredRoleSessionRecords.class);

    @Override
    public void run(KeycloakSession session) {
        long started = Time.currentTimeMillis();
        int deleted = RoleSessionRecords.deleteExpired(session, Time.currentTime());
        LOG.debugf("%s deleted %d rows in %d ms", getTaskName(), deleted, Time.currentTimeMillis() - started);
    }

    @Override
    public String getTaskName() {
        return "StsExpiredRoleSessionRecords";
    }
}
