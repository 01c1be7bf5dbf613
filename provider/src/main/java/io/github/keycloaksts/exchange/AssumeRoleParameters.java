package io.github.keycloaksts.exchange;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import io.github.keycloaksts.assume.AssumeRoleRefusal;
import io.github.keycloaksts.policy.PolicyValidationException;
import io.github.keycloaksts.policy.arn.RoleArn;
import io.github.keycloaksts.policy.document.PolicyDocument;
import io.github.keycloaksts.policy.document.PolicyReader;
import io.github.keycloaksts.policy.tags.SessionTags;
import io.github.keycloaksts.policy.tags.TagValidationException;
import jakarta.ws.rs.core.MultivaluedMap;

/** The form parameters of an AssumeRole exchange, checked and typed. Every problem is an invalid_request. */
final class AssumeRoleParameters {

    static final String ROLE_ARN = "role_arn";
    static final String ROLE_SESSION_NAME = "role_session_name";
    static final String DURATION_SECONDS = "duration_seconds";
    static final String EXTERNAL_ID = "external_id";
    static final String POLICY = "policy";
    /** Session tags: a JSON object of tag keys to values (policy core {@link SessionTags}). */
    static final String TAGS = "tags";
    static final String TRANSITIVE_TAG_KEYS = "transitive_tag_keys";
    static final int MAX_TAGS_CHARS = 32 * 1024;

    static final String ACCESS_TOKEN_TYPE = "urn:ietf:params:oauth:token-type:access_token";
    /** AssumeRoleWithOIDC: the subject token is an external JWT of an OIDC provider of the target account. */
    static final String JWT_TOKEN_TYPE = "urn:ietf:params:oauth:token-type:jwt";
    static final String ID_TOKEN_TYPE = "urn:ietf:params:oauth:token-type:id_token";
    static final String SUBJECT_ISSUER = "subject_issuer";
    static final int MIN_DURATION = 900;
    static final int MAX_SUBJECT_TOKEN_CHARS = 16 * 1024;
    static final int MAX_PARAMETER_CHARS = 2048;
    static final int MAX_POLICY_CHARS = 16 * 1024;

    private static final Pattern SESSION_NAME = Pattern.compile("[A-Za-z0-9_.@=,-]{2,64}");
    private static final Pattern EXTERNAL_ID_CHARS = Pattern.compile("[A-Za-z0-9_+=,.@:/-]{2,1224}");
    private static final List<String> SINGLE_VALUED = List.of("grant_type", "client_id", "subject_token", "subject_token_type",
            "requested_token_type", "actor_token", "actor_token_type", ROLE_ARN, ROLE_SESSION_NAME, DURATION_SECONDS,
            EXTERNAL_ID, POLICY, "scope", SUBJECT_ISSUER, TAGS, TRANSITIVE_TAG_KEYS);

    final RoleArn roleArn;
    final String subjectToken;
    final String sessionName;      // null: derive from the source user
    final Integer durationSeconds; // null: default, capped at the role's maximum
    final String externalId;
    final PolicyDocument sessionPolicy;
    final List<String> audience;
    final String scope;
    /** Non-null for AssumeRoleWithOIDC: the subject token's type ({@link #JWT_TOKEN_TYPE} or {@link #ID_TOKEN_TYPE}). */
    String federatedTokenType;
    /** AssumeRoleWithOIDC: the OIDC provider alias named by the caller, or null to find it by the token's issuer. */
    String subjectIssuer;
    /** The {@code tags} parameter, validated (empty when absent). */
    Map<String, String> tags = Map.of();
    /** The {@code transitive_tag_keys} parameter, validated (empty when absent). */
    List<String> transitiveTagKeys = List.of();

    private AssumeRoleParameters(RoleArn roleArn, String subjectToken, String sessionName, Integer durationSeconds,
                                 String externalId, PolicyDocument sessionPolicy, List<String> audience, String scope) {
        this.roleArn = roleArn;
        this.subjectToken = subjectToken;
        this.sessionName = sessionName;
        this.durationSeconds = durationSeconds;
        this.externalId = externalId;
        this.sessionPolicy = sessionPolicy;
        this.audience = audience;
        this.scope = scope;
    }

    /**
     * @param form the form as the caller sent it: Keycloak's token endpoint silently removes control characters (and
     *             {@code %0X}-like text) from the copy it hands to providers, which would turn {@code ops%00} (a NUL) into
     *             {@code ops}; AssumeRole refuses such input instead
     */
    static AssumeRoleParameters read(MultivaluedMap<String, String> form, PolicyReader policyReader) {
        for (String name : form.keySet()) {
            if (hasControlCharacter(name, false)) {
                throw AssumeRoleRefusal.invalidRequest("control characters are not allowed in parameter names");
            }
            for (String value : form.get(name)) {
                // JSON may be laid out with tabs and line breaks between tokens (inside strings the JSON reader refuses them).
                if (hasControlCharacter(value, POLICY.equals(name) || TAGS.equals(name) || TRANSITIVE_TAG_KEYS.equals(name))) {
                    throw AssumeRoleRefusal.invalidRequest(name + ": control characters are not allowed");
                }
            }
        }
        for (String name : SINGLE_VALUED) {
            List<String> values = form.get(name);
            if (values != null && values.size() > 1) {
                throw AssumeRoleRefusal.invalidRequest(name + ": repeated parameter");
            }
        }
        String typeParameter = form.getFirst("subject_token_type");
        boolean federated = JWT_TOKEN_TYPE.equals(typeParameter) || ID_TOKEN_TYPE.equals(typeParameter);
        for (String name : form.keySet()) {
            for (String value : form.get(name)) {
                int limit = "subject_token".equals(name) ? (federated ? OidcSubjectTokenVerifier.MAX_TOKEN_CHARS : MAX_SUBJECT_TOKEN_CHARS)
                        : POLICY.equals(name) ? MAX_POLICY_CHARS : TAGS.equals(name) || TRANSITIVE_TAG_KEYS.equals(name) ? MAX_TAGS_CHARS
                        : MAX_PARAMETER_CHARS;
                if (value != null && value.length() > limit) {
                    throw AssumeRoleRefusal.invalidRequest(name + ": longer than " + limit + " characters");
                }
            }
        }

        String roleArnText = required(form, ROLE_ARN);
        RoleArn roleArn;
        try {
            roleArn = RoleArn.parse(roleArnText);
        } catch (PolicyValidationException e) {
            throw AssumeRoleRefusal.invalidRequest("role_arn: not a role ARN (acs:ram::<accountId>:role/<roleName>)");
        }

        String subjectToken = required(form, "subject_token");
        String subjectTokenType = required(form, "subject_token_type");
        if (!ACCESS_TOKEN_TYPE.equals(subjectTokenType) && !federated) {
            throw AssumeRoleRefusal.invalidRequest("subject_token_type: only " + ACCESS_TOKEN_TYPE + ", " + JWT_TOKEN_TYPE
                    + " and " + ID_TOKEN_TYPE + " are supported");
        }
        String requestedType = form.getFirst("requested_token_type");
        if (requestedType != null && !ACCESS_TOKEN_TYPE.equals(requestedType)) {
            throw AssumeRoleRefusal.invalidRequest("requested_token_type: only " + ACCESS_TOKEN_TYPE + " can be issued");
        }
        if (form.containsKey("actor_token") || form.containsKey("actor_token_type")) {
            throw AssumeRoleRefusal.invalidRequest("actor_token: not supported by AssumeRole");
        }
        String subjectIssuer = form.getFirst(SUBJECT_ISSUER);
        if (subjectIssuer != null && !federated) {
            throw AssumeRoleRefusal.invalidRequest("subject_issuer: only with subject_token_type " + JWT_TOKEN_TYPE + " or " + ID_TOKEN_TYPE);
        }
        if (subjectIssuer != null && subjectIssuer.isBlank()) {
            throw AssumeRoleRefusal.invalidRequest("subject_issuer: empty value");
        }
        for (String unsupported : List.of("requested_subject", "requested_issuer")) {
            if (form.containsKey(unsupported)) {
                throw AssumeRoleRefusal.invalidRequest(unsupported + ": not supported by AssumeRole");
            }
        }

        String sessionName = form.getFirst(ROLE_SESSION_NAME);
        if (federated && sessionName == null) {
            throw AssumeRoleRefusal.invalidRequest("role_session_name: required with an external subject_token");
        }
        if (federated && form.containsKey(EXTERNAL_ID)) {
            throw AssumeRoleRefusal.invalidRequest("external_id: not supported with an external subject_token");
        }
        if (sessionName != null && !SESSION_NAME.matcher(sessionName).matches()) {
            throw AssumeRoleRefusal.invalidRequest("role_session_name: 2 to 64 characters of letters, digits and _.@=,-");
        }

        Integer duration = null;
        String durationText = form.getFirst(DURATION_SECONDS);
        if (durationText != null) {
            try {
                duration = Integer.valueOf(durationText);
            } catch (NumberFormatException e) {
                throw AssumeRoleRefusal.invalidRequest("duration_seconds: not an integer");
            }
            if (duration < MIN_DURATION) {
                throw AssumeRoleRefusal.invalidRequest("duration_seconds: at least " + MIN_DURATION);
            }
        }

        String externalId = form.getFirst(EXTERNAL_ID);
        if (externalId != null && !EXTERNAL_ID_CHARS.matcher(externalId).matches()) {
            throw AssumeRoleRefusal.invalidRequest("external_id: 2 to 1224 characters of letters, digits and _+=,.@:/-");
        }

        PolicyDocument sessionPolicy = null;
        String policy = form.getFirst(POLICY);
        if (policy != null) {
            try {
                sessionPolicy = policyReader.readSessionPolicy(policy);
            } catch (PolicyValidationException e) {
                throw AssumeRoleRefusal.invalidRequest("policy: " + e.getMessage());
            }
        }

        List<String> audience = new ArrayList<>();
        List<String> audiences = form.get("audience");
        if (audiences != null) {
            for (String value : audiences) {
                if (value == null || value.isBlank()) {
                    throw AssumeRoleRefusal.invalidRequest("audience: empty value");
                }
                audience.add(value);
            }
        }
        AssumeRoleParameters params = new AssumeRoleParameters(roleArn, subjectToken, sessionName, duration, externalId, sessionPolicy,
                List.copyOf(audience), form.getFirst("scope"));
        if (federated) {
            params.federatedTokenType = subjectTokenType;
            params.subjectIssuer = subjectIssuer;
        }
        try {
            params.tags = form.getFirst(TAGS) == null ? Map.of() : SessionTags.parseRequestTags(form.getFirst(TAGS));
        } catch (TagValidationException e) {
            throw AssumeRoleRefusal.invalidRequest(named(TAGS, e));
        }
        try {
            params.transitiveTagKeys = form.getFirst(TRANSITIVE_TAG_KEYS) == null ? List.of()
                    : SessionTags.parseTransitiveKeys(form.getFirst(TRANSITIVE_TAG_KEYS));
        } catch (TagValidationException e) {
            throw AssumeRoleRefusal.invalidRequest(named(TRANSITIVE_TAG_KEYS, e));
        }
        return params;
    }

    /** The policy core's message, led by the parameter's name once (some of its messages name it already). */
    private static String named(String parameter, TagValidationException e) {
        String message = e.getMessage();
        return message.startsWith(parameter + ":") || message.startsWith(parameter + "[") ? message : parameter + ": " + message;
    }

    static boolean hasControlCharacter(String value, boolean jsonWhitespaceAllowed) {
        if (value == null) {
            return false;
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (Character.isISOControl(c) && !(jsonWhitespaceAllowed && (c == '\t' || c == '\n' || c == '\r'))) {
                return true;
            }
        }
        return false;
    }

    /** {@code value} for the audit: control characters as {@code \\uXXXX} (some databases refuse NUL in text), at most 300 characters. */
    static String printable(String value) {
        if (value == null) {
            return null;
        }
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < value.length() && out.length() < 300; i++) {
            char c = value.charAt(i);
            if (Character.isISOControl(c)) {
                out.append(String.format("\\u%04x", (int) c));
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }

    private static String required(MultivaluedMap<String, String> form, String name) {
        String value = form.getFirst(name);
        if (value == null || value.isBlank()) {
            throw AssumeRoleRefusal.invalidRequest(name + ": required");
        }
        return value;
    }
}
