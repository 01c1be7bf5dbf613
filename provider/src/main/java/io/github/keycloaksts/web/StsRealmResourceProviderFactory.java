package io.github.keycloaksts.web;

import java.util.Map;

import org.keycloak.Config;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.provider.ServerInfoAwareProviderFactory;
import org.keycloak.services.resource.RealmResourceProvider;
import org.keycloak.services.resource.RealmResourceProviderFactory;

/** Serves {@code /realms/{realm}/sts/...}: the public, per-account endpoints of keycloak-sts. */
public final class StsRealmResourceProviderFactory implements RealmResourceProviderFactory, ServerInfoAwareProviderFactory {

    public static final String PROVIDER_ID = "sts";

    @Override
    public RealmResourceProvider create(KeycloakSession session) {
        return new StsRealmResourceProvider(session);
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

    /** The server info's entry for keycloak-sts: the version in the jar's manifest (provider/pom.xml), else "unknown". */
    @Override
    public Map<String, String> getOperationalInfo() {
        String version = StsRealmResourceProviderFactory.class.getPackage().getImplementationVersion();
        return Map.of("version", version == null ? "unknown" : version);
    }
}
