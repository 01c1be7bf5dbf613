package io.github.keycloaksts.assume;

import org.keycloak.OAuthErrorException;
import org.keycloak.events.Errors;

/**
 * Why an assumption is refused, by the token exchange or the Switch Role page: the OAuth error for the caller, a terse description for the caller, the full reason
 * for the target account's events, and what the source account's events may show (the target's reasons stay with
 * the target: they would tell the source account which roles exist and what their trust policies say).
 */
public final class AssumeRoleRefusal extends RuntimeException {

    static final String NOT_AUTHORIZED = "Not authorized to assume the role";
    static final String CLIENT_NOT_ALLOWED = "Client not allowed to assume roles";
    /** The source account's view of every refusal decided by the target account. */
    static final String REFUSED_BY_TARGET = "not allowed by the target account";
    /** The target account's view of every refusal decided by the source account's grants. */
    static final String REFUSED_BY_SOURCE = "not allowed by the source account";
    /** How every refusal decided by the platform starts, in both accounts' events. */
    static final String REFUSED_BY_PLATFORM = "refused by the platform: ";

    private final String oauthError;
    private final String eventError;
    private final String callerDescription;
    private final int status;
    private final String sourceReason;
    private final String targetReason;

    private AssumeRoleRefusal(String oauthError, String eventError, int status, String callerDescription, String reason,
                            String sourceReason) {
        this(oauthError, eventError, status, callerDescription, reason, sourceReason, reason);
    }

    private AssumeRoleRefusal(String oauthError, String eventError, int status, String callerDescription, String reason,
                              String sourceReason, String targetReason) {
        super(reason, null, false, false);
        this.targetReason = targetReason;
        this.oauthError = oauthError;
        this.eventError = eventError;
        this.status = status;
        this.callerDescription = callerDescription;
        this.sourceReason = sourceReason;
    }

    /** 400 invalid_request: the caller can fix it, so the description says what is wrong. */
    public static AssumeRoleRefusal invalidRequest(String description) {
        return new AssumeRoleRefusal(OAuthErrorException.INVALID_REQUEST, Errors.INVALID_REQUEST, 400, description, description, description);
    }

    /** 400 invalid_request for a bad subject token: the caller learns only that it is invalid. */
    public static AssumeRoleRefusal invalidToken(String reason) {
        return new AssumeRoleRefusal(OAuthErrorException.INVALID_REQUEST, Errors.INVALID_TOKEN, 400, "Invalid subject_token", reason, reason);
    }

    /**
     * 400 invalid_request for a sender-constrained subject token without a matching proof of possession, as
     * Keycloak's standard token exchange answers it.
     */
    public static AssumeRoleRefusal proofMissing(String eventError, String description, String reason) {
        return new AssumeRoleRefusal(OAuthErrorException.INVALID_REQUEST, eventError, 400, description, reason, reason);
    }

    /**
     * 400 unauthorized_client: the requesting client may not run AssumeRole. 400 as RFC 6749 §5.2 and Keycloak's own
     * grant-type refusal ({@code ResourceOwnerPasswordCredentialsGrantType}: "Client not allowed for direct access grants").
     */
    public static AssumeRoleRefusal unauthorizedClient(String reason) {
        return new AssumeRoleRefusal(OAuthErrorException.UNAUTHORIZED_CLIENT, Errors.UNAUTHORIZED_CLIENT, 400, CLIENT_NOT_ALLOWED, reason, reason);
    }

    /** 403 access_denied decided on the source side (or before either side): both accounts' events get the reason. */
    public static AssumeRoleRefusal denied(String reason) {
        return new AssumeRoleRefusal(OAuthErrorException.ACCESS_DENIED, Errors.NOT_ALLOWED, 403, NOT_AUTHORIZED, reason, reason);
    }

    /**
     * 403 access_denied decided by the source account's grants: its events get the reason, the target's only that the
     * source refused {@code requester} (the source's grants stay with the source, as the target's trust policy does).
     */
    public static AssumeRoleRefusal deniedBySource(String reason, String requester) {
        return new AssumeRoleRefusal(OAuthErrorException.ACCESS_DENIED, Errors.NOT_ALLOWED, 403, NOT_AUTHORIZED, reason, reason,
                REFUSED_BY_SOURCE + " (" + requester + " is not granted sts:AssumeRole on the role)");
    }

    /** 403 access_denied decided by the target account: its events get the reason, the source's only that it refused. */
    public static AssumeRoleRefusal deniedByTarget(String reason) {
        return new AssumeRoleRefusal(OAuthErrorException.ACCESS_DENIED, Errors.NOT_ALLOWED, 403, NOT_AUTHORIZED, reason, REFUSED_BY_TARGET);
    }

    /**
     * 403 access_denied decided by the platform (a guardrail, or guardrails it cannot read): both accounts' events get the
     * reason, which cites the guardrail and statement; the platform's policies are no account's secret.
     */
    public static AssumeRoleRefusal deniedByPlatform(String reason) {
        String cited = REFUSED_BY_PLATFORM + reason;
        return new AssumeRoleRefusal(OAuthErrorException.ACCESS_DENIED, Errors.NOT_ALLOWED, 403, NOT_AUTHORIZED, cited, cited);
    }

    public String reason() {
        return getMessage();
    }

    /** True when the platform refused (a guardrail, or guardrails it cannot read). */
    public boolean decidedByPlatform() {
        return sourceReason != null && sourceReason.startsWith(REFUSED_BY_PLATFORM);
    }

    /** True when the target account refused (its trust policy, its role), false when the source's grants did. */
    public boolean decidedByTarget() {
        return REFUSED_BY_TARGET.equals(sourceReason);
    }

    /** The reason as the target account's events show it. */
    public String targetReason() {
        return targetReason;
    }

    /** The reason as the source account's events show it. */
    public String sourceReason() {
        return sourceReason;
    }

    public String eventError() {
        return eventError;
    }

    /** The OAuth error code for the caller ({@code access_denied}, {@code invalid_request}, ...). */
    public String oauthError() {
        return oauthError;
    }

    /** What the caller is told: terse for refusals, specific for requests the caller can fix. */
    public String callerDescription() {
        return callerDescription;
    }

    public int status() {
        return status;
    }
}
