package io.github.keycloaksts.exchange;

import org.keycloak.Config;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.protocol.oidc.TokenExchangeProvider;
import org.keycloak.protocol.oidc.TokenExchangeProviderFactory;

/**
 * RFC 8693 token exchange for AssumeRole. Ordered ahead of Keycloak's providers (standard V2 is 10), and claims
 * only requests that carry {@code role_arn}: every other exchange stays with Keycloak's standard provider.
 */
public final class AssumeRoleTokenExchangeProviderFactory implements TokenExchangeProviderFactory {

    public static final String PROVIDER_ID = "sts-assume-role";

    @Override
    public TokenExchangeProvider create(KeycloakSession session) {
        return new AssumeRoleTokenExchangeProvider(session);
    }

    @Override
    public void init(Config.Scope config) {
    }

    @Override
    public void postInit(KeycloakSessionFactory factory) {
    }

    @Override
    public void close() {
    }

    @Override
    public String getId() {
        return PROVIDER_ID;
    }

    @Override
    public int order() {
        return 100;
    }
}
