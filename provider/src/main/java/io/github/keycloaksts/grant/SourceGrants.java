package io.github.keycloaksts.grant;

import java.util.List;
import java.util.stream.Stream;

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

    /** Every realm and client role of {@code realm} that grants assuming something. */
    public static Stream<RoleModel> grantingRoles(RealmModel realm) {
        Stream<RoleModel> clientRoles = realm.getClientsStream().flatMap(client -> client.getRolesStream());
        return Stream.concat(realm.getRolesStream(), clientRoles)
                .filter(role -> role.getAttributeStream(ASSUME_ROLE_ATTRIBUTE).findAny().isPresent());
    }
}
