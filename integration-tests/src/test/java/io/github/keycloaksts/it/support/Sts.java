package io.github.keycloaksts.it.support;

import java.util.LinkedHashMap;
import java.util.Map;

/** Token exchange requests as an app of another account makes them. */
public final class Sts {

    public static final String TOKEN_EXCHANGE = "urn:ietf:params:oauth:grant-type:token-exchange";
    public static final String ACCESS_TOKEN_TYPE = "urn:ietf:params:oauth:token-type:access_token";

    private final KeycloakServer server;

    public Sts(KeycloakServer server) {
        this.server = server;
    }

    /** A password-grant access token of {@code username} in {@code realm} through its {@code clientId} (audience sts). */
    public String signIn(String realm, String clientId, String username, String password) {
        return Http.passwordGrant(server, realm, clientId, username, password).accessToken();
    }

    public String bobToken() {
        return signIn("company-b", "ops-cli", "bob", "123456");
    }

    public Map<String, String> form(String subjectToken, String roleArn) {
        Map<String, String> form = new LinkedHashMap<>();
        form.put("grant_type", TOKEN_EXCHANGE);
        form.put("client_id", "sts");
        form.put("subject_token", subjectToken);
        form.put("subject_token_type", ACCESS_TOKEN_TYPE);
        if (roleArn != null) {
            form.put("role_arn", roleArn);
        }
        return form;
    }

    public Http.Response exchange(String targetRealm, Map<String, String> form) {
        return Http.postForm(server.realmUrl(targetRealm) + "/protocol/openid-connect/token", form);
    }

    public Http.Response assumeRole(String targetRealm, String subjectToken, String roleArn) {
        return exchange(targetRealm, form(subjectToken, roleArn));
    }

    /** Token introspection at {@code realm} with a confidential client's credentials. */
    public Http.Response introspect(String realm, String clientId, String secret, String token) {
        Map<String, String> form = new LinkedHashMap<>();
        form.put("client_id", clientId);
        form.put("client_secret", secret);
        form.put("token", token);
        return Http.postForm(server.realmUrl(realm) + "/protocol/openid-connect/token/introspect", form);
    }

    public Http.Response userinfo(String realm, String token) {
        return Http.get(server.realmUrl(realm) + "/protocol/openid-connect/userinfo", token);
    }
}
