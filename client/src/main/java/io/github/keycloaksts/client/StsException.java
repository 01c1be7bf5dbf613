package io.github.keycloaksts.client;

/**
 * The server refused an exchange (or another STS call): HTTP status, OAuth {@code error} and {@code error_description},
 * and the {@code request_id} that the account's administrators find in their events. {@link #retryable()} is true
 * only for server-side failures (5xx, or no answer at all); a 4xx is the request's fault and is never retried.
 */
public class StsException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final int status;
    private final String error;
    private final String errorDescription;
    private final String requestId;

    public StsException(int status, String error, String errorDescription, String requestId) {
        super(message(status, error, errorDescription, requestId));
        this.status = status;
        this.error = error;
        this.errorDescription = errorDescription;
        this.requestId = requestId;
    }

    /** No answer from the server (connection refused, timeout): status 0. */
    public StsException(String what, Throwable cause) {
        super(what + ": " + cause.getMessage(), cause);
        this.status = 0;
        this.error = "unavailable";
        this.errorDescription = cause.getMessage();
        this.requestId = null;
    }

    private static String message(int status, String error, String description, String requestId) {
        return error + (description == null ? "" : ": " + description) + " (HTTP " + status
                + (requestId == null ? "" : ", request_id " + requestId) + ")";
    }

    public int status() {
        return status;
    }

    public String error() {
        return error;
    }

    public String errorDescription() {
        return errorDescription;
    }

    public String requestId() {
        return requestId;
    }

    public boolean retryable() {
        return status == 0 || status >= 500;
    }
}
