import java.io.IOException;
import java.io.OutputStream;
import java.math.BigInteger;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.security.interfaces.RSAPublicKey;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * A stand-in for a CI system's OIDC issuer (GitHub Actions' token.actions.githubusercontent.com), for the README's
 * AssumeRoleWithOIDC walkthrough; JDK only:
 *
 * <pre>java tools/DemoOidcIssuer.java [port]</pre>
 *
 * Serves, on http://localhost:8090/ci by default, {@code /.well-known/openid-configuration}, the JWKS of an RSA key
 * made at start ({@code /jwks}), and {@code /token?repository=company-a/shop&ref=refs/heads/main&aud=sts.company-a}:
 * a GitHub-Actions-shaped RS256 token valid for five minutes (what a job gets from ACTIONS_ID_TOKEN_REQUEST_URL).
 * A demo: anyone who can reach it gets tokens. Never point a production identity provider at it.
 */
public final class DemoOidcIssuer {

    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();

    public static void main(String[] args) throws Exception {
        int port = args.length > 0 ? Integer.parseInt(args[0]) : 8090;
        String issuer = "http://localhost:" + port + "/ci";
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        KeyPair key = generator.generateKeyPair();
        String kid = UUID.randomUUID().toString();
        RSAPublicKey pub = (RSAPublicKey) key.getPublic();

        HttpServer server = HttpServer.create(new InetSocketAddress("localhost", port), 0);
        server.createContext("/ci/.well-known/openid-configuration", x -> respond(x, "{\"issuer\":\"" + issuer
                + "\",\"jwks_uri\":\"" + issuer + "/jwks\",\"id_token_signing_alg_values_supported\":[\"RS256\"]}"));
        server.createContext("/ci/jwks", x -> respond(x, "{\"keys\":[{\"kty\":\"RSA\",\"use\":\"sig\",\"alg\":\"RS256\",\"kid\":\""
                + kid + "\",\"n\":\"" + B64.encodeToString(unsigned(pub.getModulus())) + "\",\"e\":\""
                + B64.encodeToString(unsigned(pub.getPublicExponent())) + "\"}]}"));
        server.createContext("/ci/token", x -> {
            Map<String, String> q = query(x.getRequestURI().getRawQuery());
            String repository = q.getOrDefault("repository", "company-a/shop");
            String ref = q.getOrDefault("ref", "refs/heads/main");
            long now = System.currentTimeMillis() / 1000;
            String claims = "{\"jti\":\"" + UUID.randomUUID() + "\",\"sub\":\"repo:" + json(repository) + ":ref:" + json(ref)
                    + "\",\"aud\":\"" + json(q.getOrDefault("aud", "sts.company-a")) + "\",\"ref\":\"" + json(ref)
                    + "\",\"repository\":\"" + json(repository) + "\",\"repository_owner\":\"" + json(repository.split("/")[0])
                    + "\",\"workflow\":\"deploy\",\"event_name\":\"push\",\"run_id\":\"4242\",\"iss\":\"" + issuer
                    + "\",\"iat\":" + now + ",\"nbf\":" + now + ",\"exp\":" + (now + 300) + "}";
            String input = B64.encodeToString(("{\"alg\":\"RS256\",\"typ\":\"JWT\",\"kid\":\"" + kid + "\"}").getBytes(StandardCharsets.UTF_8))
                    + "." + B64.encodeToString(claims.getBytes(StandardCharsets.UTF_8));
            try {
                Signature signature = Signature.getInstance("SHA256withRSA");
                signature.initSign(key.getPrivate());
                signature.update(input.getBytes(StandardCharsets.US_ASCII));
                respond(x, "{\"value\":\"" + input + "." + B64.encodeToString(signature.sign()) + "\"}");
            } catch (Exception e) {
                throw new IOException(e);
            }
        });
        server.start();
        System.out.println("Demo OIDC issuer " + issuer + " (kid " + kid + "); Ctrl-C stops it");
    }

    private static Map<String, String> query(String raw) {
        Map<String, String> out = new HashMap<>();
        if (raw != null) {
            for (String pair : raw.split("&")) {
                int eq = pair.indexOf('=');
                if (eq > 0) {
                    out.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                            URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
                }
            }
        }
        return out;
    }

    private static String json(String s) {
        return s.replace("\\", "\\\\").replace("\"", "\\\"");
    }

    private static byte[] unsigned(BigInteger value) {
        byte[] bytes = value.toByteArray();
        return bytes[0] == 0 ? Arrays.copyOfRange(bytes, 1, bytes.length) : bytes;
    }

    private static void respond(HttpExchange exchange, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.sendResponseHeaders(200, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }
}
