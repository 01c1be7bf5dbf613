package io.github.keycloaksts.grant;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;
import org.keycloak.representations.userprofile.config.UPAttribute;
import org.keycloak.representations.userprofile.config.UPAttributePermissions;
import org.keycloak.representations.userprofile.config.UPConfig;
import org.keycloak.userprofile.UserProfileConstants;
import org.keycloak.userprofile.UserProfileProvider;

/**
 * The principal tags a source account attaches to its users: user attributes {@code sts.tag.<key>} = value, one value
 * each. They are the account's word about its user (ABAC: {@code acs:PrincipalTag/<key>}, and tags of the sessions the
 * user starts), so a user must not be able to write them: read only where the realm's user profile lets no user edit
 * them (a declared attribute whose edit permission names {@code user}, or unmanaged attributes users may edit, make
 * the realm's tags untrustworthy and the assumption is refused).
 */
public final class PrincipalTags {

    public static final String ATTRIBUTE_PREFIX = "sts.tag.";

    /** What a user's principal tags are, or why they cannot be trusted. */
    public record Read(Map<String, String> tags, String untrusted) {
    }

    private PrincipalTags() {
    }

    public static Read of(KeycloakSession session, RealmModel realm, UserModel user) {
        Map<String, String> tags = new LinkedHashMap<>();
        for (Map.Entry<String, List<String>> attribute : user.getAttributes().entrySet()) {
            String name = attribute.getKey();
            if (name == null || !name.startsWith(ATTRIBUTE_PREFIX)) {
                continue;
            }
            List<String> values = attribute.getValue();
            if (values == null || values.size() != 1) {
                return new Read(Map.of(), "principal tag attribute " + name + " of user " + user.getUsername() + " has "
                        + (values == null ? 0 : values.size()) + " values, not one");
            }
            tags.put(name.substring(ATTRIBUTE_PREFIX.length()), values.get(0));
        }
        if (tags.isEmpty()) {
            return new Read(Map.of(), null); // the common case: no user profile look-up
        }
        Optional<String> editable = userEditable(session, realm, tags.keySet());
        return editable.map(reason -> new Read(Map.of(), reason)).orElseGet(() -> new Read(Map.copyOf(tags), null));
    }

    /** Why users of {@code realm} could write one of the tag attributes {@code keys}, or empty. */
    static Optional<String> userEditable(KeycloakSession session, RealmModel realm, Set<String> keys) {
        UserProfileProvider profiles = session.getProvider(UserProfileProvider.class);
        if (profiles == null) {
            return Optional.of("the user profile of realm " + realm.getName() + " cannot be read");
        }
        // Keycloak's user profile is the context realm's; an exchange runs in the target's, so switch for the read.
        RealmModel contextRealm = session.getContext().getRealm();
        UPConfig config;
        try {
            session.getContext().setRealm(realm);
            config = profiles.getConfiguration();
        } finally {
            session.getContext().setRealm(contextRealm);
        }
        for (String key : keys) {
            String name = ATTRIBUTE_PREFIX + key;
            UPAttribute declared = config.getAttribute(name);
            if (declared != null) {
                UPAttributePermissions permissions = declared.getPermissions();
                if (permissions != null && permissions.getEdit() != null && permissions.getEdit().contains(UserProfileConstants.ROLE_USER)) {
                    return Optional.of("users of realm " + realm.getName() + " may edit the principal tag attribute " + name);
                }
            } else if (config.getUnmanagedAttributePolicy() == UPConfig.UnmanagedAttributePolicy.ENABLED) {
                return Optional.of("users of realm " + realm.getName() + " may edit unmanaged attributes such as " + name);
            }
        }
        return Optional.empty();
    }
}
