/**
 * Decentralised capacity discovery: nodes find each other by what they offer, with no indexer.
 *
 * <p>A node signs its {@link io.gridoverlay.core.record.CapacityRecord} and registers it, through
 * {@link io.gridoverlay.dht.capacity.CapacityPublisher}, under at most eight
 * {@linkplain io.gridoverlay.dht.capacity.IndexKeys index keys} of the grid DHT (free cores, memory and SSD
 * in power-of-two bands, memory band of the largest free GPU, country, geohash cell, farm, certification). Holders
 * ({@link io.gridoverlay.dht.capacity.CapacityIndexStore}, the {@code /gidx/} keyspace) accept an entry only
 * from the node it names, in the band its key claims, newer than what they hold, within per-writer and
 * per-holder bounds, and forget it within minutes unless refreshed. A full shard spills into its children:
 * a value's shards form a binary tree, down which each node has one path
 * ({@link io.gridoverlay.dht.capacity.IndexKey}).
 * {@link io.gridoverlay.dht.capacity.CapacityFinder} answers a
 * {@link io.gridoverlay.dht.capacity.CapacityQuery} by walking the cheapest attribute's keys with ordinary
 * DHT lookups, verifying every record itself and filtering exactly.
 *
 * <p>Public API: {@code CapacityQuery}, {@code CapacityQueryResult}, {@code CapacityMatch},
 * {@code CapacityFinder}, {@code CapacityPublisher}, {@code CapacityIndexStore}, {@code CapacityIndexConfig},
 * {@code IndexKey}, {@code IndexKeys}, {@code IndexAttribute}, {@code IndexEntryRejectedException}, and where
 * a node's capacity comes from: {@code CapacitySource} (a fixed record, a TOML or YAML capacity file, or the
 * machine's detected hardware), {@code CapacityFileException}, {@code ByteSize}. Most embedders use them through {@link io.gridoverlay.dht.grid.GridNode}.
 */
package io.gridoverlay.dht.capacity;
