package io.github.keycloaksts.exchange;

import io.github.keycloaksts.assume.AssumeRoleRefusal;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.github.keycloaksts.policy.arn.RoleArn;
import io.github.keycloaksts.policy.arn.UserArn;
import org.keycloak.models.ClientModel;
import org.keycloak.models.RoleModel;
import org.keycloak.representations.AccessToken;

/** The claims that make an access token a role token (docs/api.md, "Token exchange"). */
public final class RoleTokenClaims {

    public static final String ROLE_ARN = "role_arn";
    static final String ROLE_SESSION_NAME = "role_session_name";
    static final String SOURCE_IDENTITY = "source_identity";
    static final String ACT = "act";

    private RoleTokenClaims() {
    }

    /**
     * Writes the role claims and replaces whatever roles Keycloak's mappers put in: the token carries exactly the
     * granted policies, never the principal's or the realm's default roles.
     */
    public static void apply(AccessToken token, List<RoleModel> granted, List<String> requestedAudience, RoleArn roleArn,
                      String sessionName, UserArn source, String sourceUserId, String sourceIssuer) {
        apply(token, granted, requestedAudience, roleArn, sessionName, source.toString(), sourceUserId, sourceIssuer);
    }

    /**
     * As {@link #apply(AccessToken, List, List, RoleArn, String, UserArn, String, String)} for an external subject of an
     * OIDC provider (AssumeRoleWithOIDC): {@code source_identity} {@code acs:ram::<A>:oidc-provider/<alias>/<sub>},
     * {@code act} the external {@code sub} and {@code iss}.
     */
    static void applyFederated(AccessToken token, List<RoleModel> granted, List<String> requestedAudience, RoleArn roleArn,
                               String sessionName, String sourceIdentity, String externalSubject, String externalIssuer) {
        apply(token, granted, requestedAudience, roleArn, sessionName, sourceIdentity, externalSubject, externalIssuer);
    }

    private static void apply(AccessToken token, List<RoleModel> granted, List<String> requestedAudience, RoleArn roleArn,
                              String sessionName, String source, String sourceUserId, String sourceIssuer) {
        // No username: Keycloak finds the user of a stateless token by `sub`, then by `preferred_username`. A revoked
        // principal's token would come back to life as soon as any user got that username again (a re-created
        // principal, a self-registered user); by `sub` alone a deleted principal stays deleted.
        token.setPreferredUsername(null);
        token.getOtherClaims().remove("preferred_username"); // where Keycloak's username mapper puts it
        token.setRealmAccess(null);
        token.setResourceAccess(new LinkedHashMap<>());
        Set<String> roleClients = new LinkedHashSet<>();
        for (RoleModel role : granted) {
            if (role.isClientRole()) {
                String clientId = ((ClientModel) role.getContainer()).getClientId();
                token.addAccess(clientId).addRole(role.getName());
                roleClients.add(clientId);
            } else {
                if (token.getRealmAccess() == null) {
                    token.setRealmAccess(new AccessToken.Access());
                }
                token.getRealmAccess().addRole(role.getName());
            }
        }
        if (token.getResourceAccess().isEmpty()) {
            token.setResourceAccess(null);
        }
        if (!requestedAudience.isEmpty()) {
            for (String audience : requestedAudience) {
                if (!roleClients.contains(audience)) {
                    throw AssumeRoleRefusal.invalidRequest("audience: " + audience + " is not an audience of the role's policies");
                }
            }
            token.audience(requestedAudience.toArray(String[]::new));
        } else {
            token.audience(roleClients.isEmpty() ? null : roleClients.toArray(String[]::new));
        }
        token.getOtherClaims().put(ROLE_ARN, roleArn.toString());
        token.getOtherClaims().put(ROLE_SESSION_NAME, sessionName);
        token.getOtherClaims().put(SOURCE_IDENTITY, source);
        Map<String, String> act = new LinkedHashMap<>();
        act.put("sub", sourceUserId);
        act.put("iss", sourceIssuer);
        token.getOtherClaims().put(ACT, act);
    }
}
