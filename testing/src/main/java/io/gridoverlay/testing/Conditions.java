package io.gridoverlay.testing;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/** Waiting for a condition in a test: poll it with a deadline instead of sleeping a fixed time. */
public final class Conditions {
    private Conditions() {
    }

    /** Polls {@code condition} every 5 ms until it holds; fails with an {@link AssertionError} after {@code timeout}. */
    public static void waitUntil(Duration timeout, String what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out after " + timeout.toMillis() + " ms waiting until " + what);
            }
            try {
                Thread.sleep(5); // poll interval, not a wait for an event
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted waiting until " + what, e);
            }
        }
    }

    /** {@link #waitUntil(Duration, String, BooleanSupplier)} with 10 s. */
    public static void waitUntil(BooleanSupplier condition) {
        waitUntil(Duration.ofSeconds(10), "the condition holds", condition);
    }
}
