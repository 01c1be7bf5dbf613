package io.github.keycloaksts.role;

import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import io.github.keycloaksts.policy.PolicyValidationException;
import io.github.keycloaksts.policy.arn.RoleArn;
import io.github.keycloaksts.policy.document.PolicyDocument;
import io.github.keycloaksts.policy.document.PolicyReader;
import org.keycloak.models.ClientModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RoleModel;
import org.keycloak.models.UserModel;

/**
 * An assumable role of an account, stored the Keycloak way (see docs/design.md): a dedicated client
 * {@code sts-role:<roleName>} whose attributes hold the trust policy and the maximum session duration, and whose
 * service-account user is the role's principal — the {@code sub} of role tokens, which cannot log in, is hidden
 * from user lists, and holds exactly the attached policies as its role mappings.
 */
public final class AssumableRole {

    public static final String CLIENT_ID_PREFIX = "sts-role:";
    public static final String ROLE_NAME_ATTRIBUTE = "sts.role-name";
    public static final String TRUST_POLICY_ATTRIBUTE = "sts.trust-policy";
    public static final String MAX_SESSION_DURATION_ATTRIBUTE = "sts.max-session-duration";
    public static final String CREATED_ATTRIBUTE = "sts.created";
    /** The attributes that store a role on its client: a client that has any of them would be taken for a role. */
    /**
     * The IDs of the Keycloak roles attached through {@code /sts} (or present when the role client was imported with its
     * realm), comma-separated. Only mappings of the principal named here are attached policies: Keycloak's own
     * role-mapping endpoints reach the principal with weaker rights than attaching takes, so a role they
     * add grants nothing, and one they remove is gone. Written {@code 1:<id>,<id>…} ({@code 1:} alone for none), so an
     * empty record is never an absent one.
     */
    public static final String ATTACHED_POLICIES_ATTRIBUTE = "sts.attached-policies";
    public static final Set<String> STORAGE_ATTRIBUTES = Set.of(ROLE_NAME_ATTRIBUTE, TRUST_POLICY_ATTRIBUTE,
            MAX_SESSION_DURATION_ATTRIBUTE, CREATED_ATTRIBUTE, ATTACHED_POLICIES_ATTRIBUTE);

    public static final int MIN_MAX_SESSION_DURATION = 3600;
    public static final int MAX_MAX_SESSION_DURATION = 43200;
    public static final int DEFAULT_MAX_SESSION_DURATION = 3600;

    private static final PolicyReader POLICY_READER = PolicyReader.defaults();
    /** Trust policies by realm and role: see {@link ParsedDocuments}. */
    private static final ParsedDocuments TRUST_POLICIES = new ParsedDocuments(20_000);

    private final KeycloakSession session;
    private final ClientModel client;

    AssumableRole(KeycloakSession session, ClientModel client) {
        this.session = session;
        this.client = client;
    }

    public static String clientIdOf(String roleName) {
        return CLIENT_ID_PREFIX + roleName;
    }

    /** True when {@code clientId} is in the namespace of role clients ({@value #CLIENT_ID_PREFIX}…), carrier or not. */
    public static boolean isRoleClientId(String clientId) {
        return clientId != null && clientId.startsWith(CLIENT_ID_PREFIX);
    }

    /** True when {@code client} is the carrier of an assumable role (and not a client that merely looks like one). */
    public static boolean isRoleClient(ClientModel client) {
        return client != null
                && client.getClientId().startsWith(CLIENT_ID_PREFIX)
                && client.getClientId().substring(CLIENT_ID_PREFIX.length()).equals(client.getAttribute(ROLE_NAME_ATTRIBUTE));
    }

    public String name() {
        return client.getAttribute(ROLE_NAME_ATTRIBUTE);
    }

    /** The ID of the role's client: stable for the life of the role, unlike its stored documents. */
    public String id() {
        return client.getId();
    }

    public RoleArn arn(String accountId) {
        return RoleArn.of(accountId, name());
    }

    public String description() {
        return client.getDescription();
    }

    /** The stored trust policy, canonical JSON as written by the admin API or realm import; null when none is stored. */
    public String trustPolicyJson() {
        return client.getAttribute(TRUST_POLICY_ATTRIBUTE);
    }

    /**
     * The stored trust policy, parsed (once per node while the stored text stays the same). Validated when read:
     * what an import or a hand-edited client stored may not parse.
     *
     * @throws PolicyValidationException when the stored text is not a valid trust policy; such a role trusts nobody
     */
    public PolicyDocument trustPolicy() {
        String json = trustPolicyJson();
        return TRUST_POLICIES.get(client.getRealm().getId() + '/' + id(), json == null ? "" : json, POLICY_READER::readTrustPolicy);
    }

    /** The stored trust policy, or empty when it does not parse (see {@link #trustPolicy()}). */
    public Optional<PolicyDocument> readableTrustPolicy() {
        try {
            return Optional.of(trustPolicy());
        } catch (PolicyValidationException e) {
            return Optional.empty();
        }
    }

    /** Principals named by the trust policy's Allow statements, each once, in order; none when it does not parse. */
    public List<String> trustedPrincipals() {
        return readableTrustPolicy().map(policy -> policy.allowedPrincipals().stream().map(Object::toString).toList())
                .orElse(List.of());
    }

    /**
     * The stored maximum session duration, validated when read: storage is not trusted (an import or a hand-edited
     * client can hold anything), so an unreadable value is the default and a readable one is clamped to
     * {@link #MIN_MAX_SESSION_DURATION}..{@link #MAX_MAX_SESSION_DURATION}.
     */
    public int maxSessionDuration() {
        return clampedMaxSessionDuration(client.getAttribute(MAX_SESSION_DURATION_ATTRIBUTE));
    }

    static int clampedMaxSessionDuration(String stored) {
        long value;
        try {
            value = stored == null ? DEFAULT_MAX_SESSION_DURATION : Long.parseLong(stored.trim());
        } catch (NumberFormatException e) {
            return DEFAULT_MAX_SESSION_DURATION;
        }
        return (int) Math.max(MIN_MAX_SESSION_DURATION, Math.min(MAX_MAX_SESSION_DURATION, value));
    }

    public Long createdEpochMillis() {
        String value = client.getAttribute(CREATED_ATTRIBUTE);
        try {
            return value == null ? null : Long.valueOf(value);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    ClientModel client() {
        return client;
    }

    /** The role's principal in this realm, or null if an import left it out. */
    public UserModel principal() {
        return session.users().getServiceAccount(client);
    }

    /**
     * The roles attached as permission policies: the principal's direct role mappings that {@code /sts} attached
     * ({@link #ATTACHED_POLICIES_ATTRIBUTE}). Validated on read: without the record, nothing is attached (fail closed).
     */
    public Stream<RoleModel> attachedRoles() {
        Set<String> recorded = recordedPolicyIds(client);
        if (recorded.isEmpty()) {
            return Stream.empty(); // no look-up of the principal for a role without policies
        }
        UserModel principal = principal();
        return principal == null ? Stream.empty() : principal.getRoleMappingsStream().filter(role -> recorded.contains(role.getId()));
    }


    /** The role IDs {@code /sts} attached to the role stored in {@code client}; empty when none or unreadable. */
    static Set<String> recordedPolicyIds(ClientModel client) {
        return recordedPolicyIds(client.getAttribute(ATTACHED_POLICIES_ATTRIBUTE));
    }

    /** The role IDs an {@value #ATTACHED_POLICIES_ATTRIBUTE} value records; empty when none or unreadable. */
    public static Set<String> recordedPolicyIds(String recorded) {
        if (recorded == null || !recorded.startsWith(RECORD_VERSION)) {
            return Set.of();
        }
        return Arrays.stream(recorded.substring(RECORD_VERSION.length()).split(",")).map(String::trim).filter(id -> !id.isEmpty())
                .collect(Collectors.toUnmodifiableSet());
    }

    /** True when the role client carries the record of its attached policies (roles of earlier versions until locked). */
    static boolean recordsPolicies(ClientModel client) {
        return client.getAttribute(ATTACHED_POLICIES_ATTRIBUTE) != null;
    }

    private static final String RECORD_VERSION = "1:";

    void recordPolicyIds(Collection<String> ids) {
        client.setAttribute(ATTACHED_POLICIES_ATTRIBUTE, RECORD_VERSION + String.join(",", new TreeSet<>(ids)));
    }

    public List<AttachedPolicy> attachedPolicies() {
        return attachedRoles().map(AttachedPolicy::of)
                .sorted(Comparator.comparing((AttachedPolicy p) -> p.clientId() == null ? "" : p.clientId())
                        .thenComparing(AttachedPolicy::policyName))
                .toList();
    }

    void setDescription(String description) {
        client.setDescription(description);
    }

    void setMaxSessionDuration(int seconds) {
        client.setAttribute(MAX_SESSION_DURATION_ATTRIBUTE, Integer.toString(seconds));
    }

    void setTrustPolicyJson(String json) {
        client.setAttribute(TRUST_POLICY_ATTRIBUTE, json);
    }
}
