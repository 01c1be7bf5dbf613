package io.github.keycloaksts.policy.document;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import io.github.keycloaksts.policy.WildcardPattern;

/** Resource patterns of a statement: exact values hashed, wildcard patterns scanned. */
final class Resources {

    static final Resources NONE = new Resources(List.of());

    private final List<String> patterns;
    private final Set<String> exact = new HashSet<>();
    private final WildcardPattern[] wild;

    private Resources(List<String> patterns) {
        this.patterns = patterns;
        List<WildcardPattern> w = new ArrayList<>();
        for (String p : patterns) {
            WildcardPattern g = WildcardPattern.of(p);
            if (g.hasWildcards()) {
                w.add(g);
            } else {
                exact.add(p);
            }
        }
        this.wild = w.toArray(WildcardPattern[]::new);
    }

    /** @param patterns already validated patterns; duplicates dropped, order kept */
    static Resources of(List<String> patterns) {
        return new Resources(List.copyOf(new LinkedHashSet<>(patterns)));
    }

    List<String> patterns() {
        return patterns;
    }

    boolean matches(String resource) {
        if (exact.contains(resource)) {
            return true;
        }
        for (WildcardPattern g : wild) {
            if (g.matches(resource)) {
                return true;
            }
        }
        return false;
    }
}
