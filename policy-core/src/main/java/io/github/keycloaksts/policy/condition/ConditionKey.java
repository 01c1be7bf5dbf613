package io.github.keycloaksts.policy.condition;

import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The condition keys a policy may test. Key names are matched case-insensitively when read
 * (like AWS and Alibaba RAM) and written in the spelling shown here.
 *
 * <p>Two keys {@linkplain #hasTagKey() take a tag key}: a policy writes them {@code acs:RequestTag/<tag key>} and
 * {@code acs:PrincipalTag/<tag key>}, one key per tag, and the {@link Condition} holds the tag key. The tag-key part
 * is matched case-insensitively too (session tag keys are unique ignoring case) and written as given.
 */
public enum ConditionKey {
    /** {@code sts:ExternalId}: the {@code external_id} parameter of the request. */
    EXTERNAL_ID("sts:ExternalId", ValueType.STRING),
    /** {@code sts:RoleSessionName}: the role session name requested (or defaulted). */
    ROLE_SESSION_NAME("sts:RoleSessionName", ValueType.STRING),
    /** {@code sts:SourceClientId}: the client the subject token was issued to (its {@code azp}). */
    SOURCE_CLIENT_ID("sts:SourceClientId", ValueType.STRING),
    /**
     * {@code sts:SourceIdentity}: who started the chain of role sessions (an ARN such as
     * {@code acs:ram::12345678:user/bob}): set at the first hop and carried unchanged through every later one, so a
     * trust policy can name the person behind a role session however many roles lie between.
     */
    SOURCE_IDENTITY("sts:SourceIdentity", ValueType.STRING),
    /** {@code sts:DurationSeconds}: the requested session duration in seconds. */
    DURATION_SECONDS("sts:DurationSeconds", ValueType.NUMBER),
    /** {@code acs:SourceIp}: the caller's IP address. */
    SOURCE_IP("acs:SourceIp", ValueType.IP),
    /** {@code acs:CurrentTime}: the time of the request. */
    CURRENT_TIME("acs:CurrentTime", ValueType.DATE),
    /** {@code acs:MFAPresent}: whether the source user's sign-in used a second factor. */
    MFA_PRESENT("acs:MFAPresent", ValueType.BOOL),
    /** {@code oidc:iss}: the issuer of a federated subject's external token. */
    OIDC_ISS("oidc:iss", ValueType.STRING),
    /**
     * {@code oidc:aud}: the audiences of a federated subject's external token. Multi-valued: a positive
     * operator holds when any audience matches, a negated one when none does.
     */
    OIDC_AUD("oidc:aud", ValueType.STRING),
    /** {@code oidc:sub}: the subject of a federated subject's external token. */
    OIDC_SUB("oidc:sub", ValueType.STRING),
    /**
     * {@code acs:RequestTag/<tag key>}: the value of that tag among the session tags the request asks for (the
     * {@code tags} parameter); absent when the request does not pass it.
     */
    REQUEST_TAG("acs:RequestTag", ValueType.STRING, true),
    /**
     * {@code acs:PrincipalTag/<tag key>}: the value of that tag of the requester, as its account's administrators
     * set it; absent when the requester has no such tag.
     */
    PRINCIPAL_TAG("acs:PrincipalTag", ValueType.STRING, true),
    /**
     * {@code acs:TagKeys}: the keys of the request's session tags, as the request spells them. Multi-valued like
     * {@code oidc:aud}: a positive operator holds when any key matches, a negated one when none does. Keys are unique
     * ignoring case, so compare them with {@code StringEqualsIgnoreCase} (or its negation) unless their spelling
     * matters: a Deny on {@code StringEquals "Admin"} lets {@code admin} through.
     */
    TAG_KEYS("acs:TagKeys", ValueType.STRING),
    /**
     * {@code acs:PrincipalAccount}: the requester's account ID (for AssumeRoleWithOIDC, the account of the OIDC
     * provider, which is the role's own). The platform keys below let guardrails speak about accounts and
     * organizations; any policy may test them.
     */
    PRINCIPAL_ACCOUNT("acs:PrincipalAccount", ValueType.STRING),
    /** {@code acs:PrincipalOrgId}: the organization of the requester's account; absent when it is in none. */
    PRINCIPAL_ORG_ID("acs:PrincipalOrgId", ValueType.STRING),
    /** {@code acs:ResourceAccount}: the account ID of the role asked for. */
    RESOURCE_ACCOUNT("acs:ResourceAccount", ValueType.STRING),
    /** {@code acs:ResourceOrgId}: the organization of the role's account; absent when it is in none. */
    RESOURCE_ORG_ID("acs:ResourceOrgId", ValueType.STRING),
    /**
     * {@code acs:PrincipalType}: what asks: {@code User} (a user of the source account), {@code AssumedRole} (a role
     * session: chaining) or {@code WebIdentity} (an external subject of an OIDC provider: AssumeRoleWithOIDC).
     */
    PRINCIPAL_TYPE("acs:PrincipalType", ValueType.STRING),
    /**
     * {@code sts:RoleAdminGrade}: whether the role carries admin-grade policies (Keycloak's {@code realm-management}
     * roles, directly or inside composites).
     */
    ROLE_ADMIN_GRADE("sts:RoleAdminGrade", ValueType.BOOL),
    /**
     * {@code sts:TrustConditionKeys}: the condition keys of the trust policy statements that allowed the request, as
     * written in the statements' canonical form (e.g. {@code oidc:aud}). Multi-valued like {@code acs:TagKeys}; known
     * only after the trust policy allowed, so only guardrails see it.
     */
    TRUST_CONDITION_KEYS("sts:TrustConditionKeys", ValueType.STRING);

    private static final Map<String, ConditionKey> BY_LOWER_NAME = Stream.of(values())
            .collect(Collectors.toUnmodifiableMap(k -> k.keyName.toLowerCase(Locale.ROOT), Function.identity()));

    private final String keyName;
    private final ValueType type;
    private final boolean hasTagKey;

    ConditionKey(String keyName, ValueType type) {
        this(keyName, type, false);
    }

    ConditionKey(String keyName, ValueType type, boolean hasTagKey) {
        this.keyName = keyName;
        this.type = type;
        this.hasTagKey = hasTagKey;
    }

    /**
     * @return the canonical spelling, e.g. {@code sts:ExternalId}; for a key that {@linkplain #hasTagKey() takes a
     *         tag key}, the part before the slash, e.g. {@code acs:RequestTag}
     */
    public String keyName() {
        return keyName;
    }

    /** @return whether the key is written with a tag key, {@code <keyName>/<tag key>} (one key per tag) */
    public boolean hasTagKey() {
        return hasTagKey;
    }

    /** @return the value type of the key */
    public ValueType type() {
        return type;
    }

    /**
     * @param name a key name in any case, may be null; for a key that {@linkplain #hasTagKey() takes a tag key},
     *             {@code <keyName>/<anything>} or the bare {@code <keyName>} (see {@link #tagKeyOf(String)}; the
     *             tag-key part is not checked here)
     * @return the key, or empty if unknown
     */
    public static Optional<ConditionKey> fromName(String name) {
        if (name == null) {
            return Optional.empty();
        }
        ConditionKey key = BY_LOWER_NAME.get(name.toLowerCase(Locale.ROOT));
        if (key == null) {
            int slash = name.indexOf('/');
            if (slash > 0) {
                key = BY_LOWER_NAME.get(name.substring(0, slash).toLowerCase(Locale.ROOT));
                if (key != null && !key.hasTagKey) {
                    key = null;
                }
            }
        }
        return Optional.ofNullable(key);
    }

    /**
     * @param name a key name such as {@code acs:RequestTag/Project}
     * @return the tag-key part, after the first slash ({@code Project}); empty when there is none
     */
    public static String tagKeyOf(String name) {
        int slash = name.indexOf('/');
        return slash < 0 ? "" : name.substring(slash + 1);
    }

    @Override
    public String toString() {
        return keyName;
    }
}
