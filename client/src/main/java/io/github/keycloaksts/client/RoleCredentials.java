package io.github.keycloaksts.client;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * A role's credentials for an app: the role token of one {@link RoleRequest} and subject, cached and exchanged again
 * before it expires. Thread-safe; however many threads ask at once, one exchange is in flight and they all get its
 * result (or its error). A refusal ({@link StsException}, a 4xx) is handed to every waiting caller and never
 * retried here: the next call to {@link #token()} tries once more, so a revoked role costs one request per call,
 * not a loop.
 *
 * <p>A token is renewed when less than {@code min(refreshBefore, a quarter of its lifetime)} is left, so short
 * sessions are not exchanged on every call.
 */
public final class RoleCredentials {

    /** Where a role token may be kept between processes (the CLI's file cache); the default keeps none. */
    public interface TokenStore {
        Optional<RoleToken> load(String key);

        void save(String key, RoleToken token);

        void forget(String key);

        TokenStore NONE = new TokenStore() {
            @Override
            public Optional<RoleToken> load(String key) {
                return Optional.empty();
            }

            @Override
            public void save(String key, RoleToken token) {
            }

            @Override
            public void forget(String key) {
            }
        };
    }

    public static final Duration DEFAULT_REFRESH_BEFORE = Duration.ofMinutes(5);

    private final StsHttp http;
    private final RoleRequest request;
    private final SubjectTokenSource subject;
    private final TokenStore store;
    private final String key;
    private final Duration refreshBefore;
    private final Object lock = new Object();
    private volatile Held held;
    private CompletableFuture<RoleToken> inFlight;

    /** The token held and when it counts as due for renewal. */
    private record Held(RoleToken token, Instant renewAt) {
    }

    public RoleCredentials(StsHttp http, RoleRequest request, SubjectTokenSource subject) {
        this(http, request, subject, TokenStore.NONE, request.cacheKey(), DEFAULT_REFRESH_BEFORE);
    }

    /**
     * @param key the key of the token in {@code store}: it must cover every parameter and the subject (the CLI hashes
     *            the request's {@link RoleRequest#cacheKey()} with its profile's source)
     */
    public RoleCredentials(StsHttp http, RoleRequest request, SubjectTokenSource subject, TokenStore store, String key,
                           Duration refreshBefore) {
        this.http = Objects.requireNonNull(http);
        this.request = Objects.requireNonNull(request);
        this.subject = Objects.requireNonNull(subject);
        this.store = Objects.requireNonNull(store);
        this.key = Objects.requireNonNull(key);
        this.refreshBefore = Objects.requireNonNull(refreshBefore);
    }

    public RoleRequest request() {
        return request;
    }

    /** The key of this token in its store. */
    public String storeKey() {
        return key;
    }

    /** A role token good for a while yet: the held one, the stored one, or a new exchange. */
    public RoleToken token() {
        Held current = held;
        Instant now = http.clock().instant();
        if (current != null && now.isBefore(current.renewAt())) {
            return current.token();
        }
        CompletableFuture<RoleToken> flight;
        boolean mine = false;
        synchronized (lock) {
            current = held;
            if (current == null) {
                Optional<RoleToken> stored = store.load(key);
                if (stored.isPresent()) {
                    current = hold(stored.get(), now);
                }
            }
            if (current != null && now.isBefore(current.renewAt())) {
                return current.token();
            }
            if (inFlight == null) {
                inFlight = new CompletableFuture<>();
                mine = true;
            }
            flight = inFlight;
        }
        if (mine) {
            try {
                RoleToken fresh = http.assumeRole(request, subject.subjectToken());
                hold(fresh, http.clock().instant());
                store.save(key, fresh);
                flight.complete(fresh);
            } catch (RuntimeException e) {
                flight.completeExceptionally(e);
            } finally {
                synchronized (lock) {
                    inFlight = null;
                }
            }
        }
        try {
            return flight.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException cause) {
                throw cause;
            }
            throw e;
        }
    }

    /** Forgets the held and stored token: the next {@link #token()} exchanges again. */
    public void forget() {
        synchronized (lock) {
            held = null;
            store.forget(key);
        }
    }

    private Held hold(RoleToken token, Instant now) {
        Duration lifetime = Duration.between(now, token.expiresAt());
        Duration margin = lifetime.dividedBy(4).compareTo(refreshBefore) < 0 ? lifetime.dividedBy(4) : refreshBefore;
        Held next = new Held(token, token.expiresAt().minus(margin.isNegative() ? Duration.ZERO : margin));
        held = next;
        return next;
    }
}
