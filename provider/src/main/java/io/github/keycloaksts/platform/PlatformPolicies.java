package io.github.keycloaksts.platform;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Pattern;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.keycloaksts.policy.PolicyValidationException;
import io.github.keycloaksts.policy.arn.AccountId;
import io.github.keycloaksts.policy.document.PolicyDocument;
import io.github.keycloaksts.policy.document.PolicyKind;
import io.github.keycloaksts.policy.document.PolicyReader;
import io.github.keycloaksts.policy.document.PolicyWriter;
import io.github.keycloaksts.policy.eval.Guardrail;
import io.github.keycloaksts.policy.eval.GuardrailSet;
import org.keycloak.Config;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;

/**
 * The platform's own policies: guardrails (Deny-only documents over every assumption) and organizations (named sets
 * of accounts that guardrails name through {@code acs:PrincipalOrgId} / {@code acs:ResourceOrgId}).
 *
 * <p>Stored as two attributes of the <em>master</em> realm, like the account register: only the master realm's own
 * administrators can change the master realm, so no account's administrators (whatever their roles) and no
 * {@code create-realm} user can; Keycloak caches them with the realm and invalidates them cluster-wide. Validated on
 * read, since the master realm's generic realm update can write them too: an unreadable value is a {@link #problem}
 * and every assumption is refused until a platform administrator fixes it (fail closed).
 * <ul>
 *   <li>{@value #GUARDRAILS_ATTRIBUTE} = {@code {"<name>": {"description": "...", "document": {policy}}, ...}}</li>
 *   <li>{@value #ORGANIZATIONS_ATTRIBUTE} = {@code {"<id>": {"description": "...", "accounts": ["<account ID>", ...]}}};
 *       an account is in at most one organization</li>
 * </ul>
 */
public final class PlatformPolicies {

    public static final String GUARDRAILS_ATTRIBUTE = "sts.platform.guardrails";
    public static final String ORGANIZATIONS_ATTRIBUTE = "sts.platform.organizations";
    public static final int MAX_GUARDRAILS = 20;
    public static final int MAX_ORGANIZATIONS = 200;
    private static final Pattern ORGANIZATION_ID = Pattern.compile("[a-z0-9][a-z0-9-]{0,62}");
    private static final int MAX_DESCRIPTION = 1000;

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final PolicyReader READER = PolicyReader.defaults();

    /** The last values read on this node and what they mean: derived state only, checked against the realm's on every use. */
    private static volatile Parsed cached = new Parsed(null, null, InForce.NONE);

    private record Parsed(String guardrails, String organizations, InForce inForce) {
    }

    /** A stored guardrail: its name, description and (valid) document. */
    public record StoredGuardrail(String name, String description, PolicyDocument document) {
    }

    /** An organization: its ID, description and member account IDs (sorted). */
    public record Organization(String id, String description, List<String> accounts) {
    }

    /**
     * What is in force now. {@code problem} is null when both attributes read; otherwise it says what is wrong, and the
     * guardrails and organizations are empty (and every assumption is refused).
     */
    public record InForce(Map<String, StoredGuardrail> guardrails, GuardrailSet guardrailSet, Map<String, Organization> organizations,
                          Map<String, String> organizationOf, String problem) {

        static final InForce NONE = new InForce(Map.of(), GuardrailSet.none(), Map.of(), Map.of(), null);

        /** @return the organization of {@code accountId}, if it is in one */
        public Optional<String> organizationOf(String accountId) {
            return accountId == null ? Optional.empty() : Optional.ofNullable(organizationOf.get(accountId));
        }
    }

    private PlatformPolicies() {
    }

    /** @return whether {@code id} can be an organization's ID: 1-63 lower-case letters, digits and dashes, not first */
    public static boolean isOrganizationId(String id) {
        return id != null && ORGANIZATION_ID.matcher(id).matches();
    }

    /** The guardrails and organizations in force; one cached realm read and, when unchanged, no parsing. */
    public static InForce inForce(KeycloakSession session) {
        RealmModel master = session.realms().getRealmByName(Config.getAdminRealm());
        if (master == null) {
            return InForce.NONE;
        }
        String guardrails = master.getAttribute(GUARDRAILS_ATTRIBUTE);
        String organizations = master.getAttribute(ORGANIZATIONS_ATTRIBUTE);
        Parsed last = cached;
        if (same(last.guardrails(), guardrails) && same(last.organizations(), organizations)) {
            return last.inForce();
        }
        InForce parsed = parse(guardrails, organizations);
        cached = new Parsed(guardrails, organizations, parsed);
        return parsed;
    }

    private static boolean same(String a, String b) {
        return a == b || a != null && a.equals(b);
    }

    static InForce parse(String guardrailsText, String organizationsText) {
        try {
            Map<String, StoredGuardrail> guardrails = guardrails(guardrailsText);
            Map<String, Organization> organizations = organizations(organizationsText);
            Map<String, String> organizationOf = new TreeMap<>();
            for (Organization o : organizations.values()) {
                for (String account : o.accounts()) {
                    String other = organizationOf.put(account, o.id());
                    if (other != null) {
                        throw new IllegalArgumentException(ORGANIZATIONS_ATTRIBUTE + ": account " + account + " is in both "
                                + other + " and " + o.id() + " (an account is in at most one organization)");
                    }
                }
            }
            List<Guardrail> list = new ArrayList<>();
            guardrails.values().forEach(g -> list.add(new Guardrail(g.name(), g.document())));
            return new InForce(guardrails, GuardrailSet.of(list), organizations, Map.copyOf(organizationOf), null);
        } catch (RuntimeException e) {
            return new InForce(Map.of(), GuardrailSet.none(), Map.of(), Map.of(), e.getMessage());
        }
    }

    private static Map<String, StoredGuardrail> guardrails(String text) {
        Map<String, StoredGuardrail> result = new TreeMap<>();
        if (text == null || text.isBlank()) {
            return result;
        }
        JsonNode root = object(text, GUARDRAILS_ATTRIBUTE);
        if (root.size() > MAX_GUARDRAILS) {
            throw new IllegalArgumentException(GUARDRAILS_ATTRIBUTE + ": more than " + MAX_GUARDRAILS + " guardrails");
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            String at = GUARDRAILS_ATTRIBUTE + "." + e.getKey();
            if (!Guardrail.isName(e.getKey())) {
                throw new IllegalArgumentException(at + ": not a guardrail name (1-64 letters, digits, '.', '_', '-')");
            }
            JsonNode entry = e.getValue();
            if (!entry.isObject() || !entry.has("document")) {
                throw new IllegalArgumentException(at + ": must be an object with a \"document\"");
            }
            PolicyDocument document;
            try {
                document = READER.read(PolicyKind.GUARDRAIL, entry.get("document"));
            } catch (PolicyValidationException ex) {
                throw new IllegalArgumentException(at + ".document." + ex.getMessage());
            }
            result.put(e.getKey(), new StoredGuardrail(e.getKey(), description(entry, at), document));
        }
        return result;
    }

    private static Map<String, Organization> organizations(String text) {
        Map<String, Organization> result = new TreeMap<>();
        if (text == null || text.isBlank()) {
            return result;
        }
        JsonNode root = object(text, ORGANIZATIONS_ATTRIBUTE);
        if (root.size() > MAX_ORGANIZATIONS) {
            throw new IllegalArgumentException(ORGANIZATIONS_ATTRIBUTE + ": more than " + MAX_ORGANIZATIONS + " organizations");
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            String at = ORGANIZATIONS_ATTRIBUTE + "." + e.getKey();
            if (!isOrganizationId(e.getKey())) {
                throw new IllegalArgumentException(at + ": not an organization ID (1-63 lower-case letters, digits and '-')");
            }
            JsonNode accounts = e.getValue().get("accounts");
            if (!e.getValue().isObject() || accounts == null || !accounts.isArray()) {
                throw new IllegalArgumentException(at + ": must be an object with an \"accounts\" array");
            }
            List<String> ids = new ArrayList<>();
            for (int i = 0; i < accounts.size(); i++) {
                JsonNode id = accounts.get(i);
                if (!id.isTextual() || !AccountId.isValid(id.textValue())) {
                    throw new IllegalArgumentException(at + ".accounts[" + i + "]: not an account ID (8 to 16 digits)");
                }
                if (!ids.contains(id.textValue())) {
                    ids.add(id.textValue());
                }
            }
            ids.sort(null);
            result.put(e.getKey(), new Organization(e.getKey(), description(e.getValue(), at), List.copyOf(ids)));
        }
        return result;
    }

    private static JsonNode object(String text, String at) {
        try {
            JsonNode root = MAPPER.readTree(text);
            if (root == null || !root.isObject()) {
                throw new IllegalArgumentException(at + ": must be a JSON object");
            }
            return root;
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(at + ": not JSON (" + e.getOriginalMessage() + ")");
        }
    }

    private static String description(JsonNode entry, String at) {
        JsonNode d = entry.get("description");
        if (d == null || d.isNull()) {
            return "";
        }
        if (!d.isTextual() || d.textValue().length() > MAX_DESCRIPTION) {
            throw new IllegalArgumentException(at + ".description: must be a string of at most " + MAX_DESCRIPTION + " characters");
        }
        return d.textValue();
    }

    /** Writes the guardrails (the caller checked the caller's rights and validated them). */
    public static void writeGuardrails(KeycloakSession session, Map<String, StoredGuardrail> guardrails) {
        ObjectNode root = MAPPER.createObjectNode();
        new TreeMap<>(guardrails).forEach((name, g) -> {
            ObjectNode entry = root.putObject(name);
            entry.put("description", g.description());
            entry.set("document", json(g.document()));
        });
        write(session, GUARDRAILS_ATTRIBUTE, root);
    }

    /** Writes the organizations (the caller checked the caller's rights and validated them). */
    public static void writeOrganizations(KeycloakSession session, Map<String, Organization> organizations) {
        ObjectNode root = MAPPER.createObjectNode();
        new TreeMap<>(organizations).forEach((id, o) -> {
            ObjectNode entry = root.putObject(id);
            entry.put("description", o.description());
            o.accounts().forEach(entry.putArray("accounts")::add);
        });
        write(session, ORGANIZATIONS_ATTRIBUTE, root);
    }

    private static void write(KeycloakSession session, String attribute, ObjectNode root) {
        RealmModel master = session.realms().getRealmByName(Config.getAdminRealm());
        if (root.isEmpty()) {
            master.removeAttribute(attribute);
        } else {
            master.setAttribute(attribute, root.toString());
        }
    }

    /** A guardrail's document as JSON, for the REST answers. */
    public static JsonNode json(PolicyDocument document) {
        try {
            return MAPPER.readTree(PolicyWriter.toJson(document));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
