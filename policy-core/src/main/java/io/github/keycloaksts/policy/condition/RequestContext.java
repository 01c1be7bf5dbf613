package io.github.keycloaksts.policy.condition;

import static io.github.keycloaksts.policy.internal.Texts.quote;

import java.math.BigDecimal;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Instant;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

import io.github.keycloaksts.policy.tags.SessionTags;

/**
 * The values of the condition keys for one request. Every key may be absent; an absent key never
 * satisfies a positive operator (and always satisfies a negated one, see {@link ConditionOperator}).
 * Immutable and thread-safe.
 *
 * <pre>{@code
 * RequestContext ctx = RequestContext.builder()
 *         .externalId(params.get("external_id"))   // null = absent
 *         .roleSessionName("bob")
 *         .sourceIp("203.0.113.7")
 *         .currentTime(Instant.now())
 *         .mfaPresent(false)
 *         .sourceClientId("my-app")
 *         .durationSeconds(3600)
 *         .requestTags(Map.of("Project", "apollo"))   // acs:RequestTag/Project, acs:TagKeys
 *         .principalTags(Map.of("Dept", "ops"))      // acs:PrincipalTag/Dept
 *         .build();
 * }</pre>
 */
public final class RequestContext {

    private static final RequestContext EMPTY = new Builder().build();

    private final Map<ConditionKey, Object> values;

    private RequestContext(Map<ConditionKey, Object> values) {
        this.values = values;
    }

    /** @return a context in which every key is absent */
    public static RequestContext empty() {
        return EMPTY;
    }

    /** @return a new builder with every key absent */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * @return whether the key has a value; for a key that {@linkplain ConditionKey#hasTagKey() takes a tag key},
     *         whether there is any such tag (one tag's presence: {@link Condition#keyPresent})
     */
    public boolean has(ConditionKey key) {
        return values.containsKey(key);
    }

    /** @return {@code sts:ExternalId} */
    public Optional<String> externalId() {
        return Optional.ofNullable((String) values.get(ConditionKey.EXTERNAL_ID));
    }

    /** @return {@code sts:RoleSessionName} */
    public Optional<String> roleSessionName() {
        return Optional.ofNullable((String) values.get(ConditionKey.ROLE_SESSION_NAME));
    }

    /** @return {@code sts:SourceClientId} */
    public Optional<String> sourceClientId() {
        return Optional.ofNullable((String) values.get(ConditionKey.SOURCE_CLIENT_ID));
    }

    /** @return {@code sts:SourceIdentity} */
    public Optional<String> sourceIdentity() {
        return Optional.ofNullable((String) values.get(ConditionKey.SOURCE_IDENTITY));
    }

    /** @return {@code sts:DurationSeconds} */
    public Optional<Long> durationSeconds() {
        BigDecimal d = (BigDecimal) values.get(ConditionKey.DURATION_SECONDS);
        return d == null ? Optional.empty() : Optional.of(d.longValueExact());
    }

    /** @return {@code acs:SourceIp} */
    public Optional<InetAddress> sourceIp() {
        byte[] b = (byte[]) values.get(ConditionKey.SOURCE_IP);
        if (b == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(InetAddress.getByAddress(b.clone()));
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e); // cannot happen: 4 or 16 bytes
        }
    }

    /** @return {@code acs:CurrentTime} */
    public Optional<Instant> currentTime() {
        return Optional.ofNullable((Instant) values.get(ConditionKey.CURRENT_TIME));
    }

    /** @return {@code acs:MFAPresent} */
    public Optional<Boolean> mfaPresent() {
        return Optional.ofNullable((Boolean) values.get(ConditionKey.MFA_PRESENT));
    }

    /** @return {@code oidc:iss} */
    public Optional<String> oidcIssuer() {
        return Optional.ofNullable((String) values.get(ConditionKey.OIDC_ISS));
    }

    /** @return {@code oidc:aud} (empty when absent) */
    @SuppressWarnings("unchecked")
    public List<String> oidcAudiences() {
        Object v = values.get(ConditionKey.OIDC_AUD);
        return v == null ? List.of() : (List<String>) v;
    }

    /** @return {@code oidc:sub} */
    public Optional<String> oidcSubject() {
        return Optional.ofNullable((String) values.get(ConditionKey.OIDC_SUB));
    }

    /** @return {@code acs:RequestTag/*}: the request's session tags, keys as spelled, in order (empty when none) */
    public Map<String, String> requestTags() {
        return spelled(ConditionKey.REQUEST_TAG);
    }

    /**
     * @param key a tag key in any case
     * @return {@code acs:RequestTag/<key>}
     */
    public Optional<String> requestTag(String key) {
        return Optional.ofNullable(key == null ? null : (String) tagValue(ConditionKey.REQUEST_TAG, SessionTags.foldKey(key)));
    }

    /** @return {@code acs:TagKeys}: the keys of the request's session tags, as spelled (empty when none) */
    @SuppressWarnings("unchecked")
    public List<String> tagKeys() {
        Object v = values.get(ConditionKey.TAG_KEYS);
        return v == null ? List.of() : (List<String>) v;
    }

    /** @return {@code acs:PrincipalTag/*}: the requester's tags, keys as spelled, in order (empty when none) */
    public Map<String, String> principalTags() {
        return spelled(ConditionKey.PRINCIPAL_TAG);
    }

    /**
     * @param key a tag key in any case
     * @return {@code acs:PrincipalTag/<key>}
     */
    public Optional<String> principalTag(String key) {
        return Optional.ofNullable(key == null ? null : (String) tagValue(ConditionKey.PRINCIPAL_TAG, SessionTags.foldKey(key)));
    }

    private Map<String, String> spelled(ConditionKey key) {
        Tags t = (Tags) values.get(key);
        return t == null ? Map.of() : t.spelled();
    }

    /**
     * Internal typed value: String, BigDecimal, Instant, Boolean, byte[] (normalised address),
     * an immutable non-empty List of String (multi-valued keys) or {@link Tags} (keys that take a tag key).
     */
    Object value(ConditionKey key) {
        return values.get(key);
    }

    /** Internal: the value of one tag of a key that takes a tag key, by the tag key's folded form; no allocation. */
    Object tagValue(ConditionKey key, String foldedTagKey) {
        Tags t = (Tags) values.get(key);
        return t == null ? null : t.byFolded().get(foldedTagKey);
    }

    /** The tags behind a key that takes a tag key: as spelled (for callers), and by folded key (for conditions). */
    private record Tags(Map<String, String> spelled, Map<String, String> byFolded) {
        @Override
        public String toString() {
            return spelled.toString();
        }
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("RequestContext{");
        boolean first = true;
        for (Map.Entry<ConditionKey, Object> e : values.entrySet()) {
            if (e.getKey() == ConditionKey.TAG_KEYS) {
                continue; // the request tags' keys, shown with them
            }
            if (!first) {
                sb.append(", ");
            }
            first = false;
            Object v = e.getValue();
            sb.append(e.getKey().keyName()).append('=');
            if (e.getKey() == ConditionKey.SOURCE_IP) {
                sb.append(sourceIp().map(InetAddress::getHostAddress).orElse(""));
            } else if (e.getKey() == ConditionKey.EXTERNAL_ID) {
                sb.append("***"); // a shared secret between the accounts: keep it out of logs
            } else {
                sb.append(v);
            }
        }
        return sb.append('}').toString();
    }

    /** @return a builder holding this context's values, to add keys known later (the platform's, for guardrails) */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.values.putAll(values);
        return b;
    }

    /** Builds a {@link RequestContext}; passing null to a setter makes the key absent. */
    public static final class Builder {

        private final Map<ConditionKey, Object> values = new EnumMap<>(ConditionKey.class);

        private Builder() {
        }

        /** @param accountId {@code acs:PrincipalAccount}, or null */
        public Builder principalAccount(String accountId) {
            return put(ConditionKey.PRINCIPAL_ACCOUNT, accountId);
        }

        /** @param organization {@code acs:PrincipalOrgId}, or null when the account is in no organization */
        public Builder principalOrgId(String organization) {
            return put(ConditionKey.PRINCIPAL_ORG_ID, organization);
        }

        /** @param accountId {@code acs:ResourceAccount}, or null */
        public Builder resourceAccount(String accountId) {
            return put(ConditionKey.RESOURCE_ACCOUNT, accountId);
        }

        /** @param organization {@code acs:ResourceOrgId}, or null when the account is in no organization */
        public Builder resourceOrgId(String organization) {
            return put(ConditionKey.RESOURCE_ORG_ID, organization);
        }

        /** @param type {@code acs:PrincipalType}: {@code User}, {@code AssumedRole} or {@code WebIdentity}, or null */
        public Builder principalType(String type) {
            return put(ConditionKey.PRINCIPAL_TYPE, type);
        }

        /** @param adminGrade {@code sts:RoleAdminGrade}, or null */
        public Builder roleAdminGrade(Boolean adminGrade) {
            return put(ConditionKey.ROLE_ADMIN_GRADE, adminGrade);
        }

        /** @param keys {@code sts:TrustConditionKeys}; null makes the key absent, empty keeps it present with no value */
        public Builder trustConditionKeys(Collection<String> keys) {
            return put(ConditionKey.TRUST_CONDITION_KEYS, keys == null ? null : List.copyOf(keys));
        }

        private Builder put(ConditionKey key, Object value) {
            if (value == null) {
                values.remove(key);
            } else {
                values.put(key, value);
            }
            return this;
        }

        /** @param externalId the {@code external_id} request parameter, or null */
        public Builder externalId(String externalId) {
            return put(ConditionKey.EXTERNAL_ID, externalId);
        }

        /** @param roleSessionName the role session name, or null */
        public Builder roleSessionName(String roleSessionName) {
            return put(ConditionKey.ROLE_SESSION_NAME, roleSessionName);
        }

        /** @param clientId the {@code azp} of the subject token, or null */
        public Builder sourceClientId(String clientId) {
            return put(ConditionKey.SOURCE_CLIENT_ID, clientId);
        }

        /** @param sourceIdentity the source identity of the session chain (an ARN string), or null */
        public Builder sourceIdentity(String sourceIdentity) {
            return put(ConditionKey.SOURCE_IDENTITY, sourceIdentity);
        }

        /** @param seconds the requested session duration */
        public Builder durationSeconds(long seconds) {
            return put(ConditionKey.DURATION_SECONDS, BigDecimal.valueOf(seconds));
        }

        /** @param seconds the requested session duration, or null */
        public Builder durationSeconds(Long seconds) {
            return put(ConditionKey.DURATION_SECONDS, seconds == null ? null : BigDecimal.valueOf(seconds));
        }

        /** @param address the caller's address, or null */
        public Builder sourceIp(InetAddress address) {
            return put(ConditionKey.SOURCE_IP, address == null ? null : IpRange.normalize(address.getAddress()));
        }

        /**
         * @param address an IPv4 or IPv6 literal (no host names, no zone IDs), or null
         * @throws IllegalArgumentException if it is not an IP address literal
         */
        public Builder sourceIp(String address) {
            if (address == null) {
                return put(ConditionKey.SOURCE_IP, null);
            }
            byte[] bytes = IpRange.parseAddress(address);
            if (bytes == null) {
                throw new IllegalArgumentException("not an IP address: "
                        + quote(address));
            }
            return put(ConditionKey.SOURCE_IP, bytes);
        }

        /** @param time the time of the request, or null */
        public Builder currentTime(Instant time) {
            return put(ConditionKey.CURRENT_TIME, time);
        }

        /** @param present whether the sign-in used a second factor, or null */
        public Builder mfaPresent(Boolean present) {
            return put(ConditionKey.MFA_PRESENT, present);
        }

        /** @param issuer the external token's {@code iss}, or null */
        public Builder oidcIssuer(String issuer) {
            return put(ConditionKey.OIDC_ISS, issuer);
        }

        /** @param audiences the external token's {@code aud} values; null or empty makes the key absent */
        public Builder oidcAudiences(Collection<String> audiences) {
            if (audiences == null || audiences.isEmpty()) {
                return put(ConditionKey.OIDC_AUD, null);
            }
            for (String a : audiences) {
                Objects.requireNonNull(a, "audience");
            }
            return put(ConditionKey.OIDC_AUD, List.copyOf(audiences));
        }

        /** @param subject the external token's {@code sub}, or null */
        public Builder oidcSubject(String subject) {
            return put(ConditionKey.OIDC_SUB, subject);
        }

        /**
         * @param tags the session tags the request asks for (its {@code tags} parameter), key to value; null or empty
         *             makes {@code acs:RequestTag/*} and {@code acs:TagKeys} absent
         * @throws IllegalArgumentException if two keys differ only in case (a look-up would be ambiguous)
         */
        public Builder requestTags(Map<String, String> tags) {
            Tags t = tags(tags, "request");
            put(ConditionKey.TAG_KEYS, t == null ? null : List.copyOf(t.spelled().keySet()));
            return put(ConditionKey.REQUEST_TAG, t);
        }

        /**
         * @param tags the requester's tags (set by its account's administrators), key to value; null or empty makes
         *             {@code acs:PrincipalTag/*} absent
         * @throws IllegalArgumentException if two keys differ only in case (a look-up would be ambiguous)
         */
        public Builder principalTags(Map<String, String> tags) {
            return put(ConditionKey.PRINCIPAL_TAG, tags(tags, "principal"));
        }

        private static Tags tags(Map<String, String> tags, String what) {
            if (tags == null || tags.isEmpty()) {
                return null;
            }
            Map<String, String> spelled = new LinkedHashMap<>();
            Map<String, String> byFolded = new HashMap<>();
            Map<String, String> spellingByFolded = new HashMap<>();
            for (Map.Entry<String, String> e : tags.entrySet()) {
                String key = Objects.requireNonNull(e.getKey(), what + " tag key");
                String value = Objects.requireNonNull(e.getValue(), what + " tag value");
                String folded = SessionTags.foldKey(key);
                String other = spellingByFolded.put(folded, key);
                if (other != null) {
                    throw new IllegalArgumentException(what + " tags " + quote(other) + " and " + quote(key)
                            + " differ only in case");
                }
                spelled.put(key, value);
                byFolded.put(folded, value);
            }
            return new Tags(Collections.unmodifiableMap(spelled), byFolded);
        }

        /** @return the immutable context */
        public RequestContext build() {
            EnumMap<ConditionKey, Object> copy = new EnumMap<>(ConditionKey.class);
            values.forEach((k, v) -> copy.put(k, v instanceof byte[] b ? Arrays.copyOf(b, b.length) : v));
            return new RequestContext(copy);
        }
    }
}
