package io.github.keycloaksts.exchange;

import java.util.Optional;

import io.github.keycloaksts.account.Account;
import io.github.keycloaksts.assume.AssumeRoleAudit;
import io.github.keycloaksts.assume.AssumeRoleRefusal;
import io.github.keycloaksts.assume.EventDetails;
import io.github.keycloaksts.policy.arn.UserArn;
import org.keycloak.events.Details;
import org.keycloak.events.EventBuilder;
import org.keycloak.models.KeycloakSession;
import org.keycloak.protocol.oidc.TokenExchangeContext;

/**
 * The events of one exchange: the target realm's (Keycloak's own token-exchange event, which the flows complete) and
 * its mirror in the source account's realm, both carrying this answer's {@code request_id}.
 */
final class ExchangeAudit {

    private final KeycloakSession session;
    private final TokenExchangeContext context;
    private final String requestId;

    ExchangeAudit(KeycloakSession session, TokenExchangeContext context) {
        this.session = session;
        this.context = context;
        this.requestId = AssumeRoleAudit.newRequestId();
        context.getEvent().detail(Details.AUTH_METHOD, AssumeRoleTokenExchangeProvider.AUTH_METHOD)
                .detail(EventDetails.REQUEST_ID, requestId);
    }

    String requestId() {
        return requestId;
    }

    /** A refusal, in the target's event and, when the subject was verified, in the source's. */
    void refused(SubjectTokenVerifier.VerifiedSubject subject, String roleArn, AssumeRoleRefusal failure) {
        EventBuilder event = context.getEvent();
        if (roleArn != null) {
            event.detail(EventDetails.ROLE_ARN, roleArn);
        }
        if (subject != null) {
            AssumeRoleAudit.sourceDetails(session, event, subject.realm(), subject.user());
        }
        event.detail(Details.REASON, failure.targetReason());
        AssumeRoleAudit.finish(event, failure);
        if (subject != null) {
            mirrorInSource(subject, roleArn, null, failure, failure.sourceReason());
        }
    }

    /**
     * The same assumption, seen from the source account: an event in its own realm, with the chain's source identity
     * (the subject user's ARN, or the one a role session's token carries from its first hop).
     */
    void mirrorInSource(SubjectTokenVerifier.VerifiedSubject subject, String roleArn, String sessionName, AssumeRoleRefusal failure,
                        String reason) {
        EventBuilder mirror = AssumeRoleAudit.sourceEvent(session, context.getClientConnection(), subject.realm(), subject.user(),
                subject.token().getIssuedFor(), subject.token().getSessionId(), AssumeRoleTokenExchangeProvider.AUTH_METHOD,
                context.getRealm(), roleArn, sessionName)
                .detail(EventDetails.REQUEST_ID, requestId);
        if (subject.token().getOtherClaims().get(RoleTokenClaims.SOURCE_IDENTITY) instanceof String chained) {
            mirror.detail(EventDetails.SOURCE_IDENTITY, AssumeRoleParameters.printable(chained));
        } else {
            Optional<Account> account = Account.of(session, subject.realm());
            if (account.isPresent() && UserArn.isValidUserName(subject.user().getUsername())) {
                mirror.detail(EventDetails.SOURCE_IDENTITY, UserArn.of(account.get().accountId(), subject.user().getUsername()).toString());
            }
        }
        mirror.detail(Details.REASON, reason);
        AssumeRoleAudit.finish(mirror, failure);
    }
}
