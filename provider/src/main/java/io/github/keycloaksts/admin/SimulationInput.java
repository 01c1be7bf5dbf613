package io.github.keycloaksts.admin;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.keycloaksts.policy.arn.AccountArn;
import io.github.keycloaksts.policy.arn.Arn;
import io.github.keycloaksts.policy.arn.AssumedRoleArn;
import io.github.keycloaksts.policy.arn.OidcProviderArn;
import io.github.keycloaksts.policy.arn.RoleArn;
import io.github.keycloaksts.policy.arn.UserArn;
import io.github.keycloaksts.policy.condition.ConditionKey;
import io.github.keycloaksts.policy.condition.RequestContext;
import io.github.keycloaksts.policy.tags.SessionTags;

/**
 * The request of a simulation as the administrator writes it: a principal and the condition keys of the request
 * context, each checked strictly. Every error is a 400 whose message starts with the JSON path of the fault
 * ({@code context.acs:SourceIp: not an IP address}); nothing unknown is ignored.
 */
public final class SimulationInput {

    static final String INVALID = "InvalidParameter";
    /** Longer than any value the exchange accepts (external ID, session name, client ID). */
    static final int MAX_VALUE_LENGTH = 1024;
    /** The keys a simulation may set: those the exchange fills in from a real request. */
    static final Set<ConditionKey> KEYS = EnumSet.of(ConditionKey.EXTERNAL_ID, ConditionKey.SOURCE_IP, ConditionKey.MFA_PRESENT,
            ConditionKey.CURRENT_TIME, ConditionKey.ROLE_SESSION_NAME, ConditionKey.SOURCE_CLIENT_ID, ConditionKey.DURATION_SECONDS,
            ConditionKey.OIDC_ISS, ConditionKey.OIDC_AUD, ConditionKey.OIDC_SUB, ConditionKey.SOURCE_IDENTITY, ConditionKey.REQUEST_TAG,
            ConditionKey.PRINCIPAL_TAG);
    /** {@link #KEYS} as the error names them: a key that takes a tag key with its {@code /<key>}. */
    static final String KEY_NAMES = KEYS.stream().map(key -> key.hasTagKey() ? key.keyName() + "/<key>" : key.keyName())
            .collect(Collectors.joining(", ", "[", "]"));
    /** At most this many keys in a context: each key once, and a key that takes a tag key once per tag. */
    static final int MAX_KEYS = KEYS.size() + 2 * SessionTags.MAX_TAGS;
    /** At most this many audiences in {@code oidc:aud}, as an external token's {@code aud} could hold. */
    static final int MAX_AUDIENCES = 50;

    private SimulationInput() {
    }

    /**
     * The principal of a target-side simulation: an account ID, an account ARN ({@code acs:ram::<id>:root}: any of its
     * users whom no statement names), a user ARN, or an OIDC provider ARN (its subject described by the {@code oidc:*}
     * context keys). Role sessions cannot assume roles (role chaining is refused) and a role is not a caller: 400.
     */
    public static Arn principal(JsonNode body, String field) {
        String text = text(body, field, true);
        if (text.startsWith("acs:ram::") && text.contains(":oidc-provider/")) {
            try {
                return OidcProviderArn.parse(text); // the caller checks it is one of this account's
            } catch (RuntimeException e) {
                throw bad(field, "not an OIDC provider ARN (acs:ram::<accountId>:oidc-provider/<name>)");
            }
        }
        Arn arn;
        try {
            arn = Arn.parsePrincipal(text);
        } catch (RuntimeException e) {
            throw bad(field, "not an account ID, account ARN (acs:ram::<accountId>:root) or user ARN (acs:ram::<accountId>:user/<name>)");
        }
        if (arn instanceof AssumedRoleArn) {
            throw bad(field, "a role session cannot assume a role (role chaining is refused)");
        }
        if (arn instanceof RoleArn) {
            throw bad(field, "a role is not a caller; give the account or the user who would assume the role");
        }
        if (!(arn instanceof AccountArn) && !(arn instanceof UserArn)) {
            throw bad(field, "not an account or user principal");
        }
        return arn;
    }

    static RoleArn roleArn(JsonNode body, String field) {
        String text = text(body, field, true);
        try {
            return RoleArn.parse(text);
        } catch (RuntimeException e) {
            throw bad(field, "not a role ARN (acs:ram::<accountId>:role/<roleName>)");
        }
    }

    /** A required (or optional: null when absent) string field of at most {@link #MAX_VALUE_LENGTH} characters. */
    static String text(JsonNode body, String field, boolean required) {
        JsonNode node = body.get(field);
        if (node == null || node.isNull()) {
            if (required) {
                throw bad(field, "is required");
            }
            return null;
        }
        if (!node.isTextual()) {
            throw bad(field, "must be a string");
        }
        String text = node.asText();
        if (text.isEmpty() || text.length() > MAX_VALUE_LENGTH) {
            throw bad(field, "must be 1-" + MAX_VALUE_LENGTH + " characters");
        }
        for (int i = 0; i < text.length(); i++) {
            if (Character.isISOControl(text.charAt(i))) {
                throw bad(field, "control characters are not allowed");
            }
        }
        return text;
    }

    /**
     * The request context: an object of condition keys (canonical or any case, as in policies) to values, strings for
     * string, IP and date keys, a boolean for {@code acs:MFAPresent}, an integer for {@code sts:DurationSeconds}.
     * Returns the given keys; the caller fills in the defaults the exchange would use.
     */
    public static Map<ConditionKey, Object> context(JsonNode node, String path) {
        Map<ConditionKey, Object> values = new EnumMap<>(ConditionKey.class);
        if (node == null || node.isNull()) {
            return values;
        }
        if (!node.isObject()) {
            throw bad(path, "must be an object of condition keys");
        }
        if (node.size() > MAX_KEYS) {
            throw bad(path, "at most " + MAX_KEYS + " keys");
        }
        for (Iterator<Map.Entry<String, JsonNode>> fields = node.fields(); fields.hasNext(); ) {
            Map.Entry<String, JsonNode> field = fields.next();
            String keyPath = path + "." + printable(field.getKey());
            ConditionKey key = ConditionKey.fromName(field.getKey()).filter(KEYS::contains)
                    .orElseThrow(() -> bad(keyPath, "unknown condition key (expected one of " + KEY_NAMES
                            + "; acs:TagKeys follows from the acs:RequestTag keys)"));
            if (key.hasTagKey()) {
                tag(values, key, ConditionKey.tagKeyOf(field.getKey()), field.getValue(), keyPath);
                continue;
            }
            if (values.containsKey(key)) {
                throw bad(keyPath, "given twice");
            }
            JsonNode value = field.getValue();
            values.put(key, switch (key.type()) {
                case BOOL -> {
                    if (!value.isBoolean()) {
                        throw bad(keyPath, "must be true or false");
                    }
                    yield value.booleanValue();
                }
                case NUMBER -> {
                    if (!value.isIntegralNumber() || !value.canConvertToLong() || value.longValue() < 0 || value.longValue() > 1_000_000) {
                        throw bad(keyPath, "must be a whole number of seconds (0-1000000)");
                    }
                    yield value.longValue();
                }
                case DATE -> {
                    String text = string(value, keyPath);
                    try {
                        yield OffsetDateTime.parse(text, DateTimeFormatter.ISO_OFFSET_DATE_TIME).toInstant();
                    } catch (DateTimeParseException | ArithmeticException e) {
                        throw bad(keyPath, "not an ISO-8601 date-time with offset (e.g. 2026-01-01T00:00:00Z)");
                    }
                }
                case IP -> {
                    String text = string(value, keyPath);
                    try {
                        RequestContext.builder().sourceIp(text);
                    } catch (IllegalArgumentException e) {
                        throw bad(keyPath, "not an IP address");
                    }
                    yield text;
                }
                default -> {
                    if (key == ConditionKey.OIDC_AUD && value.isArray()) {
                        if (value.isEmpty() || value.size() > MAX_AUDIENCES) {
                            throw bad(keyPath, "1-" + MAX_AUDIENCES + " audiences");
                        }
                        List<String> audiences = new ArrayList<>();
                        for (int i = 0; i < value.size(); i++) {
                            audiences.add(string(value.get(i), keyPath + "[" + i + "]"));
                        }
                        yield audiences;
                    }
                    yield key == ConditionKey.OIDC_AUD ? List.of(string(value, keyPath)) : string(value, keyPath);
                }
            });
        }
        return values;
    }

    /** One {@code acs:RequestTag/<key>} or {@code acs:PrincipalTag/<key>}: a tag by the rules of session tags. */
    @SuppressWarnings("unchecked")
    private static void tag(Map<ConditionKey, Object> values, ConditionKey key, String tagKey, JsonNode value, String keyPath) {
        String problem = tagKey == null ? "is missing" : SessionTags.keyProblem(tagKey);
        if (problem != null) {
            throw bad(keyPath, "tag key " + problem);
        }
        String text = string(value, keyPath);
        String valueProblem = SessionTags.valueProblem(text);
        if (valueProblem != null) {
            throw bad(keyPath, "tag value " + valueProblem);
        }
        Map<String, String> tags = (Map<String, String>) values.computeIfAbsent(key, k -> new LinkedHashMap<String, String>());
        if (tags.keySet().stream().anyMatch(k -> SessionTags.foldKey(k).equals(SessionTags.foldKey(tagKey)))) {
            throw bad(keyPath, "given twice");
        }
        tags.put(tagKey, text);
    }

    /** The context as the exchange builds it: the given keys, else the exchange's defaults where it has one. */
    public static RequestContext build(Map<ConditionKey, Object> given, String defaultSessionName, long defaultDuration) {
        RequestContext.Builder builder = RequestContext.builder()
                .externalId((String) given.get(ConditionKey.EXTERNAL_ID))
                .sourceClientId((String) given.get(ConditionKey.SOURCE_CLIENT_ID))
                .sourceIp((String) given.get(ConditionKey.SOURCE_IP))
                .mfaPresent((Boolean) given.get(ConditionKey.MFA_PRESENT))
                .currentTime(given.containsKey(ConditionKey.CURRENT_TIME) ? (Instant) given.get(ConditionKey.CURRENT_TIME) : Instant.now())
                .roleSessionName(given.containsKey(ConditionKey.ROLE_SESSION_NAME)
                        ? (String) given.get(ConditionKey.ROLE_SESSION_NAME) : defaultSessionName)
                .durationSeconds(given.containsKey(ConditionKey.DURATION_SECONDS)
                        ? (Long) given.get(ConditionKey.DURATION_SECONDS) : Long.valueOf(defaultDuration))
                .oidcIssuer((String) given.get(ConditionKey.OIDC_ISS))
                .oidcSubject((String) given.get(ConditionKey.OIDC_SUB))
                .sourceIdentity((String) given.get(ConditionKey.SOURCE_IDENTITY));
        @SuppressWarnings("unchecked")
        Map<String, String> requestTags = (Map<String, String>) given.get(ConditionKey.REQUEST_TAG);
        @SuppressWarnings("unchecked")
        Map<String, String> principalTags = (Map<String, String>) given.get(ConditionKey.PRINCIPAL_TAG);
        builder.requestTags(requestTags).principalTags(principalTags);
        @SuppressWarnings("unchecked")
        List<String> audiences = (List<String>) given.get(ConditionKey.OIDC_AUD);
        if (audiences != null) {
            builder.oidcAudiences(audiences);
        }
        return builder.build();
    }

    private static String string(JsonNode value, String path) {
        if (!value.isTextual()) {
            throw bad(path, "must be a string");
        }
        String text = value.asText();
        if (text.length() > MAX_VALUE_LENGTH) {
            throw bad(path, "longer than " + MAX_VALUE_LENGTH + " characters");
        }
        return text;
    }

    /** A field name as it may be echoed in an error: bounded, printable. */
    static String printable(String name) {
        String cut = name.length() > 64 ? name.substring(0, 64) + "..." : name;
        StringBuilder out = new StringBuilder(cut.length());
        cut.codePoints().forEach(c -> out.appendCodePoint(Character.isISOControl(c) ? '?' : c));
        return out.toString();
    }

    static AdminApiException bad(String path, String problem) {
        return AdminApiException.badRequest(INVALID, path + ": " + problem);
    }
}
