package io.github.keycloaksts.session;

import java.util.List;

import io.github.keycloaksts.platform.TrustUseEntity;
import org.keycloak.Config;
import org.keycloak.connections.jpa.entityprovider.JpaEntityProvider;
import org.keycloak.connections.jpa.entityprovider.JpaEntityProviderFactory;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;

/**
 * Adds {@link RoleSessionRecordEntity} to Keycloak's persistence unit and its Liquibase changelog to Keycloak's schema
 * update (the changelog table is {@code DATABASECHANGELOG_STS_ROLE_S}, from this ID). In the Quarkus distribution the
 * entity is picked up when the server is built with this jar in {@code providers/}.
 */
public final class RoleSessionRecordsEntityProviderFactory implements JpaEntityProviderFactory, JpaEntityProvider {

    public static final String ID = "sts-role-session-records";
    static final String CHANGELOG = "META-INF/sts-role-session-records-changelog.xml";

    @Override
    public JpaEntityProvider create(KeycloakSession session) {
        return this;
    }

    @Override
    public List<Class<?>> getEntities() {
        return List.of(RoleSessionRecordEntity.class, TrustUseEntity.class);
    }

    @Override
    public String getChangelogLocation() {
        return CHANGELOG;
    }

    @Override
    public String getFactoryId() {
        return ID;
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
        return ID;
    }
}
