package io.github.keycloaksts.it.support;

import org.junit.platform.launcher.LauncherSession;
import org.junit.platform.launcher.LauncherSessionListener;

/** Stops the shared Keycloak (and the cluster, if a test started it) when the test run ends, whether the tests passed or not. */
public final class SharedServerShutdown implements LauncherSessionListener {

    @Override
    public void launcherSessionClosed(LauncherSession session) {
        try {
            KeycloakCluster.stopShared();
        } finally {
            KeycloakServer.stopShared();
        }
    }
}
