package io.github.keycloaksts.exchange;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.github.keycloaksts.assume.AssumeRoleRefusal;
import io.github.keycloaksts.grant.SourceGrants;
import io.github.keycloaksts.policy.arn.RoleArn;
import io.github.keycloaksts.policy.arn.UserArn;
import io.github.keycloaksts.policy.tags.SessionTags;
import io.github.keycloaksts.session.RoleSessionChains;
import org.keycloak.authentication.authenticators.util.LoAUtil;
import org.keycloak.models.AuthenticatedClientSessionModel;
import org.keycloak.models.ClientModel;
import org.keycloak.models.Constants;
import org.keycloak.models.RealmModel;
import org.keycloak.models.RoleModel;
import org.keycloak.representations.AccessToken;
import org.keycloak.services.managers.AuthenticationManager;

/** The claims that make an access token a role token (docs/api.md, "Token exchange"). */
public final class RoleTokenClaims {

    public static final String ROLE_ARN = "role_arn";
    public static final String ROLE_SESSION_NAME = "role_session_name";
    public static final String SOURCE_IDENTITY = "source_identity";
    static final String ACT = "act";
    /** The session's tags, {@code {key: value}}, and which of them carry on along a chain. */
    public static final String SESSION_TAGS = "session_tags";
    static final String TRANSITIVE_TAG_KEYS = "transitive_tag_keys";
    /** The tags in the shape AWS STS gives web identity sessions, read by S3-compatible storage (Ceph RGW). */
    static final String AWS_TAGS = "https://aws.amazon.com/tags";

    /**
     * The claims keycloak-sts owns in a role token, or that the lifetime model (Keycloak's user look-up by {@code sub},
     * its session look-up by {@code sid}, its client by {@code azp}, expiry, sender binding) or a resource server's
     * authorization decision reads. A protocol mapper (any of them: hardcoded claim, user attribute, session note, …)
     * or a token post-processor may have written any of them; none of those values survives {@link #apply} and
     * {@link #writeLast}. Keycloak's mapper helper writes {@code sub}, {@code azp}, {@code acr}, {@code auth_time} and
     * {@code aud} into the token's fields and every other name into its other claims, which Jackson serialises next to
     * the fields: a second {@code sub}, {@code sid} or {@code realm_access} key in the JSON, which most parsers read as
     * the last one. So the field is set by us and the other-claims entry is removed.
     */
    public static final Set<String> OWNED = Set.of("sub", "azp", "iss", "aud", "exp", "iat", "nbf", "jti", "typ", "sid", "session_state",
            "acr", "auth_time", "cnf", "scope", "preferred_username", "realm_access", "resource_access",
            ROLE_ARN, ROLE_SESSION_NAME, SOURCE_IDENTITY, ACT, SESSION_TAGS, TRANSITIVE_TAG_KEYS, AWS_TAGS);

    private RoleTokenClaims() {
    }

    /**
     * Writes the role claims and replaces whatever roles Keycloak's mappers put in: the token carries exactly the
     * granted policies, never the principal's or the realm's default roles.
     */
    public static void apply(AccessToken token, List<RoleModel> granted, List<String> requestedAudience, RoleArn roleArn,
                      String sessionName, UserArn source, String sourceUserId, String sourceIssuer) {
        apply(token, granted, requestedAudience, roleArn, sessionName, source.toString(), actor(sourceUserId, sourceIssuer, null));
    }

    /**
     * As above for a chained session (role chaining): {@code source_identity} is the first hop's, unchanged, and
     * {@code act} nests as RFC 8693 §4.1 says, the current actor (the earlier role session) outermost and its own
     * {@code act} inside.
     */
    static void applyChained(AccessToken token, List<RoleModel> granted, List<String> requestedAudience, RoleArn roleArn,
                             String sessionName, String sourceIdentity, String parentSubject, String parentIssuer, Object parentAct) {
        apply(token, granted, requestedAudience, roleArn, sessionName, sourceIdentity, actor(parentSubject, parentIssuer, parentAct));
    }

    private static Map<String, Object> actor(String subject, String issuer, Object earlier) {
        Map<String, Object> act = new LinkedHashMap<>();
        act.put("sub", subject);
        act.put("iss", issuer);
        if (earlier != null) {
            act.put(ACT, earlier);
        }
        return act;
    }

    /**
     * A realm attribute of the target account: {@code true} adds the AWS shape of the session tags to its role tokens, for
     * S3-compatible storage that reads {@code https://aws.amazon.com/tags}. The account's own choice ({@code manage-realm}).
     */
    static final String AWS_TAGS_CLAIM_ATTRIBUTE = "sts.aws-tags-claim";

    /** Whether {@code target}'s role tokens (exchanged or of a browser role session) carry the AWS shape of their tags too. */
    public static boolean awsShapeWanted(RealmModel target) {
        return "true".equals(target.getAttribute(AWS_TAGS_CLAIM_ATTRIBUTE));
    }

    /**
     * The session's tags, after {@link #apply}: {@code session_tags} and {@code transitive_tag_keys} when there are any, and
     * with {@code awsShape} also {@code https://aws.amazon.com/tags} ({@code principal_tags} as lists of one value).
     */
    public static void applyTags(AccessToken token, SessionTags tags, boolean awsShape) {
        if (tags.isEmpty()) {
            return;
        }
        token.getOtherClaims().put(SESSION_TAGS, new LinkedHashMap<>(tags.tags()));
        if (!tags.transitiveKeys().isEmpty()) {
            token.getOtherClaims().put(TRANSITIVE_TAG_KEYS, List.copyOf(tags.transitiveKeys()));
        }
        if (awsShape) {
            Map<String, List<String>> principalTags = new LinkedHashMap<>();
            tags.tags().forEach((key, value) -> principalTags.put(key, List.of(value)));
            Map<String, Object> aws = new LinkedHashMap<>();
            aws.put("principal_tags", principalTags);
            aws.put("transitive_tag_keys", List.copyOf(tags.transitiveKeys()));
            token.getOtherClaims().put(AWS_TAGS, aws);
        }
    }

    /**
     * The tags a verified role token carries, as the session a chained request comes from: empty for none; null when the
     * claims do not read as tags (a token of ours always does).
     */
    static SessionTags tagsOf(AccessToken token) {
        Object tags = token.getOtherClaims().get(SESSION_TAGS);
        Object transitive = token.getOtherClaims().get(TRANSITIVE_TAG_KEYS);
        if (tags == null && transitive == null) {
            return SessionTags.none();
        }
        if (!(tags instanceof Map<?, ?> map) || transitive != null && !(transitive instanceof List<?>)) {
            return null;
        }
        Map<String, String> values = new LinkedHashMap<>();
        for (Map.Entry<?, ?> entry : map.entrySet()) {
            if (!(entry.getKey() instanceof String key) || !(entry.getValue() instanceof String value)) {
                return null;
            }
            values.put(key, value);
        }
        List<String> keys = new ArrayList<>();
        if (transitive != null) {
            for (Object key : (List<?>) transitive) {
                if (!(key instanceof String text)) {
                    return null;
                }
                keys.add(text);
            }
        }
        try {
            return SessionTags.of(values, keys);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /** How many actors {@code act} nests: 1 for a first hop's role token, one more for each chained hop. */
    static int actors(Object act) {
        int depth = 0;
        for (Object current = act; current instanceof Map<?, ?> map && depth <= RoleSessionChains.MAX_DEPTH; current = map.get(ACT)) {
            depth++;
        }
        return depth;
    }

    /**
     * As {@link #apply(AccessToken, List, List, RoleArn, String, UserArn, String, String)} for an external subject of an
     * OIDC provider (AssumeRoleWithOIDC): {@code source_identity} {@code acs:ram::<A>:oidc-provider/<alias>/<sub>},
     * {@code act} the external {@code sub} and {@code iss}.
     */
    static void applyFederated(AccessToken token, List<RoleModel> granted, List<String> requestedAudience, RoleArn roleArn,
                               String sessionName, String sourceIdentity, String externalSubject, String externalIssuer) {
        apply(token, granted, requestedAudience, roleArn, sessionName, sourceIdentity, actor(externalSubject, externalIssuer, null));
    }

    private static void apply(AccessToken token, List<RoleModel> granted, List<String> requestedAudience, RoleArn roleArn,
                              String sessionName, String source, Map<String, Object> act) {
        token.getOtherClaims().keySet().removeIf(OWNED::contains);
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
        if (SourceGrants.grantsAny(granted)) {
            // The session may assume further roles: its token is then a subject token, which names sts as audience.
            roleClients.add(SubjectTokenVerifier.STS_AUDIENCE);
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
        token.getOtherClaims().put(ACT, act);
    }

    /**
     * The last word on the claims a mapper can write into a token's fields ({@code OIDCAttributeMapperHelper}'s setters:
     * {@code sub}, {@code azp}, {@code acr}, {@code auth_time}; {@code aud} is {@link #apply}'s), and on every owned name
     * in the other claims. Called after every protocol mapper and token post-processor has run, and after
     * {@link #apply}: the role claims it wrote are kept.
     *
     * @param subject  the role-session user's ID: the user Keycloak looks up by {@code sub}, whose look-up runs the live checks
     * @param clientId the requesting client ({@code azp})
     * @param acr      the level of authentication Keycloak computed for the client session ({@link #acr})
     * @param authTime the sign-in time of the session, or null for none
     */
    public static void writeLast(AccessToken token, String subject, String clientId, String acr, Long authTime) {
        token.getOtherClaims().keySet().removeIf(name -> OWNED.contains(name) && !ROLE_CLAIMS.contains(name));
        token.subject(subject);
        token.issuedFor(clientId);
        token.setAcr(acr);
        token.setAuth_time(authTime);
        token.nbf(null);
    }

    private static final Set<String> ROLE_CLAIMS = Set.of(ROLE_ARN, ROLE_SESSION_NAME, SOURCE_IDENTITY, ACT, SESSION_TAGS,
            TRANSITIVE_TAG_KEYS, AWS_TAGS);

    /**
     * {@code acr} as Keycloak's own ACR mapper derives it from the client session ({@code AcrProtocolMapper.getAcr}),
     * without the client's acr-to-LoA map or requested {@code acr_values}, which a {@code manage-clients} administrator
     * or the app controls: the level as a number, {@code 0} for an SSO re-use, {@code 1} when no level was recorded.
     * Reads two client-session notes; no storage.
     */
    public static String acr(AuthenticatedClientSessionModel clientSession) {
        int loa = LoAUtil.getCurrentLevelOfAuthentication(clientSession);
        if (loa < Constants.MINIMUM_LOA) {
            loa = AuthenticationManager.isSSOAuthentication(clientSession) ? 0 : 1;
        }
        return String.valueOf(loa);
    }
}
