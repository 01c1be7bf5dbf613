package io.github.keycloaksts.assume;

import io.github.keycloaksts.policy.tags.SessionTags;

/**
 * The detail keys keycloak-sts writes into Keycloak's user and admin events (docs/api.md, "Events"): one place, so the
 * exchange, Switch Role, the role console and the admin API name the same fact the same way, and operators' queries on
 * {@code details.*} keep working.
 */
public final class EventDetails {

    /**
     * One ID per AssumeRole answer (exchange or Switch Role, success or refusal), in the answer and in the events of both
     * realms, so each account's administrator finds the same request in their own log.
     */
    public static final String REQUEST_ID = "request_id";
    public static final String ROLE_ARN = "role_arn";
    public static final String ROLE_SESSION_NAME = "role_session_name";
    public static final String SOURCE_REALM = "source_realm";
    public static final String SOURCE_ACCOUNT = "source_account";
    public static final String SOURCE_USER = "source_user";
    public static final String SOURCE_USER_ID = "source_user_id";
    public static final String SOURCE_SESSION = "source_session";
    public static final String SOURCE_IDENTITY = "source_identity";
    /** A chained session: the role session it was assumed from ({@code acs:ram::<A>:role/<name>/<session>}). */
    public static final String CHAINED_FROM = "chained_from";
    /** The session's tags, {@code key=value} joined by {@code ,} with transitive keys marked {@code *} ({@link #tags}). */
    public static final String SESSION_TAGS = "session_tags";
    public static final String TARGET_REALM = "target_realm";
    public static final String TARGET_ACCOUNT = "target_account";
    public static final String DURATION_SECONDS = "duration_seconds";
    /** The session's {@code exp}, in seconds. */
    public static final String EXPIRES_AT = "expires_at";
    public static final String SUBJECT_TOKEN_TYPE = "subject_token_type";
    public static final String OIDC_PROVIDER = "oidc_provider";
    public static final String OIDC_ISSUER = "oidc_issuer";
    public static final String OIDC_SUBJECT = "oidc_subject";
    public static final String OIDC_AUDIENCE = "oidc_audience";
    public static final String OIDC_CLIENT_IDS = "oidc_client_ids";
    /** Admin events: the accounts (or OIDC provider ARNs) whose role sessions a change ended. */
    public static final String REVOKED_ACCOUNTS = "revoked_accounts";
    /** Admin events: the client a guarded change concerned. */
    public static final String CLIENT_ID = "client_id";
    /** Admin events of {@code PUT /sts/account}: an ID given back, and the realm it was retired from. */
    public static final String REINSTATED = "reinstated";
    public static final String RETIRED_FROM = "retired_from";

    private EventDetails() {
    }

    /** Tags as one event detail: {@code team=blue,*project=apollo} (a {@code *} marks a transitive tag). */
    public static String tags(SessionTags tags) {
        StringBuilder text = new StringBuilder();
        tags.tags().forEach((key, value) -> text.append(text.length() == 0 ? "" : ",").append(tags.isTransitive(key) ? "*" : "")
                .append(key).append('=').append(value));
        return text.toString();
    }
}
