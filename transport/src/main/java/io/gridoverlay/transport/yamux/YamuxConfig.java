package io.gridoverlay.transport.yamux;

import io.gridoverlay.transport.internal.yamux.YamuxFrame;

import java.time.Duration;
import java.util.Objects;

/**
 * Limits and tuning of a Yamux session; immutable, build with {@link #builder()}.
 *
 * @param initialStreamWindow receive window granted to the peer on each new stream, in bytes; at least
 *     the protocol's 256 KiB (a larger value is granted with the SYN/ACK frame)
 * @param maxStreamWindow largest receive window auto-tuning may grow a stream's window to
 * @param maxSessionReceiveWindow bound on the sum of all streams' receive windows above the initial
 *     window; auto-tuning stops growing windows when it is reached
 * @param maxStreams most streams open at once on the session (both directions); an excess inbound SYN
 *     is answered with RST, an excess local open fails with {@link YamuxStreamLimitException}
 * @param maxFrameBodySize largest Data frame body accepted from the peer (checked on the header, before
 *     any buffering); larger frames are a protocol error. At least {@code maxStreamWindow}: the protocol
 *     does not bound frame sizes and js-libp2p-yamux sends as much of the window as it has in one frame
 * @param maxSendFrameSize largest Data frame body this side sends
 * @param maxStreamWriteQueue bytes a stream may have queued but not yet sent before {@code write} fails
 *     and {@link io.gridoverlay.transport.Stream#isWritable()} turns false
 * @param ackBacklog most outbound streams opened but not yet acknowledged by the peer
 * @param keepAliveInterval interval between keep-alive pings; {@link Duration#ZERO} disables them
 * @param keepAliveTimeout how long a ping may stay unanswered before the session is closed
 * @param maxSessionWriteQueue bytes all streams of the session together may have queued but not yet sent;
 *     a write beyond fails with {@link YamuxStreamLimitException} and streams report not writable meanwhile
 * @param maxPendingControlFrames most control frames (stream ACKs and RSTs) written while the connection is
 *     unwritable; one more closes the session: the peer opens streams but does not read. Ping answers are
 *     not counted: while the connection is unwritable only the latest ping is answered, once it drains
 * @param inboundStreamBurst inbound stream opens the peer may make at once (token bucket size); an open
 *     beyond the bucket is reset with the rate-limited code (0x1003)
 * @param inboundStreamRate inbound stream opens per second refilled into the bucket
 * @param streamIdleTimeout a stream on which nothing was sent or received for this long is reset;
 *     {@link Duration#ZERO} disables it
 */
public record YamuxConfig(int initialStreamWindow, int maxStreamWindow, long maxSessionReceiveWindow,
        int maxStreams, int maxFrameBodySize, int maxSendFrameSize, int maxStreamWriteQueue, int ackBacklog,
        Duration keepAliveInterval, Duration keepAliveTimeout, long maxSessionWriteQueue,
        int maxPendingControlFrames, int inboundStreamBurst, int inboundStreamRate, Duration streamIdleTimeout) {

    /** The window every stream starts with, fixed by the protocol: 256 KiB. */
    public static final int DEFAULT_WINDOW = 256 * 1024;

    /** Validates the values; see {@link Builder} for the defaults. */
    public YamuxConfig {
        Objects.requireNonNull(keepAliveInterval, "keepAliveInterval");
        Objects.requireNonNull(keepAliveTimeout, "keepAliveTimeout");
        Objects.requireNonNull(streamIdleTimeout, "streamIdleTimeout");
        if (initialStreamWindow < DEFAULT_WINDOW) {
            throw new IllegalArgumentException("initialStreamWindow must be >= 262144 (the yamux default), got "
                    + initialStreamWindow);
        }
        if (maxStreamWindow < initialStreamWindow) {
            throw new IllegalArgumentException("maxStreamWindow " + maxStreamWindow
                    + " < initialStreamWindow " + initialStreamWindow);
        }
        if (maxSessionReceiveWindow < 0) {
            throw new IllegalArgumentException("maxSessionReceiveWindow < 0: " + maxSessionReceiveWindow);
        }
        positive("maxStreams", maxStreams);
        positive("maxFrameBodySize", maxFrameBodySize);
        if (maxFrameBodySize < maxStreamWindow) {
            // A peer may send its whole window in one frame, and js-libp2p-yamux does.
            throw new IllegalArgumentException("maxFrameBodySize " + maxFrameBodySize + " < maxStreamWindow "
                    + maxStreamWindow + ": a peer may send a whole window in one Data frame; raise maxFrameBodySize");
        }
        positive("maxSendFrameSize", maxSendFrameSize);
        positive("maxStreamWriteQueue", maxStreamWriteQueue);
        positive("ackBacklog", ackBacklog);
        positive("maxSessionWriteQueue", maxSessionWriteQueue);
        positive("maxPendingControlFrames", maxPendingControlFrames);
        positive("inboundStreamBurst", inboundStreamBurst);
        positive("inboundStreamRate", inboundStreamRate);
        if (streamIdleTimeout.isNegative()) {
            throw new IllegalArgumentException("streamIdleTimeout must be >= 0, got " + streamIdleTimeout);
        }
        if (keepAliveInterval.isNegative() || keepAliveTimeout.isNegative() || keepAliveTimeout.isZero()) {
            throw new IllegalArgumentException("keep-alive interval must be >= 0 and timeout > 0, got "
                    + keepAliveInterval + " / " + keepAliveTimeout);
        }
    }

    private static void positive(String name, long value) {
        if (value <= 0) {
            throw new IllegalArgumentException(name + " must be > 0, got " + value);
        }
    }

    /** The default configuration. */
    public static YamuxConfig defaults() {
        return builder().build();
    }

    /** A builder holding the defaults. */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder starting from this configuration. */
    public Builder toBuilder() {
        return new Builder()
                .initialStreamWindow(initialStreamWindow)
                .maxStreamWindow(maxStreamWindow)
                .maxSessionReceiveWindow(maxSessionReceiveWindow)
                .maxStreams(maxStreams)
                .maxFrameBodySize(maxFrameBodySize)
                .maxSendFrameSize(maxSendFrameSize)
                .maxStreamWriteQueue(maxStreamWriteQueue)
                .ackBacklog(ackBacklog)
                .keepAliveInterval(keepAliveInterval)
                .keepAliveTimeout(keepAliveTimeout)
                .maxSessionWriteQueue(maxSessionWriteQueue)
                .maxPendingControlFrames(maxPendingControlFrames)
                .inboundStreamBurst(inboundStreamBurst)
                .inboundStreamRate(inboundStreamRate)
                .streamIdleTimeout(streamIdleTimeout);
    }

    /** Mutable builder of {@link YamuxConfig}; not thread-safe. */
    public static final class Builder {
        private int initialStreamWindow = DEFAULT_WINDOW;
        private int maxStreamWindow = 16 * 1024 * 1024;
        private long maxSessionReceiveWindow = 256L * 1024 * 1024;
        private int maxStreams = 512;
        private int maxFrameBodySize = 16 * 1024 * 1024;
        private int maxSendFrameSize = 64 * 1024 - YamuxFrame.HEADER_LENGTH;
        private int maxStreamWriteQueue = 256 * 1024;
        private int ackBacklog = 256;
        private Duration keepAliveInterval = Duration.ofSeconds(30);
        private Duration keepAliveTimeout = Duration.ofSeconds(30);
        private long maxSessionWriteQueue = 1024 * 1024;
        private int maxPendingControlFrames = 1024;
        private int inboundStreamBurst = 256;
        private int inboundStreamRate = 256;
        private Duration streamIdleTimeout = Duration.ofMinutes(2);

        private Builder() {
        }

        /** Default 1 MiB; a stream's queue is bounded by the smaller of this and {@link #maxStreamWriteQueue(int)}. */
        public Builder maxSessionWriteQueue(long bytes) {
            this.maxSessionWriteQueue = bytes;
            return this;
        }

        /** Default 1024. */
        public Builder maxPendingControlFrames(int frames) {
            this.maxPendingControlFrames = frames;
            return this;
        }

        /** Default 256 stream opens at once. */
        public Builder inboundStreamBurst(int streams) {
            this.inboundStreamBurst = streams;
            return this;
        }

        /** Default 256 stream opens per second. */
        public Builder inboundStreamRate(int streamsPerSecond) {
            this.inboundStreamRate = streamsPerSecond;
            return this;
        }

        /** Default 2 minutes; {@link Duration#ZERO} disables the idle timeout. */
        public Builder streamIdleTimeout(Duration timeout) {
            this.streamIdleTimeout = timeout;
            return this;
        }

        /** Default 256 KiB. */
        public Builder initialStreamWindow(int bytes) {
            this.initialStreamWindow = bytes;
            return this;
        }

        /** Default 16 MiB. */
        public Builder maxStreamWindow(int bytes) {
            this.maxStreamWindow = bytes;
            return this;
        }

        /** Default 256 MiB. */
        public Builder maxSessionReceiveWindow(long bytes) {
            this.maxSessionReceiveWindow = bytes;
            return this;
        }

        /** Default 512. */
        public Builder maxStreams(int count) {
            this.maxStreams = count;
            return this;
        }

        /** Default 16 MiB; must be at least {@link #maxStreamWindow(int)}. */
        public Builder maxFrameBodySize(int bytes) {
            this.maxFrameBodySize = bytes;
            return this;
        }

        /** Default 64 KiB minus the 12-byte header, as go-yamux. */
        public Builder maxSendFrameSize(int bytes) {
            this.maxSendFrameSize = bytes;
            return this;
        }

        /** Default 256 KiB. */
        public Builder maxStreamWriteQueue(int bytes) {
            this.maxStreamWriteQueue = bytes;
            return this;
        }

        /** Default 256, as go-yamux. */
        public Builder ackBacklog(int streams) {
            this.ackBacklog = streams;
            return this;
        }

        /** Default 30 s; {@link Duration#ZERO} disables keep-alive pings. */
        public Builder keepAliveInterval(Duration interval) {
            this.keepAliveInterval = interval;
            return this;
        }

        /** Default 30 s. */
        public Builder keepAliveTimeout(Duration timeout) {
            this.keepAliveTimeout = timeout;
            return this;
        }

        /** The configuration; throws {@link IllegalArgumentException} naming an invalid value. */
        public YamuxConfig build() {
            return new YamuxConfig(initialStreamWindow, maxStreamWindow, maxSessionReceiveWindow, maxStreams,
                    maxFrameBodySize, maxSendFrameSize, maxStreamWriteQueue, ackBacklog, keepAliveInterval,
                    keepAliveTimeout, maxSessionWriteQueue, maxPendingControlFrames, inboundStreamBurst,
                    inboundStreamRate, streamIdleTimeout);
        }
    }
}
