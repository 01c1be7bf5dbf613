package io.github.keycloaksts.policy.internal;

import com.fasterxml.jackson.databind.JsonNode;

/** Helpers for messages and string checks. Not part of the public API. */
public final class Texts {

    private static final int MAX_QUOTED = 80;

    private Texts() {
    }

    /**
     * Quotes a value for an error message: double quotes, control characters and quotes escaped,
     * truncated so that messages stay short whatever the input.
     */
    public static String quote(String value) {
        if (value == null) {
            return "null";
        }
        StringBuilder sb = new StringBuilder(Math.min(value.length(), MAX_QUOTED) + 8).append('"');
        int n = Math.min(value.length(), MAX_QUOTED);
        for (int i = 0; i < n; i++) {
            char c = value.charAt(i);
            if (c == '"' || c == '\\') {
                sb.append('\\').append(c);
            } else if (c < 0x20 || c == 0x7f || Character.isSurrogate(c)) {
                sb.append(String.format("\\u%04x", (int) c));
            } else {
                sb.append(c);
            }
        }
        if (value.length() > MAX_QUOTED) {
            sb.append("...");
        }
        return sb.append('"').toString();
    }

    /**
     * Shortens a parser's message for an error message: at most 200 characters, control characters and surrogates
     * replaced by {@code ?} (the message may quote the input).
     */
    public static String clip(String msg) {
        if (msg == null) {
            return "";
        }
        String s = msg.length() > 200 ? msg.substring(0, 200) + "..." : msg;
        StringBuilder sb = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            sb.append(Character.isISOControl(c) || Character.isSurrogate(c) ? '?' : c);
        }
        return sb.toString();
    }

    /**
     * @return null if the text has no ISO control characters and no unpaired surrogates, else a
     *         description of the first problem
     */
    public static String textProblem(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isISOControl(c)) {
                return "contains a control character";
            }
            if (Character.isHighSurrogate(c)) {
                if (i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                    i++;
                } else {
                    return "contains an unpaired surrogate";
                }
            } else if (Character.isLowSurrogate(c)) {
                return "contains an unpaired surrogate";
            }
        }
        return null;
    }

    /** @return whether every character of {@code s} is ASCII alphanumeric or in {@code extra} */
    public static boolean isNameChars(String s, String extra) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || extra.indexOf(c) >= 0;
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    /** What kind of JSON value {@code n} is, for messages: "a list", "an object", "a string"… */
    public static String jsonTypeName(JsonNode n) {
        return switch (n.getNodeType()) {
            case ARRAY -> "a list";
            case OBJECT -> "an object";
            case STRING -> "a string";
            case NUMBER -> "a number";
            case BOOLEAN -> "a boolean";
            case NULL -> "null";
            default -> "an unsupported value";
        };
    }
}
