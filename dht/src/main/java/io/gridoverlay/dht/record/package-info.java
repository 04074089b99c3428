/**
 * Record and provider stores of a DHT server (Caffeine: bounded, expiring) and record validation by
 * namespace, including the libp2p {@code /pk/} namespace and the grid record validators of core.
 *
 * <p>Public API: {@code RecordStore} and {@code ProviderStore} with their configs, {@code Validators} and
 * {@code PublicKeyValidator}, the persistence ports ({@code Persistence}, {@code ProviderPersistence}) and
 * {@code RecordRejectedException}.
 */
package io.gridoverlay.dht.record;
