package io.gridoverlay.dht;

import io.gridoverlay.dht.protocol.PeerInfo;
import io.gridoverlay.dht.routing.Key;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * The periodic jobs of one {@link KademliaDht} node (as rust-libp2p keeps them in {@code jobs.rs}): the
 * random-walk bucket refresh, the stale-peer check, and the republish of values and reprovide of keys this
 * node published. Every method runs on the node's scheduler thread, where all of this state is confined;
 * the node calls them from there.
 */
final class DhtJobs {
    /**
     * The stale-peer check examines one of this many slices of the routing table (by key hash) per
     * {@code interval / STALE_CHECK_SLICES}, so each peer is examined once per interval and the pings spread
     * over it instead of a burst every interval.
     */
    static final int STALE_CHECK_SLICES = 16;

    /** Checks at most this many stale peers at once (all at once exhausted the memory of large simulations). */
    static final int STALE_CHECK_PARALLELISM = 8;

    private final KademliaDht dht;
    private final DhtScheduler scheduler;
    private final Random random;
    private final Duration refreshInterval;
    private final Duration staleCheckInterval;
    private final Duration republishInterval;
    private final Duration reprovideInterval;
    /** Values this node published, re-put every republish interval. */
    private final Map<ByteBuffer, byte[]> published = new HashMap<>();
    /** Keys this node provides, re-announced every reprovide interval. */
    private final Set<ByteBuffer> provided = new HashSet<>();
    private volatile Runnable refreshTask;
    private volatile Runnable staleCheckTask;
    private volatile Runnable republishTask;
    private volatile Runnable reprovideTask;

    DhtJobs(KademliaDht dht, DhtScheduler scheduler, DhtConfig config, long seed) {
        this.dht = dht;
        this.scheduler = scheduler;
        this.random = new Random(seed);
        this.refreshInterval = config.refreshInterval();
        this.staleCheckInterval = config.staleCheckInterval();
        this.republishInterval = config.republishInterval();
        this.reprovideInterval = config.reprovideInterval();
    }

    /** Starts the refresh and the stale check if they are not running. */
    void startMaintenance() {
        startRefresh();
        startStaleCheck();
    }

    private void startStaleCheck() {
        if (staleCheckInterval.isZero() || staleCheckTask != null || dht.isClosed()) {
            return;
        }
        long interval = staleCheckInterval.toNanos();
        long tick = Math.max(1, interval / STALE_CHECK_SLICES);
        int[] slice = {0};
        Runnable[] task = new Runnable[1];
        task[0] = () -> {
            if (dht.isClosed()) {
                return;
            }
            checkStalePeers(interval, slice[0]);
            slice[0] = (slice[0] + 1) % STALE_CHECK_SLICES;
            staleCheckTask = scheduler.schedule(task[0], tick);
        };
        // a random phase, so that nodes started together do not check together
        staleCheckTask = scheduler.schedule(task[0], (long) (random.nextDouble() * tick));
    }

    /** The stale-check slice of a table peer: a uniform function of its key. */
    static int staleCheckSlice(Key key) {
        return Math.floorMod(key.hashCode(), STALE_CHECK_SLICES);
    }

    /**
     * Pings every routing-table peer of slice {@code slice} ({@link #staleCheckSlice}; -1 = every slice) not
     * heard from (no answer to us, no request from it) within {@code maxAgeNanos} and evicts those that fail
     * the liveness pings, promoting a replacement (go-libp2p-kad-dht checks such peers before each table
     * refresh). Without it a peer that crashed stays in a bucket that is not full until this node happens to
     * query it, and is handed out in answers meanwhile, crowding live peers out of the k closest. At most
     * {@link #STALE_CHECK_PARALLELISM} checks run at once. Returns the number of peers to check.
     */
    int checkStalePeers(long maxAgeNanos, int slice) {
        List<PeerInfo> stale = dht.peersNotHeardWithin(maxAgeNanos, key -> slice < 0 || staleCheckSlice(key) == slice);
        if (stale.isEmpty()) {
            return 0;
        }
        ArrayDeque<PeerInfo> queue = new ArrayDeque<>(stale);
        for (int i = 0; i < STALE_CHECK_PARALLELISM; i++) {
            nextStaleCheck(queue);
        }
        return stale.size();
    }

    /** Starts the check of the next queued stale peer; each finished check starts the next. */
    private void nextStaleCheck(ArrayDeque<PeerInfo> queue) {
        PeerInfo peer = queue.poll();
        if (peer == null || dht.isClosed()) {
            return;
        }
        dht.confirmOrEvict(peer).whenComplete((v, e) -> scheduler.execute(() -> nextStaleCheck(queue)));
    }

    private void startRefresh() {
        if (refreshInterval.isZero() || refreshTask != null || dht.isClosed()) {
            return;
        }
        long interval = refreshInterval.toNanos();
        Runnable[] self = new Runnable[1];
        self[0] = () -> {
            if (dht.isClosed()) {
                return;
            }
            refreshBuckets(interval).whenComplete((v, e) -> refreshTask = scheduler.schedule(self[0], interval));
        };
        refreshTask = scheduler.schedule(self[0], interval);
    }

    /**
     * Looks up a random key in every bucket (down to the lowest non-empty) not looked up within {@code nanos}
     * ({@link Long#MAX_VALUE}: every bucket). Called on the scheduler thread.
     */
    CompletableFuture<Void> refreshBuckets(long nanos) {
        int[] due = dht.bucketsDueForRefresh(nanos == Long.MAX_VALUE ? 0 : nanos);
        List<CompletableFuture<LookupResult>> walks = new ArrayList<>();
        for (int index : due) {
            Key target = Key.randomInBucket(dht.selfKey(), index, random);
            walks.add(dht.lookupKey(target));
        }
        return CompletableFuture.allOf(walks.toArray(CompletableFuture[]::new));
    }

    /** Remembers a value this node published, for the republish job. */
    void published(byte[] key, byte[] value) {
        published.put(ByteBuffer.wrap(key), value);
        startRepublishing();
    }

    /** Remembers a key this node provides, for the reprovide job. */
    void provided(byte[] key) {
        provided.add(ByteBuffer.wrap(key));
        startRepublishing();
    }

    /** Forgets {@code key}: neither republished nor reprovided any more. */
    void forget(byte[] key) {
        published.remove(ByteBuffer.wrap(key));
        provided.remove(ByteBuffer.wrap(key));
    }

    /** Starts the republish (values, every hour by default) and reprovide (every 22 h) jobs once. */
    private void startRepublishing() {
        if (dht.isClosed()) {
            return;
        }
        if (republishTask == null && !republishInterval.isZero() && !published.isEmpty()) {
            republishTask = scheduler.schedule(this::republishNow, republishInterval.toNanos());
        }
        if (reprovideTask == null && !reprovideInterval.isZero() && !provided.isEmpty()) {
            reprovideTask = scheduler.schedule(this::reprovideNow, reprovideInterval.toNanos());
        }
    }

    /** Re-puts every value this node published to the then-closest peers; expired or superseded ones are dropped. */
    private void republishNow() {
        if (dht.isClosed()) {
            return;
        }
        published.entrySet().removeIf(e -> !dht.republish(e.getKey().array(), e.getValue()));
        republishTask = scheduler.schedule(this::republishNow, republishInterval.toNanos());
    }

    /** Re-announces every provided key. */
    private void reprovideNow() {
        if (dht.isClosed()) {
            return;
        }
        for (ByteBuffer k : provided) {
            dht.reprovide(k.array());
        }
        reprovideTask = scheduler.schedule(this::reprovideNow, reprovideInterval.toNanos());
    }

    /** Cancels every scheduled job. */
    void cancel() {
        for (Runnable r : new Runnable[] {refreshTask, staleCheckTask, republishTask, reprovideTask}) {
            if (r != null) {
                r.run();
            }
        }
    }
}
