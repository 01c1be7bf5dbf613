package io.github.keycloaksts.assume;

import java.nio.ByteBuffer;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.UUID;

/**
 * Random (version 4) UUIDs from a generator per thread. {@link UUID#randomUUID()} draws from one JVM-wide
 * {@code SecureRandom}, whose lock the profile showed contended at 32 concurrent exchanges; each thread's own DRBG
 * is just as unpredictable and never waits for another request.
 */
public final class RandomIds {

    private static final ThreadLocal<SecureRandom> GENERATOR = ThreadLocal.withInitial(() -> {
        try {
            return SecureRandom.getInstance("DRBG");
        } catch (NoSuchAlgorithmException e) {
            return new SecureRandom();
        }
    });

    private RandomIds() {
    }

    public static String uuid() {
        byte[] bytes = new byte[16];
        GENERATOR.get().nextBytes(bytes);
        bytes[6] = (byte) ((bytes[6] & 0x0f) | 0x40); // version 4
        bytes[8] = (byte) ((bytes[8] & 0x3f) | 0x80); // IETF variant
        ByteBuffer buffer = ByteBuffer.wrap(bytes);
        return new UUID(buffer.getLong(), buffer.getLong()).toString();
    }
}
