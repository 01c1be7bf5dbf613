package io.github.keycloaksts.policy.document;

import java.util.List;
import java.util.Locale;

/**
 * Whether an {@code oidc:sub} value of a Federated Allow pins the subjects it trusts. A value without wildcards names
 * one subject. A pattern must pin an <em>owner</em>: the literal text before its first wildcard ({@code *} or
 * {@code ?}), after any well-known scheme prefix of a public issuer, must hold at least one complete segment, that
 * is characters other than separators followed by a separator.
 *
 * <ul>
 *   <li>{@code *}, {@code ?*}, {@code *:*}, {@code :*}: nothing literal, every subject of the provider;</li>
 *   <li>{@code repo:*}, {@code project_path:*}, {@code system:serviceaccount:*}: only the scheme of GitHub, GitLab or
 *       Kubernetes subjects, so every repository, project or service account the issuer signs for (GitHub's issuer is
 *       shared by every repository on GitHub);</li>
 *   <li>{@code repo:octo-org*}: the owner is not closed by a separator, so {@code repo:octo-org-evil/x} matches too;</li>
 *   <li>accepted: {@code repo:octo-org/*}, {@code repo:octo-org/app:*}, {@code project_path:group/*},
 *       {@code system:serviceaccount:ci:*}.</li>
 * </ul>
 *
 * <p>The same idea as AWS's 2025 check for GitHub trust ("not scoped to all"), applied to every value (AWS reads only
 * the first) and to every issuer: an unknown scheme such as {@code tenant:*} passes, since the segment before the
 * separator may well be the owner; the known schemes below are refused on their own.
 */
final class SubjectPatterns {

    /** Prefixes that name the kind of subject, not its owner: GitHub (and its custom subject keys), GitLab, Kubernetes, URLs. */
    private static final List<String> SCHEMES = List.of(
            "system:serviceaccount:", "system:",
            "repo:", "repository:", "repository_owner:", "repository_owner_id:", "repository_id:", "job_workflow_ref:",
            "project_path:", "group_path:",
            "https://", "http://");

    private SubjectPatterns() {
    }

    /** Null when {@code value} pins its subjects, else why not (completes "value "x" …"). */
    static String whyBroad(String value) {
        int wildcard = firstWildcard(value);
        if (wildcard < 0) {
            return null;
        }
        String literal = value.substring(0, wildcard);
        String lower = literal.toLowerCase(Locale.ROOT);
        String scheme = "";
        for (String known : SCHEMES) { // longest first where one contains another (system:serviceaccount: before system:)
            if (lower.startsWith(known)) {
                scheme = known;
                break;
            }
        }
        String rest = literal.substring(scheme.length());
        if (rest.chars().allMatch(SubjectPatterns::isSeparator)) {
            return scheme.isEmpty()
                    ? "matches every subject of the provider: the text before the first wildcard must name an owner"
                            + " (e.g. \"repo:org/*\")"
                    : "matches every subject of the kind \"" + scheme + "\" (every repository, project or service account"
                            + " the issuer signs for): name an owner before the first wildcard (e.g. \"repo:org/*\")";
        }
        if (!completeSegment(rest)) {
            return "does not close the owner with a separator before the first wildcard (\"" + literal + "\" also matches \""
                    + literal + "-other…\"): end it with \"/\" or \":\" (e.g. \"repo:org/*\")";
        }
        return null;
    }

    private static int firstWildcard(String value) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '*' || c == '?') {
                return i;
            }
        }
        return -1;
    }

    /** Some non-separator characters followed by a separator. */
    private static boolean completeSegment(String text) {
        boolean named = false;
        for (int i = 0; i < text.length(); i++) {
            if (!isSeparator(text.charAt(i))) {
                named = true;
            } else if (named) {
                return true;
            }
        }
        return false;
    }

    private static boolean isSeparator(int c) {
        return c == ':' || c == '/' || c == '@' || c == '|' || c == '#';
    }
}
