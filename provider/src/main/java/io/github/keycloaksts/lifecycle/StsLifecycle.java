package io.github.keycloaksts.lifecycle;

import java.util.List;

import io.github.keycloaksts.account.AccountRegistryEvents;
import io.github.keycloaksts.account.AccountRegistryGuard;
import io.github.keycloaksts.account.EveryRealm;
import io.github.keycloaksts.admin.RealmCreation;
import io.github.keycloaksts.admin.RoleClientGuard;
import io.github.keycloaksts.adminui.AssumableRolesPageProviderFactory;
import io.github.keycloaksts.adminui.OidcProvidersPageProviderFactory;
import io.github.keycloaksts.adminui.PageEvents;
import io.github.keycloaksts.exchange.ExchangeClientChanges;
import io.github.keycloaksts.exchange.ExchangeClientMapperChanges;
import io.github.keycloaksts.platform.PlatformSnapshots;
import io.github.keycloaksts.platform.TrustUsage;
import io.github.keycloaksts.session.OidcProviderEvents;
import io.github.keycloaksts.session.RoleSessionRecords;
import io.github.keycloaksts.session.TargetRealmChanges;
import org.jboss.logging.Logger;
import org.keycloak.Config;
import org.keycloak.events.Event;
import org.keycloak.events.EventListenerProvider;
import org.keycloak.events.EventListenerProviderFactory;
import org.keycloak.events.admin.AdminEvent;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.models.utils.KeycloakModelUtils;
import org.keycloak.models.utils.PostMigrationEvent;
import org.keycloak.provider.ProviderEvent;

/**
 * keycloak-sts's one lifecycle listener: everything that must happen when Keycloak itself changes something, whoever
 * changed it and by whichever path, is handed on from here, in a fixed order.
 *
 * <ul>
 *   <li><b>Model events</b> (Keycloak's {@code ProviderEvent}s: realms, clients, roles, identity providers), in the
 *       transaction of the change: realm creation first (a refusal undoes the creation before anything else acts on
 *       it), then the role-client guard, the account register, the records of role-session starts, OIDC providers,
 *       the clients that obtain role tokens, and last the admin console pages, which mirror the rest.</li>
 *   <li><b>Admin events</b> of every realm (a <b>global</b> event listener: called whatever a realm's event settings,
 *       stored or not), for changes Keycloak publishes no model event for: the master realm's attributes, which hold
 *       the account register ({@link AccountRegistryGuard}), realm switches ({@link TargetRealmChanges}), and protocol
 *       mappers and client scopes ({@link ExchangeClientMapperChanges}).</li>
 *   <li><b>Start-up</b> (after Keycloak's migration): the account register's one-time migration, the clean-up
 *       schedule of the records, and one pass over every realm that locks its role clients and brings the admin
 *       console pages in step.</li>
 * </ul>
 */
public final class StsLifecycle implements EventListenerProviderFactory {

    public static final String ID = "keycloak-sts";
    private static final Logger LOG = Logger.getLogger(StsLifecycle.class);

    @Override
    public EventListenerProvider create(KeycloakSession session) {
        return new AdminEvents(session);
    }

    @Override
    public boolean isGlobal() {
        return true;
    }

    @Override
    public String getId() {
        return ID;
    }

    @Override
    public void init(Config.Scope config) {
    }

    @Override
    public void postInit(KeycloakSessionFactory factory) {
        boolean pageOn = AssumableRolesPageProviderFactory.pageOn();
        factory.register(event -> onModelEvent(event, pageOn));
    }

    static void onModelEvent(ProviderEvent event, boolean pageOn) {
        if (event instanceof PostMigrationEvent started) {
            startUp(started.getFactory(), pageOn);
            return;
        }
        RealmCreation.onEvent(event);
        RoleClientGuard.onEvent(event);
        AccountRegistryEvents.onEvent(event);
        RoleSessionRecords.onEvent(event);
        TrustUsage.onEvent(event);
        OidcProviderEvents.onEvent(event);
        ExchangeClientChanges.onEvent(event);
        PageEvents.onEvent(event, pageOn);
        OidcProvidersPageProviderFactory.onEvent(event, pageOn);
    }

    private static void startUp(KeycloakSessionFactory factory, boolean pageOn) {
        long started = System.nanoTime();
        AccountRegistryEvents.startUp(factory);
        RoleSessionRecords.scheduleCleanup(factory);
        TrustUsage.scheduleFlush(factory);
        KeycloakModelUtils.runJobInTransaction(factory, PlatformSnapshots::markTrackingStart);
        int realms = EveryRealm.each(factory, "start keycloak-sts", List.of(
                RoleClientGuard::lockAll,
                (session, realm) -> PageEvents.startUp(session, realm, pageOn),
                (session, realm) -> OidcProvidersPageProviderFactory.startUp(session, realm, pageOn)));
        LOG.infof("keycloak-sts started on %d realms in %d ms", realms, (System.nanoTime() - started) / 1_000_000);
    }

    @Override
    public void close() {
    }

    /** The admin-event half, bound to the request's session. */
    private static final class AdminEvents implements EventListenerProvider {

        private final KeycloakSession session;

        AdminEvents(KeycloakSession session) {
            this.session = session;
        }

        @Override
        public void onEvent(Event event) {
            // user events: nothing to do
        }

        @Override
        public void onEvent(AdminEvent event, boolean includeRepresentation) {
            AccountRegistryGuard.onAdminEvent(session, event);
            TargetRealmChanges.onAdminEvent(session, event);
            ExchangeClientMapperChanges.onAdminEvent(session, event);
        }

        @Override
        public void close() {
        }
    }
}
