package io.github.keycloaksts.assume;

import java.util.Map;
import java.util.Set;

import org.keycloak.authentication.Authenticator;
import org.keycloak.authentication.AuthenticatorFactory;
import org.keycloak.authentication.authenticators.util.AuthenticatorUtils;
import org.keycloak.models.AuthenticationExecutionModel;
import org.keycloak.models.Constants;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserSessionModel;
import org.keycloak.models.credential.OTPCredentialModel;
import org.keycloak.models.credential.RecoveryAuthnCodesCredentialModel;
import org.keycloak.models.credential.WebAuthnCredentialModel;
import org.keycloak.provider.ProviderFactory;

/**
 * {@code acs:MFAPresent}: whether the source user's sign-in completed a second factor, read from what Keycloak recorded
 * in the source user session (the executions its authentication flow completed) — never from the subject token's
 * {@code amr} or {@code acr} claims, which a source administrator holding only {@code manage-clients} can set to
 * anything with a hardcoded-claim mapper.
 */
public final class SourceMfa {

    /** Reference categories of Keycloak's second-factor authenticators (OTP form and direct grant, WebAuthn, recovery codes). */
    static final Set<String> SECOND_FACTORS = Set.of(OTPCredentialModel.TYPE, WebAuthnCredentialModel.TYPE_TWOFACTOR,
            WebAuthnCredentialModel.TYPE_PASSWORDLESS, RecoveryAuthnCodesCredentialModel.TYPE);

    private SourceMfa() {
    }

    public static boolean present(KeycloakSession session, RealmModel source, UserSessionModel userSession) {
        if (userSession == null) {
            return false;
        }
        Map<String, Integer> completed = AuthenticatorUtils.parseCompletedExecutions(userSession.getNote(Constants.AUTHENTICATORS_COMPLETED));
        for (String executionId : completed.keySet()) {
            AuthenticationExecutionModel execution = source.getAuthenticationExecutionById(executionId);
            if (execution == null || execution.getAuthenticator() == null) {
                continue;
            }
            ProviderFactory<Authenticator> factory = session.getKeycloakSessionFactory()
                    .getProviderFactory(Authenticator.class, execution.getAuthenticator());
            if (factory instanceof AuthenticatorFactory authenticator && authenticator.getReferenceCategory() != null
                    && SECOND_FACTORS.contains(authenticator.getReferenceCategory())) {
                return true;
            }
        }
        return false;
    }
}
