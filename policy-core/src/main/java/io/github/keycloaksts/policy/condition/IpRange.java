package io.github.keycloaksts.policy.condition;

/**
 * An IPv4 or IPv6 network. Parsing is purely textual (never a DNS lookup). IPv4-mapped IPv6
 * addresses ({@code ::ffff:10.1.2.3}) are treated as the IPv4 address they carry.
 */
final class IpRange {

    private final byte[] network;
    private final int prefix;

    private IpRange(byte[] network, int prefix) {
        this.network = network;
        this.prefix = prefix;
    }

    /** @return the range, or null if {@code text} is not an address or {@code address/prefix} */
    static IpRange parse(String text) {
        if (text == null || text.isEmpty() || text.length() > 64) {
            return null;
        }
        int slash = text.indexOf('/');
        String addr = slash < 0 ? text : text.substring(0, slash);
        byte[] bytes = parseAddressRaw(addr);
        if (bytes == null) {
            return null;
        }
        int max = bytes.length * 8;
        int prefix = max;
        if (slash >= 0) {
            String p = text.substring(slash + 1);
            if (p.isEmpty() || p.length() > 3 || (p.length() > 1 && p.charAt(0) == '0')) {
                return null;
            }
            prefix = 0;
            for (int i = 0; i < p.length(); i++) {
                char c = p.charAt(i);
                if (c < '0' || c > '9') {
                    return null;
                }
                prefix = prefix * 10 + (c - '0');
            }
            if (prefix > max) {
                return null;
            }
        }
        if (bytes.length == 16 && isV4Mapped(bytes) && prefix >= 96) {
            byte[] v4 = new byte[4];
            System.arraycopy(bytes, 12, v4, 0, 4);
            return new IpRange(v4, prefix - 96);
        }
        return new IpRange(bytes, prefix);
    }

    /** @return 4 or 16 bytes (IPv4-mapped IPv6 reduced to 4), or null if not an address */
    static byte[] parseAddress(String text) {
        if (text == null || text.length() > 64) {
            return null;
        }
        return normalize(parseAddressRaw(text));
    }

    static byte[] normalize(byte[] bytes) {
        if (bytes != null && bytes.length == 16 && isV4Mapped(bytes)) {
            byte[] v4 = new byte[4];
            System.arraycopy(bytes, 12, v4, 0, 4);
            return v4;
        }
        return bytes;
    }

    boolean contains(byte[] address) {
        if (address.length != network.length) {
            return false;
        }
        int full = prefix / 8;
        for (int i = 0; i < full; i++) {
            if (address[i] != network[i]) {
                return false;
            }
        }
        int rest = prefix % 8;
        if (rest == 0) {
            return true;
        }
        int mask = (0xff << (8 - rest)) & 0xff;
        return (address[full] & mask) == (network[full] & mask);
    }

    private static boolean isV4Mapped(byte[] b) {
        for (int i = 0; i < 10; i++) {
            if (b[i] != 0) {
                return false;
            }
        }
        return b[10] == (byte) 0xff && b[11] == (byte) 0xff;
    }

    private static byte[] parseAddressRaw(String s) {
        if (s.indexOf(':') >= 0) {
            return parseV6(s);
        }
        return parseV4(s);
    }

    /** Dotted quad, decimal, no leading zeros (so no octal ambiguity). */
    static byte[] parseV4(String s) {
        byte[] out = new byte[4];
        int part = 0;
        int i = 0;
        int n = s.length();
        while (part < 4) {
            int start = i;
            int value = 0;
            while (i < n && s.charAt(i) >= '0' && s.charAt(i) <= '9' && i - start < 3) {
                value = value * 10 + (s.charAt(i) - '0');
                i++;
            }
            int len = i - start;
            if (len == 0 || value > 255 || (len > 1 && s.charAt(start) == '0')) {
                return null;
            }
            out[part++] = (byte) value;
            if (part < 4) {
                if (i >= n || s.charAt(i) != '.') {
                    return null;
                }
                i++;
            }
        }
        return i == n ? out : null;
    }

    static byte[] parseV6(String s) {
        byte[] out = new byte[16];
        String text = s;
        int groupsLimit = 8;
        byte[] v4 = null;
        int lastColon = text.lastIndexOf(':');
        if (text.indexOf('.', lastColon) >= 0) {
            v4 = parseV4(text.substring(lastColon + 1));
            if (v4 == null) {
                return null;
            }
            text = text.substring(0, lastColon + 1);
            if (text.endsWith("::")) {
                text = text.substring(0, text.length());
            } else {
                text = text.substring(0, text.length() - 1);
            }
            groupsLimit = 6;
        }
        int dc = text.indexOf("::");
        if (dc >= 0 && text.indexOf("::", dc + 1) >= 0) {
            return null;
        }
        int[] head;
        int[] tail;
        if (dc < 0) {
            head = groups(text);
            tail = new int[0];
            if (head == null || head.length != groupsLimit) {
                return null;
            }
        } else {
            head = dc == 0 ? new int[0] : groups(text.substring(0, dc));
            String after = text.substring(dc + 2);
            tail = after.isEmpty() ? new int[0] : groups(after);
            if (head == null || tail == null || head.length + tail.length > groupsLimit - 1) {
                return null;
            }
        }
        for (int g = 0; g < head.length; g++) {
            out[2 * g] = (byte) (head[g] >> 8);
            out[2 * g + 1] = (byte) head[g];
        }
        for (int g = 0; g < tail.length; g++) {
            int pos = groupsLimit - tail.length + g;
            out[2 * pos] = (byte) (tail[g] >> 8);
            out[2 * pos + 1] = (byte) tail[g];
        }
        if (v4 != null) {
            System.arraycopy(v4, 0, out, 12, 4);
        }
        return out;
    }

    /** Colon-separated groups of 1-4 hex digits; null if any group is malformed. */
    private static int[] groups(String s) {
        if (s.isEmpty()) {
            return null;
        }
        int count = 1;
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) == ':') {
                count++;
            }
        }
        if (count > 8) {
            return null;
        }
        int[] out = new int[count];
        int g = 0;
        int value = 0;
        int digits = 0;
        for (int i = 0; i <= s.length(); i++) {
            if (i == s.length() || s.charAt(i) == ':') {
                if (digits == 0) {
                    return null;
                }
                out[g++] = value;
                value = 0;
                digits = 0;
                continue;
            }
            int d = Character.digit(s.charAt(i), 16);
            if (d < 0 || s.charAt(i) > 'f' || ++digits > 4) {
                return null;
            }
            value = value * 16 + d;
        }
        return out;
    }
}
