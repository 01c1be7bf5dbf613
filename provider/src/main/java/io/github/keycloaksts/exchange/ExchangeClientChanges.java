package io.github.keycloaksts.exchange;

import java.util.List;
import java.util.Optional;

import io.github.keycloaksts.role.AssumableRole;
import io.github.keycloaksts.session.RoleSessionMarks;
import io.github.keycloaksts.session.RoleSessionRecordEntity;
import io.github.keycloaksts.session.RoleSessionRecords;
import org.jboss.logging.Logger;
import org.keycloak.common.util.Time;
import org.keycloak.models.ClientModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.provider.ProviderEvent;

/**
 * Makes Keycloak's own switches on the client that obtained a role token ({@code sts} or an opted-in client: the
 * token's {@code azp}) a permanent end for those tokens. Keycloak refuses a token whose {@code azp} client is disabled,
 * missing or has a later not-before, but only while that lasts: enabling the client again, re-creating a client with
 * the same client ID, renaming it back or clearing the not-before would revive the tokens. Opting a client out (or
 * making it public) is a narrowing Keycloak does not see at all. Each of these, on whichever path made it (admin
 * console, admin REST, partial import, client registration), revokes the client's recorded role tokens by ID, in the
 * transaction of the change.
 */
public final class ExchangeClientChanges {

    private static final Logger LOG = Logger.getLogger(ExchangeClientChanges.class);

    private ExchangeClientChanges() {
    }

    /** Keycloak's model events, as the lifecycle listener hands them on. */
    public static void onEvent(ProviderEvent event) {
        if (event instanceof ClientModel.ClientUpdatedEvent updated) {
            ClientModel client = updated.getUpdatedClient();
            endedUntil(client, Time.currentTimeMillis()).ifPresent(until ->
                    end(updated.getKeycloakSession(), client.getRealm(), client.getClientId(), until, "switched off or opted out"));
        } else if (event instanceof ClientModel.ClientIdChangeEvent renamed && renamed.getPreviousClientId() != null) {
            end(renamed.getKeycloakSession(), renamed.getUpdatedClient().getRealm(), renamed.getPreviousClientId(),
                    Time.currentTimeMillis(), "renamed to " + renamed.getNewClientId());
        } else if (event instanceof ClientModel.ClientRemovedEvent removed) {
            ClientModel client = removed.getClient();
            end(removed.getKeycloakSession(), client.getRealm(), client.getClientId(), Time.currentTimeMillis(), "deleted");
        }
    }

    /** Until when the role tokens {@code client} obtained end, or empty when it may still hold them all. */
    static Optional<Long> endedUntil(ClientModel client, long nowMillis) {
        if (AssumableRole.isRoleClientId(client.getClientId())) {
            return Optional.empty(); // role storage, never a token's azp (and guarded elsewhere)
        }
        if (!client.isEnabled() || AssumeRoleClients.refusal(client).isPresent()) {
            return Optional.of(nowMillis);
        }
        if (client.getNotBefore() > 0) {
            return Optional.of(RoleSessionMarks.endOfNotBefore(client.getNotBefore(), nowMillis));
        }
        return Optional.empty();
    }

    private static void end(KeycloakSession session, RealmModel realm, String clientId, long untilMillis, String why) {
        if (clientId == null || AssumableRole.isRoleClientId(clientId)) {
            return;
        }
        int ended = endTokensOf(session, realm, clientId, untilMillis);
        if (ended > 0) {
            LOG.infof("Client %s of realm %s %s: %d role tokens it obtained ended for good", clientId, realm.getName(), why, ended);
        }
    }

    /** Revokes, by their recorded IDs, the unexpired role tokens {@code clientId} obtained until {@code untilMillis}; returns how many. */
    static int endTokensOf(KeycloakSession session, RealmModel realm, String clientId, long untilMillis) {
        List<RoleSessionRecordEntity> tokens = RoleSessionRecords.tokensOfClient(session, realm, clientId, untilMillis);
        RoleSessionMarks marks = new RoleSessionMarks(session);
        tokens.forEach(token -> marks.revokeToken(token.getSessionId(), token.getExpiresAt()));
        return tokens.size();
    }
}
