package io.github.keycloaksts;

import java.net.URI;

import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import org.jboss.resteasy.reactive.RestResponse;
import org.jboss.resteasy.reactive.common.core.ResponseBuilderFactory;
import org.jboss.resteasy.reactive.common.jaxrs.AbstractResponseBuilder;

/**
 * The response builder of the JAX-RS runtime for fast tests. Keycloak's runtime (Quarkus REST) installs its own from
 * its server half, which the tests do not have (only {@code resteasy-reactive-common}); without one,
 * {@code Response.status(...)} fails, and so does every {@code ErrorResponseException} the code under test throws.
 * This one is the common half's own builder: status, headers and entity as given.
 */
public final class PlainResponseBuilderFactory implements ResponseBuilderFactory {

    @Override
    public Response.ResponseBuilder create() {
        return new PlainResponseBuilder();
    }

    @Override
    public int priority() {
        return 1; // above the common half's placeholder (0), which only says the server half is missing
    }

    @Override
    public <T> RestResponse.ResponseBuilder<T> createRestResponse() {
        throw new UnsupportedOperationException("RestResponse is not used by keycloak-sts");
    }

    static final class PlainResponseBuilder extends AbstractResponseBuilder {

        @Override
        protected AbstractResponseBuilder doClone() {
            return new PlainResponseBuilder();
        }

        /** As given: the server half would resolve a relative URI against the request, which a test has none of. */
        @Override
        public Response.ResponseBuilder location(URI location) {
            return header(HttpHeaders.LOCATION, location);
        }

        @Override
        public Response.ResponseBuilder contentLocation(URI location) {
            return header(HttpHeaders.CONTENT_LOCATION, location);
        }
    }
}
