package io.github.keycloaksts.session;

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
 * subject token without a session), the source client the subject token was issued to (none for Switch Role and
 * AssumeRoleWithOIDC), the duration it was granted, when, and a digest of the role's attached policies at that moment
 * ({@link AttachedPolicyDigest}). Role tokens and browser role sessions are issued to the virtual user this handle
 * names; looking that user up re-checks that all of it still holds ({@link LiveRoleSessions}).
 *
 * <p>Text form (version 2): {@code 2<kind>.<anchor>.<sourceUser>.<sourceSession or ->.<sourceClient or ->.<duration>.<issued
 * at, ms, base 36>.<policy digest>}, identifiers compacted (a UUID to 22 base64url characters, anything else base64url
 * of its UTF-8 prefixed with {@code s}), so the user ID {@code f:<component>:<handle>} stays far below Keycloak's
 * 255-character columns. Version 1 ({@code 1<kind>.<anchor>.<sourceUser>.<sourceSession or ->.<duration>.<issued>}, no
 * source client, no digest) is still read: tokens minted before the upgrade live out their duration with the checks of
 * their time.
 */
public record RoleSessionHandle(Kind kind, String anchorId, String sourceUserId, String sourceSessionId, String sourceClientId,
                                int durationSeconds, long issuedAtMillis, String policyDigest) {

    /**
     * Role token of an account's user (token exchange), browser role session (Switch Role), role token of an OIDC
     * provider's external subject (AssumeRoleWithOIDC: the "source user" is the provider's alias, and there is no
     * source session), or role token assumed with another role session's token (role chaining: the "source user" is
     * the earlier session's realm ID and the "source session" its token's {@code jti}, which find its record).
     */
    public enum Kind {
        TOKEN('t'), CONSOLE('c'), FEDERATED('o'), CHAINED('r');

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
    private static final String VERSION_1 = "1";
    private static final String VERSION = "2";
    private static final Pattern DIGEST_FORM = Pattern.compile("[A-Za-z0-9_-]{16}");
    private static final String NO_SESSION = "-";
    private static final Pattern UUID_FORM = Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");
    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder B64D = Base64.getUrlDecoder();

    public RoleSessionHandle {
        if (kind == null || anchorId == null || anchorId.isEmpty() || sourceUserId == null || sourceUserId.isEmpty()
                || (sourceSessionId != null && sourceSessionId.isEmpty()) || (sourceClientId != null && sourceClientId.isEmpty())
                || durationSeconds <= 0 || issuedAtMillis <= 0
                || (policyDigest == null ? sourceClientId != null : !DIGEST_FORM.matcher(policyDigest).matches())) {
            throw new IllegalArgumentException("incomplete role-session handle");
        }
    }

    /** A version-1 handle, as minted before the source client and the policy digest were recorded. */
    static RoleSessionHandle version1(Kind kind, String anchorId, String sourceUserId, String sourceSessionId, int durationSeconds,
                                      long issuedAtMillis) {
        return new RoleSessionHandle(kind, anchorId, sourceUserId, sourceSessionId, null, durationSeconds, issuedAtMillis, null);
    }

    /** False for a handle minted before the upgrade that recorded the source client and the attached policies. */
    public boolean recordsPolicies() {
        return policyDigest != null;
    }

    public String encode() {
        String text = policyDigest == null
                ? VERSION_1 + kind.code + '.' + compact(anchorId) + '.' + compact(sourceUserId) + '.'
                        + (sourceSessionId == null ? NO_SESSION : compact(sourceSessionId)) + '.' + durationSeconds + '.'
                        + Long.toString(issuedAtMillis, 36)
                : VERSION + kind.code + '.' + compact(anchorId) + '.' + compact(sourceUserId) + '.'
                        + (sourceSessionId == null ? NO_SESSION : compact(sourceSessionId)) + '.'
                        + (sourceClientId == null ? NO_SESSION : compact(sourceClientId)) + '.' + durationSeconds + '.'
                        + Long.toString(issuedAtMillis, 36) + '.' + policyDigest;
        if (text.length() > MAX_LENGTH) {
            throw new IllegalArgumentException("role-session handle too long (" + text.length() + " characters)");
        }
        return text;
    }

    /** The handle written in {@code text}, or empty for anything this version did not write. */
    public static Optional<RoleSessionHandle> parse(String text) {
        if (text == null || text.length() > MAX_LENGTH || text.length() < 3
                || !(text.startsWith(VERSION) || text.startsWith(VERSION_1))) {
            return Optional.empty();
        }
        boolean v1 = text.startsWith(VERSION_1);
        String[] parts = text.substring(2).split("\\.", -1);
        Optional<Kind> kind = Kind.of(text.charAt(1));
        if (kind.isEmpty() || parts.length != (v1 ? 6 : 8) || !parts[0].isEmpty()) {
            return Optional.empty();
        }
        try {
            String anchor = expand(parts[1]);
            String user = expand(parts[2]);
            String sourceSession = NO_SESSION.equals(parts[3]) ? null : expand(parts[3]);
            int at = v1 ? 4 : 5;
            String sourceClient = v1 || NO_SESSION.equals(parts[4]) ? null : expand(parts[4]);
            if (!parts[at].matches("[1-9][0-9]{0,5}") || !parts[at + 1].matches("[1-9a-z][0-9a-z]{0,11}")) {
                return Optional.empty();
            }
            RoleSessionHandle handle = new RoleSessionHandle(kind.get(), anchor, user, sourceSession, sourceClient,
                    Integer.parseInt(parts[at]), Long.parseLong(parts[at + 1], 36), v1 ? null : parts[7]);
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
