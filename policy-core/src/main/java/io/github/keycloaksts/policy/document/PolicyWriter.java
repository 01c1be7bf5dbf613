package io.github.keycloaksts.policy.document;

import java.util.List;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.keycloaksts.policy.condition.Condition;

/**
 * Writes documents as canonical JSON: fields in the order {@code Version, Statement} and
 * {@code Sid, Effect, Action, Principal, Resource, Condition}; {@code Action}, {@code RAM},
 * {@code Resource} and condition values always as lists; principals in canonical ARN form
 * (a bare account ID becomes {@code acs:ram::<id>:root}, user names lowercase); conditions
 * sorted by operator then key (tag keys, as in {@code acs:RequestTag/Project}, keep their spelling); no whitespace. Reading the output gives an equal document, and
 * writing that again gives the same text.
 */
public final class PolicyWriter {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private PolicyWriter() {
    }

    /**
     * @param document the document
     * @return canonical compact JSON
     */
    public static String toJson(PolicyDocument document) {
        try {
            return MAPPER.writeValueAsString(toJsonNode(document));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write a JSON tree", e); // not reachable for trees
        }
    }

    /**
     * @param document the document
     * @return a new JSON object tree of the canonical form
     */
    public static ObjectNode toJsonNode(PolicyDocument document) {
        ObjectNode root = NODES.objectNode();
        root.put("Version", document.version());
        ArrayNode statements = root.putArray("Statement");
        for (Statement s : document.statements()) {
            ObjectNode node = statements.addObject();
            s.sid().ifPresent(sid -> node.put("Sid", sid));
            node.put("Effect", s.effect().jsonName());
            strings(node.putArray("Action"), s.actions());
            if (!s.principals().isEmpty()) {
                ObjectNode principal = node.putObject("Principal");
                List<String> ram = s.principals().strings();
                if (!ram.isEmpty()) {
                    strings(principal.putArray("RAM"), ram);
                }
                List<String> federated = s.principals().federatedStrings();
                if (!federated.isEmpty()) {
                    strings(principal.putArray("Federated"), federated);
                }
            }
            if (!s.resources().isEmpty()) {
                strings(node.putArray("Resource"), s.resources());
            }
            if (!s.conditions().isEmpty()) {
                ObjectNode cond = node.putObject("Condition");
                for (Condition c : s.conditions()) {
                    ObjectNode op = cond.has(c.operator().operatorName())
                            ? (ObjectNode) cond.get(c.operator().operatorName())
                            : cond.putObject(c.operator().operatorName());
                    strings(op.putArray(c.keyName()), c.values());
                }
            }
        }
        return root;
    }

    private static void strings(ArrayNode array, List<String> values) {
        for (String v : values) {
            array.add(v);
        }
    }
}
