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
 * CapacityIndexConfig#replicas() replicas} holders closest to the key, moving to the next shard while
 * {@link CapacityFinder#HOLDERS_READ} or more of a shard's holders answer FULL (fewer dissenting holders
 * are outvoted: under message loss one holder is often full without this node's entry). A record whose band
 * changed is written under its old keys too, which withdraws the old entries at once. Every
 * {@link CapacityIndexConfig#refreshInterval()} it does it all again; a node that stops (or
 * {@link #close()}s) is gone from the index within one {@link CapacityIndexConfig#recordTtl()}.
 *
 * <p>A refresh does not walk a key's shards from 0 again: it starts one shard below the shard its last
 * registration ended in, or below the lowest shard where {@link CapacityFinder#HOLDERS_READ} or more holders
 * stored it if that is lower (a shard it was stored in but moved on from). If that shard has room again the
 * entry moves down (nodes keep filling the lowest shards); if it is full, its holders answer FULL, which
 * renews their "this shard sent writers on" mark ({@link CapacityIndexStore}), and the entry is refreshed
 * where it was. Every occupied shard above 0 thus keeps the shard below it full or marked within each refresh
 * interval, which is what readers rely on to walk on. A key taken for the first time is walked from shard 0.
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
    // confined to the scheduler thread
    private CapacityRecord template;
    private SignedRecord<CapacityRecord> current;
    private long lastSeq;
    /** Per key taken: the highest shard written since it was taken (withdrawals go to every shard up to it). */
    private final Map<IndexKey, Integer> registered = new LinkedHashMap<>();
    /** Per key taken: the shard its last registration ended in (a refresh starts one below it). */
    private final Map<IndexKey, Integer> lastShard = new HashMap<>();
    private Runnable refreshTask;
    private boolean closed;
    private final java.util.concurrent.atomic.AtomicLong refreshes = new java.util.concurrent.atomic.AtomicLong();
    private final java.util.concurrent.atomic.AtomicLong refreshRequests = new java.util.concurrent.atomic.AtomicLong();

    /** What one publication did. */
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
            Integer last = lastShard.get(k);
            int start = last == null ? 0 : Math.max(0, last - 1);
            int[] highest = {-1};
            int[] lowest = {Integer.MAX_VALUE};
            all.add(register(k, start, bytes, requests, highest, lowest).thenAccept(shard -> {
                if (shard >= 0) {
                    done.put(k, shard);
                    // the next refresh starts below the lowest shard that kept the entry: a shard it was stored in
                    // but moved on from (its holders split by a race) must not be left with the shard below it
                    // unvisited, or that shard can keep room and no "full" mark while entries sit above it
                    lastShard.put(k, Math.min(shard, lowest[0]));
                }
                if (highest[0] >= 0) {
                    // the highest shard written since the key was taken: withdrawals go to every shard up to it
                    registered.merge(k, highest[0], Math::max);
                }
                if (shard < 0) {
                    failed.add(k);
                }
            }));
        }
        for (IndexKey k : stale) {
            int highest = registered.remove(k);
            lastShard.remove(k);
            withdrawn.add(k);
            // registering walked shards 0..highest and may have left entries at some holders of each
            for (int shard = 0; shard <= highest; shard++) {
                all.add(withdraw(KadRecord.of(k.shard(shard).bytes(), bytes), requests, true));
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
     * Writes under {@code k} from {@code shard} on; completes with the shard the entry is at home in (where most
     * holders that answered stored it), or -1; {@code highest[0]} becomes the highest shard written and
     * {@code lowest[0]} the lowest where at least {@link CapacityFinder#HOLDERS_READ} holders stored it.
     *
     * <p>Holders of one shard can disagree: concurrent writers race for its last places, and under message loss
     * a holder that lost this node's earlier writes, or that a lookup newly counts among the closest, may be
     * full without it (or carry more than its share). Every holder that answered FULL tells readers to walk
     * on, and a reader unions {@link CapacityFinder#HOLDERS_READ} holders. So the entry moves on to the next
     * shard when at least that many holders dissent (a reader could read only dissenters, and they send it on);
     * otherwise it stays at home here, and every reader of this shard reads at least one holder that keeps it.
     * Moving on for any single dissent (as before) made writers under loss climb a shard at almost every
     * refresh, leaving entries in many shards and the lower shards to lapse under readers (finding 9 of
     * docs/capacity-simulation.md). Moving on or not, the holders that stored the entry keep it.
     */
    private CompletableFuture<Integer> register(IndexKey k, int shard, byte[] bytes, int[] requests, int[] highest,
                                                int[] lowest) {
        return dht.putToClosest(KadRecord.of(k.shard(shard).bytes(), bytes), config.replicas()).thenCompose(o -> {
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
            highest[0] = Math.max(highest[0], shard); // written (a lost answer may hide a stored entry)
            if (stored >= CapacityFinder.HOLDERS_READ) {
                lowest[0] = Math.min(lowest[0], shard);
            }
            boolean movesOn = full > 0 && full >= Math.min(CapacityFinder.HOLDERS_READ, stored + full);
            if (movesOn && shard < IndexKey.MAX_SHARD) {
                return register(k, shard + 1, bytes, requests, highest, lowest); // moves on
            }
            return CompletableFuture.completedFuture(stored > 0 ? shard : -1);
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
