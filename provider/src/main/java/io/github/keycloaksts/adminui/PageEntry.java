package io.github.keycloaksts.adminui;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.keycloaksts.policy.document.PolicyDocument;
import io.github.keycloaksts.policy.document.PolicyWriter;
import io.github.keycloaksts.role.AssumableRole;
import io.github.keycloaksts.role.AttachedPolicy;
import org.keycloak.common.util.MultivaluedHashMap;

/**
 * The configuration of one entry of the "Assumable roles" page, that is of one {@code ComponentModel}: the fields the
 * form shows, how a role is written into them, and how they are read back into the REST body shape that
 * {@link io.github.keycloaksts.role.AssumableRoleValidation} checks.
 */
final class PageEntry {

    static final String ROLE_NAME = "roleName";
    static final String DESCRIPTION = "description";
    static final String TRUST_POLICY = "trustPolicy";
    static final String MAX_SESSION_DURATION = "maxSessionDuration";
    static final String ATTACHED_POLICIES = "attachedPolicies";
    /** Derived and read-only: the principals of the trust policy's Allow statements, for the list view. */
    static final String TRUSTED_PRINCIPALS = "trustedPrincipals";
    /** Derived and read-only: the role's live sessions when the entry was last saved ({@link PageSessions}). */
    static final String LIVE_SESSIONS = "liveSessions";
    /** Input only, applied on save and never stored: sessions to end ({@link PageSessions}). */
    static final String END_SESSIONS = "endSessions";

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private PageEntry() {
    }

    /** The entry that shows {@code role} as it is stored. */
    static MultivaluedHashMap<String, String> configOf(AssumableRole role) {
        // Unreadable only after a hand-edited import: then the raw text is shown so it can be fixed.
        PolicyDocument trustPolicy = role.readableTrustPolicy().orElse(null);
        return config(role.name(), role.description(), trustPolicy, role.trustPolicyJson(), role.maxSessionDuration(),
                role.attachedPolicies());
    }

    /** The entry of a role about to be created or changed. */
    static MultivaluedHashMap<String, String> config(String roleName, String description, PolicyDocument trustPolicy,
                                                     String rawTrustPolicy, int maxSessionDuration,
                                                     List<AttachedPolicy> attachedPolicies) {
        MultivaluedHashMap<String, String> config = new MultivaluedHashMap<>();
        config.putSingle(ROLE_NAME, roleName);
        if (description != null && !description.isBlank()) {
            config.putSingle(DESCRIPTION, description);
        }
        if (trustPolicy != null) {
            // Indented for the text area; the role client keeps the canonical compact form.
            config.putSingle(TRUST_POLICY, PolicyWriter.toJsonNode(trustPolicy).toPrettyString());
            String trusted = String.join(", ", trustedPrincipals(trustPolicy));
            if (!trusted.isEmpty()) {
                config.putSingle(TRUSTED_PRINCIPALS, trusted);
            }
        } else if (rawTrustPolicy != null && !rawTrustPolicy.isBlank()) {
            config.putSingle(TRUST_POLICY, rawTrustPolicy);
        }
        config.putSingle(MAX_SESSION_DURATION, Integer.toString(maxSessionDuration));
        attachedPolicies.stream().map(AttachedPolicy::qualifiedName).sorted().forEach(p -> config.add(ATTACHED_POLICIES, p));
        return config;
    }

    static List<String> trustedPrincipals(PolicyDocument trustPolicy) {
        return trustPolicy.allowedPrincipals().stream().map(Object::toString).toList();
    }

    /**
     * The REST body shape of {@code fields} of a form: a single value becomes a JSON string (a whole number for
     * {@code maxSessionDuration}), several values a JSON array, so the shared validation refuses them exactly as it
     * refuses the same mistake in a REST body. Missing and blank values are left out, as Keycloak drops them.
     */
    static ObjectNode body(Map<String, List<String>> config, List<String> fields) {
        ObjectNode body = NODES.objectNode();
        for (String field : fields) {
            List<String> values = values(config, field);
            if (values.isEmpty()) {
                continue;
            }
            if (values.size() > 1) {
                ArrayNode array = body.putArray(field);
                values.forEach(array::add);
            } else if (MAX_SESSION_DURATION.equals(field) && values.get(0).trim().matches("-?\\d{1,18}")) {
                body.put(field, Long.parseLong(values.get(0).trim()));
            } else {
                body.put(field, values.get(0));
            }
        }
        return body;
    }

    /** The non-blank values of {@code field}, trimmed, without repeats. */
    static List<String> values(Map<String, List<String>> config, String field) {
        List<String> values = config == null ? null : config.get(field);
        if (values == null) {
            return List.of();
        }
        Set<String> kept = new LinkedHashSet<>();
        for (String value : values) {
            if (value != null && !value.isBlank()) {
                kept.add(ATTACHED_POLICIES.equals(field) ? value.trim() : value);
            }
        }
        return new ArrayList<>(kept);
    }

    static String first(Map<String, List<String>> config, String field) {
        List<String> values = values(config, field);
        return values.isEmpty() ? null : values.get(0);
    }

    /** True when two entries show the same role (order of attached policies, the sessions snapshot and input aside). */
    static boolean same(Map<String, List<String>> a, Map<String, List<String>> b) {
        return Objects.equals(normalized(a), normalized(b));
    }

    private static Map<String, List<String>> normalized(Map<String, List<String>> config) {
        Map<String, List<String>> normalized = new TreeMap<>();
        if (config != null) {
            config.forEach((key, values) -> {
                if (LIVE_SESSIONS.equals(key) || END_SESSIONS.equals(key)) {
                    return; // a snapshot and an input, not how the role is stored
                }
                List<String> kept = values(config, key);
                if (!kept.isEmpty()) {
                    normalized.put(key, ATTACHED_POLICIES.equals(key) ? kept.stream().sorted().toList() : kept);
                }
            });
        }
        return normalized;
    }
}
