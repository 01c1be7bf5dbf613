package io.github.keycloaksts.it.support;

import java.nio.charset.StandardCharsets;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.Signature;
import java.util.Base64;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/** Crafting hostile JWTs for the tests: altered payloads, other algorithms, other keys. */
public final class Jwts {

    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder DECODE = Base64.getUrlDecoder();

    private Jwts() {
    }

    public static ObjectNode header(String jwt) {
        return (ObjectNode) read(jwt.split("\\.")[0]);
    }

    public static ObjectNode payload(String jwt) {
        return (ObjectNode) read(jwt.split("\\.")[1]);
    }

    /** Same header and signature, different payload: a forgery. */
    public static String withPayload(String jwt, JsonNode payload) {
        String[] parts = jwt.split("\\.");
        return parts[0] + "." + encode(payload) + "." + parts[2];
    }

    public static String unsigned(String jwt) {
        ObjectNode header = header(jwt);
        header.put("alg", "none");
        return encode(header) + "." + jwt.split("\\.")[1] + ".";
    }

    /** HS256 with the given bytes as secret (e.g. the realm's public key: the classic RS/HS confusion). */
    public static String hs256(String jwt, byte[] secret) {
        try {
            ObjectNode header = header(jwt);
            header.put("alg", "HS256");
            String input = encode(header) + "." + jwt.split("\\.")[1];
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret, "HmacSHA256"));
            return input + "." + B64.encodeToString(mac.doFinal(input.getBytes(StandardCharsets.US_ASCII)));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** RS256 with a key of our own but the realm key's kid: a foreign-key signature. */
    public static String foreignRs256(String jwt) {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            PrivateKey key = generator.generateKeyPair().getPrivate();
            String input = jwt.substring(0, jwt.lastIndexOf('.'));
            Signature signature = Signature.getInstance("SHA256withRSA");
            signature.initSign(key);
            signature.update(input.getBytes(StandardCharsets.US_ASCII));
            return input + "." + B64.encodeToString(signature.sign());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static JsonNode read(String part) {
        try {
            return Http.JSON.readTree(DECODE.decode(part));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static String encode(JsonNode node) {
        return B64.encodeToString(node.toString().getBytes(StandardCharsets.UTF_8));
    }
}
