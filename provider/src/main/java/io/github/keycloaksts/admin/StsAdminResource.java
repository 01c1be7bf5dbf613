package io.github.keycloaksts.admin;

import jakarta.ws.rs.Path;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.services.resources.admin.AdminEventBuilder;
import org.keycloak.services.resources.admin.fgap.AdminPermissionEvaluator;

/**
 * {@code /admin/realms/{realm}/sts}: the account's identity ({@link AccountResource}), its assumable roles
 * ({@link RolesResource} → {@link RoleResource} → {@link TrustPolicyResource}, {@link RolePoliciesResource},
 * {@link RoleSessionsResource}) and, on the source side, which of its Keycloak roles grant assuming what
 * ({@link GrantsResource}). Reading needs {@code view-realm}, changing needs {@code manage-realm}; every change is
 * an admin event. Responses are the records of {@code admin/representation/}, made by {@link Converters}; every
 * refusal is an {@link AdminApiException}.
 */
public final class StsAdminResource {

    private final AdminContext context;

    StsAdminResource(KeycloakSession session, RealmModel realm, AdminPermissionEvaluator auth, AdminEventBuilder adminEvent) {
        this.context = new AdminContext(session, realm, auth, adminEvent);
    }

    @Path("account")
    public AccountResource account() {
        return new AccountResource(context);
    }

    @Path("roles")
    public RolesResource roles() {
        return new RolesResource(context);
    }

    @Path("oidc-providers")
    public OidcProvidersResource oidcProviders() {
        return new OidcProvidersResource(context);
    }

    @Path("grants")
    public GrantsResource grants() {
        return new GrantsResource(context);
    }

    @Path("external-access")
    public ExternalAccessResource externalAccess() {
        return new ExternalAccessResource(context);
    }

    @Path("platform")
    public PlatformResource platform() {
        return new PlatformResource(context);
    }
}
