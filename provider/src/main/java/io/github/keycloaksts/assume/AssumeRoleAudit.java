package io.github.keycloaksts.assume;

import java.net.InetAddress;

import io.github.keycloaksts.account.Account;
import io.github.keycloaksts.policy.eval.Decision;
import io.github.keycloaksts.policy.eval.DecisionSide;
import io.github.keycloaksts.policy.eval.StatementRef;
import org.keycloak.common.ClientConnection;
import org.keycloak.events.Details;
import org.keycloak.events.EventBuilder;
import org.keycloak.events.EventType;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;

/**
 * The audit of an assumption, shared by the token exchange and the Switch Role page: {@code TOKEN_EXCHANGE}
 * events in the source and the target realm with the same details, so both companies see it in their own log.
 */
public final class AssumeRoleAudit {

    private AssumeRoleAudit() {
    }

    /**
     * An allow as one side's events tell it: the statements of that side's own policy that allowed, and only that the
     * other side allowed too (its statements are its own business, as its refusals are).
     */
    public static String allowedReason(Decision decision,
                                       DecisionSide own) {
        StringBuilder reason = new StringBuilder("allowed by ");
        String separator = "";
        for (StatementRef ref : decision.decidingStatements()) {
            if (ref.side() == own) {
                reason.append(separator).append(ref);
                separator = ", ";
            }
        }
        return reason.append(own == DecisionSide.TRUST_POLICY
                ? " and by the source account's grant" : " and by the target account's trust policy").toString();
    }

    /** A new request ID: random, so it tells nothing about the request or the server. */
    public static String newRequestId() {
        return RandomIds.uuid();
    }

    /** The source realm's event: who asked, from which client and session, for which role of which account. */
    public static EventBuilder sourceEvent(KeycloakSession session, ClientConnection connection, RealmModel source, UserModel user,
                                           String clientId, String sessionId, String authMethod, RealmModel target,
                                           String roleArn, String sessionName) {
        EventBuilder event = new EventBuilder(source, session, connection)
                .event(EventType.TOKEN_EXCHANGE).user(user).session(sessionId).client(clientId)
                .detail(Details.AUTH_METHOD, authMethod);
        if (target != null) {
            event.detail(EventDetails.TARGET_REALM, target.getName());
            Account.of(session, target).ifPresent(a -> event.detail(EventDetails.TARGET_ACCOUNT, a.accountId()));
        }
        if (roleArn != null) {
            event.detail(EventDetails.ROLE_ARN, roleArn);
        }
        if (sessionName != null) {
            event.detail(EventDetails.ROLE_SESSION_NAME, sessionName);
        }
        return event;
    }

    /** Who asked, as the target realm's event names it. */
    public static EventBuilder sourceDetails(KeycloakSession session, EventBuilder targetEvent, RealmModel source, UserModel user) {
        targetEvent.detail(EventDetails.SOURCE_REALM, source.getName()).detail(EventDetails.SOURCE_USER, user.getUsername());
        Account.of(session, source).ifPresent(a -> targetEvent.detail(EventDetails.SOURCE_ACCOUNT, a.accountId()));
        return targetEvent;
    }

    /** Stores the event: success, or the failure's error (stored at once, in its own transaction). */
    public static void finish(EventBuilder event, AssumeRoleRefusal failure) {
        if (failure == null) {
            event.success();
        } else {
            event.error(failure.eventError());
        }
    }

    /** The caller's address as Keycloak resolved it (proxy settings applied); an IP literal, so no name lookup. */
    public static InetAddress address(String remoteAddr) {
        try {
            return remoteAddr == null ? null : InetAddress.getByName(remoteAddr);
        } catch (Exception e) {
            return null;
        }
    }
}
