package io.github.keycloaksts.policy;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * A glob over a whole string: {@code *} matches any run of characters (including none and
 * including {@code :} and {@code /}), {@code ?} matches exactly one character, everything else
 * matches itself. There is no escape character.
 *
 * <p>Matching never backtracks: the pattern is split at {@code *} into fixed-length segments; the
 * first segment must match at the start, the last at the end, and each middle segment is placed
 * at its leftmost possible position (which is always correct for globs). Cost is at most
 * {@code O(text length × longest segment)}, so hostile patterns such as {@code *a*a*a*a*b} are as
 * fast as benign ones. Instances are immutable and thread-safe.
 */
public final class WildcardPattern {

    private final String pattern;
    private final boolean ignoreCase;
    private final boolean wildcard;
    /** Segments between stars, lowercased when ignoring case; {@code ?} inside is a one-char wildcard. */
    private final String[] segments;
    private final boolean[] segmentHasQuestion;
    private final boolean leadingStar;
    private final boolean trailingStar;
    private final int minLength;

    private WildcardPattern(String pattern, boolean ignoreCase) {
        this.pattern = pattern;
        this.ignoreCase = ignoreCase;
        String p = ignoreCase ? pattern.toLowerCase(Locale.ROOT) : pattern;
        this.wildcard = p.indexOf('*') >= 0 || p.indexOf('?') >= 0;
        List<String> parts = new ArrayList<>();
        int start = 0;
        for (int i = 0; i < p.length(); i++) {
            if (p.charAt(i) == '*') {
                parts.add(p.substring(start, i));
                start = i + 1;
            }
        }
        parts.add(p.substring(start));
        this.leadingStar = p.startsWith("*");
        this.trailingStar = p.endsWith("*");
        this.segments = parts.toArray(String[]::new);
        this.segmentHasQuestion = new boolean[segments.length];
        int min = 0;
        for (int i = 0; i < segments.length; i++) {
            segmentHasQuestion[i] = segments[i].indexOf('?') >= 0;
            min += segments[i].length();
        }
        this.minLength = min;
    }

    /**
     * @param pattern the glob, not null
     * @return a case-sensitive pattern
     */
    public static WildcardPattern of(String pattern) {
        return new WildcardPattern(Objects.requireNonNull(pattern, "pattern"), false);
    }

    /**
     * @param pattern the glob, not null
     * @return a pattern that compares characters case-insensitively ({@link Locale#ROOT} lowercase)
     */
    public static WildcardPattern ofIgnoreCase(String pattern) {
        return new WildcardPattern(Objects.requireNonNull(pattern, "pattern"), true);
    }

    /** @return the pattern as given */
    public String pattern() {
        return pattern;
    }

    /** @return whether the pattern contains {@code *} or {@code ?} */
    public boolean hasWildcards() {
        return wildcard;
    }

    /**
     * @param text the string to test; null never matches
     * @return whether the whole of {@code text} matches the pattern
     */
    public boolean matches(String text) {
        if (text == null) {
            return false;
        }
        String t = ignoreCase ? text.toLowerCase(Locale.ROOT) : text;
        int n = t.length();
        if (n < minLength) {
            return false;
        }
        int last = segments.length - 1;
        if (last == 0) {
            // no star at all
            return n == segments[0].length() && regionMatches(t, 0, 0);
        }
        // first segment anchored at the start, last segment anchored at the end
        if (!regionMatches(t, 0, 0)) {
            return false;
        }
        int end = n - segments[last].length();
        if (!regionMatches(t, end, last)) {
            return false;
        }
        int pos = segments[0].length();
        for (int s = 1; s < last; s++) {
            int found = find(t, pos, end, s);
            if (found < 0) {
                return false;
            }
            pos = found + segments[s].length();
        }
        return true;
    }

    /** Leftmost index {@code >= from} where segment {@code s} matches entirely before {@code limit}, or -1. */
    private int find(String t, int from, int limit, int s) {
        String seg = segments[s];
        int len = seg.length();
        if (len == 0) {
            return from;
        }
        if (!segmentHasQuestion[s]) {
            int i = t.indexOf(seg, from);
            return i >= 0 && i + len <= limit ? i : -1;
        }
        for (int i = from; i + len <= limit; i++) {
            if (regionMatches(t, i, s)) {
                return i;
            }
        }
        return -1;
    }

    private boolean regionMatches(String t, int offset, int s) {
        String seg = segments[s];
        int len = seg.length();
        if (offset < 0 || offset + len > t.length()) {
            return false;
        }
        if (!segmentHasQuestion[s]) {
            return t.regionMatches(offset, seg, 0, len);
        }
        for (int k = 0; k < len; k++) {
            char c = seg.charAt(k);
            if (c != '?' && c != t.charAt(offset + k)) {
                return false;
            }
        }
        return true;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof WildcardPattern w && w.ignoreCase == ignoreCase && w.pattern.equals(pattern);
    }

    @Override
    public int hashCode() {
        return pattern.hashCode() * 31 + (ignoreCase ? 1 : 0);
    }

    @Override
    public String toString() {
        return pattern;
    }
}
