package io.github.keycloaksts.exchange;

import java.util.LinkedHashMap;
import java.util.Map;

import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.keycloak.services.CorsErrorResponseException;
import org.keycloak.services.cors.Cors;

/**
 * A refused AssumeRole exchange: Keycloak's {@link CorsErrorResponseException} (so the token endpoint and its error
 * handling treat it as their own), whose body adds the {@code request_id} that the events of both realms carry. The
 * base class writes only {@code error} and {@code error_description}; the CORS headers are added the same way.
 */
final class AssumeRoleErrorResponse extends CorsErrorResponseException {

    private static final long serialVersionUID = 1L;

    private final transient Cors cors;
    private final String error;
    private final String description;
    private final Response.Status status;
    private final String requestId;

    AssumeRoleErrorResponse(Cors cors, String error, String description, Response.Status status, String requestId) {
        super(cors, error, description, status);
        this.cors = cors;
        this.error = error;
        this.description = description;
        this.status = status;
        this.requestId = requestId;
    }

    String requestId() {
        return requestId;
    }

    @Override
    public Response getResponse() {
        Map<String, String> body = new LinkedHashMap<>();
        body.put("error", error);
        body.put("error_description", description);
        body.put("request_id", requestId);
        Response.ResponseBuilder builder = Response.status(status).entity(body).type(MediaType.APPLICATION_JSON_TYPE);
        return cors == null ? builder.build() : cors.add(builder);
    }
}
