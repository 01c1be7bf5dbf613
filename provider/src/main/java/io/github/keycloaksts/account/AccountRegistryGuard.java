package io.github.keycloaksts.account;

import java.util.Map;
import java.util.TreeMap;

import org.jboss.logging.Logger;
import org.keycloak.events.admin.AdminEvent;
import org.keycloak.events.admin.OperationType;
import org.keycloak.events.admin.ResourceType;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.utils.KeycloakModelUtils;

/**
 * The account register lives in the master realm's attributes, which Keycloak's generic realm update
 * ({@code PUT /admin/realms/master}, kcadm, the admin console) rewrites wholesale: an {@code attributes} map without
 * the {@code sts.registry.*} entries deletes the register (every account loses its ID, every cross-account role token
 * ends, retired IDs stop being retired), and one with forged entries gives IDs past every check of
 * {@code PUT /sts/account}. After such an update of master, the register is put back as it was committed before the
 * request (read in a transaction of its own), in the request's own transaction: only {@code /sts/account} and realm
 * creation change it. The platform's guardrails and organizations ({@code sts.platform.*}) are kept the same way: a
 * realm update that dropped them would switch every guardrail off (fail open); only {@code /sts/platform} changes them.
 */
public final class AccountRegistryGuard {

    private static final Logger LOG = Logger.getLogger(AccountRegistryGuard.class);
    private static final String PREFIX = "sts.registry.";
    /** The platform's guardrails and organizations ({@code platform/PlatformPolicies}): changed only through /sts/platform. */
    private static final String PLATFORM_PREFIX = "sts.platform.";

    private AccountRegistryGuard() {
    }

    /** An admin event of any realm, as the lifecycle listener hands it on. */
    public static void onAdminEvent(KeycloakSession session, AdminEvent event) {
        if (event.getResourceType() != ResourceType.REALM || event.getOperationType() != OperationType.UPDATE || event.getRealmId() == null) {
            return;
        }
        RealmModel realm = session.realms().getRealm(event.getRealmId());
        if (realm == null || !AccountRegistry.isMaster(realm)) {
            return;
        }
        String masterId = realm.getId();
        Map<String, String> before = KeycloakModelUtils.runJobInTransactionWithResult(session.getKeycloakSessionFactory(),
                committed -> register(committed.realms().getRealm(masterId)));
        Map<String, String> now = register(realm);
        if (before.equals(now)) {
            return;
        }
        now.keySet().stream().filter(key -> !before.containsKey(key)).forEach(realm::removeAttribute);
        before.forEach(realm::setAttribute);
        LOG.warnf("A realm update of master changed the account register or the platform's guardrails and organizations (%d entries"
                + " before, %d after): put back as they were; give and reinstate account IDs with PUT /admin/realms/{realm}/sts/account,"
                + " change guardrails and organizations under /admin/realms/master/sts/platform", before.size(), now.size());
    }

    private static Map<String, String> register(RealmModel master) {
        Map<String, String> register = new TreeMap<>();
        if (master != null) {
            master.getAttributes().forEach((key, value) -> {
                if (key.startsWith(PREFIX) || key.startsWith(PLATFORM_PREFIX)) {
                    register.put(key, value);
                }
            });
        }
        return register;
    }
}
