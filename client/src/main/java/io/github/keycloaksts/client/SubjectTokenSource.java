package io.github.keycloaksts.client;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Supplies the subject token of an exchange: a source account's access token (its app's or a signed-in user's), an
 * external OIDC token (AssumeRoleWithOIDC, {@link #fromFile}), or another role token (role chaining).
 */
public interface SubjectTokenSource {

    String ACCESS_TOKEN = "urn:ietf:params:oauth:token-type:access_token";
    String JWT = "urn:ietf:params:oauth:token-type:jwt";

    /** A subject token and its RFC 8693 type. */
    record SubjectToken(String token, String type) {
        @Override
        public String toString() {
            return "SubjectToken[" + type + "]";
        }
    }

    /** The subject token to present now (read again for every exchange: a projected token file rotates). */
    SubjectToken subjectToken();

    /** A fixed access token of a source account. */
    static SubjectTokenSource accessToken(String token) {
        return () -> new SubjectToken(token, ACCESS_TOKEN);
    }

    /** An external JWT read from {@code file} at every exchange (a CI job's or a Kubernetes projected token). */
    static SubjectTokenSource fromFile(Path file) {
        return () -> {
            try {
                return new SubjectToken(Files.readString(file).strip(), JWT);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read the web identity token file " + file, e);
            }
        };
    }

    /** The role token of {@code credentials} as the subject: role chaining. */
    static SubjectTokenSource roleToken(RoleCredentials credentials) {
        return () -> new SubjectToken(credentials.token().accessToken(), ACCESS_TOKEN);
    }
}
