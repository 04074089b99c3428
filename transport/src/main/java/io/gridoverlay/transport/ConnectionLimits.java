package io.gridoverlay.transport;

import java.time.Duration;

/**
 * Connection limits of a {@link Host}, as go-libp2p's resource manager and connection manager have them.
 * Stream and buffer limits per connection live in the Yamux configuration
 * ({@link io.gridoverlay.transport.yamux.YamuxConfig}: max streams, receive windows, write queue).
 * Build with {@link #builder()}; {@link #DEFAULT} holds the documented defaults. Immutable.
 *
 * @param maxConnections upgraded connections in total; a dial beyond fails with
 *     {@link LimitExceededException}, an inbound connection beyond is reset
 * @param maxConnectionsPerPeer upgraded connections to one peer
 * @param maxPendingInbound inbound connections still in their handshake, in total; one beyond is reset
 * @param maxPendingInboundPerIp inbound connections still in their handshake from one source address
 *     group: one IPv4 address, or one IPv6 /64 prefix (what one host or one customer network usually
 *     controls). Keeps a few stalling clients on one address from taking every slot of
 *     {@code maxPendingInbound} until the handshake timeout; one beyond is reset
 * @param lowWater when trimming, close the lowest-scoring connections down to this many (see
 *     {@link ConnectionManager}: protected peers and connections within their grace period are spared)
 * @param highWater trim when more than this many connections are open: checked on every new connection and
 *     periodically (every half grace period, within 1..10 s)
 * @param gracePeriod a new connection is never trimmed before this age
 * @param maxHostWriteQueue bytes queued for sending on all streams of all connections together; a write
 *     beyond fails with {@link LimitExceededException} (a hard cap behind the per-stream and per-session
 *     write budgets of {@link io.gridoverlay.transport.yamux.YamuxConfig})
 * @param maxConnectionsPerIp upgraded connections from or to one IP address (an IPv6 address counts as its
 *     /64, as for pending handshakes); one beyond is closed
 * @param maxConnectionsPerSubnet upgraded connections from or to one IPv4 /24 or one IPv6 /48
 * @param limitLoopback whether the per-IP and per-subnet limits also apply to loopback addresses (default
 *     false: local test grids and co-located services connect many hosts over 127.0.0.1)
 * @param maxHostReceiveBuffer bytes of received Yamux Data frames all connections together may buffer: frames
 *     being received and data not yet consumed by the application
 *     ({@link io.gridoverlay.transport.internal.yamux.YamuxReceiveBudget}). A connection whose next frame does not fit
 *     stops reading until others release bytes; past half of it, receive windows stop growing and grown ones
 *     shrink back. At least the Yamux {@code maxStreamWindow} of the host (checked when the host is built)
 */
public record ConnectionLimits(int maxConnections, int maxConnectionsPerPeer, int maxPendingInbound,
                               int maxPendingInboundPerIp, int lowWater, int highWater, Duration gracePeriod,
                               long maxHostWriteQueue, int maxConnectionsPerIp, int maxConnectionsPerSubnet,
                               boolean limitLoopback, long maxHostReceiveBuffer) {
    /**
     * 192 connections, 4 per peer, 64 pending (8 per IPv4 address or IPv6 /64), watermarks 128/160, 20 s grace,
     * 64 MiB queued writes and 32 MiB buffered received data per host, 16 connections per IP address and 64
     * per /24 (IPv6: /64 and /48). These add up to a node that fits 256 MiB of heap and 256 MiB of direct
     * memory (docs/memory-budget.md); raise {@code maxConnections} together with the memory.
     */
    public static final ConnectionLimits DEFAULT = new ConnectionLimits(192, 4, 64, 8, 128, 160, Duration.ofSeconds(20),
            64L << 20, 16, 64, false, 32L << 20);

    public ConnectionLimits {
        if (maxConnections < 1 || maxConnectionsPerPeer < 1 || maxPendingInbound < 1 || maxPendingInboundPerIp < 1) {
            throw new IllegalArgumentException("connection limits must be at least 1");
        }
        if (lowWater < 0 || highWater < lowWater) {
            throw new IllegalArgumentException("watermarks must satisfy 0 <= low <= high");
        }
        if (maxHostReceiveBuffer < 1) {
            throw new IllegalArgumentException("maxHostReceiveBuffer must be at least 1");
        }
        if (maxHostWriteQueue < 1 || maxConnectionsPerIp < 1 || maxConnectionsPerSubnet < 1) {
            throw new IllegalArgumentException("maxHostWriteQueue, maxConnectionsPerIp and maxConnectionsPerSubnet"
                    + " must be at least 1");
        }
        if (gracePeriod.isNegative()) {
            throw new IllegalArgumentException("grace period must not be negative");
        }
    }

    /** A builder starting from {@link #DEFAULT}. */
    public static Builder builder() {
        return DEFAULT.toBuilder();
    }

    /** A builder starting from these limits. */
    public Builder toBuilder() {
        return new Builder(this);
    }

    /** Builder of {@link ConnectionLimits}; values are checked by {@link #build()}. Not thread-safe. */
    public static final class Builder {
        private int maxConnections;
        private int maxConnectionsPerPeer;
        private int maxPendingInbound;
        private int maxPendingInboundPerIp;
        private int lowWater;
        private int highWater;
        private Duration gracePeriod;
        private long maxHostWriteQueue;
        private int maxConnectionsPerIp;
        private int maxConnectionsPerSubnet;
        private boolean limitLoopback;
        private long maxHostReceiveBuffer;

        private Builder(ConnectionLimits from) {
            maxHostReceiveBuffer = from.maxHostReceiveBuffer;
            maxConnections = from.maxConnections;
            maxConnectionsPerPeer = from.maxConnectionsPerPeer;
            maxPendingInbound = from.maxPendingInbound;
            maxPendingInboundPerIp = from.maxPendingInboundPerIp;
            lowWater = from.lowWater;
            highWater = from.highWater;
            gracePeriod = from.gracePeriod;
            maxHostWriteQueue = from.maxHostWriteQueue;
            maxConnectionsPerIp = from.maxConnectionsPerIp;
            maxConnectionsPerSubnet = from.maxConnectionsPerSubnet;
            limitLoopback = from.limitLoopback;
        }

        /** Whether the per-IP and per-subnet limits apply to loopback addresses too (default false). */
        public Builder limitLoopback(boolean limit) {
            this.limitLoopback = limit;
            return this;
        }

        /** Bytes queued for sending on all connections together (default 64 MiB). */
        public Builder maxHostWriteQueue(long bytes) {
            this.maxHostWriteQueue = bytes;
            return this;
        }

        /** Bytes of received Data frames buffered by all connections together (default 32 MiB). */
        public Builder maxHostReceiveBuffer(long bytes) {
            this.maxHostReceiveBuffer = bytes;
            return this;
        }

        /** Upgraded connections per IPv4 address or IPv6 /64 (default 16). */
        public Builder maxConnectionsPerIp(int n) {
            this.maxConnectionsPerIp = n;
            return this;
        }

        /** Upgraded connections per IPv4 /24 or IPv6 /48 (default 64). */
        public Builder maxConnectionsPerSubnet(int n) {
            this.maxConnectionsPerSubnet = n;
            return this;
        }

        /** Upgraded connections in total (default 192). */
        public Builder maxConnections(int n) {
            this.maxConnections = n;
            return this;
        }

        /** Upgraded connections to one peer (default 4). */
        public Builder maxConnectionsPerPeer(int n) {
            this.maxConnectionsPerPeer = n;
            return this;
        }

        /** Inbound handshakes in progress, in total (default 64). */
        public Builder maxPendingInbound(int n) {
            this.maxPendingInbound = n;
            return this;
        }

        /** Inbound handshakes in progress from one IPv4 address or IPv6 /64 (default 8). */
        public Builder maxPendingInboundPerIp(int n) {
            this.maxPendingInboundPerIp = n;
            return this;
        }

        /** Trim down to this many connections (default 128). */
        public Builder lowWater(int n) {
            this.lowWater = n;
            return this;
        }

        /** Trim when more than this many connections are open (default 160). */
        public Builder highWater(int n) {
            this.highWater = n;
            return this;
        }

        /** A connection younger than this is never trimmed (default 20 s). */
        public Builder gracePeriod(Duration d) {
            this.gracePeriod = java.util.Objects.requireNonNull(d, "gracePeriod");
            return this;
        }

        /**
         * The limits.
         *
         * @throws IllegalArgumentException if a limit is below 1, the watermarks are not
         *     {@code 0 <= low <= high} or the grace period is negative
         */
        public ConnectionLimits build() {
            return new ConnectionLimits(maxConnections, maxConnectionsPerPeer, maxPendingInbound,
                    maxPendingInboundPerIp, lowWater, highWater, gracePeriod, maxHostWriteQueue, maxConnectionsPerIp,
                    maxConnectionsPerSubnet, limitLoopback, maxHostReceiveBuffer);
        }
    }
}
