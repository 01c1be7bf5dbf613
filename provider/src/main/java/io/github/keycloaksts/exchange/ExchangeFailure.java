package io.github.keycloaksts.exchange;

/**
 * Why an exchange is refused: the OAuth error for the caller, a terse description for the caller, and the full
 * reason for the audit events of both realms.
 */
public final class ExchangeFailure extends RuntimeException {

    static final String NOT_AUTHORIZED = "Not authorized to assume the role";

    final String oauthError;
    final String eventError;
    final String callerDescription;
    final int status;

    private ExchangeFailure(String oauthError, String eventError, int status, String callerDescription, String reason) {
        super(reason, null, false, false);
        this.oauthError = oauthError;
        this.eventError = eventError;
        this.status = status;
        this.callerDescription = callerDescription;
    }

    /** 400 invalid_request: the caller can fix it, so the description says what is wrong. */
    static ExchangeFailure invalidRequest(String description) {
        return new ExchangeFailure("invalid_request", "invalid_request", 400, description, description);
    }

    /** 400 invalid_request for a bad subject token: the caller learns only that it is invalid. */
    static ExchangeFailure invalidToken(String reason) {
        return new ExchangeFailure("invalid_request", "invalid_token", 400, "Invalid subject_token", reason);
    }

    /** 403 access_denied: one description for every cause, so unknown and untrusted look the same. */
    public static ExchangeFailure denied(String reason) {
        return new ExchangeFailure("access_denied", "not_allowed", 403, NOT_AUTHORIZED, reason);
    }

    public String reason() {
        return getMessage();
    }

    public String eventError() {
        return eventError;
    }
}
