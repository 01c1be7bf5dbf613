package io.github.keycloaksts.role;

import com.fasterxml.jackson.annotation.JsonInclude;
import org.keycloak.models.ClientModel;
import org.keycloak.models.RoleModel;

/**
 * A permission policy attached to an assumable role: a realm role ({@code clientId == null}) or a client role of
 * the same realm.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record AttachedPolicy(String policyName, String clientId) {

    public static AttachedPolicy of(RoleModel role) {
        if (role.isClientRole()) {
            return new AttachedPolicy(role.getName(), ((ClientModel) role.getContainer()).getClientId());
        }
        return new AttachedPolicy(role.getName(), null);
    }

    /** The name session policies match their {@code Resource} patterns against: {@code name} or {@code clientId/name}. */
    public String qualifiedName() {
        return clientId == null ? policyName : clientId + "/" + policyName;
    }
}
