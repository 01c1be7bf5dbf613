package io.github.keycloaksts.console;

import java.util.List;

import io.github.keycloaksts.exchange.RoleTokenClaims;
import io.github.keycloaksts.policy.arn.RoleArn;
import io.github.keycloaksts.policy.arn.UserArn;
import io.github.keycloaksts.role.AssumableRole;
import io.github.keycloaksts.role.AssumableRoleStore;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.RoleModel;
import org.keycloak.models.UserSessionModel;
import org.keycloak.protocol.oidc.token.TokenPostProcessor;
import org.keycloak.protocol.oidc.token.TokenPostProcessorContext;
import org.keycloak.protocol.oidc.token.TokenPostProcessorFactory;
import org.keycloak.representations.AccessToken;

/**
 * Tokens that apps of the target realm get inside a browser role session carry the same claims as an exchanged
 * role token: exactly the role's attached policies, {@code role_arn}, {@code role_session_name},
 * {@code source_identity}, {@code act}, and never outlive the role session.
 */
public final class RoleSessionTokenPostProcessorFactory implements TokenPostProcessorFactory {

    public static final String PROVIDER_ID = "sts-role-session";

    @Override
    public TokenPostProcessor create(KeycloakSession session) {
        return context -> process(session, context);
    }

    @Override
    public String getId() {
        return PROVIDER_ID;
    }

    static void process(KeycloakSession session, TokenPostProcessorContext context) {
        AccessToken token = context.accessToken();
        if (token == null || context.clientSessionCtx() == null) {
            return;
        }
        UserSessionModel userSession = context.clientSessionCtx().getClientSession().getUserSession();
        String roleArnText = userSession.getNote(RoleSessionNotes.ROLE_ARN);
        if (roleArnText == null) {
            return;
        }
        RealmModel realm = userSession.getRealm();
        AssumableRole role = new AssumableRoleStore(session, realm).find(userSession.getNote(RoleSessionNotes.ROLE_NAME)).orElse(null);
        List<RoleModel> granted = role == null ? List.of() : role.attachedRoles().toList();
        RoleTokenClaims.apply(token, granted, List.of(), RoleArn.parse(roleArnText),
                userSession.getNote(RoleSessionNotes.SESSION_NAME), UserArn.parse(userSession.getNote(RoleSessionNotes.SOURCE_IDENTITY)),
                userSession.getNote(RoleSessionNotes.ACT_SUB), userSession.getNote(RoleSessionNotes.ACT_ISS));
        long expiresAt = Long.parseLong(userSession.getNote(RoleSessionNotes.EXPIRES_AT));
        if (role == null) {
            expiresAt = token.getIat(); // the role is gone: a token that is dead on arrival (fail closed)
        }
        if (token.getExp() == null || token.getExp() > expiresAt) {
            token.exp(expiresAt);
        }
    }
}
