package io.gridoverlay.dht.capacity;

import io.gridoverlay.core.identity.PrivateKey;
import io.gridoverlay.core.record.CapacityRecord;
import io.gridoverlay.core.record.CapacityRecordValidator;
import io.gridoverlay.core.record.SignedRecord;
import io.gridoverlay.dht.DhtScheduler;
import io.gridoverlay.dht.KademliaDht;
import io.gridoverlay.dht.protocol.KadRecord;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Advertises one node's capacity: signs its {@link CapacityRecord} (a new sequence number and a fresh
 * expiry each time), stores it under the node's own key ({@link CapacityRecordValidator#keyFor}), and
 * registers it under each of its {@linkplain IndexKeys index keys} at the {@linkplain
 * CapacityIndexConfig#replicas() replicas} holders closest to the key, moving one level down its path in the
 * key's shard tree ({@link IndexKey}) while {@link CapacityFinder#HOLDERS_READ} or more of a shard's holders
 * answer FULL (fewer dissenting holders
 * are outvoted: under message loss one holder is often full without this node's entry). A record whose band
 * changed is written under its old keys too, which withdraws the old entries at once. Every
 * {@link CapacityIndexConfig#refreshInterval()} it does it all again; a node that stops (or
 * {@link #close()}s) is gone from the index within one {@link CapacityIndexConfig#recordTtl()}.
 *
 * <p>A refresh does not walk a key's path from the root again: it starts at the parent of the shard its last
 * registration ended in, or at the parent of the highest shard where {@link CapacityFinder#HOLDERS_READ} or
 * more holders stored it if that is higher (a shard it was stored in but moved on from). If that shard has
 * room again the entry moves up (nodes keep filling the upper levels); if it is full, its holders answer
 * FULL, which renews their "this shard sent writers on" mark ({@link CapacityIndexStore}), and the entry is
 * refreshed where it was. Every occupied shard but the root thus keeps its parent full or marked within each
 * refresh interval, which is what readers rely on to descend. A key taken for the first time is walked from
 * the root: about {@code log2(m / shardCapacity)} shards for a value of {@code m} nodes.
 *
 * <p>Runs on the DHT's scheduler (virtual time in the simulator); public methods are thread-safe. Cost of
 * one publication: one lookup per index key and shard tried (usually two per key on a refresh, while the
 * shards do not change) plus {@code replicas} PUT_VALUEs each, and one ordinary put of the record.
 */
public final class CapacityPublisher implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(CapacityPublisher.class);

    private final KademliaDht dht;
    private final PrivateKey key;
    private final CapacityIndexConfig config;
    private final DhtScheduler scheduler;
    /** This node's path down every key's shard tree. */
    private final int path;
    // confined to the scheduler thread
    private CapacityRecord template;
    private SignedRecord<CapacityRecord> current;
    private long lastSeq;
    /** Per key taken: the deepest level written since it was taken (withdrawals go to every level down to it). */
    private final Map<IndexKey, Integer> registered = new LinkedHashMap<>();
    /** Per key taken: the level its last registration ended in (a refresh starts one above it). */
    private final Map<IndexKey, Integer> lastDepth = new HashMap<>();
    private Runnable refreshTask;
    private boolean closed;
    private final java.util.concurrent.atomic.AtomicLong refreshes = new java.util.concurrent.atomic.AtomicLong();
    private final java.util.concurrent.atomic.AtomicLong refreshRequests = new java.util.concurrent.atomic.AtomicLong();

    /**
     * What one publication did: the record, the shard each index key's entry is at home in, the keys withdrawn
     * (the record left their band or value), the keys no holder stored, and the requests sent.
     */
    public record Publication(SignedRecord<CapacityRecord> record, Map<IndexKey, Integer> registered,
                              List<IndexKey> withdrawn, List<IndexKey> failed, int requests) {
        public Publication {
            registered = Map.copyOf(registered);
            withdrawn = List.copyOf(withdrawn);
            failed = List.copyOf(failed);
        }
    }

    private CapacityPublisher(KademliaDht dht, PrivateKey key, CapacityIndexConfig config) {
        this.dht = Objects.requireNonNull(dht, "dht");
        this.key = Objects.requireNonNull(key, "key");
        this.config = Objects.requireNonNull(config, "config");
        this.scheduler = dht.scheduler();
        this.path = IndexKey.path(dht.self());
        if (!key.peerId().equals(dht.self())) {
            throw new IllegalArgumentException("capacity of " + dht.self() + " cannot be signed by " + key.peerId());
        }
    }

    /** A publisher for the node of {@code dht}, signing with {@code key} (the node's identity key). */
    public static CapacityPublisher create(KademliaDht dht, PrivateKey key, CapacityIndexConfig config) {
        return new CapacityPublisher(dht, key, config);
    }

    /**
     * Publishes {@code capacity} now (its seq, issue time and expiry are replaced) and keeps it fresh every
     * refresh interval until the next call or {@link #close()}.
     */
    public CompletableFuture<Publication> publish(CapacityRecord capacity) {
        if (!capacity.nodeId().equals(dht.self())) {
            throw new IllegalArgumentException("capacity record names " + capacity.nodeId() + ", not this node "
                    + dht.self());
        }
        CompletableFuture<Publication> result = new CompletableFuture<>();
        scheduler.execute(() -> {
            if (closed) {
                result.completeExceptionally(new IllegalStateException("capacity publisher closed"));
                return;
            }
            template = capacity;
            publishNow().whenComplete((p, e) -> {
                if (e != null) {
                    result.completeExceptionally(e);
                } else {
                    result.complete(p);
                }
            });
            scheduleRefresh();
        });
        return result;
    }

    /** The record last published, if any. */
    public CompletableFuture<Optional<SignedRecord<CapacityRecord>>> current() {
        CompletableFuture<Optional<SignedRecord<CapacityRecord>>> f = new CompletableFuture<>();
        scheduler.execute(() -> f.complete(Optional.ofNullable(current)));
        return f;
    }

    private void scheduleRefresh() {
        if (refreshTask != null) {
            refreshTask.run();
        }
        refreshTask = scheduler.schedule(this::refresh, config.refreshInterval().toNanos());
    }

    private void refresh() {
        if (closed || template == null) {
            return;
        }
        publishNow().whenComplete((p, e) -> {
            if (e != null) {
                LOG.debug("capacity refresh of {} failed", dht.self(), e);
            } else {
                refreshes.incrementAndGet();
                refreshRequests.addAndGet(p.requests());
            }
        });
        refreshTask = scheduler.schedule(this::refresh, config.refreshInterval().toNanos());
    }

    /** Signs the template afresh and registers it; on the scheduler thread. */
    private CompletableFuture<Publication> publishNow() {
        Instant now = scheduler.now();
        long seq = Math.max(lastSeq + 1, now.toEpochMilli());
        lastSeq = seq;
        CapacityRecord r = template.toBuilder().seq(seq).issuedAt(now).expiresAt(now.plus(config.recordTtl())).build();
        SignedRecord<CapacityRecord> signed = r.sign(key);
        current = signed;
        byte[] bytes = signed.toBytes();
        List<IndexKey> keys = IndexKeys.of(r);
        List<IndexKey> stale = new ArrayList<>();
        for (IndexKey k : registered.keySet()) {
            if (!keys.contains(k)) {
                stale.add(k);
            }
        }
        Map<IndexKey, Integer> done = new HashMap<>();
        List<IndexKey> failed = new ArrayList<>();
        List<IndexKey> withdrawn = new ArrayList<>();
        int[] requests = {0};
        List<CompletableFuture<?>> all = new ArrayList<>();
        all.add(dht.putValue(CapacityRecordValidator.keyFor(dht.self()), bytes).exceptionally(e -> {
            LOG.debug("storing the capacity record of {} failed", dht.self(), e);
            return 0;
        }));
        for (IndexKey k : keys) {
            Integer last = lastDepth.get(k);
            int start = last == null ? 0 : Math.max(0, last - 1);
            int[] deepest = {-1};
            int[] highest = {Integer.MAX_VALUE};
            all.add(register(k, start, bytes, requests, deepest, highest).thenAccept(depth -> {
                if (depth >= 0) {
                    done.put(k, IndexKey.pathShard(path, depth));
                    // the next refresh starts above the highest level that kept the entry: a shard it was stored
                    // in but moved on from (its holders split by a race) must not be left with its parent
                    // unvisited, or that parent can keep room and no "full" mark while entries sit below it
                    lastDepth.put(k, Math.min(depth, highest[0]));
                }
                if (deepest[0] >= 0) {
                    // the deepest level written since the key was taken: withdrawals go to every level down to it
                    registered.merge(k, deepest[0], Math::max);
                }
                if (depth < 0) {
                    failed.add(k);
                }
            }));
        }
        for (IndexKey k : stale) {
            int deepest = registered.remove(k);
            lastDepth.remove(k);
            withdrawn.add(k);
            // registering walked levels 0..deepest of the path and may have left entries at some holders of each
            for (int depth = 0; depth <= deepest; depth++) {
                all.add(withdraw(KadRecord.of(k.shard(IndexKey.pathShard(path, depth)).bytes(), bytes), requests,
                        true));
            }
        }
        return CompletableFuture.allOf(all.toArray(CompletableFuture[]::new))
                .handle((v, e) -> new Publication(signed, done, withdrawn, failed, requests[0]));
    }

    /**
     * Writes the new record under an old key's shard, which makes its holders drop the old entry. It goes to
     * twice {@code replicas} closest peers: under message loss each refresh's lookup finds a slightly different
     * closest set, so over several refreshes the entry reached more than {@code replicas} holders. When a
     * write was lost (no answer), the whole withdrawal runs once more (a new lookup reaches a new set).
     */
    private CompletableFuture<Void> withdraw(KadRecord record, int[] requests, boolean retry) {
        return dht.putToClosest(record, 2 * config.replicas()).thenCompose(o -> {
            requests[0] += o.lookup().requests() + o.outcomes().size();
            boolean lost = o.outcomes().stream().anyMatch(out -> out.echoed().isEmpty());
            return retry && lost ? withdraw(record, requests, false) : CompletableFuture.completedFuture(null);
        });
    }

    /**
     * Writes under {@code k} down this node's path from level {@code depth}; completes with the level the entry
     * is at home in (where most holders that answered stored it), or -1; {@code deepest[0]} becomes the deepest
     * level written and {@code highest[0]} the highest where at least {@link CapacityFinder#HOLDERS_READ} holders
     * stored it.
     *
     * <p>Holders of one shard can disagree: concurrent writers race for its last places, and under message loss
     * a holder that lost this node's earlier writes, or that a lookup newly counts among the closest, may be
     * full without it (or carry more than its share). Every holder that answered FULL tells readers to walk
     * on, and a reader unions {@link CapacityFinder#HOLDERS_READ} holders. So the entry moves on down the path
     * when at least that many holders dissent (a reader could read only dissenters, and they send it on);
     * otherwise it stays at home here, and every reader of this shard reads at least one holder that keeps it.
     * Moving on for any single dissent (as before) made writers under loss climb a shard at almost every
     * refresh, leaving entries in many shards and the lower shards to lapse under readers (finding 9 of
     * docs/capacity-simulation.md). Moving on or not, the holders that stored the entry keep it.
     */
    private CompletableFuture<Integer> register(IndexKey k, int depth, byte[] bytes, int[] requests, int[] deepest,
                                                int[] highest) {
        IndexKey shard = k.shard(IndexKey.pathShard(path, depth));
        return dht.putToClosest(KadRecord.of(shard.bytes(), bytes), config.replicas()).thenCompose(o -> {
            requests[0] += o.lookup().requests() + o.outcomes().size();
            int stored = 0;
            int full = 0;
            for (KademliaDht.PutOutcome out : o.outcomes()) {
                if (out.echoed().isEmpty()) {
                    continue;
                }
                Optional<IndexAck> ack = IndexAck.ofTimeReceived(out.echoed().get().timeReceived());
                if (ack.isEmpty()) {
                    LOG.debug("{} answered an index write without an index outcome", out.peer());
                } else if (ack.get() == IndexAck.STORED) {
                    stored++;
                } else if (ack.get() == IndexAck.FULL) {
                    full++;
                }
            }
            deepest[0] = Math.max(deepest[0], depth); // written (a lost answer may hide a stored entry)
            if (stored >= CapacityFinder.HOLDERS_READ) {
                highest[0] = Math.min(highest[0], depth);
            }
            boolean movesOn = full > 0 && full >= Math.min(CapacityFinder.HOLDERS_READ, stored + full);
            if (movesOn && depth < IndexKey.MAX_DEPTH) {
                return register(k, depth + 1, bytes, requests, deepest, highest); // moves on down
            }
            return CompletableFuture.completedFuture(stored > 0 ? depth : -1);
        });
    }

    /** Refreshes completed so far (publications this publisher ran on its own, every refresh interval). */
    public long refreshes() {
        return refreshes.get();
    }

    /** Requests those refreshes sent in all (lookups and PUT_VALUEs, as {@link Publication#requests()}). */
    public long refreshRequests() {
        return refreshRequests.get();
    }

    /** Stops refreshing; the entries lapse within one record TTL. */
    @Override
    public void close() {
        scheduler.execute(() -> {
            closed = true;
            if (refreshTask != null) {
                refreshTask.run();
                refreshTask = null;
            }
        });
    }
}
