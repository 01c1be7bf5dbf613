package io.github.keycloaksts.exchange;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import io.github.keycloaksts.session.RoleSessionRecords;
import io.github.keycloaksts.session.RoleSessionStorageComponent;
import org.jboss.logging.Logger;
import org.keycloak.common.util.Time;
import org.keycloak.events.admin.AdminEvent;
import org.keycloak.events.admin.ResourceType;
import org.keycloak.models.AuthenticatedClientSessionModel;
import org.keycloak.models.ClientModel;
import org.keycloak.models.ClientScopeModel;
import org.keycloak.models.ClientSessionContext;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.protocol.oidc.OIDCLoginProtocol;
import org.keycloak.services.util.DefaultClientSessionContext;
import org.keycloak.storage.adapter.InMemoryUserAdapter;

/**
 * A protocol mapper added later to {@code sts} or an opted-in client, or to one of their client scopes, would rewrite
 * what introspection and userinfo say of role tokens already issued ({@link OwnedClaimMappers}: Keycloak runs the
 * mappers again there). New exchanges through such a client are refused ({@link RoleTokenMinter}); the role tokens it
 * obtained before end when the change is made: this is a <b>global</b> admin-event listener (mapper and client-scope
 * changes publish no model event), which probes every client that holds unexpired role tokens of the realm (by the
 * records of role-session starts) with all its default and optional scopes after each such change, and revokes the
 * recorded tokens of a client that now rewrites owned claims.
 */
public final class ExchangeClientMapperChanges {

    private static final Logger LOG = Logger.getLogger(ExchangeClientMapperChanges.class);
    private static final Set<ResourceType> MAPPER_CHANGES = Set.of(ResourceType.PROTOCOL_MAPPER, ResourceType.CLIENT_SCOPE,
            ResourceType.CLIENT_SCOPE_CLIENT_MAPPING, ResourceType.CLIENT);

    private ExchangeClientMapperChanges() {
    }

    /** An admin event of any realm, as the lifecycle listener hands it on, in the request's session and transaction. */
    public static void onAdminEvent(KeycloakSession session, AdminEvent event) {
        if (!MAPPER_CHANGES.contains(event.getResourceType()) || event.getRealmId() == null) {
            return;
        }
        RealmModel realm = session.realms().getRealm(event.getRealmId());
        if (realm == null || !RoleSessionStorageComponent.servesRoleSessions(realm)) {
            return;
        }
        for (ClientModel client : exchangeClients(session, realm)) {
            rewriting(session, realm, client).ifPresent(reason -> LOG.warnf(
                    "%s: %d role tokens it obtained in realm %s ended, and it obtains none until the mapper is gone", reason,
                    ExchangeClientChanges.endTokensOf(session, realm, client.getClientId(), Time.currentTimeMillis()), realm.getName()));
        }
    }

    /** The clients that hold unexpired role tokens of the realm, by their records (only they have tokens to end). */
    private static List<ClientModel> exchangeClients(KeycloakSession session, RealmModel realm) {
        List<ClientModel> clients = new ArrayList<>();
        for (String clientId : RoleSessionRecords.clientsWithTokens(session, realm)) {
            ClientModel client = realm.getClientByClientId(clientId);
            if (client != null) {
                clients.add(client);
            }
        }
        return clients;
    }

    /** The client's mappers over every scope a token of it can carry, tried on a probe user. */
    private static Optional<String> rewriting(KeycloakSession session, RealmModel realm, ClientModel client) {
        InMemoryUserAdapter probe = new InMemoryUserAdapter(session, realm, "sts-mapper-probe");
        probe.setUsername("sts-mapper-probe");
        RequestOnlySession userSession = new RequestOnlySession(realm, probe, null, AssumeRoleTokenExchangeProvider.AUTH_METHOD);
        AuthenticatedClientSessionModel clientSession = userSession.addClientSession(client);
        clientSession.setProtocol(OIDCLoginProtocol.LOGIN_PROTOCOL);
        Set<ClientScopeModel> scopes = Stream.concat(client.getClientScopes(true).values().stream(),
                client.getClientScopes(false).values().stream()).collect(Collectors.toSet());
        scopes.add(client); // its own mappers
        ClientSessionContext context = DefaultClientSessionContext.fromClientSessionAndClientScopes(clientSession, scopes, null, session);
        return OwnedClaimMappers.rewriting(session, context, userSession, client, RoleTokenClaims.acr(clientSession), null, false);
    }
}
