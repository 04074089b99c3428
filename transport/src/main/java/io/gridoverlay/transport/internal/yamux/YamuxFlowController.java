package io.gridoverlay.transport.internal.yamux;

import io.gridoverlay.transport.yamux.YamuxConfig;
import io.gridoverlay.transport.yamux.YamuxProtocolException;

/**
 * Receive-side flow control of one session: per-stream receive windows, window updates sent only for
 * bytes the application has consumed, and receive-window auto-tuning.
 *
 * <p>Each stream's {@link ReceiveWindow} keeps the invariant
 * {@code credit + buffered + consumedUnacknowledged == window}: {@code credit} is what the peer may
 * still send, {@code buffered} was received but not yet consumed, {@code consumedUnacknowledged} was
 * consumed but not yet granted back. A window update is due once the consumed-but-unacknowledged bytes
 * reach half the window (as rust-yamux and go-yamux do), so a reader that does not consume stops the
 * peer after at most one window of data. Data beyond the credit is a protocol error.
 *
 * <p>Auto-tuning (after go-yamux and rust-yamux, in the spirit of QUIC): when a window update is due
 * less than {@link #AUTO_TUNE_RTT_FACTOR} round-trips (or {@link #MIN_AUTO_TUNE_INTERVAL_NANOS}) after the
 * previous one, the window is the
 * bottleneck, so it is doubled, bounded by {@link YamuxConfig#maxStreamWindow()} and by
 * {@link YamuxConfig#maxSessionReceiveWindow()} across all streams. Without an RTT measurement the
 * window never grows. Windows never shrink.
 *
 * <p>Sans-I/O: the caller passes the time and the RTT and sends the frames. Not thread-safe; confined to
 * the session's event loop. Every operation is O(1).
 */
final class YamuxFlowController {

    /** A window update due within this many RTTs of the previous one doubles the window. */
    static final int AUTO_TUNE_RTT_FACTOR = 4;

    /**
     * ... or within this time, whatever the RTT. The RTT comes from a ping on a quiet connection and
     * understates the round trip of a window update under a bulk transfer, which queues behind the data in
     * both event loops: on loopback the ping takes ~50 µs while half a 256 KiB window takes ~200 µs to
     * arrive at 10 Gbit/s, so without this floor a fast stream never grew past 256 KiB (2026-11-25: Java →
     * Java Noise perf went from ~5 to ~8.6 Gbit/s with it). Growth is still bounded per stream and per
     * session.
     */
    static final long MIN_AUTO_TUNE_INTERVAL_NANOS = 2_000_000L;

    private final YamuxConfig config;
    /** Sum over live streams of {@code window - initialStreamWindow}. */
    private long grownBytes;

    YamuxFlowController(YamuxConfig config) {
        this.config = config;
    }

    /** A new stream's window, whose peer so far has only the protocol's default 256 KiB of credit. */
    ReceiveWindow newWindow(long nowNanos) {
        return new ReceiveWindow(nowNanos);
    }

    /** Bytes by which auto-tuning has grown all live windows beyond the initial window. */
    long grownBytes() {
        return grownBytes;
    }

    /** Receive state of one stream. Not thread-safe; confined to the session's event loop. */
    final class ReceiveWindow {
        private long window;
        private long credit;
        private long buffered;
        private long consumedUnacknowledged;
        private long lastUpdateNanos;
        private boolean released;

        private ReceiveWindow(long nowNanos) {
            this.window = config.initialStreamWindow();
            this.credit = YamuxConfig.DEFAULT_WINDOW;
            this.consumedUnacknowledged = window - credit;
            this.lastUpdateNanos = nowNanos;
        }

        /**
         * The window increment to send with the SYN or ACK: the configured initial window beyond the
         * protocol default (0 with the default configuration). Called once.
         */
        long initialGrant() {
            long grant = consumedUnacknowledged;
            credit += grant;
            consumedUnacknowledged = 0;
            return grant;
        }

        /**
         * Accounts for {@code length} received bytes.
         *
         * @throws YamuxProtocolException when the peer sent more than its credit
         */
        void onReceived(int length, int streamId) {
            if (length > credit) {
                throw new YamuxProtocolException("peer sent " + length + " bytes on stream "
                        + Integer.toUnsignedString(streamId) + " but its window had only " + credit + " bytes left");
            }
            credit -= length;
            buffered += length;
        }

        /**
         * Accounts for {@code bytes} the application consumed and returns the window update to send.
         *
         * @param rttNanos the session's measured round-trip time, 0 if unknown
         * @return the delta of the window update to send now, or 0 if none is due yet
         * @throws IllegalArgumentException when more bytes are consumed than were received
         */
        long onConsumed(int bytes, long nowNanos, long rttNanos) {
            return onConsumed(bytes, nowNanos, rttNanos, false);
        }

        /**
         * As {@link #onConsumed(int, long, long)}; when {@code constrained} (the host's receive budget is
         * short) the window does not grow, and a grown window gives back to the peer only what keeps it
         * shrinking toward the initial window: the withheld bytes leave the window (never below the initial
         * window, so the peer is never left without credit once the application has consumed).
         */
        long onConsumed(int bytes, long nowNanos, long rttNanos, boolean constrained) {
            if (bytes < 0 || bytes > buffered) {
                throw new IllegalArgumentException("consumed " + bytes + " bytes but only " + buffered
                        + " received bytes are unconsumed");
            }
            buffered -= bytes;
            consumedUnacknowledged += bytes;
            if (released || consumedUnacknowledged < window / 2 || consumedUnacknowledged == 0) {
                return 0;
            }
            if (constrained) {
                long shrink = Math.min(window - config.initialStreamWindow(), consumedUnacknowledged);
                if (shrink > 0) {
                    window -= shrink;
                    grownBytes -= shrink;
                    consumedUnacknowledged -= shrink;
                }
            } else if (rttNanos > 0 && nowNanos - lastUpdateNanos
                    < Math.max(AUTO_TUNE_RTT_FACTOR * rttNanos, MIN_AUTO_TUNE_INTERVAL_NANOS)) {
                long sessionRoom = config.maxSessionReceiveWindow() - grownBytes;
                long grown = Math.min(Math.min(window * 2, config.maxStreamWindow()), window + sessionRoom);
                if (grown > window) {
                    grownBytes += grown - window;
                    consumedUnacknowledged += grown - window;
                    window = grown;
                }
            }
            long delta = consumedUnacknowledged;
            credit += delta;
            consumedUnacknowledged = 0;
            lastUpdateNanos = nowNanos;
            return delta;
        }

        /** Returns this window's growth to the session budget; the stream is gone. Idempotent. */
        void release() {
            if (!released) {
                released = true;
                grownBytes -= window - config.initialStreamWindow();
            }
        }

        /** Current window size. */
        long window() {
            return window;
        }

        /** Bytes the peer may still send. */
        long credit() {
            return credit;
        }

        /** Bytes received and not yet consumed. */
        long buffered() {
            return buffered;
        }

        /** Bytes consumed and not yet granted back. */
        long consumedUnacknowledged() {
            return consumedUnacknowledged;
        }
    }
}
