package io.gridoverlay.transport.internal.yamux;

import io.gridoverlay.transport.yamux.YamuxConfig;
import io.gridoverlay.transport.yamux.YamuxProtocolException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;

import org.junit.jupiter.api.Test;

class YamuxFlowControllerTest {

    private static final int W = YamuxConfig.DEFAULT_WINDOW;
    private static final long MS = 1_000_000L;

    @Test
    void windowUpdateIsDueOnlyOnceHalfTheWindowIsConsumed() {
        YamuxFlowController flow = new YamuxFlowController(YamuxConfig.defaults());
        YamuxFlowController.ReceiveWindow window = flow.newWindow(0);
        assertThat(window.initialGrant()).isZero();
        window.onReceived(W, 1);
        assertThat(window.credit()).isZero();
        assertThat(window.onConsumed(W / 2 - 1, 0, 0)).isZero();
        assertThat(window.onConsumed(1, 0, 0)).isEqualTo(W / 2);
        assertThat(window.credit()).isEqualTo(W / 2);
        assertThat(window.window()).isEqualTo(W);
    }

    @Test
    void dataBeyondTheCreditIsAProtocolError() {
        YamuxFlowController.ReceiveWindow window = new YamuxFlowController(YamuxConfig.defaults()).newWindow(0);
        window.onReceived(W - 10, 5);
        assertThatThrownBy(() -> window.onReceived(11, 5)).isInstanceOf(YamuxProtocolException.class)
                .hasMessageContaining("stream 5").hasMessageContaining("only 10 bytes left");
    }

    @Test
    void consumingMoreThanReceivedIsRejected() {
        YamuxFlowController.ReceiveWindow window = new YamuxFlowController(YamuxConfig.defaults()).newWindow(0);
        window.onReceived(100, 1);
        assertThatThrownBy(() -> window.onConsumed(101, 0, 0)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void largerInitialWindowIsGrantedWithTheSynOrAck() {
        YamuxConfig config = YamuxConfig.builder().initialStreamWindow(1 << 20).build();
        YamuxFlowController.ReceiveWindow window = new YamuxFlowController(config).newWindow(0);
        assertThat(window.initialGrant()).isEqualTo((1 << 20) - W);
        assertThat(window.credit()).isEqualTo(1 << 20);
    }

    /**
     * A ping on a quiet loopback connection measures ~50 µs, but under a bulk transfer half a window
     * arrives only every ~200 µs–1 ms: the window must still grow (it stayed at 256 KiB, capping Noise perf).
     */
    @Test
    void windowGrowsWhenUpdatesComeFasterThanTheFloorEvenIfTheMeasuredRttIsTiny() {
        YamuxFlowController.ReceiveWindow window = new YamuxFlowController(YamuxConfig.defaults()).newWindow(0);
        long rtt = 50_000; // 50 µs
        window.onReceived(W / 2, 1);
        window.onConsumed(W / 2, MS, rtt);
        assertThat(window.window()).isEqualTo(2L * W);
        // updates slower than the floor (and than 4 RTTs) leave it alone
        window.onReceived(W, 1);
        window.onConsumed(W, MS + 10 * MS, rtt);
        assertThat(window.window()).isEqualTo(2L * W);
    }

    @Test
    void fastConsumptionDoublesTheWindowUpToTheMaximum() {
        YamuxConfig config = YamuxConfig.builder().maxStreamWindow(4 * W).build();
        YamuxFlowController flow = new YamuxFlowController(config);
        YamuxFlowController.ReceiveWindow window = flow.newWindow(0);
        long rtt = 10 * MS;
        long now = 0;
        long[] expected = {2L * W, 4L * W, 4L * W};
        for (long size : expected) {
            now += rtt; // well within 4 RTTs of the previous update
            long half = window.window() / 2;
            window.onReceived((int) half, 1);
            long delta = window.onConsumed((int) half, now, rtt);
            assertThat(window.window()).isEqualTo(size);
            assertThat(delta).isPositive();
        }
        assertThat(flow.grownBytes()).isEqualTo(3L * W);
        window.release();
        assertThat(flow.grownBytes()).isZero();
    }

    @Test
    void slowConsumptionOrUnknownRttKeepsTheWindow() {
        YamuxFlowController.ReceiveWindow window = new YamuxFlowController(YamuxConfig.defaults()).newWindow(0);
        window.onReceived(W / 2, 1);
        assertThat(window.onConsumed(W / 2, 5 * MS, 0)).isEqualTo(W / 2);
        window.onReceived(W / 2, 1);
        assertThat(window.onConsumed(W / 2, 1000 * MS, 10 * MS)).isEqualTo(W / 2);
        assertThat(window.window()).isEqualTo(W);
    }

    @Test
    void sessionBudgetBoundsGrowthAcrossStreams() {
        YamuxConfig config = YamuxConfig.builder().maxSessionReceiveWindow(W).build();
        YamuxFlowController flow = new YamuxFlowController(config);
        YamuxFlowController.ReceiveWindow a = flow.newWindow(0);
        YamuxFlowController.ReceiveWindow b = flow.newWindow(0);
        a.onReceived(W / 2, 1);
        a.onConsumed(W / 2, 1, 10 * MS);
        b.onReceived(W / 2, 3);
        b.onConsumed(W / 2, 1, 10 * MS);
        assertThat(a.window()).isEqualTo(2L * W);
        assertThat(b.window()).isEqualTo(W);
        assertThat(flow.grownBytes()).isEqualTo(W);
    }

    /** Steps: positive = receive up to that many bytes, negative = consume up to that many. */
    @Test
    void accountingInvariantHolds() {
        qt().withFixedSeed(0x7C01L).withExamples(300)
                .forAll(lists().of(integers().between(-300_000, 300_000)).ofSizeBetween(0, 60),
                        integers().between(0, 20))
                .checkAssert((steps, rttMs) -> {
            YamuxConfig config = YamuxConfig.builder().maxStreamWindow(8 * W).build();
            YamuxFlowController flow = new YamuxFlowController(config);
            YamuxFlowController.ReceiveWindow window = flow.newWindow(0);
            long now = 0;
            long granted = window.initialGrant() + W;
            long received = 0;
            for (int step : steps) {
                now += MS;
                if (step >= 0) {
                    int n = (int) Math.min(step, window.credit());
                    window.onReceived(n, 1);
                    received += n;
                } else {
                    int n = (int) Math.min(-step, window.buffered());
                    granted += window.onConsumed(n, now, rttMs * MS);
                }
                assertThat(window.credit() + window.buffered() + window.consumedUnacknowledged())
                        .isEqualTo(window.window());
                assertThat(received).isLessThanOrEqualTo(granted);
                assertThat(granted - received).isEqualTo(window.credit());
                assertThat(window.window()).isBetween((long) W, (long) config.maxStreamWindow());
                assertThat(window.consumedUnacknowledged()).isLessThan(Math.max(1, window.window() / 2));
            }
        });
    }
}
