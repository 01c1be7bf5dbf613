package io.github.keycloaksts.admin;

import java.util.LinkedHashMap;
import java.util.Map;

import java.util.function.Supplier;

import io.github.keycloaksts.role.RoleValidationException;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.keycloak.services.ErrorResponseException;

/**
 * An admin REST error: HTTP status, a RAM-style error code ({@code DeleteConflict.Role.Policy}) and a message that
 * says what is wrong and where. The body carries both {@code error} (the code, for scripts) and Keycloak's own
 * {@code errorMessage} (shown by the admin console). Thrown as {@link ErrorResponseException}, so Keycloak rolls
 * the transaction back: nothing is half-written.
 */
public final class StsAdminException {

    private StsAdminException() {
    }

    public static ErrorResponseException of(Response.Status status, String code, String message) {
        Map<String, String> body = new LinkedHashMap<>();
        body.put("error", code);
        body.put("errorMessage", message);
        return new ErrorResponseException(Response.status(status).type(MediaType.APPLICATION_JSON_TYPE).entity(body).build());
    }

    /** Runs a check of the shared {@link RoleValidationException}-throwing validation, answering its refusals. */
    static <T> T checked(Supplier<T> check) {
        try {
            return check.get();
        } catch (RoleValidationException e) {
            throw of(Response.Status.fromStatusCode(e.status()), e.code(), e.getMessage());
        }
    }

    public static ErrorResponseException badRequest(String code, String message) {
        return of(Response.Status.BAD_REQUEST, code, message);
    }

    public static ErrorResponseException notFound(String code, String message) {
        return of(Response.Status.NOT_FOUND, code, message);
    }

    public static ErrorResponseException conflict(String code, String message) {
        return of(Response.Status.CONFLICT, code, message);
    }
}
