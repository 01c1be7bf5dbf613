package io.github.keycloaksts.policy;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.CharRange;
import net.jqwik.api.constraints.StringLength;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class WildcardPatternTest {

    @ParameterizedTest(name = "{0} ~ {1} = {2}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', textBlock = """
            ``        | ``        | true
            ``        | a         | false
            *         | ``        | true
            *         | anything  | true
            **        | ``        | true
            ?         | ``        | false
            ?         | a         | true
            ?         | ab        | false
            a*        | a         | true
            a*        | ba        | false
            *a        | ba        | true
            *a        | ab        | false
            a*b       | ab        | true
            a*b       | axxb      | true
            a*b       | axxbc     | false
            a*b*c     | abbcbc    | true
            a*b*c     | acb       | false
            *ab*ab*   | abab      | true
            *ab*ab*   | aba       | false
            a?c*      | abcdef    | true
            a?c*      | acdef     | false
            *?*       | x         | true
            *??*      | x         | false
            x*y?z     | xyyz      | true
            x*y?z     | xyz       | false
            ab*ba     | aba       | false
            ab*ba     | abba      | true
            """)
    void matchesWholeString(String pattern, String text, boolean expected) {
        assertThat(WildcardPattern.of(pattern).matches(text)).isEqualTo(expected);
    }

    @Test
    void caseSensitivity() {
        assertThat(WildcardPattern.of("Sts:*").matches("sts:AssumeRole")).isFalse();
        assertThat(WildcardPattern.ofIgnoreCase("STS:assume*").matches("sts:AssumeRole")).isTrue();
        assertThat(WildcardPattern.of("*").matches(null)).isFalse();
    }

    @Test
    void hostilePatternIsFast() {
        WildcardPattern p = WildcardPattern.of("*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*b");
        String text = "a".repeat(200_000);
        long start = System.nanoTime();
        for (int i = 0; i < 50; i++) {
            assertThat(p.matches(text)).isFalse();
        }
        // Not a speed target (benchmarks measure speed): backtracking on this input would not end in hours; linear ends in
        // milliseconds. The bound is loose so a loaded machine never fails it.
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(60));
    }

    /** The segment algorithm agrees with a textbook dynamic-programming matcher. */
    @Property(tries = 2000)
    void agreesWithReference(@ForAll @StringLength(max = 8) @CharRange(from = '*', to = '*') @CharRange(from = '?', to = '?')
                             @CharRange(from = 'a', to = 'b') String pattern,
                             @ForAll @StringLength(max = 10) @CharRange(from = 'a', to = 'b') String text) {
        assertThat(WildcardPattern.of(pattern).matches(text)).isEqualTo(reference(pattern, text));
    }

    private static boolean reference(String p, String t) {
        boolean[][] m = new boolean[p.length() + 1][t.length() + 1];
        m[0][0] = true;
        for (int i = 1; i <= p.length(); i++) {
            char c = p.charAt(i - 1);
            for (int j = 0; j <= t.length(); j++) {
                if (c == '*') {
                    m[i][j] = m[i - 1][j] || (j > 0 && m[i][j - 1]);
                } else {
                    m[i][j] = j > 0 && m[i - 1][j - 1] && (c == '?' || c == t.charAt(j - 1));
                }
            }
        }
        return m[p.length()][t.length()];
    }
}
