package io.github.keycloaksts.live;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * What a live role session hangs on, written into the {@code sub} of its tokens: the anchor principal (one per
 * role and source account, never reused), the source user, the source session it was minted from (none for a
 * subject token without a session) and the duration it was granted. Role tokens and browser role sessions are
 * issued to the virtual user this handle names; looking that user up re-checks that all of it still holds
 * ({@link LiveRoleSessions}).
 *
 * <p>Text form: {@code 1<kind>.<anchor>.<sourceUser>.<sourceSession or ->.<duration>.<issued at, ms, base 36>}, identifiers compacted
 * (a UUID to 22 base64url characters, anything else base64url of its UTF-8 prefixed with {@code s}), so the user
 * ID {@code f:<component>:<handle>} stays far below Keycloak's 255-character columns.
 */
public record RoleSessionHandle(Kind kind, String anchorId, String sourceUserId, String sourceSessionId, int durationSeconds,
                                long issuedAtMillis) {

    /**
     * Role token of an account's user (token exchange), browser role session (Switch Role), or role token of an OIDC
     * provider's external subject (AssumeRoleWithOIDC: the "source user" is the provider's alias, and there is no
     * source session).
     */
    public enum Kind {
        TOKEN('t'), CONSOLE('c'), FEDERATED('o');

        private final char code;

        Kind(char code) {
            this.code = code;
        }

        static Optional<Kind> of(char code) {
            for (Kind kind : values()) {
                if (kind.code == code) {
                    return Optional.of(kind);
                }
            }
            return Optional.empty();
        }
    }

    static final int MAX_LENGTH = 200;
    private static final String VERSION = "1";
    private static final String NO_SESSION = "-";
    private static final Pattern UUID_FORM = Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");
    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder B64D = Base64.getUrlDecoder();

    public RoleSessionHandle {
        if (kind == null || anchorId == null || anchorId.isEmpty() || sourceUserId == null || sourceUserId.isEmpty()
                || (sourceSessionId != null && sourceSessionId.isEmpty()) || durationSeconds <= 0 || issuedAtMillis <= 0) {
            throw new IllegalArgumentException("incomplete role-session handle");
        }
    }

    public String encode() {
        String text = VERSION + kind.code + '.' + compact(anchorId) + '.' + compact(sourceUserId) + '.'
                + (sourceSessionId == null ? NO_SESSION : compact(sourceSessionId)) + '.' + durationSeconds + '.'
                + Long.toString(issuedAtMillis, 36);
        if (text.length() > MAX_LENGTH) {
            throw new IllegalArgumentException("role-session handle too long (" + text.length() + " characters)");
        }
        return text;
    }

    /** The handle written in {@code text}, or empty for anything this version did not write. */
    public static Optional<RoleSessionHandle> parse(String text) {
        if (text == null || text.length() > MAX_LENGTH || text.length() < 3 || !text.startsWith(VERSION)) {
            return Optional.empty();
        }
        String[] parts = text.substring(VERSION.length() + 1).split("\\.", -1);
        Optional<Kind> kind = Kind.of(text.charAt(VERSION.length()));
        if (kind.isEmpty() || parts.length != 6 || !parts[0].isEmpty()) {
            return Optional.empty();
        }
        try {
            String anchor = expand(parts[1]);
            String user = expand(parts[2]);
            String sourceSession = NO_SESSION.equals(parts[3]) ? null : expand(parts[3]);
            if (!parts[4].matches("[1-9][0-9]{0,5}") || !parts[5].matches("[1-9a-z][0-9a-z]{0,11}")) {
                return Optional.empty();
            }
            RoleSessionHandle handle = new RoleSessionHandle(kind.get(), anchor, user, sourceSession, Integer.parseInt(parts[4]),
                    Long.parseLong(parts[5], 36));
            // Only the one canonical spelling is ours: no second text for the same handle.
            return handle.encode().equals(text) ? Optional.of(handle) : Optional.empty();
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    /** A short, fixed-length digest of the handle, for keys of the revoked-token store. */
    public String digest() {
        return digest(encode());
    }

    static String digest(String text) {
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            return B64.encodeToString(hash).substring(0, 32);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static String compact(String id) {
        if (UUID_FORM.matcher(id).matches()) {
            UUID uuid = UUID.fromString(id);
            ByteBuffer bytes = ByteBuffer.allocate(16).putLong(uuid.getMostSignificantBits()).putLong(uuid.getLeastSignificantBits());
            return B64.encodeToString(bytes.array());
        }
        return "s" + B64.encodeToString(id.getBytes(StandardCharsets.UTF_8));
    }

    static String expand(String compact) {
        if (compact.length() == 22) {
            ByteBuffer bytes = ByteBuffer.wrap(B64D.decode(compact));
            return new UUID(bytes.getLong(), bytes.getLong()).toString();
        }
        if (compact.length() > 1 && compact.charAt(0) == 's') {
            return new String(B64D.decode(compact.substring(1)), StandardCharsets.UTF_8);
        }
        throw new IllegalArgumentException("not a compacted identifier");
    }
}
