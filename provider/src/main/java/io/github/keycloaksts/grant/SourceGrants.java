package io.github.keycloaksts.grant;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

import io.github.keycloaksts.policy.PolicyValidationException;
import io.github.keycloaksts.policy.document.Effect;
import io.github.keycloaksts.policy.document.PolicyDocument;
import io.github.keycloaksts.policy.document.Statement;
import io.github.keycloaksts.role.ParsedDocuments;
import org.jboss.logging.Logger;
import org.keycloak.models.RealmModel;
import org.keycloak.models.RoleModel;
import org.keycloak.models.UserModel;
import org.keycloak.models.utils.RoleUtils;

/**
 * The source side of an assumption: roles of an account whose attribute {@code sts.assume-role} lists the role
 * ARNs (patterns) their holders may assume — the counterpart of RAM's {@code AliyunSTSAssumeRoleAccess}.
 * The attribute is managed with Keycloak's normal role screens; one ARN pattern per value.
 */
public final class SourceGrants {

    public static final String ASSUME_ROLE_ATTRIBUTE = "sts.assume-role";

    private static final Logger LOG = Logger.getLogger(SourceGrants.class);
    /** Parsed values by realm and text: see {@link ParsedDocuments}. */
    private static final ParsedDocuments PARSED = new ParsedDocuments(20_000);

    private SourceGrants() {
    }

    /** The ARN patterns one Keycloak role grants, trimmed, blanks dropped. */
    public static List<String> patternsOf(RoleModel role) {
        return role.getAttributeStream(ASSUME_ROLE_ATTRIBUTE)
                .map(String::trim)
                .filter(value -> !value.isEmpty())
                .toList();
    }

    /**
     * What one {@code sts.assume-role} value grants: a permission policy allowing {@code sts:AssumeRole} on the role
     * ARN pattern it holds. The one check of a value, for the exchange (which ignores a value that fails it: fail
     * closed) and for {@code GET /sts/grants} (which lists such a value as {@code invalid}), so the admin never sees
     * as granted what the exchange ignores. A concrete ARN must be a role's ({@code acs:ram::<id>:user/alice} grants
     * nothing); a pattern with wildcards must be a valid ARN pattern.
     *
     * @throws PolicyValidationException with no path and a message saying what is wrong, if the value grants nothing
     */
    public static PolicyDocument grantOf(String value) {
        if (value == null) {
            throw new PolicyValidationException("", "not an ARN pattern: null");
        }
        try {
            return PolicyDocument.allowAssumeRole(List.of(value));
        } catch (PolicyValidationException e) {
            throw new PolicyValidationException("", e.detail()); // the path of the generated document means nothing to an admin
        }
    }

    /**
     * What {@code user} of {@code source} is granted: one document per valid {@code sts.assume-role} value of its
     * effective roles (direct, through groups, through composites). Invalid values grant nothing (fail closed);
     * {@code GET /sts/grants} shows them to the admin. Each value is parsed once per node while it is unchanged.
     */
    public static List<PolicyDocument> of(RealmModel source, UserModel user) {
        return documents(held(source, RoleUtils.getDeepUserRoleMappings(user)));
    }

    /**
     * What a role session of {@code source} may assume onward (role chaining): the {@code sts.assume-role} values of
     * {@code roles} (the role's attached policies) and of their composites, as for a user holding them.
     */
    public static List<PolicyDocument> ofRoles(RealmModel source, Collection<RoleModel> roles) {
        return documents(held(source, RoleUtils.expandCompositeRoles(new HashSet<>(roles))));
    }

    /** True when {@code roles} or their composites carry an {@code sts.assume-role} value: a session holding them may chain. */
    public static boolean grantsAny(Collection<RoleModel> roles) {
        return RoleUtils.expandCompositeRoles(new HashSet<>(roles)).stream().anyMatch(role -> !patternsOf(role).isEmpty());
    }

    private static List<PolicyDocument> documents(List<Held> values) {
        List<PolicyDocument> grants = new ArrayList<>();
        for (Held held : values) {
            if (held.grant() != null) {
                grants.add(held.grant());
            } else {
                LOG.debugf("Ignoring invalid sts.assume-role value %s of role %s: %s", held.value(), held.role().getName(), held.error());
            }
        }
        return grants;
    }

    /**
     * True when some grant of {@code user} allows assuming {@code roleArn}. Grants are unconditional Allow statements
     * ({@link #grantOf}), so this is the source side of the decision without a request context: what the live check
     * of a role session re-asks.
     */
    public static boolean allowsAssuming(RealmModel source, UserModel user, String roleArn) {
        return allows(of(source, user), roleArn);
    }

    /** As {@link #allowsAssuming(RealmModel, UserModel, String)} for a role session holding {@code roles} ({@link #ofRoles}). */
    public static boolean allowsAssuming(RealmModel source, Collection<RoleModel> roles, String roleArn) {
        return allows(ofRoles(source, roles), roleArn);
    }

    private static boolean allows(List<PolicyDocument> grants, String roleArn) {
        for (PolicyDocument grant : grants) {
            for (Statement statement : grant.statements()) {
                if (statement.effect() == Effect.ALLOW && statement.matchesResource(roleArn)) {
                    return true;
                }
            }
        }
        return false;
    }

    /** One {@code sts.assume-role} value a user holds: the role carrying it, and what it grants (null with an error if nothing). */
    public record Held(RoleModel role, String value, PolicyDocument grant, String error) {
    }

    /**
     * Every {@code sts.assume-role} value of {@code user}'s effective roles, valid or not, in the order {@link #of} uses: the
     * valid ones, in this order, are exactly the documents {@link #of} returns (the source-side simulator relies on it).
     */
    public static List<Held> held(RealmModel source, UserModel user) {
        return held(source, RoleUtils.getDeepUserRoleMappings(user));
    }

    private static List<Held> held(RealmModel source, Set<RoleModel> roles) {
        List<Held> held = new ArrayList<>();
        for (RoleModel role : roles) {
            for (String pattern : patternsOf(role)) {
                try {
                    held.add(new Held(role, pattern, PARSED.get(source.getId() + '/' + pattern, pattern, SourceGrants::grantOf), null));
                } catch (PolicyValidationException e) {
                    held.add(new Held(role, pattern, null, e.getMessage()));
                }
            }
        }
        return held;
    }

    /** Every realm and client role of {@code realm} that grants assuming something. */
    public static Stream<RoleModel> grantingRoles(RealmModel realm) {
        Stream<RoleModel> clientRoles = realm.getClientsStream().flatMap(client -> client.getRolesStream());
        return Stream.concat(realm.getRolesStream(), clientRoles)
                .filter(role -> role.getAttributeStream(ASSUME_ROLE_ATTRIBUTE).findAny().isPresent());
    }
}
