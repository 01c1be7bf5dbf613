package io.github.keycloaksts.web;

import org.keycloak.models.KeycloakSession;
import org.keycloak.services.resource.RealmResourceProvider;

final class StsRealmResourceProvider implements RealmResourceProvider {

    private final KeycloakSession session;

    StsRealmResourceProvider(KeycloakSession session) {
        this.session = session;
    }

    @Override
    public Object getResource() {
        return new StsRealmResource(session);
    }

    @Override
    public void close() {
    }
}
