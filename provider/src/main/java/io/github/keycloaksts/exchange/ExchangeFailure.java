package io.github.keycloaksts.exchange;

import org.keycloak.OAuthErrorException;
import org.keycloak.events.Errors;

/**
 * Why an exchange is refused: the OAuth error for the caller, a terse description for the caller, the full reason
 * for the target account's events, and what the source account's events may show (the target's reasons stay with
 * the target: they would tell the source account which roles exist and what their trust policies say).
 */
public final class ExchangeFailure extends RuntimeException {

    static final String NOT_AUTHORIZED = "Not authorized to assume the role";
    static final String CLIENT_NOT_ALLOWED = "Client not allowed to assume roles";
    /** The source account's view of every refusal decided by the target account. */
    static final String REFUSED_BY_TARGET = "not allowed by the target account";

    final String oauthError;
    final String eventError;
    final String callerDescription;
    final int status;
    private final String sourceReason;

    private ExchangeFailure(String oauthError, String eventError, int status, String callerDescription, String reason,
                            String sourceReason) {
        super(reason, null, false, false);
        this.oauthError = oauthError;
        this.eventError = eventError;
        this.status = status;
        this.callerDescription = callerDescription;
        this.sourceReason = sourceReason;
    }

    /** 400 invalid_request: the caller can fix it, so the description says what is wrong. */
    static ExchangeFailure invalidRequest(String description) {
        return new ExchangeFailure(OAuthErrorException.INVALID_REQUEST, Errors.INVALID_REQUEST, 400, description, description, description);
    }

    /** 400 invalid_request for a bad subject token: the caller learns only that it is invalid. */
    static ExchangeFailure invalidToken(String reason) {
        return new ExchangeFailure(OAuthErrorException.INVALID_REQUEST, Errors.INVALID_TOKEN, 400, "Invalid subject_token", reason, reason);
    }

    /**
     * 400 invalid_request for a sender-constrained subject token without a matching proof of possession, as
     * Keycloak's standard token exchange answers it.
     */
    static ExchangeFailure proofMissing(String eventError, String description, String reason) {
        return new ExchangeFailure(OAuthErrorException.INVALID_REQUEST, eventError, 400, description, reason, reason);
    }

    /**
     * 400 unauthorized_client: the requesting client may not run AssumeRole. 400 as RFC 6749 §5.2 and Keycloak's own
     * grant-type refusal ({@code ResourceOwnerPasswordCredentialsGrantType}: "Client not allowed for direct access grants").
     */
    static ExchangeFailure unauthorizedClient(String reason) {
        return new ExchangeFailure(OAuthErrorException.UNAUTHORIZED_CLIENT, Errors.UNAUTHORIZED_CLIENT, 400, CLIENT_NOT_ALLOWED, reason, reason);
    }

    /** 403 access_denied decided on the source side (or before either side): both accounts' events get the reason. */
    public static ExchangeFailure denied(String reason) {
        return new ExchangeFailure(OAuthErrorException.ACCESS_DENIED, Errors.NOT_ALLOWED, 403, NOT_AUTHORIZED, reason, reason);
    }

    /** 403 access_denied decided by the target account: its events get the reason, the source's only that it refused. */
    public static ExchangeFailure deniedByTarget(String reason) {
        return new ExchangeFailure(OAuthErrorException.ACCESS_DENIED, Errors.NOT_ALLOWED, 403, NOT_AUTHORIZED, reason, REFUSED_BY_TARGET);
    }

    public String reason() {
        return getMessage();
    }

    /** The reason as the source account's events show it. */
    public String sourceReason() {
        return sourceReason;
    }

    public String eventError() {
        return eventError;
    }
}
