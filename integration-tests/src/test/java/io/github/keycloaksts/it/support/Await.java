package io.github.keycloaksts.it.support;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/** Waits for a condition of the server instead of for a fixed time: polls it until it holds or the timeout passes. */
public final class Await {

    private static final Duration POLL = Duration.ofMillis(100);

    private Await() {
    }

    /**
     * Returns as soon as {@code condition} holds; fails with {@code what} if it still does not after {@code timeout}.
     * The condition is checked once more at the deadline, so a slow machine fails only when it is really late.
     */
    public static void until(String what, Duration timeout, BooleanSupplier condition) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline >= 0) {
                throw new AssertionError("Timed out after " + timeout + " waiting for: " + what);
            }
            try {
                Thread.sleep(POLL.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("Interrupted while waiting for: " + what, e);
            }
        }
    }
}
