/**
 * The libp2p Kademlia DHT. Entry point: {@link io.gridoverlay.dht.KademliaDht#onHost} with one
 * {@link io.gridoverlay.dht.DhtConfig} (over any {@link io.gridoverlay.dht.protocol.KadNetwork}, such as the
 * simulator's: {@link io.gridoverlay.dht.KademliaDht#builder}).
 *
 * <p>Public API of this package: {@code KademliaDht}, {@code DhtConfig}, {@code DhtMode},
 * {@code DhtScheduler}, {@code LookupResult}. Sub-packages: {@code routing} (keys, k-buckets, routing table),
 * {@code query} (lookup state machines), {@code protocol} (Kad messages, codec, server logic, the network port),
 * {@code record} (record and provider stores, validators), {@code net} (the libp2p adapter),
 * {@code capacity} (capacity index and queries), {@code grid} ({@code GridNode}), {@code sim} (simulator).
 */
package io.gridoverlay.dht;
