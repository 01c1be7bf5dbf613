package io.github.keycloaksts.exchange;

import java.util.Optional;

import io.github.keycloaksts.account.AccountService;
import org.keycloak.models.ClientModel;

/**
 * Which clients of the target account may run AssumeRole at its token endpoint (docs/api.md, "Token exchange",
 * {@code client_id}): the public client {@code sts}, or a client that opts in with the attribute
 * {@value #OPT_IN_ATTRIBUTE} = {@code true} — in the spirit of Keycloak's {@code standard.token.exchange.enabled} —
 * and authenticates itself (confidential). Any other client would otherwise shape role tokens with its own
 * protocol mappers and scopes.
 */
public final class AssumeRoleClients {

    /** Client attribute by which a client of the target realm opts in to AssumeRole. */
    public static final String OPT_IN_ATTRIBUTE = "sts.assume-role.enabled";

    private AssumeRoleClients() {
    }

    /** Empty when {@code client} may run AssumeRole; otherwise why not, for the audit. */
    public static Optional<String> refusal(ClientModel client) {
        return refusal(client.getClientId(), client.isPublicClient(), client.getAttribute(OPT_IN_ATTRIBUTE));
    }

    static Optional<String> refusal(String clientId, boolean publicClient, String optIn) {
        if (AccountService.STS_CLIENT_ID.equals(clientId)) {
            return Optional.empty();
        }
        if (!"true".equals(optIn)) {
            return Optional.of("client " + clientId + " is not allowed to assume roles: it is not " + AccountService.STS_CLIENT_ID
                    + " and has not opted in (client attribute " + OPT_IN_ATTRIBUTE + ")");
        }
        if (publicClient) {
            return Optional.of("client " + clientId + " opted in to assume roles (" + OPT_IN_ATTRIBUTE
                    + ") but is a public client: only a confidential client, with its own client authentication, may opt in");
        }
        return Optional.empty();
    }
}
