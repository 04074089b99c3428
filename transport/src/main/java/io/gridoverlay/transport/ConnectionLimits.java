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
 * @param lowWater when trimming, close idle connections (no stream open but Identify's) down to this many
 * @param highWater trim when more than this many connections are open: checked on every new connection and
 *     periodically (every half grace period, within 1..10 s)
 * @param gracePeriod a new connection is never trimmed before this age
 */
public record ConnectionLimits(int maxConnections, int maxConnectionsPerPeer, int maxPendingInbound,
                               int maxPendingInboundPerIp, int lowWater, int highWater, Duration gracePeriod) {
    /** 1024 connections, 4 per peer, 64 pending (8 per IPv4 address or IPv6 /64), watermarks 192/256, 20 s grace. */
    public static final ConnectionLimits DEFAULT = new ConnectionLimits(1024, 4, 64, 8, 192, 256, Duration.ofSeconds(20));

    public ConnectionLimits {
        if (maxConnections < 1 || maxConnectionsPerPeer < 1 || maxPendingInbound < 1 || maxPendingInboundPerIp < 1) {
            throw new IllegalArgumentException("connection limits must be at least 1");
        }
        if (lowWater < 0 || highWater < lowWater) {
            throw new IllegalArgumentException("watermarks must satisfy 0 <= low <= high");
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

        private Builder(ConnectionLimits from) {
            maxConnections = from.maxConnections;
            maxConnectionsPerPeer = from.maxConnectionsPerPeer;
            maxPendingInbound = from.maxPendingInbound;
            maxPendingInboundPerIp = from.maxPendingInboundPerIp;
            lowWater = from.lowWater;
            highWater = from.highWater;
            gracePeriod = from.gracePeriod;
        }

        /** Upgraded connections in total (default 1024). */
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

        /** Trim down to this many connections (default 192). */
        public Builder lowWater(int n) {
            this.lowWater = n;
            return this;
        }

        /** Trim when more than this many connections are open (default 256). */
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
                    maxPendingInboundPerIp, lowWater, highWater, gracePeriod);
        }
    }
}
