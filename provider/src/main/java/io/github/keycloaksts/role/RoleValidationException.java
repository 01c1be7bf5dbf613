package io.github.keycloaksts.role;

/**
 * A refused value of an assumable role: HTTP status, RAM-style error code ({@code MalformedPolicyDocument}) and a
 * message that starts with the path of the offending field ({@code trustPolicy.Statement[0].Effect: ...}). Each
 * front end turns it into its own error: the admin REST API into {@code {"error","errorMessage"}} with the status,
 * the admin console page into a component validation error (400) with the same message.
 */
public final class RoleValidationException extends RuntimeException {

    private final int status;
    private final String code;

    RoleValidationException(int status, String code, String message) {
        super(message, null, false, false);
        this.status = status;
        this.code = code;
    }

    static RoleValidationException badRequest(String code, String message) {
        return new RoleValidationException(400, code, message);
    }

    static RoleValidationException notFound(String code, String message) {
        return new RoleValidationException(404, code, message);
    }

    static RoleValidationException conflict(String code, String message) {
        return new RoleValidationException(409, code, message);
    }

    public int status() {
        return status;
    }

    public String code() {
        return code;
    }
}
