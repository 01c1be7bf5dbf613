package io.github.keycloaksts.policy.tags;

import static io.github.keycloaksts.policy.internal.Texts.jsonTypeName;
import static io.github.keycloaksts.policy.internal.Texts.quote;

import java.util.Collections;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.keycloaksts.policy.internal.Texts;

/**
 * Which claims of an external (OIDC) token become the principal tags of a federated subject: tag key to claim name,
 * e.g. {@code {"Repository":"repository","Environment":"environment"}}. The provider's administrators choose them, as a
 * source account's administrators set its users' tags. A claim is read at the top level of the token, by its exact
 * name; a string, number or boolean value is the tag's value, an absent or null claim gives no tag, anything else
 * refuses the request.
 */
public final class TagClaims {

    /** At most this many mappings (a session has at most {@value SessionTags#MAX_TAGS} tags). */
    public static final int MAX_MAPPINGS = SessionTags.MAX_TAGS;
    /** Claim names: 1 to this many characters, without control characters. */
    public static final int MAX_CLAIM_NAME_LENGTH = 255;

    private static final TagClaims NONE = new TagClaims(new LinkedHashMap<>());

    private final Map<String, String> claimByTag;

    private TagClaims(LinkedHashMap<String, String> claimByTag) {
        this.claimByTag = Collections.unmodifiableMap(claimByTag);
    }

    /** @return no mappings: the provider's subjects have no principal tags */
    public static TagClaims none() {
        return NONE;
    }

    /**
     * Checks mappings given as a map.
     *
     * @param claimByTag tag key to claim name, or null for none
     * @param where      the name to report faults under, e.g. {@code tagClaims}
     * @return the mappings in the order given
     * @throws TagValidationException naming the tag key, with {@code <where>.<key>} in its message
     */
    public static TagClaims of(Map<String, String> claimByTag, String where) {
        if (claimByTag == null || claimByTag.isEmpty()) {
            return NONE;
        }
        if (claimByTag.size() > MAX_MAPPINGS) {
            throw new TagValidationException(null, where + ": at most " + MAX_MAPPINGS + " tag claims (" + claimByTag.size() + ")");
        }
        LinkedHashMap<String, String> out = new LinkedHashMap<>();
        Map<String, String> spelling = new HashMap<>();
        for (Map.Entry<String, String> e : claimByTag.entrySet()) {
            String key = e.getKey();
            String keyProblem = SessionTags.keyProblem(key);
            if (keyProblem != null) {
                throw new TagValidationException(key, where + "." + quote(key) + ": the tag key " + keyProblem);
            }
            String earlier = spelling.putIfAbsent(SessionTags.foldKey(key), key);
            if (earlier != null) {
                throw new TagValidationException(key, where + "." + quote(key) + ": the same tag key as " + quote(earlier)
                        + " (keys differing only in case are one key)");
            }
            String claim = e.getValue();
            String claimProblem = claim == null ? "is null" : claim.isEmpty() ? "is empty"
                    : claim.length() > MAX_CLAIM_NAME_LENGTH ? "is longer than " + MAX_CLAIM_NAME_LENGTH + " characters"
                    : Texts.textProblem(claim);
            if (claimProblem != null) {
                throw new TagValidationException(key, where + "." + quote(key) + ": the claim name " + claimProblem);
            }
            out.put(key, claim);
        }
        return new TagClaims(out);
    }

    /**
     * Reads mappings stored or sent as JSON: an object of tag keys to claim names. Strict, as the {@code tags} parameter.
     *
     * @param json  the JSON, or null for none
     * @param where the name to report faults under, e.g. {@code tagClaims}
     * @throws TagValidationException naming what is wrong
     */
    public static TagClaims parse(String json, String where) {
        if (json == null) {
            return NONE;
        }
        return of(node(SessionTags.readJson(json, where), where), where);
    }

    /**
     * Reads mappings from a JSON tree (a REST body's field), unchecked: pass the result to {@link #of}.
     *
     * @param root  the JSON value, or null for none
     * @param where the name to report faults under
     * @return tag key to claim name, in the order given
     * @throws TagValidationException naming what is wrong
     */
    public static Map<String, String> node(JsonNode root, String where) {
        if (root == null || root.isNull()) {
            return Map.of();
        }
        if (!root.isObject()) {
            throw new TagValidationException(null, where + ": must be a JSON object of tag keys to claim names, got "
                    + jsonTypeName(root));
        }
        Map<String, String> out = new LinkedHashMap<>();
        Iterator<Map.Entry<String, JsonNode>> fields = root.fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> e = fields.next();
            if (!e.getValue().isTextual()) {
                throw new TagValidationException(e.getKey(), where + "." + quote(e.getKey()) + ": the claim name must be a string, got "
                        + jsonTypeName(e.getValue()));
            }
            out.put(e.getKey(), e.getValue().textValue());
        }
        return out;
    }

    /** @return tag key to claim name, in the order given */
    public Map<String, String> claimByTag() {
        return claimByTag;
    }

    public boolean isEmpty() {
        return claimByTag.isEmpty();
    }

    /**
     * The principal tags a token's claims give.
     *
     * @param claims the token's claims (top level), as a JSON reader gives them
     * @return tag key to value, in the order of the mappings, each tag valid
     * @throws TagValidationException naming the tag key: a claim that is not a single string, number or boolean, or a
     *                                value that breaks the tag rules
     */
    public Map<String, String> tagsFrom(Map<String, Object> claims) {
        if (claimByTag.isEmpty()) {
            return Map.of();
        }
        Map<String, String> tags = new LinkedHashMap<>();
        for (Map.Entry<String, String> e : claimByTag.entrySet()) {
            Object value = claims == null ? null : claims.get(e.getValue());
            if (value == null) {
                continue;
            }
            if (!(value instanceof String || value instanceof Number || value instanceof Boolean)) {
                throw new TagValidationException(e.getKey(), "principal tag " + quote(e.getKey()) + ": the claim "
                        + quote(e.getValue()) + " of the subject token is " + typeName(value) + ", not a string, number or boolean");
            }
            tags.put(e.getKey(), String.valueOf(value));
        }
        try {
            return SessionTags.validatePrincipalTags(tags);
        } catch (TagValidationException ex) {
            String key = ex.key().orElse(null);
            String claim = key == null ? null : claimByTag.get(key);
            throw new TagValidationException(key, claim == null ? ex.getMessage()
                    : ex.getMessage() + " (from the claim " + quote(claim) + " of the subject token)");
        }
    }

    private static String typeName(Object value) {
        return value instanceof Map ? "an object" : value instanceof Iterable || value.getClass().isArray() ? "an array" : "a " + value.getClass().getSimpleName();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TagClaims other && claimByTag.equals(other.claimByTag);
    }

    @Override
    public int hashCode() {
        return claimByTag.hashCode();
    }

    @Override
    public String toString() {
        return claimByTag.toString();
    }
}
