package io.github.keycloaksts.policy.tags;

import static io.github.keycloaksts.policy.internal.Texts.quote;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.statistics.Statistics;

/**
 * Invariants of one hop and of chains of hops ({@link SessionTags#next}), over tags drawn from a small universe of
 * keys spelled in either case, so that overrides, contradictions and the 50-tag limit really occur.
 */
class SessionTagsPropertiesTest {

    /** A key of the universe, in a random case: {@code k7} or {@code K7}. */
    private static Arbitrary<String> key(String prefix, int universe) {
        return Combinators.combine(Arbitraries.integers().between(0, universe - 1), Arbitraries.of(true, false))
                .as((i, upper) -> (upper ? prefix.toUpperCase() : prefix) + i);
    }

    /** Tags with keys unique ignoring case (a map can hold k1 and K1; a session cannot). */
    private static Arbitrary<Map<String, String>> tags(Arbitrary<String> key, int max) {
        return tags(key, 0, max);
    }

    private static Arbitrary<Map<String, String>> tags(Arbitrary<String> key, int min, int max) {
        return Combinators.combine(key, Arbitraries.of("a", "b", "", "x y")).as(Tuple::of).list().ofMinSize(min).ofMaxSize(max).map(pairs -> {
            Map<String, String> out = new LinkedHashMap<>();
            Set<String> folded = new HashSet<>();
            pairs.forEach(p -> {
                if (folded.add(SessionTags.foldKey(p.get1()))) {
                    out.put(p.get1(), p.get2());
                }
            });
            return out;
        });
    }

    private static Arbitrary<String> anyKey() {
        // mostly apart, sometimes shared: overrides and contradictions happen, but not always
        return Arbitraries.frequencyOf(Tuple.of(6, key("r", 40)), Tuple.of(1, key("p", 10)), Tuple.of(1, key("t", 20)));
    }

    @Provide
    Arbitrary<SessionTags> previous() {
        return tags(key("t", 20), 20).flatMap(tags -> Arbitraries.of(new ArrayList<>(tags.keySet())).list().uniqueElements()
                .ofMaxSize(tags.size()).map(transitive -> SessionTags.of(tags, transitive)));
    }

    @Provide
    Arbitrary<Map<String, String>> principalTags() {
        return tags(Arbitraries.frequencyOf(Tuple.of(6, key("p", 10)), Tuple.of(1, key("t", 20))), 8);
    }

    @Provide
    Arbitrary<Map<String, String>> requestTags() {
        // many keys apart from the others' (the 50-tag limit), or fewer that may collide with them
        return Arbitraries.frequencyOf(Tuple.of(1, tags(key("q", 100), 45, 70)), Tuple.of(1, tags(anyKey(), 20)));
    }

    @Provide
    Arbitrary<List<String>> transitiveKeys() {
        return Arbitraries.frequencyOf(Tuple.of(1, Arbitraries.just(List.of())), Tuple.of(1, anyKey().list().ofMaxSize(3)));
    }

    @Property
    void oneHopKeepsTheRules(@ForAll("previous") SessionTags previous,
                             @ForAll("principalTags") Map<String, String> principal,
                             @ForAll("requestTags") Map<String, String> request,
                             @ForAll("transitiveKeys") List<String> transitiveKeys) {
        SessionTags next;
        try {
            next = SessionTags.next(previous, principal, request, transitiveKeys);
        } catch (TagValidationException e) {
            Statistics.label("hop").collect(e.getMessage().replaceAll("\"[^\"]*\"", "K").replaceAll("\\d+", "N"));
            // the refusal names its key
            e.key().ifPresent(k -> assertThat(e.getMessage()).contains(quote(k)));
            return;
        }
        Statistics.label("hop").collect("accepted");
        Statistics.label("accepted size").collect(next.size() > 40 ? "41-50" : "0-40");
        Statistics.label("accepted size").coverage(c -> c.check("41-50").percentage(p -> p > 2));
        Statistics.label("hop").coverage(c -> {
            c.check("accepted").percentage(p -> p > 15);
            c.check("too many session tags (N > N: N transitive, N principal, N request)").percentage(p -> p > 1);
        });

        assertThat(next.size()).isLessThanOrEqualTo(SessionTags.MAX_TAGS);
        // incoming transitive tags: unchanged, spelled as before, still transitive
        previous.transitiveTags().forEach((k, v) -> {
            assertThat(next.tags()).containsEntry(k, v);
            assertThat(next.isTransitive(k)).isTrue();
        });
        // every principal and request tag is the session's, with its value
        principal.forEach((k, v) -> assertThat(next.get(k)).contains(v));
        request.forEach((k, v) -> assertThat(next.tags()).containsEntry(k, v));
        // a non-transitive tag of the previous session ends with it, unless given again
        previous.tags().keySet().stream().filter(k -> !previous.isTransitive(k)).forEach(k -> {
            boolean givenAgain = principal.keySet().stream().anyMatch(p -> SessionTags.foldKey(p).equals(SessionTags.foldKey(k)))
                    || request.keySet().stream().anyMatch(r -> SessionTags.foldKey(r).equals(SessionTags.foldKey(k)));
            assertThat(next.get(k).isPresent()).isEqualTo(givenAgain);
        });
        // transitive keys: the requested ones and the incoming ones, each naming a tag as spelled there
        transitiveKeys.forEach(k -> assertThat(next.isTransitive(k)).isTrue());
        assertThat(next.tags().keySet()).containsAll(next.transitiveKeys());
        assertThat(next.transitiveKeys()).doesNotHaveDuplicates();
        assertThat(next.tags().keySet().stream().map(SessionTags::foldKey).distinct().count()).isEqualTo(next.size());
        // what is stored with the session rebuilds it
        assertThat(SessionTags.of(next.tags(), next.transitiveKeys())).isEqualTo(next);
    }

    @Provide
    Arbitrary<List<Hop>> chains() {
        Arbitrary<Hop> hop = Combinators.combine(principalTags(), tags(anyKey(), 6), Arbitraries.integers().between(0, 3))
                .as(Hop::new);
        return hop.list().ofMinSize(2).ofMaxSize(6);
    }

    /** One hop's input: principal tags, request tags, and how many of the request tags to make transitive. */
    record Hop(Map<String, String> principal, Map<String, String> request, int transitive) {
    }

    /** Along a chain, a tag once transitive keeps its key and value in every later session. */
    @Property
    void transitiveTagsSurviveEveryHop(@ForAll("chains") List<Hop> hops) {
        SessionTags session = SessionTags.none();
        Map<String, String> transitiveSoFar = new LinkedHashMap<>();
        int done = 0;
        for (Hop hop : hops) {
            List<String> keys = new ArrayList<>(hop.request().keySet()).subList(0, Math.min(hop.transitive(), hop.request().size()));
            try {
                session = SessionTags.next(session, hop.principal(), hop.request(), keys);
            } catch (TagValidationException e) {
                break;
            }
            done++;
            assertThat(session.tags()).containsAllEntriesOf(transitiveSoFar);
            for (String k : session.transitiveKeys()) {
                transitiveSoFar.putIfAbsent(k, session.tags().get(k));
            }
            assertThat(session.transitiveTags()).containsAllEntriesOf(transitiveSoFar);
            assertThat(session.size()).isLessThanOrEqualTo(SessionTags.MAX_TAGS);
        }
        Statistics.label("hops done").collect(done >= 2 ? "2+" : String.valueOf(done));
        Statistics.label("hops done").coverage(c -> c.check("2+").percentage(p -> p > 20));
    }
}
