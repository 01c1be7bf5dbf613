package io.github.keycloaksts.grant;

import java.util.List;
import java.util.stream.Stream;

import io.github.keycloaksts.policy.PolicyValidationException;
import io.github.keycloaksts.policy.document.PolicyDocument;
import org.keycloak.models.RealmModel;
import org.keycloak.models.RoleModel;

/**
 * The source side of an assumption: roles of an account whose attribute {@code sts.assume-role} lists the role
 * ARNs (patterns) their holders may assume — the counterpart of RAM's {@code AliyunSTSAssumeRoleAccess}.
 * The attribute is managed with Keycloak's normal role screens; one ARN pattern per value.
 */
public final class SourceGrants {

    public static final String ASSUME_ROLE_ATTRIBUTE = "sts.assume-role";

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

    /** Every realm and client role of {@code realm} that grants assuming something. */
    public static Stream<RoleModel> grantingRoles(RealmModel realm) {
        Stream<RoleModel> clientRoles = realm.getClientsStream().flatMap(client -> client.getRolesStream());
        return Stream.concat(realm.getRolesStream(), clientRoles)
                .filter(role -> role.getAttributeStream(ASSUME_ROLE_ATTRIBUTE).findAny().isPresent());
    }
}
