package io.gridoverlay.dht.capacity;

import com.google.protobuf.ByteString;
import io.gridoverlay.core.identity.PeerId;
import io.gridoverlay.core.record.CapacityRecord;
import io.gridoverlay.core.record.SignedRecord;
import io.gridoverlay.core.record.Verification;
import io.gridoverlay.dht.capacity.IndexEntryRejectedException.Reason;
import io.gridoverlay.dht.protocol.KadRecord;
import io.gridoverlay.dht.protocol.KeyspaceHandler;
import io.gridoverlay.dht.protocol.PeerInfo;
import io.gridoverlay.dht.proto.CapacityIndexProto.IndexPage;
import java.time.Instant;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * A holder's share of the capacity index: the {@code /gidx/} keyspace of the grid DHT. Each index key holds
 * up to {@link CapacityIndexConfig#shardCapacity()} nodes' signed capacity records, each written by the node
 * it names, in the band the key claims, newer than what was held, and no larger than the limit; anything
 * else is refused with an {@link IndexEntryRejectedException} naming the rule. A write under a key the new
 * record no longer belongs to withdraws the node's older entry there (that is how a node moves band at
 * once): the entry becomes a <em>tombstone</em> holding the newer record, which does not count towards the
 * shard's capacity but is served with the shard, so that a reader who also gets the old entry from a holder
 * the withdrawal missed (message loss) sees the newer record and filters the node by it. Entries and
 * tombstones lapse at their record's expiry, and at most {@link CapacityIndexConfig#maxEntryTtl()} after
 * their last write. A write in a shard off the writer's path down the value's shard tree ({@link IndexKey})
 * is refused too: a node has one place per level of each value.
 *
 * <p>Bounded: at most {@code maxEntries} entries in all and {@code maxEntriesPerPeer} per writer, each at
 * most {@code maxEntryBytes}. Thread-safe (one lock; signatures are checked outside it). Costs: one
 * signature verification per write; reads copy at most one shard.
 */
public final class CapacityIndexStore implements KeyspaceHandler {
    private final CapacityIndexConfig config;
    private final Map<IndexKey, LinkedHashMap<PeerId, Entry>> shards = new HashMap<>();
    private final Map<PeerId, Integer> perPeer = new HashMap<>();
    /**
     * Keys this holder answered FULL for, until the last entry that answer sent to a child shard has
     * lapsed: reads keep saying "full" meanwhile, so that a reader descends to the children even after
     * entries here were withdrawn or expired. At most one per key that was once full here.
     */
    private final Map<IndexKey, Long> spilledUntil = new HashMap<>();
    private int total;
    private long lastSweepMillis;

    /** A node's entry under one key; a tombstone holds the newer record that withdrew it. */
    private record Entry(long seq, byte[] bytes, long expiresAtMillis, boolean tombstone) {
    }

    public CapacityIndexStore(CapacityIndexConfig config) {
        this.config = config;
    }

    @Override
    public String namespace() {
        return IndexKey.NAMESPACE;
    }

    @Override
    public KadRecord put(PeerInfo from, KadRecord record) {
        IndexKey key;
        try {
            key = IndexKey.parse(record.key());
        } catch (IllegalArgumentException e) {
            throw new IndexEntryRejectedException(Reason.MALFORMED_KEY, e.getMessage());
        }
        if (record.valueLength() > config.maxEntryBytes()) {
            throw new IndexEntryRejectedException(Reason.OVERSIZED, record.valueLength() + " bytes under " + key
                    + " (at most " + config.maxEntryBytes() + ")");
        }
        Instant now = config.clock().instant();
        byte[] bytes = record.value();
        Verification<SignedRecord<CapacityRecord>> v = CapacityRecord.open(bytes, now);
        if (v instanceof Verification.Invalid<?> bad) {
            Reason r = bad.reason().contains(" expired at ") ? Reason.EXPIRED : Reason.INVALID;
            throw new IndexEntryRejectedException(r, bad.reason());
        }
        CapacityRecord rec = ((Verification.Valid<SignedRecord<CapacityRecord>>) v).value().record();
        if (!rec.nodeId().equals(from.peerId())) {
            throw new IndexEntryRejectedException(Reason.FOREIGN_WRITER, from.peerId() + " wrote the entry of "
                    + rec.nodeId() + " under " + key);
        }
        if (!key.isOnPathOf(rec.nodeId())) {
            throw new IndexEntryRejectedException(Reason.MIS_SHARDED, "shard " + key.shard() + " is not on the path of "
                    + rec.nodeId() + " (its shard at level " + key.depth() + " is "
                    + IndexKey.pathShard(IndexKey.path(rec.nodeId()), key.depth()) + ")");
        }
        boolean belongs = IndexKeys.belongs(rec, key);
        long nowMillis = now.toEpochMilli();
        long expires = Math.min(rec.expiresAt().toEpochMilli(), nowMillis + config.maxEntryTtl().toMillis());
        IndexAck status;
        synchronized (this) {
            sweepIfDue(nowMillis);
            LinkedHashMap<PeerId, Entry> shard = shards.get(key);
            Entry held = shard == null ? null : live(shard, rec.nodeId(), nowMillis);
            if (!belongs) {
                if (held == null || held.seq() >= rec.seq()) {
                    throw new IndexEntryRejectedException(Reason.MIS_BANDED, "record of " + rec.nodeId()
                            + " (seq " + rec.seq() + ") does not belong under " + key);
                }
                shard.put(rec.nodeId(), new Entry(rec.seq(), bytes, expires, true)); // same slot, now a tombstone
                status = IndexAck.WITHDRAWN;
            } else if (held != null && held.tombstone()) {
                // the node moves back: a live entry again if the shard (tombstones aside) has room
                if (rec.seq() <= held.seq()) {
                    throw new IndexEntryRejectedException(Reason.STALE, "holding seq " + held.seq() + " of "
                            + rec.nodeId() + " under " + key + ", got seq " + rec.seq());
                }
                if (liveSizeLocked(key, shard, nowMillis) >= config.shardCapacity()) {
                    status = IndexAck.FULL;
                    spilledUntil.put(key, nowMillis + config.maxEntryTtl().toMillis());
                } else {
                    shard.put(rec.nodeId(), new Entry(rec.seq(), bytes, expires, false));
                    status = IndexAck.STORED;
                }
            } else if (held != null) {
                if (rec.seq() < held.seq() || (rec.seq() == held.seq() && !java.util.Arrays.equals(bytes, held.bytes()))) {
                    throw new IndexEntryRejectedException(Reason.STALE, "holding seq " + held.seq() + " of "
                            + rec.nodeId() + " under " + key + ", got seq " + rec.seq());
                }
                shard.put(rec.nodeId(), new Entry(rec.seq(), bytes, expires, false));
                status = IndexAck.STORED;
            } else if ((shard != null && liveSizeLocked(key, shard, nowMillis) >= config.shardCapacity())
                    || total >= config.spillAbove()) {
                // the shard is full, or this holder carries more than its share: either way the writer goes on
                // down its path to a child shard (other holders), and readers are told to follow it there (the marks are
                // bounded like the entries: a flood of keys cannot grow them past maxEntries)
                status = IndexAck.FULL;
                if (spilledUntil.size() < config.maxEntries() || spilledUntil.containsKey(key)) {
                    spilledUntil.put(key, nowMillis + config.maxEntryTtl().toMillis());
                }
            } else {
                int mine = perPeer.getOrDefault(rec.nodeId(), 0);
                if (mine >= config.maxEntriesPerPeer()) {
                    throw new IndexEntryRejectedException(Reason.PEER_QUOTA, rec.nodeId() + " already has " + mine
                            + " entries here");
                }
                if (total >= config.maxEntries()) {
                    sweep(nowMillis);
                    if (total >= config.maxEntries()) {
                        throw new IndexEntryRejectedException(Reason.STORE_FULL, "holding " + total + " entries");
                    }
                }
                shards.computeIfAbsent(key, k -> new LinkedHashMap<>()).put(rec.nodeId(),
                        new Entry(rec.seq(), bytes, expires, false));
                perPeer.merge(rec.nodeId(), 1, Integer::sum);
                total++;
                status = IndexAck.STORED;
            }
        }
        // the answer echoes the record (the Kad rule) and carries the outcome in timeReceived
        return new KadRecord(record.key(), bytes, status.toTimeReceived());
    }

    @Override
    public Optional<KadRecord> get(PeerInfo from, byte[] key) {
        IndexKey k;
        try {
            k = IndexKey.parse(key);
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
        long now = config.clock().millis();
        IndexPage.Builder page = IndexPage.newBuilder();
        synchronized (this) {
            boolean spilled = spilledUntil.getOrDefault(k, Long.MIN_VALUE) > now;
            LinkedHashMap<PeerId, Entry> shard = shards.get(k);
            if (shard == null) {
                return spilled ? Optional.of(KadRecord.of(key, page.setFull(true).build().toByteArray())) : Optional.empty();
            }
            for (Iterator<Map.Entry<PeerId, Entry>> it = shard.entrySet().iterator(); it.hasNext(); ) {
                Map.Entry<PeerId, Entry> e = it.next();
                if (e.getValue().expiresAtMillis() <= now) {
                    it.remove();
                    forgetLocked(e.getKey());
                } else {
                    page.addRecords(ByteString.copyFrom(e.getValue().bytes()));
                }
            }
            if (shard.isEmpty()) {
                shards.remove(k);
                return spilled ? Optional.of(KadRecord.of(key, page.setFull(true).build().toByteArray())) : Optional.empty();
            }
            page.setFull(spilled || liveCount(shard) >= config.shardCapacity());
        }
        return Optional.of(KadRecord.of(key, page.build().toByteArray()));
    }

    /** Entries held now (expired ones not yet swept included). */
    public synchronized int size() {
        return total;
    }

    /** Index keys held now. */
    public synchronized int keyCount() {
        return shards.size();
    }

    private Entry live(LinkedHashMap<PeerId, Entry> shard, PeerId node, long now) {
        Entry e = shard.get(node);
        if (e != null && e.expiresAtMillis() <= now) {
            shard.remove(node);
            forgetLocked(node);
            return null;
        }
        return e;
    }

    private static int liveCount(LinkedHashMap<PeerId, Entry> shard) {
        int n = 0;
        for (Entry e : shard.values()) {
            if (!e.tombstone()) {
                n++;
            }
        }
        return n;
    }

    /** Drops the lapsed entries of {@code shard} (so that they never make it full) and counts the live rest. */
    private int liveSizeLocked(IndexKey key, LinkedHashMap<PeerId, Entry> shard, long now) {
        for (Iterator<Map.Entry<PeerId, Entry>> it = shard.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<PeerId, Entry> e = it.next();
            if (e.getValue().expiresAtMillis() <= now) {
                it.remove();
                forgetLocked(e.getKey());
            }
        }
        if (shard.isEmpty()) {
            shards.remove(key);
        }
        return liveCount(shard);
    }

    private void forgetLocked(PeerId node) {
        total--;
        perPeer.computeIfPresent(node, (k, n) -> n <= 1 ? null : n - 1);
    }

    private void sweepIfDue(long now) {
        if (now - lastSweepMillis >= config.maxEntryTtl().toMillis() / 4) {
            sweep(now);
        }
    }

    private void sweep(long now) {
        lastSweepMillis = now;
        spilledUntil.values().removeIf(until -> until <= now);
        for (Iterator<Map.Entry<IndexKey, LinkedHashMap<PeerId, Entry>>> s = shards.entrySet().iterator(); s.hasNext(); ) {
            LinkedHashMap<PeerId, Entry> shard = s.next().getValue();
            for (Iterator<Map.Entry<PeerId, Entry>> it = shard.entrySet().iterator(); it.hasNext(); ) {
                Map.Entry<PeerId, Entry> e = it.next();
                if (e.getValue().expiresAtMillis() <= now) {
                    it.remove();
                    forgetLocked(e.getKey());
                }
            }
            if (shard.isEmpty()) {
                s.remove();
            }
        }
    }
}
