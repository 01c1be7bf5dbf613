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
    OIDC_SUB("oidc:sub", ValueType.STRING);

    private static final Map<String, ConditionKey> BY_LOWER_NAME = Stream.of(values())
            .collect(Collectors.toUnmodifiableMap(k -> k.keyName.toLowerCase(Locale.ROOT), Function.identity()));

    private final String keyName;
    private final ValueType type;

    ConditionKey(String keyName, ValueType type) {
        this.keyName = keyName;
        this.type = type;
    }

    /** @return the canonical spelling, e.g. {@code sts:ExternalId} */
    public String keyName() {
        return keyName;
    }

    /** @return the value type of the key */
    public ValueType type() {
        return type;
    }

    /**
     * @param name a key name in any case, may be null
     * @return the key, or empty if unknown
     */
    public static Optional<ConditionKey> fromName(String name) {
        return name == null ? Optional.empty() : Optional.ofNullable(BY_LOWER_NAME.get(name.toLowerCase(Locale.ROOT)));
    }

    @Override
    public String toString() {
        return keyName;
    }
}
