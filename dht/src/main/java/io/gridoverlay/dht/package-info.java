/**
 * The libp2p Kademlia DHT. Entry point: {@link io.gridoverlay.dht.KademliaDht#onHost} with one
 * {@link io.gridoverlay.dht.DhtConfig} (over any {@link io.gridoverlay.dht.protocol.KadNetwork}, such as the
 * simulator's: {@link io.gridoverlay.dht.KademliaDht#builder}).
 *
 * <p>Public API of this package: {@code KademliaDht}, {@code DhtConfig}, {@code DhtMode},
 * {@code DhtScheduler}, {@code LookupResult}. Sub-packages: {@code routing} (keys, k-buckets, routing table),
 * {@code query} (lookup configuration and statistics), {@code protocol} (Kad messages, codec, the network port),
 * {@code record} (record and provider stores, validators), {@code capacity} (capacity index and queries),
 * {@code deploy} (deployments between twins and nodes), {@code grid} ({@code GridNode}), {@code sim}
 * (simulator). Each package-info lists its public API; {@code internal} (lookup state machines, the Kad server,
 * the libp2p adapter) is not API.
 */
package io.gridoverlay.dht;
