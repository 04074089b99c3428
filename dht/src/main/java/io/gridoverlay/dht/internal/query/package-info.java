/**
 * Sans-I/O iterative Kademlia lookups: {@link io.gridoverlay.dht.internal.query.ClosestPeersIterator} (α parallel
 * requests, β resiliency, k results), {@link io.gridoverlay.dht.internal.query.DisjointPathsIterator} (S/Kademlia
 * disjoint paths), and the value, provider and peer queries built on them.
 *
 * <p>None of these classes does I/O, takes a lock or starts a thread. A driver owns one instance, calls
 * {@code next(now)} and sends the request named by {@link io.gridoverlay.dht.internal.query.LookupState.Waiting},
 * then reports the outcome with {@code onSuccess}/{@code onFailure}. All classes are not thread-safe:
 * confine each lookup to the DHT's event loop.
 */
package io.gridoverlay.dht.internal.query;
