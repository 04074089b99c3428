package io.gridoverlay.dht.record;

import io.gridoverlay.dht.protocol.KadRecord;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Where a {@link RecordStore} keeps its records beyond its in-memory cache: written through on every
 * stored record, deleted on removal, eviction and expiry, and read once when a store is created. The
 * default {@link #inMemory()} keeps them in a map (it survives the re-creation of a store within one
 * process); an embedding service may implement it over a file or a database.
 *
 * <p>Implementations must be thread-safe. Calls are made while the store updates the key, so they should
 * be quick.
 */
public interface Persistence {

    /** Saves {@code record}, replacing the one under the same key. */
    void save(KadRecord record);

    /** Deletes the record under {@code key}, if any. */
    void delete(byte[] key);

    /** Every saved record. */
    List<KadRecord> loadAll();

    /** A thread-safe map-backed persistence. */
    static Persistence inMemory() {
        return new Persistence() {
            private final ConcurrentHashMap<ByteKey, KadRecord> map = new ConcurrentHashMap<>();

            @Override
            public void save(KadRecord record) {
                map.put(ByteKey.copyOf(record.key()), record);
            }

            @Override
            public void delete(byte[] key) {
                map.remove(ByteKey.copyOf(key));
            }

            @Override
            public List<KadRecord> loadAll() {
                return List.copyOf(map.values());
            }
        };
    }

    /** A persistence that keeps nothing. */
    static Persistence none() {
        return new Persistence() {
            @Override
            public void save(KadRecord record) {
            }

            @Override
            public void delete(byte[] key) {
            }

            @Override
            public List<KadRecord> loadAll() {
                return List.of();
            }
        };
    }
}
