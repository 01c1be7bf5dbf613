package io.github.keycloaksts.client.samples;

import org.springframework.security.oauth2.client.OAuth2AuthorizationContext;
import org.springframework.security.oauth2.client.TokenExchangeOAuth2AuthorizedClientProvider;
import org.springframework.security.oauth2.client.endpoint.RestClientTokenExchangeTokenResponseClient;
import org.springframework.security.oauth2.client.registration.ClientRegistration;
import org.springframework.security.oauth2.core.AuthorizationGrantType;
import org.springframework.security.oauth2.core.ClientAuthenticationMethod;
import org.springframework.security.oauth2.core.OAuth2AccessToken;
import org.springframework.security.oauth2.core.OAuth2Token;
import org.springframework.util.LinkedMultiValueMap;
import org.springframework.util.MultiValueMap;

/**
 * The Spring Security (6.4+) wiring of README's "From apps": company-b's service, a resource server holding the
 * caller's company-b access token, gets a role token of company-a with Spring's own
 * {@link TokenExchangeOAuth2AuthorizedClientProvider}. Put {@link #provider} in the app's
 * {@code OAuth2AuthorizedClientManager} and {@link #registration} in its client registrations; Spring then caches
 * the role token per principal and exchanges again when it expires. Run against the real server by
 * {@code KcstsCliIT}.
 */
public final class SpringTokenExchangeSample {

    private SpringTokenExchangeSample() {
    }

    /** company-a's token endpoint, with its public client {@code sts} and the token-exchange grant. */
    public static ClientRegistration registration(String registrationId, String targetIssuer) {
        return ClientRegistration.withRegistrationId(registrationId)
                .clientId("sts")
                .clientAuthenticationMethod(ClientAuthenticationMethod.NONE)
                .authorizationGrantType(AuthorizationGrantType.TOKEN_EXCHANGE)
                .tokenUri(targetIssuer + "/protocol/openid-connect/token")
                .build();
    }

    /** The provider for one role: {@code role_arn} and {@code role_session_name} added to Spring's exchange. */
    public static TokenExchangeOAuth2AuthorizedClientProvider provider(String roleArn, String sessionName) {
        RestClientTokenExchangeTokenResponseClient client = new RestClientTokenExchangeTokenResponseClient();
        client.addParametersConverter(request -> {
            MultiValueMap<String, String> parameters = new LinkedMultiValueMap<>();
            parameters.add("role_arn", roleArn);
            parameters.add("role_session_name", sessionName);
            return parameters;
        });
        TokenExchangeOAuth2AuthorizedClientProvider provider = new TokenExchangeOAuth2AuthorizedClientProvider();
        provider.setAccessTokenResponseClient(client);
        // A resource server holds the caller's token as a Jwt, which Spring would send as token-type:jwt: the
        // AssumeRoleWithOIDC form. A company-b access token is sent as an access token.
        provider.setSubjectTokenResolver(SpringTokenExchangeSample::asAccessToken);
        return provider;
    }

    private static OAuth2Token asAccessToken(OAuth2AuthorizationContext context) {
        return context.getPrincipal().getPrincipal() instanceof OAuth2Token token
                ? new OAuth2AccessToken(OAuth2AccessToken.TokenType.BEARER, token.getTokenValue(), token.getIssuedAt(), token.getExpiresAt())
                : null;
    }
}
