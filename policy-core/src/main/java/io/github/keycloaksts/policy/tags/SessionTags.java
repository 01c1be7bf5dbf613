package io.github.keycloaksts.policy.tags;

import static io.github.keycloaksts.policy.internal.Texts.clip;
import static io.github.keycloaksts.policy.internal.Texts.jsonTypeName;
import static io.github.keycloaksts.policy.internal.Texts.quote;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;

/**
 * The tags of one role session, and which of them are transitive (passed on to every later session of a chain of
 * role sessions). Keys keep the spelling they were given; look-ups by key ignore case, and two keys differing only in
 * case cannot both be present. Immutable and thread-safe; every instance satisfies the rules below.
 *
 * <p>Rules (AWS's): at most {@value #MAX_TAGS} tags; a key has 1-{@value #MAX_KEY_LENGTH} and a value
 * 0-{@value #MAX_VALUE_LENGTH} characters, each a Unicode letter, a digit, a space or one of {@code _ . : / = + - @};
 * keys starting with {@code acs:} or {@code aws:} (any case) are reserved for the system.
 *
 * <p>One hop ({@link #next}): the previous session's transitive tags are carried unchanged; the requesting
 * principal's tags (set by its account's administrators) join them; then the request's tags, which may override
 * neither. A transitive key must name a tag of the new session. Every refusal is a {@link TagValidationException}
 * naming the key.
 */
public final class SessionTags {

    /** Most tags a session may carry. */
    public static final int MAX_TAGS = 50;
    /** Most characters of a tag key. */
    public static final int MAX_KEY_LENGTH = 128;
    /** Most characters of a tag value. */
    public static final int MAX_VALUE_LENGTH = 256;
    /** Most characters of the JSON text of {@code tags} or {@code transitive_tag_keys}: room for escapes throughout. */
    public static final int MAX_PARAMETER_CHARS = 131_072;

    private static final String ALLOWED = "allowed: letters, digits, spaces and _ . : / = + - @";
    private static final String PUNCTUATION = "_.:/=+-@";
    private static final SessionTags NONE = new SessionTags(new LinkedHashMap<>(), List.of());

    private static final ObjectMapper MAPPER = JsonMapper.builder(JsonFactory.builder()
                    .streamReadConstraints(StreamReadConstraints.builder()
                            .maxNestingDepth(8)
                            .maxStringLength(MAX_PARAMETER_CHARS)
                            .maxNameLength(MAX_PARAMETER_CHARS)
                            .maxNumberLength(100)
                            .build())
                    .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                    .build())
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY)
            .build();

    private final Map<String, String> tags;
    private final Map<String, String> spellingByFolded;
    private final List<String> transitiveKeys;
    private final Set<String> transitiveFolded;

    /** From checked parts: valid tags with keys unique ignoring case, transitive keys spelled as in them, distinct. */
    private SessionTags(LinkedHashMap<String, String> tags, List<String> transitiveKeys) {
        this.tags = Collections.unmodifiableMap(tags);
        Map<String, String> spelling = new HashMap<>();
        tags.keySet().forEach(k -> spelling.put(foldKey(k), k));
        this.spellingByFolded = spelling;
        this.transitiveKeys = List.copyOf(transitiveKeys);
        Set<String> folded = new HashSet<>();
        transitiveKeys.forEach(k -> folded.add(foldKey(k)));
        this.transitiveFolded = folded;
    }

    /** @return a session without tags (the first hop's "previous session") */
    public static SessionTags none() {
        return NONE;
    }

    /**
     * Rebuilds a session's tags, e.g. from what was stored with the session.
     *
     * @param tags           the tags (keys as spelled)
     * @param transitiveKeys the keys of the transitive ones, in any case
     * @return the session's tags (transitive keys spelled as the tags they name)
     * @throws TagValidationException naming the key, if a tag breaks a rule or a transitive key names no tag
     */
    public static SessionTags of(Map<String, String> tags, Collection<String> transitiveKeys) {
        LinkedHashMap<String, String> valid = check(tags, "session tag");
        Map<String, String> spelling = new HashMap<>();
        valid.keySet().forEach(k -> spelling.put(foldKey(k), k));
        List<String> transitive = new ArrayList<>();
        for (String key : checkKeys(transitiveKeys, "transitive tag key")) {
            String spelled = spelling.get(foldKey(key));
            if (spelled == null) {
                throw new TagValidationException(key, "transitive tag key " + quote(key) + " names no tag of the session");
            }
            transitive.add(spelled);
        }
        return new SessionTags(valid, transitive);
    }

    // ---------------------------------------------------------------- the exchange parameters

    /**
     * Reads the exchange parameter {@code tags}: a JSON object of string values, e.g.
     * {@code {"Project":"apollo","CostCenter":"1234"}}. Strict: duplicate keys, values that are not strings, anything
     * but one object (trailing content included) are refused.
     *
     * @param json the parameter, or null when it was not given (no tags)
     * @return the tags in the order given, valid and immutable
     * @throws TagValidationException naming what is wrong and, where there is one, the key
     */
    public static Map<String, String> parseRequestTags(String json) {
        if (json == null) {
            return Map.of();
        }
        JsonNode root = readJson(json, "tags");
        if (!root.isObject()) {
            throw new TagValidationException(null, "tags: must be a JSON object of string values, got " + jsonTypeName(root));
        }
        if (root.size() > MAX_TAGS) {
            throw new TagValidationException(null, "too many request tags (" + root.size() + " > " + MAX_TAGS + ")");
        }
        Map<String, String> tags = new LinkedHashMap<>();
        Iterator<Map.Entry<String, JsonNode>> fields = root.fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> e = fields.next();
            if (!e.getValue().isTextual()) {
                throw new TagValidationException(e.getKey(), "tags: the value of " + quote(e.getKey())
                        + " must be a string, got " + jsonTypeName(e.getValue()));
            }
            tags.put(e.getKey(), e.getValue().textValue());
        }
        return Collections.unmodifiableMap(check(tags, "request tag"));
    }

    /**
     * Reads the exchange parameter {@code transitive_tag_keys}: a JSON array of tag keys, e.g. {@code ["Project"]}.
     *
     * @param json the parameter, or null when it was not given (none)
     * @return the keys in the order given, each valid, none twice (ignoring case)
     * @throws TagValidationException naming what is wrong and, where there is one, the key
     */
    public static List<String> parseTransitiveKeys(String json) {
        if (json == null) {
            return List.of();
        }
        JsonNode root = readJson(json, "transitive_tag_keys");
        if (!root.isArray()) {
            throw new TagValidationException(null, "transitive_tag_keys: must be a JSON array of strings, got "
                    + jsonTypeName(root));
        }
        if (root.size() > MAX_TAGS) {
            throw new TagValidationException(null, "too many transitive tag keys (" + root.size() + " > " + MAX_TAGS + ")");
        }
        List<String> keys = new ArrayList<>(root.size());
        for (int i = 0; i < root.size(); i++) {
            JsonNode k = root.get(i);
            if (!k.isTextual()) {
                throw new TagValidationException(null, "transitive_tag_keys[" + i + "]: must be a string, got " + jsonTypeName(k));
            }
            keys.add(k.textValue());
        }
        return checkKeys(keys, "transitive tag key");
    }

    /**
     * Checks a principal's tags (set by its account's administrators) by the same rules as request tags: a bad one
     * refuses the request rather than being dropped silently.
     *
     * @param principalTags the tags, or null for none
     * @return them, immutable, in the order given
     * @throws TagValidationException naming the key
     */
    public static Map<String, String> validatePrincipalTags(Map<String, String> principalTags) {
        return Collections.unmodifiableMap(check(principalTags, "principal tag"));
    }

    // ---------------------------------------------------------------- one hop

    /**
     * The tags of the session one hop opens. In order: the previous session's transitive tags (its other tags end
     * with it), the requesting principal's tags, the request's tags. Refused: a request tag whose key is an incoming
     * transitive tag's or a principal tag's (ignoring case); a principal tag that contradicts an incoming transitive
     * tag; a transitive key that names no tag of the new session; more than {@value #MAX_TAGS} tags in all; any tag
     * or key breaking the rules. Incoming transitive keys stay transitive, with their values.
     *
     * @param previous       the tags of the session the request comes from ({@link #none()} at the first hop)
     * @param principalTags  the requesting principal's tags, or null for none
     * @param requestTags    the request's {@code tags}, or null for none
     * @param transitiveKeys the request's {@code transitive_tag_keys}, or null for none
     * @return the new session's tags and transitive keys
     * @throws TagValidationException naming the key
     */
    public static SessionTags next(SessionTags previous, Map<String, String> principalTags, Map<String, String> requestTags,
                                   Collection<String> transitiveKeys) {
        Objects.requireNonNull(previous, "previous");
        LinkedHashMap<String, String> principal = check(principalTags, "principal tag");
        LinkedHashMap<String, String> request = check(requestTags, "request tag");
        List<String> newTransitive = checkKeys(transitiveKeys, "transitive tag key");

        LinkedHashMap<String, String> out = new LinkedHashMap<>();
        Map<String, String> spelling = new HashMap<>();
        for (String key : previous.transitiveKeys) {
            out.put(key, previous.tags.get(key));
            spelling.put(foldKey(key), key);
        }
        Set<String> principalFolded = new HashSet<>();
        for (Map.Entry<String, String> e : principal.entrySet()) {
            String folded = foldKey(e.getKey());
            principalFolded.add(folded);
            String carried = spelling.get(folded);
            if (carried == null) {
                out.put(e.getKey(), e.getValue());
                spelling.put(folded, e.getKey());
            } else if (!out.get(carried).equals(e.getValue())) {
                throw new TagValidationException(e.getKey(), "principal tag " + quote(e.getKey())
                        + " contradicts the transitive tag " + quote(carried) + " of the session chain (the values differ)");
            }
        }
        for (Map.Entry<String, String> e : request.entrySet()) {
            String folded = foldKey(e.getKey());
            if (previous.transitiveFolded.contains(folded)) {
                throw new TagValidationException(e.getKey(), "transitive tag " + quote(spelling.get(folded))
                        + " cannot be overridden: it comes from the previous session of the chain (request tag "
                        + quote(e.getKey()) + ")");
            }
            if (principalFolded.contains(folded)) {
                throw new TagValidationException(e.getKey(), "principal tag " + quote(spelling.get(folded))
                        + " cannot be overridden: the source account's administrators set it (request tag "
                        + quote(e.getKey()) + ")");
            }
            out.put(e.getKey(), e.getValue());
            spelling.put(folded, e.getKey());
        }
        if (out.size() > MAX_TAGS) {
            throw new TagValidationException(null, "too many session tags (" + out.size() + " > " + MAX_TAGS + ": "
                    + previous.transitiveKeys.size() + " transitive, " + principal.size() + " principal, "
                    + request.size() + " request)");
        }
        List<String> transitive = new ArrayList<>(previous.transitiveKeys);
        for (String key : newTransitive) {
            String folded = foldKey(key);
            String spelled = spelling.get(folded);
            if (spelled == null) {
                throw new TagValidationException(key, "transitive tag key " + quote(key) + " names no tag of the session");
            }
            if (!previous.transitiveFolded.contains(folded)) {
                transitive.add(spelled);
            }
        }
        return new SessionTags(out, transitive);
    }

    // ---------------------------------------------------------------- the rules

    /**
     * @param key a tag key, may be null
     * @return null if it is a valid tag key, else what is wrong, e.g. {@code is empty} or
     *         {@code contains the character "#" (allowed: ...)}
     */
    public static String keyProblem(String key) {
        if (key == null) {
            return "is null";
        }
        if (key.isEmpty()) {
            return "is empty";
        }
        String problem = charsProblem(key, MAX_KEY_LENGTH);
        if (problem != null) {
            return problem;
        }
        if (key.regionMatches(true, 0, "acs:", 0, 4) || key.regionMatches(true, 0, "aws:", 0, 4)) {
            return "is reserved (keys starting with acs: or aws: are the system's)";
        }
        return null;
    }

    /**
     * @param value a tag value, may be null
     * @return null if it is a valid tag value, else what is wrong
     */
    public static String valueProblem(String value) {
        return value == null ? "is null" : charsProblem(value, MAX_VALUE_LENGTH);
    }

    /**
     * The form in which tag keys are compared: keys differing only in case are the same key.
     *
     * @param key a tag key
     * @return its lowercase form ({@link Locale#ROOT})
     */
    public static String foldKey(String key) {
        return key.toLowerCase(Locale.ROOT);
    }

    private static String charsProblem(String s, int max) {
        int length = s.codePointCount(0, s.length());
        if (length > max) {
            return "is longer than " + max + " characters (" + length + ")";
        }
        for (int i = 0; i < s.length(); ) {
            int c = s.codePointAt(i);
            if (!Character.isLetter(c) && !Character.isDigit(c) && c != ' ' && PUNCTUATION.indexOf(c) < 0) {
                return "contains the character " + quote(new String(Character.toChars(c))) + " (" + ALLOWED + ")";
            }
            i += Character.charCount(c);
        }
        return null;
    }

    /** Checks each tag; a copy in the given order. */
    private static LinkedHashMap<String, String> check(Map<String, String> tags, String what) {
        LinkedHashMap<String, String> out = new LinkedHashMap<>();
        if (tags == null) {
            return out;
        }
        if (tags.size() > MAX_TAGS) {
            throw new TagValidationException(null, "too many " + what + "s (" + tags.size() + " > " + MAX_TAGS + ")");
        }
        Map<String, String> seen = new HashMap<>();
        for (Map.Entry<String, String> e : tags.entrySet()) {
            String key = e.getKey();
            String problem = keyProblem(key);
            if (problem != null) {
                throw new TagValidationException(key, what + " " + quote(key) + ": key " + problem);
            }
            problem = valueProblem(e.getValue());
            if (problem != null) {
                throw new TagValidationException(key, what + " " + quote(key) + ": value " + problem);
            }
            String other = seen.put(foldKey(key), key);
            if (other != null) {
                throw new TagValidationException(key, what + "s " + quote(other) + " and " + quote(key)
                        + " differ only in case");
            }
            out.put(key, e.getValue());
        }
        return out;
    }

    /** Checks each key and that none repeats (ignoring case); a copy in the given order. */
    private static List<String> checkKeys(Collection<String> keys, String what) {
        if (keys == null) {
            return List.of();
        }
        if (keys.size() > MAX_TAGS) {
            throw new TagValidationException(null, "too many " + what + "s (" + keys.size() + " > " + MAX_TAGS + ")");
        }
        Map<String, String> seen = new HashMap<>();
        List<String> out = new ArrayList<>(keys.size());
        for (String key : keys) {
            String problem = keyProblem(key);
            if (problem != null) {
                throw new TagValidationException(key, what + " " + quote(key) + ": " + problem);
            }
            String other = seen.put(foldKey(key), key);
            if (other != null) {
                throw new TagValidationException(key, other.equals(key) ? "duplicate " + what + " " + quote(key)
                        : what + "s " + quote(other) + " and " + quote(key) + " differ only in case");
            }
            out.add(key);
        }
        return List.copyOf(out);
    }

    static JsonNode readJson(String json, String parameter) {
        if (json.length() > MAX_PARAMETER_CHARS) {
            throw new TagValidationException(null, parameter + ": too long (" + json.length() + " > "
                    + MAX_PARAMETER_CHARS + " characters)");
        }
        if (json.isBlank()) {
            throw new TagValidationException(null, parameter + ": is empty");
        }
        try {
            return MAPPER.readTree(json);
        } catch (StreamConstraintsException e) {
            throw new TagValidationException(null, parameter + ": exceeds parser limits: " + clip(e.getOriginalMessage()));
        } catch (JsonProcessingException e) {
            String msg = e.getOriginalMessage();
            String prefix = "Duplicate field '";
            if (msg != null && msg.startsWith(prefix) && msg.indexOf('\'', prefix.length()) > 0) {
                String key = msg.substring(prefix.length(), msg.indexOf('\'', prefix.length()));
                throw new TagValidationException(key, parameter + ": duplicate key " + quote(key));
            }
            StringBuilder sb = new StringBuilder(parameter).append(": malformed JSON");
            if (e.getLocation() != null && e.getLocation().getLineNr() > 0) {
                sb.append(" at line ").append(e.getLocation().getLineNr())
                        .append(", column ").append(e.getLocation().getColumnNr());
            }
            throw new TagValidationException(null, sb.append(": ").append(clip(msg)).toString());
        } catch (IOException | RuntimeException e) {
            throw new TagValidationException(null, parameter + ": unreadable JSON: " + clip(e.getMessage()));
        }
    }


    // ---------------------------------------------------------------- the value

    /** @return the tags, keys as spelled, in order (incoming transitive, principal, request) */
    public Map<String, String> tags() {
        return tags;
    }

    /** @return the keys of the transitive tags, spelled as in {@link #tags()}: the incoming ones first */
    public List<String> transitiveKeys() {
        return transitiveKeys;
    }

    /** @return the transitive tags (what the next session of the chain inherits), in the order of their keys */
    public Map<String, String> transitiveTags() {
        Map<String, String> out = new LinkedHashMap<>();
        transitiveKeys.forEach(k -> out.put(k, tags.get(k)));
        return Collections.unmodifiableMap(out);
    }

    /**
     * @param key a tag key in any case
     * @return its value, if the session has that tag
     */
    public Optional<String> get(String key) {
        String spelled = key == null ? null : spellingByFolded.get(foldKey(key));
        return spelled == null ? Optional.empty() : Optional.of(tags.get(spelled));
    }

    /**
     * @param key a tag key in any case
     * @return whether the session has that tag and it is transitive
     */
    public boolean isTransitive(String key) {
        return key != null && transitiveFolded.contains(foldKey(key));
    }

    /** @return how many tags */
    public int size() {
        return tags.size();
    }

    /** @return whether there are none */
    public boolean isEmpty() {
        return tags.isEmpty();
    }

    /** Equal when the tags (keys as spelled, values) and the set of transitive keys are; order does not count. */
    @Override
    public boolean equals(Object o) {
        return o instanceof SessionTags t && t.tags.equals(tags) && t.transitiveFolded.equals(transitiveFolded);
    }

    @Override
    public int hashCode() {
        return tags.hashCode() * 31 + transitiveFolded.hashCode();
    }

    @Override
    public String toString() {
        return "SessionTags" + tags + (transitiveKeys.isEmpty() ? "" : " transitive " + transitiveKeys);
    }
}
