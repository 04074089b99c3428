package io.gridoverlay.transport.internal.yamux;

import io.gridoverlay.transport.yamux.YamuxConfig;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The host-wide receive budget's reservations and wake-ups, and what a constrained budget does to windows. */
class YamuxReceiveBudgetTest {
    private static final int W = YamuxConfig.DEFAULT_WINDOW;

    @Test
    void reservationsBeyondTheLimitAreRefusedUntilReleased() {
        YamuxReceiveBudget budget = new YamuxReceiveBudget(100);
        assertThat(budget.tryReserve(60)).isTrue();
        assertThat(budget.tryReserve(41)).isFalse();
        assertThat(budget.used()).isEqualTo(60);
        assertThat(budget.tryReserve(40)).isTrue();
        assertThat(budget.tryReserve(1)).isFalse();
        budget.release(60);
        assertThat(budget.tryReserve(41)).isTrue();
        assertThat(budget.used()).isEqualTo(81);
    }

    @Test
    void aFrameLargerThanTheWholeBudgetPassesWhenNothingElseIsHeld() {
        YamuxReceiveBudget budget = new YamuxReceiveBudget(100);
        assertThat(budget.tryReserve(500)).isTrue();
        assertThat(budget.tryReserve(1)).isFalse();
        budget.release(500);
        assertThat(budget.used()).isZero();
        assertThat(budget.tryReserve(0)).isTrue();
    }

    @Test
    void waitersAreWokenOnceBytesAreReleasedAndOnlyOnce() {
        YamuxReceiveBudget budget = new YamuxReceiveBudget(100);
        assertThat(budget.tryReserve(100)).isTrue();
        AtomicInteger woken = new AtomicInteger();
        long seen = budget.releases();
        assertThat(budget.tryReserve(1)).isFalse();
        budget.await(woken::incrementAndGet, seen);
        budget.await(woken::incrementAndGet, seen);
        assertThat(woken).hasValue(0);
        assertThat(budget.waitingSessions()).isEqualTo(2);
        budget.release(10);
        assertThat(woken).hasValue(2);
        assertThat(budget.waitingSessions()).isZero();
        budget.release(10);
        assertThat(woken).hasValue(2);
    }

    @Test
    void aReleaseBetweenTheRefusalAndTheWaitWakesAtOnce() {
        YamuxReceiveBudget budget = new YamuxReceiveBudget(100);
        assertThat(budget.tryReserve(90)).isTrue();
        long seen = budget.releases();
        assertThat(budget.tryReserve(50)).isFalse();
        budget.release(60); // on another session's event loop, before this one registers
        AtomicInteger woken = new AtomicInteger();
        budget.await(woken::incrementAndGet, seen);
        assertThat(woken).hasValue(1);
        assertThat(budget.waitingSessions()).isZero();
    }

    /**
     * Regression (found in review before commit): a session refused for want of room woke at once whenever the
     * budget was not completely used, retried, was refused again and so on: a busy loop on its event loop.
     * Now it waits for a release after the one its refusal saw.
     */
    @Test
    void aSessionStillShortOfRoomWaitsForTheNextReleaseInsteadOfSpinning() {
        YamuxReceiveBudget budget = new YamuxReceiveBudget(100);
        assertThat(budget.tryReserve(60)).isTrue();
        AtomicInteger woken = new AtomicInteger();
        long seen = budget.releases();
        assertThat(budget.tryReserve(50)).isFalse(); // 40 bytes of room: not enough
        budget.await(woken::incrementAndGet, seen);
        assertThat(woken).hasValue(0);
        assertThat(budget.waitingSessions()).isEqualTo(1);
    }

    @Test
    void isConstrainedPastHalfTheLimit() {
        YamuxReceiveBudget budget = new YamuxReceiveBudget(100);
        assertThat(budget.tryReserve(50)).isTrue();
        assertThat(budget.isConstrained()).isFalse();
        assertThat(budget.tryReserve(1)).isTrue();
        assertThat(budget.isConstrained()).isTrue();
    }

    @Test
    void limitMustBePositive() {
        assertThatThrownBy(() -> new YamuxReceiveBudget(0)).isInstanceOf(IllegalArgumentException.class);
    }

    /** A constrained budget: a grown window does not grow further and shrinks back to the initial window. */
    @Test
    void constrainedWindowsStopGrowingAndShrinkBackToTheInitialWindow() {
        YamuxFlowController flow = new YamuxFlowController(YamuxConfig.defaults());
        YamuxFlowController.ReceiveWindow window = flow.newWindow(0);
        long rtt = 1_000_000;
        // grow once: an update due fast after the previous one doubles the window
        window.onReceived(W, 1);
        assertThat(window.onConsumed(W, 1, rtt, false)).isEqualTo(2L * W);
        assertThat(window.window()).isEqualTo(2L * W);
        assertThat(flow.grownBytes()).isEqualTo(W);

        // constrained: consuming a whole window grants back only what keeps the window at the initial size
        window.onReceived(2 * W, 1);
        long delta = window.onConsumed(2 * W, 2, rtt, true);
        assertThat(window.window()).isEqualTo(W);
        assertThat(delta).isEqualTo(W);
        assertThat(window.credit()).isEqualTo(W);
        assertThat(flow.grownBytes()).isZero();

        // and it never goes below the initial window, nor grows while constrained
        window.onReceived(W, 1);
        assertThat(window.onConsumed(W, 3, rtt, true)).isEqualTo(W);
        assertThat(window.window()).isEqualTo(W);
        assertThat(window.credit() + window.buffered() + window.consumedUnacknowledged()).isEqualTo(window.window());
    }
}
