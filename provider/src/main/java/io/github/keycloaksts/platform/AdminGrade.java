package io.github.keycloaksts.platform;

import java.util.stream.Stream;

import org.keycloak.models.ClientModel;
import org.keycloak.models.Constants;
import org.keycloak.models.RoleModel;
import org.keycloak.models.utils.RoleUtils;

/**
 * Whether a role's attached policies are admin-grade: they are, or contain through composites, a role of the realm's
 * {@code realm-management} client (Keycloak's administration of the account itself). Such a role, trusted by another
 * account, hands that account's users the keys to this one.
 */
public final class AdminGrade {

    private AdminGrade() {
    }

    /** @return whether any of {@code attached} (composites expanded) is a {@code realm-management} role */
    public static boolean of(Stream<RoleModel> attached) {
        return RoleUtils.expandCompositeRolesStream(attached).anyMatch(AdminGrade::isRealmManagement);
    }

    private static boolean isRealmManagement(RoleModel role) {
        return role.isClientRole() && role.getContainer() instanceof ClientModel client
                && Constants.REALM_MANAGEMENT_CLIENT_ID.equals(client.getClientId());
    }
}
