/**
 * Record and provider stores of a DHT server (Caffeine: bounded, expiring) and record validation by
 * namespace, including the libp2p {@code /pk/} namespace and the grid record validators of core.
 */
package io.gridoverlay.dht.record;
