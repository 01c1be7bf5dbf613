package io.github.keycloaksts.session;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Base64;
import java.util.Collection;
import java.util.stream.Stream;

import org.keycloak.models.ClientModel;
import org.keycloak.models.RoleModel;
import org.keycloak.models.utils.RoleUtils;

/**
 * A digest of what a role's attached policies grant: every Keycloak role they are or contain (composites expanded),
 * each by its ID, the client that holds it and its name. A role session records it when it starts, and its live check
 * compares it with the role's attached policies now. So a change through any path — {@code /sts}, the role-mapping
 * endpoints of the role's service account, deleting or renaming an attached role, removing a child of an attached
 * composite, renaming the client of an attached client role — ends the sessions that were granted the old set. A
 * widening ends them too: the digest cannot tell a subset, and tokens carry the set they were given (fail closed).
 */
public final class AttachedPolicyDigest {

    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();

    private AttachedPolicyDigest() {
    }

    /** The digest of the roles {@code attached} grants. */
    public static String of(Stream<RoleModel> attached) {
        return of(RoleUtils.expandCompositeRolesStream(attached)
                .map(role -> role.getId() + '|' + (role.isClientRole() ? "c:" + ((ClientModel) role.getContainer()).getClientId() : "r")
                        + '|' + role.getName())
                .toList());
    }

    /** The digest of a set of members, in any order: 16 base64url characters (96 bits of SHA-256). */
    static String of(Collection<String> members) {
        String[] sorted = members.toArray(String[]::new);
        Arrays.sort(sorted);
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            for (String member : sorted) {
                // Length-prefixed, so no two sets spell the same input.
                sha.update((member.length() + ":" + member + ";").getBytes(StandardCharsets.UTF_8));
            }
            return B64.encodeToString(Arrays.copyOf(sha.digest(), 12));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
