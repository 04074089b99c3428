/**
 * Kademlia routing: 256-bit {@link io.gridoverlay.dht.routing.Key}s with XOR distance, least-recently-seen
 * {@link io.gridoverlay.dht.routing.KBucket}s with replacement caches, and the
 * {@link io.gridoverlay.dht.routing.RoutingTable} with DHT-server-only admission, IP-group diversity
 * limits, refresh bookkeeping and allocation-free closest-k selection.
 *
 * <p>Pure data structures: no I/O, no Netty, no clock (callers pass {@code now}); generic over the peer
 * value type. Nothing here is thread-safe; a table is owned by one thread.
 *
 * <p>Public API: everything here ({@code Key}, {@code RoutingTable} with {@code RoutingTableConfig}, {@code KBucket},
 * {@code ClosestPeers}, {@code AddResult}, {@code IpGroup}, {@code PeerDiversityFilter}); the simulator and the
 * benchmarks drive them directly.
 */
package io.gridoverlay.dht.routing;
