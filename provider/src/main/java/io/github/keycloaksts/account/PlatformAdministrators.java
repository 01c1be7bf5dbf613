package io.github.keycloaksts.account;

import org.keycloak.Config;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.services.resources.admin.AdminAuth;
import org.keycloak.services.resources.admin.fgap.AdminPermissions;

/**
 * Who gives account IDs: an administrator of the master realm who may manage the master realm itself ({@code admin},
 * or {@code master-realm} {@code manage-realm}). A realm's own administrators, and master users who may only create
 * realms ({@code create-realm}), may not: the ID decides which trust policies of other accounts a realm's users pass.
 */
public final class PlatformAdministrators {

    private PlatformAdministrators() {
    }

    public static boolean isOne(KeycloakSession session, AdminAuth caller) {
        RealmModel master = session.realms().getRealmByName(Config.getAdminRealm());
        return master != null && caller != null && caller.getRealm() != null && master.getId().equals(caller.getRealm().getId())
                && AdminPermissions.evaluator(session, master, caller).realm().canManageRealm();
    }
}
