package io.github.keycloaksts.client.samples;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

import io.github.keycloaksts.client.RoleCredentials;
import io.github.keycloaksts.client.RoleRequest;
import io.github.keycloaksts.client.StsHttp;
import io.github.keycloaksts.client.SubjectTokenSource;

/**
 * The sample of README's "From apps": an app of company-b calls an API of company-a with a role token, over the JDK's
 * own HTTP client. One {@link RoleCredentials} per role, shared by every thread of the app: it exchanges once, keeps
 * the token and exchanges again shortly before it expires. Run against the real server by {@code PlainJavaSampleIT}.
 */
public final class PlainJavaSample {

    private final HttpClient http = HttpClient.newHttpClient();
    private final RoleCredentials role;

    /**
     * @param targetIssuer   company-a's issuer, e.g. {@code https://sso.example.com/realms/company-a}
     * @param roleArn        the role to assume there
     * @param subjectToken   where company-b's access tokens come from (the app's own sign-in, a token file)
     */
    public PlainJavaSample(URI targetIssuer, String roleArn, SubjectTokenSource subjectToken) {
        this.role = new RoleCredentials(new StsHttp(), RoleRequest.of(targetIssuer, roleArn).withSessionName("billing-job"), subjectToken);
    }

    /** GET {@code api} of company-a with the role token; the response body. */
    public String get(URI api) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(api)
                .header("Authorization", "Bearer " + role.token().accessToken())
                .GET().build();
        HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IOException(api + " answered " + response.statusCode());
        }
        return response.body();
    }
}
