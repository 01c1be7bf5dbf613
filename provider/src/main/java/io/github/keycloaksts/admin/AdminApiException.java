package io.github.keycloaksts.admin;

import java.util.LinkedHashMap;
import java.util.Map;

import io.github.keycloaksts.role.RoleValidationException;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.keycloak.services.ErrorResponseException;

/**
 * A refused admin request, and the one place where a refusal becomes a response: HTTP status, a RAM-style error
 * code ({@code DeleteConflict.Role.Policy}) and a message that says what is wrong and where. The body is
 * {@code {"error": code, "errorMessage": message}}: the code for scripts, Keycloak's own {@code errorMessage} for the
 * admin console. Refusals the admin console shows in an alert ({@link #shownByConsole}) add {@code error_description},
 * which it prints under the code. Being an {@link ErrorResponseException}, it makes Keycloak roll the request's
 * transaction back: nothing is half-written.
 */
public final class AdminApiException extends ErrorResponseException {

    private static final long serialVersionUID = 1L;

    private final String code;
    private final String message;

    private AdminApiException(Response.Status status, String code, String message, boolean describe) {
        super(response(status, code, message, describe));
        this.code = code;
        this.message = message;
    }

    /** The message of the body ({@code errorMessage}). */
    public String message() {
        return message;
    }

    public static AdminApiException badRequest(String code, String message) {
        return new AdminApiException(Response.Status.BAD_REQUEST, code, message, false);
    }

    public static AdminApiException forbidden(String code, String message) {
        return new AdminApiException(Response.Status.FORBIDDEN, code, message, false);
    }

    public static AdminApiException notFound(String code, String message) {
        return new AdminApiException(Response.Status.NOT_FOUND, code, message, false);
    }

    public static AdminApiException conflict(String code, String message) {
        return new AdminApiException(Response.Status.CONFLICT, code, message, false);
    }

    /** A refusal of the shared assumable-role validation ({@code role/}), with its status, code and message. */
    public static AdminApiException of(RoleValidationException refused) {
        return new AdminApiException(Response.Status.fromStatusCode(refused.status()), refused.code(), refused.getMessage(), false);
    }

    /** As the others, with {@code error_description} too: for refusals of writes the admin console makes itself. */
    public static AdminApiException shownByConsole(Response.Status status, String code, String message) {
        return new AdminApiException(status, code, message, true);
    }

    /** The RAM-style error code. */
    public String code() {
        return code;
    }

    private static Response response(Response.Status status, String code, String message, boolean describe) {
        Map<String, String> body = new LinkedHashMap<>();
        body.put("error", code);
        body.put("errorMessage", message);
        if (describe) {
            body.put("error_description", message);
        }
        return Response.status(status).type(MediaType.APPLICATION_JSON_TYPE).entity(body).build();
    }
}
