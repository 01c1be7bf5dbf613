package io.github.keycloaksts.exchange;

import java.util.Map;
import java.util.Optional;

import io.github.keycloaksts.assume.AssumeRoleRefusal;
import io.github.keycloaksts.assume.EventDetails;
import io.github.keycloaksts.policy.document.PolicyReader;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.MultivaluedMap;
import jakarta.ws.rs.core.Response;
import org.jboss.logging.Logger;
import org.keycloak.models.KeycloakSession;
import org.keycloak.protocol.oidc.TokenExchangeContext;
import org.keycloak.protocol.oidc.TokenExchangeProvider;
import org.keycloak.services.CorsErrorResponseException;

/**
 * AssumeRole through RFC 8693 token exchange at the target account's token endpoint (contract: docs/api.md,
 * "Token exchange"): the front door. It checks the requesting client and the parameters, hands the request to its
 * flow — a source account's user ({@link AccountAssumption}) or an OIDC provider's subject ({@link OidcAssumption}) —
 * and turns every refusal, expected or not, into one error answer with this request's ID, audited in both realms.
 * Created for each request, bound to that request's session.
 */
final class AssumeRoleTokenExchangeProvider implements TokenExchangeProvider {

    static final String AUTH_METHOD = "sts-assume-role";
    private static final Logger LOG = Logger.getLogger(AssumeRoleTokenExchangeProvider.class);
    private static final PolicyReader POLICY_READER = PolicyReader.defaults();

    private final KeycloakSession session;

    AssumeRoleTokenExchangeProvider(KeycloakSession session) {
        this.session = session;
    }

    /** Claims every request with {@code role_arn}, from any client: refusing a client is ours to do, not a fallthrough. */
    @Override
    public boolean supports(TokenExchangeContext context) {
        return context.getFormParams().containsKey(AssumeRoleParameters.ROLE_ARN);
    }

    @Override
    public Response exchange(TokenExchangeContext context) {
        long started = System.nanoTime();
        // Made here, not in the constructor: Keycloak creates this provider for every token exchange request, also those
        // it then leaves to another provider.
        ExchangeAudit audit = new ExchangeAudit(session, context);
        SubjectTokenVerifier.VerifiedSubject subject = null;
        MultivaluedMap<String, String> form = callerForm(context);
        String roleArn = AssumeRoleParameters.printable(form.getFirst(AssumeRoleParameters.ROLE_ARN));
        try {
            Optional<String> clientRefusal = AssumeRoleClients.refusal(context.getClient());
            if (clientRefusal.isPresent()) {
                throw AssumeRoleRefusal.unauthorizedClient(clientRefusal.get());
            }
            AssumeRoleParameters params = AssumeRoleParameters.read(form, POLICY_READER);
            context.getEvent().detail(EventDetails.ROLE_ARN, params.roleArn.toString());
            Map<String, Object> answer;
            if (params.federatedTokenType != null) {
                answer = OidcAssumption.assume(session, context, audit.requestId(), params);
            } else {
                subject = SubjectTokenVerifier.verify(session, context, params.subjectToken);
                SenderConstraint.requireProof(session, subject.token());
                answer = AccountAssumption.assume(session, context, audit, params, subject);
            }
            AssumeRoleMetrics.succeeded(context.getRealm(), started);
            return context.getCors().add(Response.ok(answer, MediaType.APPLICATION_JSON_TYPE));
        } catch (AssumeRoleRefusal failure) {
            audit.refused(subject, roleArn, failure);
            AssumeRoleMetrics.refused(context.getRealm(), AssumeRoleMetrics.reasonClass(failure), started);
            throw new AssumeRoleErrorResponse(context.getCors(), failure.oauthError(), failure.callerDescription(),
                    Response.Status.fromStatusCode(failure.status()), audit.requestId());
        } catch (AssumeRoleErrorResponse e) {
            throw e;
        } catch (CorsErrorResponseException e) {
            // Keycloak's own refusal from inside the exchange: the same answer, with this request's ID.
            throw new AssumeRoleErrorResponse(context.getCors(), e.getMessage(), e.getErrorDescription(),
                    Response.Status.fromStatusCode(e.getResponse().getStatus()), audit.requestId());
        } catch (RuntimeException e) {
            // Fail closed: anything unexpected is a denial, with the cause in the server log and the events.
            LOG.warnf(e, "AssumeRole of %s failed", roleArn);
            AssumeRoleRefusal failure = AssumeRoleRefusal.denied("internal error: " + e);
            audit.refused(subject, roleArn, failure);
            AssumeRoleMetrics.refused(context.getRealm(), AssumeRoleMetrics.INTERNAL_ERROR, started);
            throw new AssumeRoleErrorResponse(context.getCors(), failure.oauthError(), failure.callerDescription(),
                    Response.Status.FORBIDDEN, audit.requestId());
        }
    }

    /**
     * The form as the caller sent it. Keycloak's token endpoint hands providers a copy with control characters removed
     * ({@code TokenEndpoint.sanitizeFormParameters}); AssumeRole refuses them instead of acting on an altered value.
     */
    private MultivaluedMap<String, String> callerForm(TokenExchangeContext context) {
        MultivaluedMap<String, String> raw = session.getContext().getHttpRequest() == null ? null
                : session.getContext().getHttpRequest().getDecodedFormParameters();
        return raw != null ? raw : context.getFormParams();
    }

    @Override
    public void close() {
    }
}
