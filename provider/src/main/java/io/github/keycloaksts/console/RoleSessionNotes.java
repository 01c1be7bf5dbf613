package io.github.keycloaksts.console;

/** User-session notes that make a browser session of the target realm a role session (Switch Role). */
final class RoleSessionNotes {

    static final String ROLE_NAME = "sts.role-name";
    static final String ROLE_ARN = "sts.role-arn";
    static final String SESSION_NAME = "sts.role-session-name";
    static final String SOURCE_IDENTITY = "sts.source-identity";
    static final String SOURCE_REALM = "sts.source-realm";
    static final String SOURCE_USERNAME = "sts.source-username";
    static final String SOURCE_ACCOUNT = "sts.source-account";
    static final String ACT_SUB = "sts.act-sub";
    static final String ACT_ISS = "sts.act-iss";
    static final String EXPIRES_AT = "sts.expires-at";
    static final String DURATION = "sts.duration";
    static final String SOURCE_SESSION = "sts.source-session";
    static final String DISPLAY_NAME = "sts.display-name";
    static final String COLOR = "sts.color";

    private RoleSessionNotes() {
    }
}
