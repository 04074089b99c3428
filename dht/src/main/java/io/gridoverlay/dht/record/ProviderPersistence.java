package io.gridoverlay.dht.record;

import io.gridoverlay.dht.protocol.PeerInfo;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Where a {@link ProviderStore} keeps its entries across restarts (a file, a database). Called on the
 * thread that adds a provider; implementations must be thread-safe and should not block for long.
 * Expired entries returned by {@link #loadAll()} are skipped by the store.
 */
public interface ProviderPersistence {
    /** One persisted provider entry. */
    record Entry(byte[] key, PeerInfo provider, long expiresAtMillis) {
        public Entry {
            key = key.clone();
        }

        @Override
        public byte[] key() {
            return key.clone();
        }
    }

    /** Saves (or replaces) {@code provider}'s entry for {@code key}. */
    void save(byte[] key, PeerInfo provider, long expiresAtMillis);

    /** All saved entries, expired ones included. */
    List<Entry> loadAll();

    /** Keeps nothing: the store's own memory is the only copy (the default). */
    static ProviderPersistence none() {
        return new ProviderPersistence() {
            @Override
            public void save(byte[] key, PeerInfo provider, long expiresAtMillis) {
            }

            @Override
            public List<Entry> loadAll() {
                return List.of();
            }
        };
    }

    /** A second in-memory copy, e.g. to hand a store's providers to a new store in tests or restarts. */
    static ProviderPersistence inMemory() {
        return new ProviderPersistence() {
            private final ConcurrentHashMap<String, Entry> map = new ConcurrentHashMap<>();

            @Override
            public void save(byte[] key, PeerInfo provider, long expiresAtMillis) {
                map.put(java.util.HexFormat.of().formatHex(key) + "/" + provider.peerId().toBase58(),
                        new Entry(key, provider, expiresAtMillis));
            }

            @Override
            public List<Entry> loadAll() {
                return new ArrayList<>(map.values());
            }
        };
    }
}
