package io.github.keycloaksts.policy.document;

import static io.github.keycloaksts.policy.internal.Texts.clip;
import static io.github.keycloaksts.policy.internal.Texts.quote;

import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.github.keycloaksts.policy.PolicyLimits;
import io.github.keycloaksts.policy.PolicyValidationException;
import io.github.keycloaksts.policy.arn.AccountArn;
import io.github.keycloaksts.policy.arn.AccountId;
import io.github.keycloaksts.policy.arn.Arn;
import io.github.keycloaksts.policy.arn.ArnPattern;
import io.github.keycloaksts.policy.arn.AssumedRoleArn;
import io.github.keycloaksts.policy.arn.OidcProviderArn;
import io.github.keycloaksts.policy.arn.RoleArn;
import io.github.keycloaksts.policy.condition.Condition;
import io.github.keycloaksts.policy.condition.ConditionKey;
import io.github.keycloaksts.policy.condition.ConditionOperator;
import io.github.keycloaksts.policy.condition.ValueType;
import io.github.keycloaksts.policy.internal.Texts;
import io.github.keycloaksts.policy.tags.SessionTags;

/**
 * Reads policy documents (Alibaba RAM syntax) strictly. Thread-safe; create one per set of
 * {@link PolicyLimits} and share it.
 *
 * <p>Contract: for <em>any</em> input (null, malformed JSON, duplicate keys, oversized or deeply
 * nested documents, wrong types, unknown fields, operators or keys, invalid values) the read
 * methods either return a valid, immutable {@link PolicyDocument} or throw
 * {@link PolicyValidationException} whose {@link PolicyValidationException#path() path} locates
 * the fault, e.g. {@code Statement[0].Principal.RAM[1]: not an account ID or ARN}. Size is checked
 * before parsing; depth by the JSON parser; all other {@link PolicyLimits} while reading.
 *
 * <p>Syntax: {@code {"Version": "1", "Statement": [ ... ]}} (a single statement object is
 * accepted); each statement has an optional {@code Sid} (unique), {@code Effect}
 * ({@code Allow}/{@code Deny}), {@code Action} (string or list of patterns, case-insensitive, each naming
 * {@code sts:AssumeRole} or, in trust policies, {@code sts:TagSession}: {@code sts:AssumeRole},
 * {@code sts:TagSession}, {@code sts:*}, {@code *}), then per {@link PolicyKind}:
 * {@code Principal: {"RAM": ..., "Federated": ...}} in trust policies (RAM: account IDs,
 * account/user/role ARNs; Federated: OIDC provider ARNs, and the statement must have a condition on
 * {@code oidc:sub}; the wildcard {@code *} is refused), {@code Resource} in permission policies (role ARN patterns) and
 * session policies (attached policy name patterns), and an optional
 * {@code Condition: {operator: {key: value or values}}} (keys: {@link ConditionKey}; a tag key such as
 * {@code acs:RequestTag/Project} needs a valid tag key after the slash, and one operator may not name
 * the same key twice, ignoring case in the key and in the tag key).
 */
public final class PolicyReader {

    private static final PolicyReader DEFAULT = new PolicyReader(PolicyLimits.DEFAULTS);

    private static final Set<String> TOP_FIELDS = Set.of("Version", "Statement");
    private static final Set<String> STATEMENT_FIELDS = Set.of("Sid", "Effect", "Action", "Principal", "Resource",
            "Condition");
    private static final int MAX_SID_LENGTH = 128;
    private static final PolicyValidationException.Reason WILDCARD =
            PolicyValidationException.Reason.WILDCARD_PRINCIPAL;
    private static final PolicyValidationException.Reason BROAD_SUBJECT =
            PolicyValidationException.Reason.BROAD_OIDC_SUBJECT;

    private final PolicyLimits limits;
    private final ObjectMapper mapper;

    /** A reader with {@link PolicyLimits#DEFAULTS}. */
    public PolicyReader() {
        this(PolicyLimits.DEFAULTS);
    }

    /** @param limits the limits to enforce */
    public PolicyReader(PolicyLimits limits) {
        this.limits = Objects.requireNonNull(limits, "limits");
        JsonFactory factory = JsonFactory.builder()
                .streamReadConstraints(StreamReadConstraints.builder()
                        .maxNestingDepth(limits.maxDepth())
                        .maxStringLength(Math.max(limits.maxDocumentChars(), limits.maxStringLength()))
                        .maxNameLength(Math.max(limits.maxStringLength(), 64))
                        .maxNumberLength(100)
                        .build())
                .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                .build();
        this.mapper = JsonMapper.builder(factory)
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                .enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY)
                .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
                .build();
    }

    /** @return a shared reader with {@link PolicyLimits#DEFAULTS} */
    public static PolicyReader defaults() {
        return DEFAULT;
    }

    /** @return the limits this reader enforces */
    public PolicyLimits limits() {
        return limits;
    }

    /**
     * @param json a trust policy
     * @return the document
     * @throws PolicyValidationException if it is not a valid trust policy
     */
    public PolicyDocument readTrustPolicy(String json) {
        return read(PolicyKind.TRUST, json);
    }

    /**
     * @param json a trust policy already parsed (e.g. an admin REST body)
     * @return the document
     * @throws PolicyValidationException if it is not a valid trust policy
     */
    public PolicyDocument readTrustPolicy(JsonNode json) {
        return read(PolicyKind.TRUST, json);
    }

    /**
     * @param json a permission policy ({@code Action} + role ARN {@code Resource} patterns)
     * @return the document
     * @throws PolicyValidationException if it is not a valid permission policy
     */
    public PolicyDocument readPermissionPolicy(String json) {
        return read(PolicyKind.PERMISSION, json);
    }

    /**
     * @param json a permission policy already parsed
     * @return the document
     * @throws PolicyValidationException if it is not a valid permission policy
     */
    public PolicyDocument readPermissionPolicy(JsonNode json) {
        return read(PolicyKind.PERMISSION, json);
    }

    /**
     * @param json a session policy ({@code Resource} = attached policy name patterns)
     * @return the document
     * @throws PolicyValidationException if it is not a valid session policy
     */
    public PolicyDocument readSessionPolicy(String json) {
        return read(PolicyKind.SESSION, json);
    }

    /**
     * @param json a session policy already parsed
     * @return the document
     * @throws PolicyValidationException if it is not a valid session policy
     */
    public PolicyDocument readSessionPolicy(JsonNode json) {
        return read(PolicyKind.SESSION, json);
    }

    /**
     * @param json a platform guardrail ({@link PolicyKind#GUARDRAIL}: Deny statements over role ARN patterns)
     * @return the document
     * @throws PolicyValidationException if it is not a valid guardrail
     */
    public PolicyDocument readGuardrail(String json) {
        return read(PolicyKind.GUARDRAIL, json);
    }

    /**
     * @param kind what the document is for
     * @param json the JSON text
     * @return the document
     * @throws PolicyValidationException if invalid
     */
    public PolicyDocument read(PolicyKind kind, String json) {
        Objects.requireNonNull(kind, "kind");
        return read(kind, readTree(json));
    }

    /**
     * Parses JSON text under this reader's limits (size, nesting depth, duplicate keys, trailing tokens)
     * without checking that it is a policy: {@code read(kind, readTree(json))} is {@code read(kind, json)}.
     * For callers that need the tree as well as the document (e.g. to locate a principal by its JSON path)
     * and should parse the text only once.
     *
     * @param json the JSON text
     * @return the tree
     * @throws PolicyValidationException (path {@code $}, or the duplicate field's) if it is not JSON this reader reads
     */
    public JsonNode readTree(String json) {
        if (json == null) {
            throw new PolicyValidationException("$", "document is null");
        }
        if (json.length() > limits.maxDocumentChars()) {
            throw new PolicyValidationException("$", "document too large (" + json.length() + " > "
                    + limits.maxDocumentChars() + " characters)");
        }
        if (json.isBlank()) {
            throw new PolicyValidationException("$", "document is empty");
        }
        JsonNode root;
        try {
            root = mapper.readTree(json);
        } catch (StreamConstraintsException e) {
            throw new PolicyValidationException("$", "document exceeds parser limits: "
                    + clip(e.getOriginalMessage()));
        } catch (JsonProcessingException e) {
            String detail = malformed(e);
            // the parser's context names the field reliably only for duplicates; elsewhere the
            // last field name seen may be a neighbour of the fault, so report the document
            throw new PolicyValidationException(detail.startsWith("duplicate field") ? parserPath(e) : "$", detail);
        } catch (IOException | RuntimeException e) {
            throw new PolicyValidationException("$", "unreadable JSON: " + clip(e.getMessage()));
        }
        return root;
    }

    /**
     * @param kind what the document is for
     * @param json the parsed JSON
     * @return the document
     * @throws PolicyValidationException if invalid
     */
    public PolicyDocument read(PolicyKind kind, JsonNode json) {
        Objects.requireNonNull(kind, "kind");
        try {
            return new Run(kind).document(json);
        } catch (PolicyValidationException e) {
            throw e;
        } catch (RuntimeException | StackOverflowError e) {
            // safety net for the contract; the fuzz test fails if this ever happens
            throw new PolicyValidationException("$", "internal error while reading the document: "
                    + e.getClass().getSimpleName());
        }
    }

    /**
     * Validates one role ARN pattern of a permission policy (or {@code sts.assume-role} value): an
     * {@link ArnPattern} that, without wildcards, is a role ARN.
     *
     * @return the pattern
     */
    static String checkRolePattern(String value, String path) {
        if (value == null) {
            throw new PolicyValidationException(path, "must be a string");
        }
        try {
            ArnPattern p = ArnPattern.parse(value);
            if (!p.hasWildcards() && !(Arn.parse(value) instanceof RoleArn)) {
                throw new PolicyValidationException(path, "not a role ARN: " + quote(value));
            }
            return value;
        } catch (PolicyValidationException e) {
            if (!e.path().isEmpty()) {
                throw e;
            }
            throw new PolicyValidationException(path, e.detail());
        }
    }

    private static String malformed(JsonProcessingException e) {
        String msg = e.getOriginalMessage();
        if (msg != null && msg.startsWith("Duplicate field '")) {
            int end = msg.indexOf('\'', "Duplicate field '".length());
            if (end > 0) {
                return "duplicate field " + quote(msg.substring("Duplicate field '".length(), end));
            }
        }
        StringBuilder sb = new StringBuilder("malformed JSON");
        if (e.getLocation() != null && e.getLocation().getLineNr() > 0) {
            sb.append(" at line ").append(e.getLocation().getLineNr())
                    .append(", column ").append(e.getLocation().getColumnNr());
        }
        return sb.append(": ").append(clip(msg)).toString();
    }

    /** Location of a parse error as a path in our syntax, from the parser's context. */
    private static String parserPath(JsonProcessingException e) {
        try {
            if (!(e.getProcessor() instanceof JsonParser p)) {
                return "$";
            }
            List<String> parts = new ArrayList<>();
            for (JsonStreamContext c = p.getParsingContext(); c != null && !c.inRoot(); c = c.getParent()) {
                if (c.inArray()) {
                    parts.add("[" + Math.max(c.getCurrentIndex(), 0) + "]");
                } else if (c.inObject() && c.getCurrentName() != null) {
                    parts.add("." + c.getCurrentName());
                }
            }
            if (parts.isEmpty()) {
                return "$";
            }
            StringBuilder sb = new StringBuilder();
            for (int i = parts.size() - 1; i >= 0; i--) {
                sb.append(parts.get(i));
            }
            String path = sb.charAt(0) == '.' ? sb.substring(1) : "$" + sb;
            return path.length() > 200 || Texts.textProblem(path) != null ? "$" : path;
        } catch (RuntimeException ex) {
            return "$";
        }
    }


    /** State of one read: the kind and the remaining character budget. */
    private final class Run {

        private final PolicyKind kind;
        private long budget = limits.maxDocumentChars();

        Run(PolicyKind kind) {
            this.kind = kind;
        }

        PolicyDocument document(JsonNode root) {
            if (root == null || root.isMissingNode() || root.isNull()) {
                throw new PolicyValidationException("$", "document is null");
            }
            if (!root.isObject()) {
                throw new PolicyValidationException("$", "expected a JSON object, got " + Texts.jsonTypeName(root));
            }
            unknownFields(root, TOP_FIELDS, "$");
            JsonNode version = root.get("Version");
            if (version == null) {
                throw new PolicyValidationException("$", "missing \"Version\"");
            }
            if (!version.isTextual() || !VERSION_1.equals(version.textValue())) {
                throw new PolicyValidationException("Version", "must be \"1\"");
            }
            JsonNode st = root.get("Statement");
            if (st == null) {
                throw new PolicyValidationException("$", "missing \"Statement\"");
            }
            List<Statement> statements = new ArrayList<>();
            if (st.isObject()) {
                statements.add(statement(st, "Statement"));
            } else if (st.isArray()) {
                if (st.size() > limits.maxStatements()) {
                    throw new PolicyValidationException("Statement", "too many statements (" + st.size() + " > "
                            + limits.maxStatements() + ")");
                }
                for (int i = 0; i < st.size(); i++) {
                    JsonNode s = st.get(i);
                    String path = "Statement[" + i + "]";
                    if (!s.isObject()) {
                        throw new PolicyValidationException(path, "expected a JSON object, got " + Texts.jsonTypeName(s));
                    }
                    statements.add(statement(s, path));
                }
            } else {
                throw new PolicyValidationException("Statement", "must be an object or a list of objects, got "
                        + Texts.jsonTypeName(st));
            }
            Set<String> sids = new HashSet<>();
            for (int i = 0; i < statements.size(); i++) {
                String sid = statements.get(i).sid().orElse(null);
                if (sid != null && !sids.add(sid)) {
                    String path = st.isArray() ? "Statement[" + i + "].Sid" : "Statement.Sid";
                    throw new PolicyValidationException(path, "duplicate Sid " + quote(sid));
                }
            }
            PolicyDocument doc = new PolicyDocument(kind, statements);
            // The canonical form can be longer than the input (bare account IDs become ARNs);
            // refuse documents whose stored form could not be read back under the same limits.
            if (limits.maxDocumentChars() - budget > limits.maxDocumentChars() / 4) {
                int canonical = PolicyWriter.toJson(doc).length();
                if (canonical > limits.maxDocumentChars()) {
                    throw new PolicyValidationException("$", "document too large in canonical form (" + canonical
                            + " > " + limits.maxDocumentChars() + " characters)");
                }
            }
            return doc;
        }

        private Statement statement(JsonNode node, String path) {
            unknownFields(node, STATEMENT_FIELDS, path);
            if (kind == PolicyKind.TRUST && node.has("Resource")) {
                throw new PolicyValidationException(path, "\"Resource\" is not allowed in a trust policy"
                        + " (the resource is the role)");
            }
            if (kind != PolicyKind.TRUST && node.has("Principal")) {
                throw new PolicyValidationException(path, "\"Principal\" is not allowed in a " + kind.label());
            }
            String sid = null;
            JsonNode sidNode = node.get("Sid");
            if (sidNode != null) {
                sid = string(sidNode, path + ".Sid");
                if (sid.isEmpty() || sid.length() > MAX_SID_LENGTH) {
                    throw new PolicyValidationException(path + ".Sid", "must be 1-" + MAX_SID_LENGTH + " characters");
                }
            }
            JsonNode effectNode = required(node, "Effect", path);
            String effectText = effectNode.isTextual() ? effectNode.textValue() : null;
            Effect effect = Effect.fromJson(effectText).orElseThrow(() ->
                    new PolicyValidationException(path + ".Effect", "must be \"Allow\" or \"Deny\""));
            if (kind == PolicyKind.GUARDRAIL && effect != Effect.DENY) {
                throw new PolicyValidationException(path + ".Effect", "must be \"Deny\": a guardrail never grants");
            }

            List<String> actions = stringOrList(required(node, "Action", path), path + ".Action",
                    limits.maxValuesPerList(), "values");
            for (int i = 0; i < actions.size(); i++) {
                String problem = Actions.problem(kind, actions.get(i));
                if (problem != null) {
                    throw new PolicyValidationException(elementPath(node.get("Action"), path + ".Action", i), problem);
                }
            }

            Principals principals = Principals.NONE;
            Resources resources = Resources.NONE;
            if (kind == PolicyKind.TRUST) {
                principals = principals(required(node, "Principal", path), path + ".Principal");
            } else {
                JsonNode resNode = required(node, "Resource", path);
                List<String> values = stringOrList(resNode, path + ".Resource", limits.maxValuesPerList(), "values");
                for (int i = 0; i < values.size(); i++) {
                    String p = elementPath(resNode, path + ".Resource", i);
                    if (kind == PolicyKind.PERMISSION || kind == PolicyKind.GUARDRAIL) {
                        checkRolePattern(values.get(i), p);
                    } else if (values.get(i).isEmpty()) {
                        throw new PolicyValidationException(p, "must not be empty");
                    }
                }
                resources = Resources.of(values);
            }

            List<Condition> conditions = List.of();
            JsonNode condNode = node.get("Condition");
            if (condNode != null) {
                conditions = conditions(condNode, path + ".Condition");
            }
            if (principals.hasFederated()) {
                requireSubjectCondition(effect, conditions, condNode != null, path);
            }
            return new Statement(sid, effect, actions, principals, resources, conditions);
        }

        private Principals principals(JsonNode node, String path) {
            if (node.isTextual() && node.textValue().equals("*")) {
                throw new PolicyValidationException(path, "wildcard principal \"*\" is not allowed;"
                        + " list account IDs or ARNs in \"RAM\"", WILDCARD);
            }
            if (!node.isObject()) {
                throw new PolicyValidationException(path, "must be an object like {\"RAM\": [...]}, got "
                        + Texts.jsonTypeName(node));
            }
            Iterator<String> names = node.fieldNames();
            while (names.hasNext()) {
                String name = names.next();
                if (!name.equals("RAM") && !name.equals("Federated")) {
                    throw new PolicyValidationException(path, "unsupported principal type " + quote(name)
                            + " (only \"RAM\" and \"Federated\")");
                }
            }
            if (!node.has("RAM") && !node.has("Federated")) {
                throw new PolicyValidationException(path, "missing \"RAM\" or \"Federated\"");
            }
            List<Arn> arns = new ArrayList<>();
            JsonNode ram = node.get("RAM");
            if (ram != null) {
                List<String> values = stringOrList(ram, path + ".RAM", limits.maxPrincipalsPerStatement(), "principals");
                for (int i = 0; i < values.size(); i++) {
                    String p = elementPath(ram, path + ".RAM", i);
                    Arn arn = principal(values.get(i), p);
                    if (arn instanceof OidcProviderArn) {
                        throw new PolicyValidationException(p, "an OIDC provider is a \"Federated\" principal, not \"RAM\"");
                    }
                    arns.add(arn);
                }
            }
            JsonNode federated = node.get("Federated");
            if (federated != null) {
                List<String> values = stringOrList(federated, path + ".Federated", limits.maxPrincipalsPerStatement(),
                        "principals");
                if (arns.size() + values.size() > limits.maxPrincipalsPerStatement()) {
                    throw new PolicyValidationException(path, "too many principals (" + (arns.size() + values.size())
                            + " > " + limits.maxPrincipalsPerStatement() + ")");
                }
                for (int i = 0; i < values.size(); i++) {
                    String p = elementPath(federated, path + ".Federated", i);
                    String value = values.get(i);
                    if (value.indexOf('*') >= 0 || value.indexOf('?') >= 0) {
                        throw new PolicyValidationException(p, "wildcards are not allowed in principals: " + quote(value),
                            WILDCARD);
                    }
                    Arn arn;
                    try {
                        arn = value.startsWith("acs:") ? Arn.parse(value) : null;
                    } catch (PolicyValidationException e) {
                        throw new PolicyValidationException(p, e.detail());
                    }
                    if (!(arn instanceof OidcProviderArn)) {
                        throw new PolicyValidationException(p, "not an OIDC provider ARN"
                                + " (acs:ram::<accountId>:oidc-provider/<name>)");
                    }
                    arns.add(arn);
                }
            }
            return Principals.of(arns);
        }

        /**
         * A statement naming an OIDC provider must say which of its subjects it means: without a condition on
         * {@code oidc:sub} it would trust every token the issuer signs (for a public issuer such as GitHub's,
         * every repository on GitHub). An Allow needs a positive operator each of whose values pins an owner
         * ({@link SubjectPatterns}).
         */
        private void requireSubjectCondition(Effect effect, List<Condition> conditions, boolean hasCondition, String path) {
            String where = hasCondition ? path + ".Condition" : path;
            boolean any = false;
            for (Condition c : conditions) {
                if (c.key() != ConditionKey.OIDC_SUB) {
                    continue;
                }
                any = true;
                if (effect == Effect.ALLOW) {
                    String keyPath = path + ".Condition." + c.operator().operatorName() + "." + ConditionKey.OIDC_SUB.keyName();
                    if (c.operator().isNegated()) {
                        throw new PolicyValidationException(keyPath, "a Federated Allow needs a positive condition on"
                                + " \"oidc:sub\" (a negated one trusts every other subject of the provider)", BROAD_SUBJECT);
                    }
                    // Every value: they are alternatives, and one broad value opens the statement to every subject.
                    for (String v : c.values()) {
                        String broad = SubjectPatterns.whyBroad(v);
                        if (broad != null) {
                            throw new PolicyValidationException(keyPath, "value " + quote(v) + " " + broad, BROAD_SUBJECT);
                        }
                    }
                }
            }
            if (!any) {
                throw new PolicyValidationException(where, "a statement with a \"Federated\" principal needs a condition"
                        + " on \"oidc:sub\" (e.g. {\"StringEquals\":{\"oidc:sub\":\"repo:org/app:ref:refs/heads/main\"}})",
                        BROAD_SUBJECT);
            }
        }

        private Arn principal(String value, String path) {
            if (value.equals("*")) {
                throw new PolicyValidationException(path, "wildcard principal \"*\" is not allowed;"
                        + " list account IDs or ARNs", WILDCARD);
            }
            if (value.indexOf('*') >= 0 || value.indexOf('?') >= 0) {
                throw new PolicyValidationException(path, "wildcards are not allowed in principals: " + quote(value),
                            WILDCARD);
            }
            boolean digits = !value.isEmpty() && value.chars().allMatch(c -> c >= '0' && c <= '9');
            if (!digits && !value.startsWith("acs:")) {
                throw new PolicyValidationException(path, "not an account ID or ARN");
            }
            try {
                Arn arn = digits ? new AccountArn(AccountId.of(value)) : Arn.parse(value);
                if (arn instanceof AssumedRoleArn) {
                    throw new PolicyValidationException(path, "role session ARNs cannot be principals;"
                            + " name the role ARN");
                }
                return arn;
            } catch (PolicyValidationException e) {
                if (!e.path().isEmpty()) {
                    throw e;
                }
                throw new PolicyValidationException(path, e.detail());
            }
        }

        private List<Condition> conditions(JsonNode node, String path) {
            if (!node.isObject()) {
                throw new PolicyValidationException(path, "must be an object of operator: {key: values}, got "
                        + Texts.jsonTypeName(node));
            }
            List<Condition> out = new ArrayList<>();
            Iterator<Map.Entry<String, JsonNode>> ops = node.fields();
            while (ops.hasNext()) {
                Map.Entry<String, JsonNode> op = ops.next();
                ConditionOperator operator = ConditionOperator.fromName(op.getKey()).orElseThrow(() ->
                        new PolicyValidationException(path, "unknown operator " + quote(op.getKey())));
                String opPath = path + "." + operator.operatorName();
                JsonNode keys = op.getValue();
                if (!keys.isObject()) {
                    throw new PolicyValidationException(opPath, "must be an object of key: value(s), got "
                            + Texts.jsonTypeName(keys));
                }
                if (keys.isEmpty()) {
                    throw new PolicyValidationException(opPath, "must not be empty");
                }
                Set<String> seen = new HashSet<>();
                Iterator<Map.Entry<String, JsonNode>> entries = keys.fields();
                while (entries.hasNext()) {
                    Map.Entry<String, JsonNode> e = entries.next();
                    ConditionKey key = ConditionKey.fromName(e.getKey()).orElseThrow(() ->
                            new PolicyValidationException(opPath, "unknown key " + quote(e.getKey())));
                    String tagKey = key.hasTagKey() ? ConditionKey.tagKeyOf(e.getKey()) : null;
                    String problem = Condition.tagKeyProblem(key, tagKey);
                    if (problem != null) {
                        throw new PolicyValidationException(opPath, "key " + quote(e.getKey()) + " " + problem);
                    }
                    // one condition per key: names differing only in case (key or tag key) are the same key
                    if (!seen.add(tagKey == null ? key.name() : key.name() + "/" + SessionTags.foldKey(tagKey))) {
                        throw new PolicyValidationException(opPath, "duplicate key " + quote(e.getKey()));
                    }
                    problem = Condition.compatibilityProblem(operator, key, tagKey);
                    if (problem != null) {
                        throw new PolicyValidationException(opPath, problem);
                    }
                    String keyPath = opPath + "." + e.getKey();
                    out.add(condition(operator, key, tagKey, e.getValue(), keyPath));
                }
            }
            return out;
        }

        private Condition condition(ConditionOperator operator, ConditionKey key, String tagKey, JsonNode node,
                                    String path) {
            List<String> values = new ArrayList<>();
            if (node.isArray()) {
                if (node.isEmpty()) {
                    throw new PolicyValidationException(path, "must not be empty");
                }
                if (node.size() > limits.maxValuesPerList()) {
                    throw new PolicyValidationException(path, "too many values (" + node.size() + " > "
                            + limits.maxValuesPerList() + ")");
                }
                for (int i = 0; i < node.size(); i++) {
                    values.add(conditionValue(operator, node.get(i), path + "[" + i + "]"));
                }
            } else {
                values.add(conditionValue(operator, node, path));
            }
            try {
                return Condition.of(operator, key, tagKey, values);
            } catch (PolicyValidationException e) {
                // values were checked one by one above; keep the exact location anyway
                throw new PolicyValidationException(node.isArray() ? path + e.path() : path, e.detail());
            }
        }

        private String conditionValue(ConditionOperator operator, JsonNode node, String path) {
            ValueType type = operator.valueType();
            String value;
            if (node.isTextual()) {
                value = string(node, path);
            } else if (node.isBoolean() && type == ValueType.BOOL) {
                value = node.booleanValue() ? "true" : "false";
            } else if (node.isNumber() && type == ValueType.NUMBER) {
                value = number(node, path);
            } else {
                String expected = switch (type) {
                    case NUMBER -> "a number or a string";
                    case BOOL -> "a boolean or a string";
                    default -> "a string";
                };
                throw new PolicyValidationException(path, "must be " + expected + ", got " + Texts.jsonTypeName(node));
            }
            String problem = operator.valueProblem(value);
            if (problem != null) {
                throw new PolicyValidationException(path, problem);
            }
            return value;
        }

        private String number(JsonNode node, String path) {
            BigDecimal d;
            if (node.isIntegralNumber()) {
                BigInteger i = node.bigIntegerValue();
                if (i.bitLength() > 100) {
                    throw new PolicyValidationException(path, "number out of range");
                }
                d = new BigDecimal(i);
            } else {
                if ((node.isDouble() || node.isFloat()) && !Double.isFinite(node.doubleValue())) {
                    throw new PolicyValidationException(path, "number out of range");
                }
                d = node.decimalValue();
            }
            if (d.precision() > 60 || d.scale() > 30 || d.scale() < -30) {
                throw new PolicyValidationException(path, "number out of range");
            }
            String s = d.toPlainString();
            charge(s.length());
            return s;
        }

        private void unknownFields(JsonNode node, Set<String> allowed, String path) {
            Iterator<String> names = node.fieldNames();
            while (names.hasNext()) {
                String name = names.next();
                if (!allowed.contains(name)) {
                    throw new PolicyValidationException(path, "unknown field " + quote(name));
                }
            }
        }

        private JsonNode required(JsonNode node, String field, String path) {
            JsonNode v = node.get(field);
            if (v == null) {
                throw new PolicyValidationException(path, "missing \"" + field + "\"");
            }
            return v;
        }

        /** Path of element i of a string-or-list node: the node's path itself for a single string. */
        private String elementPath(JsonNode node, String path, int i) {
            return node.isArray() ? path + "[" + i + "]" : path;
        }

        private List<String> stringOrList(JsonNode node, String path, int max, String what) {
            if (node.isTextual()) {
                return List.of(string(node, path));
            }
            if (!node.isArray()) {
                throw new PolicyValidationException(path, "must be a string or a list of strings, got "
                        + Texts.jsonTypeName(node));
            }
            if (node.isEmpty()) {
                throw new PolicyValidationException(path, "must not be empty");
            }
            if (node.size() > max) {
                throw new PolicyValidationException(path, "too many " + what + " (" + node.size() + " > " + max + ")");
            }
            List<String> out = new ArrayList<>(node.size());
            for (int i = 0; i < node.size(); i++) {
                out.add(string(node.get(i), path + "[" + i + "]"));
            }
            return out;
        }

        private String string(JsonNode node, String path) {
            if (node == null || !node.isTextual()) {
                throw new PolicyValidationException(path, "must be a string, got "
                        + (node == null ? "nothing" : Texts.jsonTypeName(node)));
            }
            String s = node.textValue();
            if (s.length() > limits.maxStringLength()) {
                throw new PolicyValidationException(path, "too long (" + s.length() + " > "
                        + limits.maxStringLength() + " characters)");
            }
            String problem = Texts.textProblem(s);
            if (problem != null) {
                throw new PolicyValidationException(path, problem);
            }
            charge(s.length());
            return s;
        }

        private void charge(int chars) {
            budget -= chars;
            if (budget < 0) {
                throw new PolicyValidationException("$", "document too large (more than "
                        + limits.maxDocumentChars() + " characters of values)");
            }
        }
    }

    private static final String VERSION_1 = PolicyDocument.VERSION;
}
