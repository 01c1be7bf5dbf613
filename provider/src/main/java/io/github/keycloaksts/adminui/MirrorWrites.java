package io.github.keycloaksts.adminui;

import org.keycloak.models.KeycloakSession;

/**
 * The writes a page makes to its own entries while mirroring (roles, OIDC providers), marked on the session so that the
 * page's validation and write-through hooks stand aside for them. Nested marks keep the outer one.
 */
final class MirrorWrites {

    private final String attribute;

    MirrorWrites(Class<?> page) {
        this.attribute = page.getName() + ".syncing";
    }

    /** True while this page writes its entries in {@code session}. */
    boolean active(KeycloakSession session) {
        return session.getAttribute(attribute) != null;
    }

    void run(KeycloakSession session, Runnable writes) {
        Object previous = session.getAttribute(attribute);
        session.setAttribute(attribute, Boolean.TRUE);
        try {
            writes.run();
        } finally {
            if (previous == null) {
                session.removeAttribute(attribute);
            }
        }
    }
}
