package io.github.keycloaksts.it.support;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.security.interfaces.RSAPublicKey;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * An OIDC issuer of our own for AssumeRoleWithOIDC tests, without the internet: a JDK HTTP server on localhost serving
 * {@code /.well-known/openid-configuration} and the JWKS of its current RSA keys, and RS256 tokens shaped like
 * GitHub Actions' or a Kubernetes projected service-account token's. {@link #rotate()} replaces the published key.
 */
public final class TestOidcIssuer implements AutoCloseable {

    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();

    private final HttpServer server;
    private final String issuer;
    private volatile List<Key> published = new ArrayList<>();
    private volatile Key current;
    private volatile int jwksRequests;

    /** A signing key: its kid and key pair. */
    public record Key(String kid, KeyPair pair) {
    }

    private TestOidcIssuer(int port, String path) {
        try {
            server = HttpServer.create(new InetSocketAddress("localhost", port), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        issuer = "http://localhost:" + server.getAddress().getPort() + path;
        current = newKey();
        published = List.of(current);
        server.createContext(path + "/.well-known/openid-configuration", exchange -> respond(exchange, discovery()));
        server.createContext(path + "/jwks", exchange -> {
            jwksRequests++;
            respond(exchange, jwks());
        });
        server.start();
    }

    /** An issuer at {@code http://localhost:<port><path>} (e.g. {@code /github}). */
    public static TestOidcIssuer start(String path) {
        return new TestOidcIssuer(0, path);
    }

    /** An issuer on a fixed port (the demo realm-config's {@code http://localhost:8090/ci}). */
    public static TestOidcIssuer start(int port, String path) {
        return new TestOidcIssuer(port, path);
    }

    public String issuer() {
        return issuer;
    }

    public String jwksUrl() {
        return issuer + "/jwks";
    }

    public Key currentKey() {
        return current;
    }

    public int jwksRequests() {
        return jwksRequests;
    }

    /** Publishes a new key instead of the current one and signs with it from now on; returns the old one. */
    public Key rotate() {
        Key old = current;
        current = newKey();
        published = List.of(current);
        return old;
    }

    /** A key that is never published (an attacker's). */
    public static Key unpublishedKey() {
        return newKey();
    }

    /**
     * Claims as GitHub Actions' OIDC tokens carry them: {@code sub repo:<repo>:ref:<ref>}, {@code aud}, {@code repository},
     * {@code ref}, {@code jti}, {@code iat}/{@code nbf}/{@code exp} five minutes apart.
     */
    public ObjectNode githubClaims(String repository, String ref, String audience) {
        long now = System.currentTimeMillis() / 1000;
        ObjectNode claims = Http.JSON.createObjectNode();
        claims.put("jti", UUID.randomUUID().toString());
        claims.put("sub", "repo:" + repository + ":ref:" + ref);
        claims.put("aud", audience);
        claims.put("ref", ref);
        claims.put("sha", "e5c3a1f0d1b1b6f1c6a4c6f5d0a7c9b3e2f1a0b9");
        claims.put("repository", repository);
        claims.put("repository_owner", repository.substring(0, repository.indexOf('/')));
        claims.put("run_id", "4242");
        claims.put("workflow", "deploy");
        claims.put("event_name", "push");
        claims.put("iss", issuer);
        claims.put("nbf", now - 5);
        claims.put("iat", now - 5);
        claims.put("exp", now + 300);
        return claims;
    }

    /** Claims of a Kubernetes projected service-account token (audiences a list, the pod and service account as claims). */
    public ObjectNode kubernetesClaims(String namespace, String serviceAccount, List<String> audiences) {
        long now = System.currentTimeMillis() / 1000;
        ObjectNode claims = Http.JSON.createObjectNode();
        ArrayNode aud = claims.putArray("aud");
        audiences.forEach(aud::add);
        claims.put("exp", now + 3600);
        claims.put("iat", now - 5);
        claims.put("nbf", now - 5);
        claims.put("iss", issuer);
        claims.put("jti", UUID.randomUUID().toString());
        ObjectNode k8s = claims.putObject("kubernetes.io");
        k8s.put("namespace", namespace);
        k8s.putObject("pod").put("name", serviceAccount + "-7d9f8").put("uid", UUID.randomUUID().toString());
        k8s.putObject("serviceaccount").put("name", serviceAccount).put("uid", UUID.randomUUID().toString());
        claims.put("sub", "system:serviceaccount:" + namespace + ":" + serviceAccount);
        return claims;
    }

    /** RS256 with the current key. */
    public String sign(ObjectNode claims) {
        return sign(claims, current);
    }

    /** RS256 with {@code key} (its kid in the header). */
    public static String sign(ObjectNode claims, Key key) {
        ObjectNode header = Http.JSON.createObjectNode().put("alg", "RS256").put("typ", "JWT").put("kid", key.kid());
        String input = encode(header.toString()) + "." + encode(claims.toString());
        try {
            Signature signature = Signature.getInstance("SHA256withRSA");
            signature.initSign(key.pair().getPrivate());
            signature.update(input.getBytes(StandardCharsets.US_ASCII));
            return input + "." + B64.encodeToString(signature.sign());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static Key newKey() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            return new Key(UUID.randomUUID().toString(), generator.generateKeyPair());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private String discovery() {
        return Http.JSON.createObjectNode().put("issuer", issuer).put("jwks_uri", jwksUrl())
                .put("authorization_endpoint", issuer + "/authorize").put("token_endpoint", issuer + "/token")
                .set("id_token_signing_alg_values_supported", Http.JSON.createArrayNode().add("RS256")).toString();
    }

    private String jwks() {
        ObjectNode jwks = Http.JSON.createObjectNode();
        ArrayNode keys = jwks.putArray("keys");
        for (Key key : published) {
            RSAPublicKey pub = (RSAPublicKey) key.pair().getPublic();
            keys.addObject().put("kty", "RSA").put("kid", key.kid()).put("use", "sig").put("alg", "RS256")
                    .put("n", B64.encodeToString(unsigned(pub.getModulus())))
                    .put("e", B64.encodeToString(unsigned(pub.getPublicExponent())));
        }
        return jwks.toString();
    }

    private static byte[] unsigned(BigInteger value) {
        byte[] bytes = value.toByteArray();
        return bytes[0] == 0 ? Arrays.copyOfRange(bytes, 1, bytes.length) : bytes;
    }

    private static String encode(String json) {
        return B64.encodeToString(json.getBytes(StandardCharsets.UTF_8));
    }

    private static void respond(HttpExchange exchange, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.sendResponseHeaders(200, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    /** Keycloak's identity provider representation of this issuer as an OIDC provider with signature validation. */
    public Map<String, Object> identityProvider(String alias) {
        return Map.of("alias", alias, "providerId", "oidc", "enabled", true,
                "config", Map.of("issuer", issuer, "jwksUrl", jwksUrl(), "useJwksUrl", "true", "validateSignature", "true",
                        "clientId", "keycloak-sts", "clientSecret", "unused", "clientAuthMethod", "client_secret_post",
                        "authorizationUrl", issuer + "/authorize", "tokenUrl", issuer + "/token"));
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
