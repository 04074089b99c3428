package io.gridoverlay.dht.capacity;

import java.time.Clock;
import java.time.Duration;
import java.util.Objects;

/**
 * Limits and timing of the capacity index, on both sides: what a holder keeps, and how often a node
 * refreshes its entries. Immutable; {@link #defaults()} states every default.
 *
 * @param shardCapacity      nodes one index key (one shard) holds before it answers FULL (default 64)
 * @param maxEntryBytes      largest signed record accepted as an index entry (default 4 KiB)
 * @param maxEntriesPerPeer  entries one writer may have in one holder's store (default 2 x the 8 a node
 *                           has, so a move between shards or bands never hits it)
 * @param maxEntries         entries one holder keeps in all (default 2,048: at most 8 MiB at the size
 *                           limit, ~1 MiB at a typical 500 bytes; the busiest holder of a simulated
 *                           10,000-node grid held 330)
 * @param spillAbove         entries beyond which a holder answers FULL to every newcomer, whatever the shard
 *                           (default 256, four times the ~64 a holder carries on average at any network
 *                           size): an overloaded holder sends writers on down their paths to child shards, whose holders
 *                           are others, and keeps that shard marked full for readers, so nothing is lost
 * @param maxEntryTtl        longest an entry is kept after its last write, whatever the record's own
 *                           expiry says (default 10 min)
 * @param recordTtl          validity a node gives its own capacity record (default 10 min)
 * @param refreshInterval    how often a node re-signs and re-registers (default 4 min, well inside the TTL)
 * @param replicas           holders each entry is written to (default 10)
 * @param clock              the clock expiry is judged by (the simulator passes its virtual clock)
 */
public record CapacityIndexConfig(int shardCapacity, int maxEntryBytes, int maxEntriesPerPeer, int maxEntries,
                                  int spillAbove, Duration maxEntryTtl, Duration recordTtl, Duration refreshInterval,
                                  int replicas, Clock clock) {

    public CapacityIndexConfig {
        positive("shardCapacity", shardCapacity);
        positive("maxEntryBytes", maxEntryBytes);
        positive("maxEntriesPerPeer", maxEntriesPerPeer);
        positive("maxEntries", maxEntries);
        positive("spillAbove", spillAbove);
        positive("replicas", replicas);
        for (Duration d : new Duration[] {maxEntryTtl, recordTtl, refreshInterval}) {
            if (d == null || d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException("index durations must be positive, got " + d);
            }
        }
        if (refreshInterval.compareTo(recordTtl) >= 0) {
            throw new IllegalArgumentException("refreshInterval " + refreshInterval
                    + " must be shorter than recordTtl " + recordTtl + " or entries lapse between refreshes");
        }
        Objects.requireNonNull(clock, "clock");
    }

    private static void positive(String name, long v) {
        if (v <= 0) {
            throw new IllegalArgumentException(name + " must be positive, got " + v);
        }
    }

    /** The defaults listed above, on the system clock. */
    public static CapacityIndexConfig defaults() {
        return new CapacityIndexConfig(64, 4096, 2 * IndexKeys.MAX_ENTRIES_PER_NODE, 2_048, 256,
                Duration.ofMinutes(10), Duration.ofMinutes(10), Duration.ofMinutes(4), 10, Clock.systemUTC());
    }

    public CapacityIndexConfig withClock(Clock c) {
        return new CapacityIndexConfig(shardCapacity, maxEntryBytes, maxEntriesPerPeer, maxEntries, spillAbove, maxEntryTtl,
                recordTtl, refreshInterval, replicas, c);
    }

    public CapacityIndexConfig withShardCapacity(int n) {
        return new CapacityIndexConfig(n, maxEntryBytes, maxEntriesPerPeer, maxEntries, spillAbove, maxEntryTtl, recordTtl,
                refreshInterval, replicas, clock);
    }

    public CapacityIndexConfig withTimes(Duration ttl, Duration refresh) {
        return new CapacityIndexConfig(shardCapacity, maxEntryBytes, maxEntriesPerPeer, maxEntries, spillAbove, ttl, ttl,
                refresh, replicas, clock);
    }

    public CapacityIndexConfig withReplicas(int n) {
        return new CapacityIndexConfig(shardCapacity, maxEntryBytes, maxEntriesPerPeer, maxEntries, spillAbove, maxEntryTtl,
                recordTtl, refreshInterval, n, clock);
    }

    public CapacityIndexConfig withSpillAbove(int n) {
        return new CapacityIndexConfig(shardCapacity, maxEntryBytes, maxEntriesPerPeer, maxEntries, n, maxEntryTtl,
                recordTtl, refreshInterval, replicas, clock);
    }

    public CapacityIndexConfig withMaxEntries(int perPeer, int total) {
        return new CapacityIndexConfig(shardCapacity, maxEntryBytes, perPeer, total, spillAbove, maxEntryTtl, recordTtl,
                refreshInterval, replicas, clock);
    }
}
