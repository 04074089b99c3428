package io.gridoverlay.transport;

import java.time.Duration;

/**
 * Connection limits of a {@link Host}, as go-libp2p's resource manager and connection manager have them.
 * Stream and buffer limits per connection live in the Yamux configuration
 * ({@link io.gridoverlay.transport.yamux.YamuxConfig}: max streams, receive windows, write queue).
 *
 * @param maxConnections upgraded connections in total; a dial beyond fails with
 *     {@link LimitExceededException}, an inbound connection beyond is reset
 * @param maxConnectionsPerPeer upgraded connections to one peer
 * @param maxPendingInbound inbound connections still in their handshake
 * @param lowWater when trimming, close idle connections down to this many
 * @param highWater trim when more than this many connections are open
 * @param gracePeriod a new connection is never trimmed before this age
 */
public record ConnectionLimits(int maxConnections, int maxConnectionsPerPeer, int maxPendingInbound, int lowWater,
                               int highWater, Duration gracePeriod) {
    /** 1024 connections, 4 per peer, 64 pending, watermarks 192/256, 20 s grace. */
    public static final ConnectionLimits DEFAULT = new ConnectionLimits(1024, 4, 64, 192, 256, Duration.ofSeconds(20));

    public ConnectionLimits {
        if (maxConnections < 1 || maxConnectionsPerPeer < 1 || maxPendingInbound < 1) {
            throw new IllegalArgumentException("connection limits must be at least 1");
        }
        if (lowWater < 0 || highWater < lowWater) {
            throw new IllegalArgumentException("watermarks must satisfy 0 <= low <= high");
        }
        if (gracePeriod.isNegative()) {
            throw new IllegalArgumentException("grace period must not be negative");
        }
    }
}
