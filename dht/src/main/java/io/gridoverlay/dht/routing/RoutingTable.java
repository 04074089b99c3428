package io.gridoverlay.dht.routing;


import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.function.BiConsumer;

/**
 * A Kademlia routing table around a local key: 256 {@link KBucket}s (allocated on first use), admission
 * of DHT-server peers through a {@link PeerDiversityFilter}, closest-k selection without a full sort, and
 * bucket-refresh bookkeeping. Generic over the peer value {@code V} (later a peer id with addresses), as
 * rust-libp2p's {@code KBucketsTable<TKey, TVal>}.
 *
 * <p>Bucket {@code i} holds the peers whose {@link Key#bucketIndex bucket index} relative to the local
 * key is {@code i}, i.e. whose XOR distance to the local key lies in [2^i, 2^(i+1)).
 *
 * <p>Costs: {@link #tryAdd} of a known peer O(k), allocation-free (after the filter call, which the
 * default filter skips when the peer's group is unchanged); {@link #closest} O(sum of the visited buckets'
 * sizes) word compares plus O(k) per kept candidate, with no allocation; {@link #size()} O(1).
 *
 * <p>Not thread-safe: confine a table to one thread (the DHT's event loop) — the single owner of
 * routing state.
 *
 * @param <V> the peer value type
 */
public final class RoutingTable<V> {
    /** "Never": a bucket never looked up, a peer never heard from. */
    public static final long NEVER = Long.MIN_VALUE;

    private final Key localKey;
    private final RoutingTableConfig config;
    private final PeerDiversityFilter filter;
    @SuppressWarnings("unchecked")
    private final KBucket<V>[] buckets = new KBucket[Key.BITS];
    /** Bit b (laid out like a key: word 3 - b/64, bit b%64) is set iff bucket b is non-empty. */
    private final long[] nonEmpty = new long[4];
    private final long[] lastLookup = new long[Key.BITS];
    private int size;

    /** A table using the diversity filter described by {@code config}. */
    public RoutingTable(Key localKey, RoutingTableConfig config) {
        this(localKey, config, config.newDiversityFilter());
    }

    /** A table using a custom diversity policy (the config's diversity limits are then ignored). */
    public RoutingTable(Key localKey, RoutingTableConfig config, PeerDiversityFilter filter) {
        this.localKey = Objects.requireNonNull(localKey, "localKey");
        this.config = Objects.requireNonNull(config, "config");
        this.filter = Objects.requireNonNull(filter, "filter");
        Arrays.fill(lastLookup, NEVER);
    }

    /** The local key. */
    public Key localKey() {
        return localKey;
    }

    /** The configuration. */
    public RoutingTableConfig config() {
        return config;
    }

    /**
     * Offers a peer. Only peers that answered as DHT servers enter; a known peer that no longer does is
     * removed (as go-libp2p-kad-dht drops peers that stop speaking the DHT protocol). See
     * {@link KBucket#add} for the rest.
     *
     * @param isDhtServer whether the peer answered a Kad request / advertises the Kad protocol as server
     * @param group       the peer's IP group, derived by the caller (see {@link IpGroup#of})
     */
    public AddResult tryAdd(Key key, V value, boolean isDhtServer, IpGroup group) {
        int b = localKey.bucketIndex(key);
        if (b < 0) {
            return AddResult.SELF;
        }
        if (!isDhtServer) {
            remove(key);
            return AddResult.REJECTED_NOT_SERVER;
        }
        KBucket<V> bucket = buckets[b];
        if (bucket == null) {
            bucket = new KBucket<>(b, config, filter);
            buckets[b] = bucket;
        }
        int before = bucket.size();
        AddResult result = bucket.add(key, value, group);
        sizeChanged(b, before, bucket.size());
        return result;
    }

    /** Removes a peer (promoting a replacement into its slot); returns whether it was in a bucket. */
    public boolean remove(Key key) {
        KBucket<V> bucket = bucketOf(key);
        if (bucket == null) {
            return false;
        }
        int before = bucket.size();
        boolean removed = bucket.remove(key);
        sizeChanged(bucket.index(), before, bucket.size());
        return removed;
    }

    /**
     * The liveness check of {@code key} failed: evict it and promote a replacement. Returns the promoted
     * key, or null. See {@link KBucket#markFailed}.
     */
    public Key markFailed(Key key) {
        KBucket<V> bucket = bucketOf(key);
        if (bucket == null) {
            return null;
        }
        int before = bucket.size();
        Key promoted = bucket.markFailed(key);
        sizeChanged(bucket.index(), before, bucket.size());
        return promoted;
    }

    /**
     * The least recently seen peer of the bucket {@code key} falls in: the one to liveness-check after
     * {@link AddResult#BUCKET_FULL_PENDING}. Null if that bucket is empty or {@code key} is the local key.
     */
    public Key leastRecentlySeenInBucketOf(Key key) {
        KBucket<V> bucket = bucketOf(key);
        return bucket == null ? null : bucket.leastRecentlySeen();
    }

    /** Whether {@code key} is in the table (not counting replacement caches). */
    public boolean contains(Key key) {
        KBucket<V> bucket = bucketOf(key);
        return bucket != null && bucket.contains(key);
    }

    /** The value stored for {@code key}, or null. */
    public V get(Key key) {
        KBucket<V> bucket = bucketOf(key);
        return bucket == null ? null : bucket.get(key);
    }

    /**
     * When {@code key} was last heard from, as noted with {@link #setLastHeard}; {@link #NEVER} if never
     * noted or not in the table. O(k), allocation-free.
     */
    public long lastHeard(Key key) {
        KBucket<V> bucket = bucketOf(key);
        int i = bucket == null ? -1 : bucket.indexOf(key);
        return i < 0 ? NEVER : bucket.lastHeardAt(i);
    }

    /**
     * Notes that {@code key} was heard from at {@code nanos} (the owner's clock) without changing its
     * position; returns false (and notes nothing) if the peer is not in the table. The note lives as long as
     * the entry: a peer promoted from the replacement cache starts at {@link #NEVER}. O(k).
     */
    public boolean setLastHeard(Key key, long nanos) {
        KBucket<V> bucket = bucketOf(key);
        int i = bucket == null ? -1 : bucket.indexOf(key);
        if (i < 0) {
            return false;
        }
        bucket.setLastHeardAt(i, nanos);
        return true;
    }

    /**
     * The owner's round-trip note for {@code key} (opaque to the table; the DHT stores a packed
     * {@code io.gridoverlay.dht.internal.query.RttEstimate}); 0 if never set or not in the table. O(k).
     */
    public long rtt(Key key) {
        KBucket<V> bucket = bucketOf(key);
        int i = bucket == null ? -1 : bucket.indexOf(key);
        return i < 0 ? 0 : bucket.rttAt(i);
    }

    /** Sets the owner's round-trip note for {@code key}; returns false if the peer is not in the table. O(k). */
    public boolean setRtt(Key key, long rtt) {
        KBucket<V> bucket = bucketOf(key);
        int i = bucket == null ? -1 : bucket.indexOf(key);
        if (i < 0) {
            return false;
        }
        bucket.setRttAt(i, rtt);
        return true;
    }

    /** Receives one table entry with the owner's last-heard note (see {@link #forEachHeard}). */
    @FunctionalInterface
    public interface HeardVisitor<V> {
        /** Visits {@code key} with {@code value}, last heard from at {@code lastHeard} ({@link #NEVER} if never). */
        void visit(Key key, V value, long lastHeard);
    }

    /** Visits every peer with its last-heard note, bucket 0 to 255, least recently seen first within a bucket. */
    public void forEachHeard(HeardVisitor<? super V> visitor) {
        for (KBucket<V> bucket : buckets) {
            if (bucket != null) {
                for (int i = 0; i < bucket.size(); i++) {
                    visitor.visit(bucket.keyAt(i), bucket.valueAt(i), bucket.lastHeardAt(i));
                }
            }
        }
    }

    /** The bucket at {@code index}, or null if never used; for tests in this package only. */
    KBucket<V> bucketAt(int index) {
        return buckets[index];
    }

    private KBucket<V> bucketOf(Key key) {
        int b = localKey.bucketIndex(key);
        return b < 0 ? null : buckets[b];
    }

    private void sizeChanged(int b, int before, int after) {
        size += after - before;
        int w = 3 - (b >>> 6);
        long bit = 1L << (b & 63);
        if (after == 0) {
            nonEmpty[w] &= ~bit;
        } else {
            nonEmpty[w] |= bit;
        }
    }

    /** Number of peers in the table. O(1). */
    public int size() {
        return size;
    }

    /** Number of peers in bucket {@code index}. */
    public int bucketSize(int index) {
        Key.checkBucketIndex(index);
        KBucket<V> bucket = buckets[index];
        return bucket == null ? 0 : bucket.size();
    }

    /** Peers per bucket, indexed by bucket index (a new array; for metrics). */
    public int[] peersPerBucket() {
        int[] out = new int[Key.BITS];
        for (int b = 0; b < Key.BITS; b++) {
            out[b] = buckets[b] == null ? 0 : buckets[b].size();
        }
        return out;
    }

    /** Visits every peer, bucket 0 to 255, least recently seen first within a bucket. */
    public void forEach(BiConsumer<Key, ? super V> action) {
        for (KBucket<V> bucket : buckets) {
            if (bucket != null) {
                for (int i = 0; i < bucket.size(); i++) {
                    action.accept(bucket.keyAt(i), bucket.valueAt(i));
                }
            }
        }
    }

    /**
     * Fills {@code out} with the {@code min(k, size())} peers closest to {@code target}, closest first.
     * Allocation-free; {@code k} must not exceed {@code out.capacity()}.
     *
     * <h4>Visiting order (why no full sort is needed)</h4>
     * Let L be the local key, T the target and d = L ^ T. A peer P in bucket j has e = L ^ P with highest
     * set bit j, and its distance to the target is P ^ T = e ^ d. Compare buckets by that distance:
     * <ul>
     *   <li>bits above j of P ^ T equal those of d (e is zero there), and bit j of P ^ T is
     *       {@code NOT d[j]}; the bits below j vary inside the bucket.</li>
     *   <li>Take two buckets j1 &gt; j2. Above j1 both distances equal d. At bit j1, bucket j1 has
     *       {@code NOT d[j1]} and bucket j2 has {@code d[j1]}. So if d[j1] = 1, every peer of j1 is
     *       closer than every peer of j2; if d[j1] = 0, every peer of j2 is closer.</li>
     * </ul>
     * Hence buckets are totally ordered by distance, no two overlap, and the order is: first the buckets
     * j with d[j] = 1 by <em>decreasing</em> j (the first being the target's own bucket, j = highest set
     * bit of d), then the buckets with d[j] = 0 by <em>increasing</em> j. (Check: for j1 &gt; j2 both with
     * d = 1, j1 comes first; both with d = 0, j2 first; j1 with d = 1 before any j2; j2 with d = 1 before
     * j1 with d = 0 — all four cases agree with the rule above.) The local key itself would sit, at
     * distance d, between the two phases. This is rust-libp2p's {@code ClosestBucketsIter} (zoom in over
     * set bits, zoom out over clear bits). Empty buckets are skipped with a 256-bit non-empty mask.
     *
     * <p>So the walk collects whole buckets in order and stops as soon as k peers are held after a
     * bucket: every later bucket is strictly farther. Within a bucket, a bounded insertion sort keeps the
     * k best. Cost: O(sum of visited bucket sizes) compares, usually one or two buckets.
     */
    public void closest(Key target, int k, ClosestPeers<? super V> out) {
        Objects.requireNonNull(target, "target");
        out.reset(k);
        if (k == 0 || size == 0) {
            return;
        }
        long t0 = target.w0;
        long t1 = target.w1;
        long t2 = target.w2;
        long t3 = target.w3;
        long d0 = localKey.w0 ^ t0;
        long d1 = localKey.w1 ^ t1;
        long d2 = localKey.w2 ^ t2;
        long d3 = localKey.w3 ^ t3;
        // Phase 1: buckets j with d[j] = 1, decreasing j (word 0 holds buckets 255..192).
        for (int w = 0; w < 4; w++) {
            long m = word(w, d0, d1, d2, d3) & nonEmpty[w];
            while (m != 0) {
                int bit = 63 - Long.numberOfLeadingZeros(m);
                m &= ~(1L << bit);
                buckets[((3 - w) << 6) | bit].collectInto(t0, t1, t2, t3, out);
                if (out.isFull()) {
                    return;
                }
            }
        }
        // Phase 2: buckets j with d[j] = 0, increasing j (word 3 holds buckets 0..63).
        for (int w = 3; w >= 0; w--) {
            long m = ~word(w, d0, d1, d2, d3) & nonEmpty[w];
            while (m != 0) {
                int bit = Long.numberOfTrailingZeros(m);
                m &= m - 1;
                buckets[((3 - w) << 6) | bit].collectInto(t0, t1, t2, t3, out);
                if (out.isFull()) {
                    return;
                }
            }
        }
    }

    private static long word(int w, long d0, long d1, long d2, long d3) {
        switch (w) {
            case 0: return d0;
            case 1: return d1;
            case 2: return d2;
            default: return d3;
        }
    }

    /** The values of the {@code min(k, size())} peers closest to {@code target}, closest first (allocates). */
    public List<V> closestPeers(Key target, int k) {
        if (k < 0) {
            throw new IllegalArgumentException("k must be >= 0, got " + k);
        }
        ClosestPeers<V> out = new ClosestPeers<>(Math.min(k, size));
        closest(target, Math.min(k, size), out);
        return out.values();
    }

    /** Records that a lookup for {@code target} ran at {@code now}, which refreshes the target's bucket. */
    public void recordLookup(Key target, long now) {
        int b = localKey.bucketIndex(target);
        if (b >= 0) {
            lastLookup[b] = now;
        }
    }

    /** Records that bucket {@code index} was refreshed at {@code now}. */
    public void recordBucketLookup(int index, long now) {
        Key.checkBucketIndex(index);
        lastLookup[index] = now;
    }

    /** Time of the last lookup recorded for bucket {@code index}, or {@link Long#MIN_VALUE} if none. */
    public long lastLookup(int index) {
        Key.checkBucketIndex(index);
        return lastLookup[index];
    }

    /**
     * The buckets that need a refresh lookup: among buckets 255 down to the lowest non-empty one (the
     * deepest bucket worth refreshing, as go-libp2p-kbucket's max common prefix; only 255 for an empty
     * table), those with no recorded lookup or none in the last {@code interval}. Times are in any
     * unit, the caller's clock. Highest index first.
     */
    public int[] bucketsDueForRefresh(long now, long interval) {
        if (interval < 0) {
            throw new IllegalArgumentException("interval must be >= 0, got " + interval);
        }
        int lowest = lowestNonEmptyBucket();
        if (lowest < 0) {
            lowest = Key.BITS - 1;
        }
        int[] due = new int[Key.BITS - lowest];
        int n = 0;
        for (int b = Key.BITS - 1; b >= lowest; b--) {
            long last = lastLookup[b];
            if (last == NEVER || now - last >= interval) {
                due[n++] = b;
            }
        }
        return Arrays.copyOf(due, n);
    }

    private int lowestNonEmptyBucket() {
        for (int w = 3; w >= 0; w--) {
            if (nonEmpty[w] != 0) {
                return ((3 - w) << 6) | Long.numberOfTrailingZeros(nonEmpty[w]);
            }
        }
        return -1;
    }
}
