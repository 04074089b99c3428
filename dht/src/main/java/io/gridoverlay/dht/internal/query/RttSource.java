package io.gridoverlay.dht.internal.query;

import io.gridoverlay.dht.routing.Key;

/**
 * Where a lookup reads the round-trip estimate of a peer ({@link RttEstimate}, packed) when its
 * configuration asks for {@link LookupConfig#adaptiveTimeout() adaptive request timeouts}. A DHT node
 * answers from what it measured: the peer's own estimate if it has one, else the estimate over all peers
 * it talked to, else {@link RttEstimate#NONE} (the lookup then waits the full per-request timeout).
 *
 * <p>Called on the lookup's thread once per request sent; implementations should be O(1) or close to it.
 */
@FunctionalInterface
public interface RttSource {
    /** A source that knows nothing: every request waits the full per-request timeout. */
    RttSource NONE = peerKey -> RttEstimate.NONE;

    /** The packed estimate for the peer with Kademlia key {@code peerKey}, or {@link RttEstimate#NONE}. */
    long estimate(Key peerKey);
}
