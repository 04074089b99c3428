package io.gridoverlay.dht.routing;


import java.util.Arrays;
import java.util.Objects;

/**
 * One Kademlia k-bucket: up to k peers in least-recently-seen order (index 0 = least recently seen,
 * the eviction candidate) plus a bounded replacement cache of peers seen while the bucket was full.
 *
 * <p>Eviction follows Kademlia: a full bucket never drops a peer just because a new one appears. The
 * newcomer goes to the replacement cache ({@link AddResult#BUCKET_FULL_PENDING}); the owner checks the
 * liveness of {@link #leastRecentlySeen()} and, only if that check fails, calls {@link #markFailed},
 * which evicts the stale peer and promotes the most recently seen replacement that the
 * {@link PeerDiversityFilter} allows.
 *
 * <p>Storage keeps the most significant key word of every peer in one dense {@code long[]}, so lookups and
 * closest-k scans mostly read 8 contiguous bytes per peer. Costs: {@link #add} of a known peer O(k) with no allocation (find, then shift to
 * the tail); new peer O(k); {@link #remove}/{@link #markFailed} O(k + cache). With
 * {@link RoutingTableConfig#unboundedBuckets()} the bucket grows without limit, nothing is cached or
 * evicted for capacity, and the order is insertion order (a known peer is not moved, since no
 * least-recently-seen peer is ever needed); lookups are then O(bucket size).
 *
 * <p>Not thread-safe: owned by one routing table and used on its owner's thread.
 *
 * @param <V> the peer value type
 */
public final class KBucket<V> {
    private final int index;
    private final int k;
    private final boolean unbounded;
    private final int cacheCapacity;
    private final PeerDiversityFilter filter;

    /** Most significant key word per slot: the closest-k reject scan reads only this dense array. */
    private long[] hi;
    /** Words 1..3 of each slot's key, three per slot. */
    private long[] lo;
    /** Key, value and group per slot, so that reordering moves one reference per slot. */
    private Slot[] slots;
    private int size;

    /** One bucket entry. The value and group change in place on update; the owner's notes stay. */
    private static final class Slot {
        final Key key;
        Object value;
        IpGroup group;
        /** Owner's note: when the peer was last heard from ({@link RoutingTable#NEVER} until set). */
        long lastHeard = RoutingTable.NEVER;
        /** Owner's note: a packed round-trip estimate (0 until set). */
        long rtt;

        Slot(Key key, Object value, IpGroup group) {
            this.key = key;
            this.value = value;
            this.group = group;
        }
    }

    /** Replacement cache, oldest first. Allocated on first use. */
    private Key[] cacheKeys;
    private Object[] cacheValues;
    private IpGroup[] cacheGroups;
    private int cacheSize;

    /**
     * A bucket with the given index (only used to tell the filter which bucket is meant), sized by
     * {@code config}, admitting peers through {@code filter}.
     */
    public KBucket(int index, RoutingTableConfig config, PeerDiversityFilter filter) {
        Key.checkBucketIndex(index);
        this.index = index;
        this.k = config.k();
        this.unbounded = config.unboundedBuckets();
        this.cacheCapacity = unbounded ? 0 : config.replacementCacheSize();
        this.filter = Objects.requireNonNull(filter, "filter");
        int initial = unbounded ? Math.min(k, 16) : k;
        this.hi = new long[initial];
        this.lo = new long[initial * 3];
        this.slots = new Slot[initial];
    }

    /** This bucket's index (see {@link Key#bucketIndex}). */
    public int index() {
        return index;
    }

    /** Number of peers in the bucket (not counting the replacement cache). */
    public int size() {
        return size;
    }

    /** Whether the bucket holds k peers (never true for unbounded buckets). */
    public boolean isFull() {
        return !unbounded && size >= k;
    }

    /** Number of peers in the replacement cache. */
    public int replacementCount() {
        return cacheSize;
    }

    /** Key of the {@code i}-th replacement candidate, oldest first. */
    public Key replacementKeyAt(int i) {
        Objects.checkIndex(i, cacheSize);
        return cacheKeys[i];
    }

    /** Key at position {@code i}, 0 = least recently seen. */
    public Key keyAt(int i) {
        Objects.checkIndex(i, size);
        return slots[i].key;
    }

    /** Value at position {@code i}, 0 = least recently seen. */
    @SuppressWarnings("unchecked")
    public V valueAt(int i) {
        Objects.checkIndex(i, size);
        return (V) slots[i].value;
    }

    /** IP group recorded for position {@code i}. */
    public IpGroup groupAt(int i) {
        Objects.checkIndex(i, size);
        return slots[i].group;
    }

    /** When the peer at position {@code i} was last heard from, as noted by the owner ({@link RoutingTable#NEVER} if never). */
    public long lastHeardAt(int i) {
        Objects.checkIndex(i, size);
        return slots[i].lastHeard;
    }

    /** Notes when the peer at position {@code i} was last heard from (does not reorder the bucket). */
    public void setLastHeardAt(int i, long nanos) {
        Objects.checkIndex(i, size);
        slots[i].lastHeard = nanos;
    }

    /** The owner's opaque round-trip note for position {@code i} (0 if never set). */
    public long rttAt(int i) {
        Objects.checkIndex(i, size);
        return slots[i].rtt;
    }

    /** Sets the owner's opaque round-trip note for position {@code i}. */
    public void setRttAt(int i, long rtt) {
        Objects.checkIndex(i, size);
        slots[i].rtt = rtt;
    }

    /** The least recently seen peer, which a full bucket asks to be liveness-checked, or null if empty. */
    public Key leastRecentlySeen() {
        return size == 0 ? null : slots[0].key;
    }

    /** Position of {@code key} in the bucket, or -1. O(size), allocation-free. */
    public int indexOf(Key key) {
        long k0 = key.w0;
        long[] h = hi;
        for (int i = 0, n = size; i < n; i++) {
            if (h[i] == k0) {
                int o = i * 3;
                if (lo[o] == key.w1 && lo[o + 1] == key.w2 && lo[o + 2] == key.w3) {
                    return i;
                }
            }
        }
        return -1;
    }

    /** Whether {@code key} is in the bucket (not the cache). */
    public boolean contains(Key key) {
        return indexOf(key) >= 0;
    }

    /** The value of {@code key} in the bucket, or null. */
    @SuppressWarnings("unchecked")
    public V get(Key key) {
        int i = indexOf(key);
        return i < 0 ? null : (V) slots[i].value;
    }

    /**
     * Offers a peer that answered as a DHT server. A known peer is updated and becomes most recently
     * seen (if its IP group changed to one the filter refuses, it is removed and
     * {@link AddResult#REJECTED_DIVERSITY} returned); a new peer is added if there is room and the filter
     * allows it; otherwise it goes to the replacement cache.
     */
    public AddResult add(Key key, V value, IpGroup group) {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(group, "group");
        int i = indexOf(key);
        if (i >= 0) {
            return update(i, value, group);
        }
        if (!filter.allow(group, index)) {
            return AddResult.REJECTED_DIVERSITY;
        }
        if (isFull()) {
            cachePut(key, value, group);
            return AddResult.BUCKET_FULL_PENDING;
        }
        cacheRemove(key);
        append(key, value, group);
        return AddResult.ADDED;
    }

    private AddResult update(int i, V value, IpGroup group) {
        Slot slot = slots[i];
        IpGroup old = slot.group;
        if (old != group && !old.equals(group)) {
            filter.onRemoved(old, index);
            if (!filter.allow(group, index)) {
                removeAt(i, false);
                promote();
                return AddResult.REJECTED_DIVERSITY;
            }
            filter.onAdded(group, index);
            slot.group = group;
        }
        slot.value = value;
        if (!unbounded) {
            moveToTail(i);
        }
        return AddResult.UPDATED;
    }

    /**
     * Removes {@code key} from the bucket (then promotes a replacement into the free slot) or from the
     * replacement cache. Returns whether the key was in the bucket.
     */
    public boolean remove(Key key) {
        int i = indexOf(key);
        if (i < 0) {
            cacheRemove(key);
            return false;
        }
        removeAt(i, true);
        promote();
        return true;
    }

    /**
     * The liveness check of {@code key} failed: evicts it from the bucket and promotes the most recently
     * seen replacement the filter allows, or drops it from the replacement cache. Returns the promoted
     * key, or null if nothing was promoted (key unknown, only cached, or no admissible replacement).
     */
    public Key markFailed(Key key) {
        int i = indexOf(key);
        if (i < 0) {
            cacheRemove(key);
            return null;
        }
        removeAt(i, true);
        return promote();
    }

    /** Offers every peer to {@code out} as a closest-k candidate for the target words t0..t3. */
    void collectInto(long t0, long t1, long t2, long t3, ClosestPeers<?> out) {
        long[] h = hi;
        // Unsigned compare as a signed one of biased values: (x ^ MIN) > (w ^ MIN), x = h[i] ^ t0.
        long t0Biased = t0 ^ Long.MIN_VALUE;
        long worstBiased = out.worst0 ^ Long.MIN_VALUE;
        for (int i = 0, n = size; i < n; i++) {
            long x0Biased = h[i] ^ t0Biased;
            if (x0Biased > worstBiased) {
                continue;
            }
            int o = i * 3;
            Slot slot = slots[i];
            out.offer(x0Biased ^ Long.MIN_VALUE, lo[o] ^ t1, lo[o + 1] ^ t2, lo[o + 2] ^ t3, slot.key,
                    slot.value);
            worstBiased = out.worst0 ^ Long.MIN_VALUE;
        }
    }

    private void append(Key key, Object value, IpGroup group) {
        if (size == slots.length) {
            int cap = Math.max(4, size * 2);
            hi = Arrays.copyOf(hi, cap);
            lo = Arrays.copyOf(lo, cap * 3);
            slots = Arrays.copyOf(slots, cap);
        }
        hi[size] = key.w0;
        int o = size * 3;
        lo[o] = key.w1;
        lo[o + 1] = key.w2;
        lo[o + 2] = key.w3;
        slots[size] = new Slot(key, value, group);
        size++;
        filter.onAdded(group, index);
    }

    private void removeAt(int i, boolean notifyFilter) {
        IpGroup group = slots[i].group;
        int tail = size - 1 - i;
        System.arraycopy(hi, i + 1, hi, i, tail);
        System.arraycopy(lo, (i + 1) * 3, lo, i * 3, tail * 3);
        System.arraycopy(slots, i + 1, slots, i, tail);
        size--;
        slots[size] = null;
        if (notifyFilter) {
            filter.onRemoved(group, index);
        }
    }

    private void moveToTail(int i) {
        int last = size - 1;
        if (i == last) {
            return;
        }
        long h = hi[i];
        int o = i * 3;
        long l1 = lo[o];
        long l2 = lo[o + 1];
        long l3 = lo[o + 2];
        Slot slot = slots[i];
        int tail = last - i;
        System.arraycopy(hi, i + 1, hi, i, tail);
        System.arraycopy(lo, o + 3, lo, o, tail * 3);
        System.arraycopy(slots, i + 1, slots, i, tail);
        hi[last] = h;
        int l = last * 3;
        lo[l] = l1;
        lo[l + 1] = l2;
        lo[l + 2] = l3;
        slots[last] = slot;
    }

    /** Moves the newest admissible replacement into the bucket; returns its key or null. */
    private Key promote() {
        if (isFull()) {
            return null;
        }
        for (int c = cacheSize - 1; c >= 0; c--) {
            IpGroup group = cacheGroups[c];
            if (filter.allow(group, index)) {
                Key key = cacheKeys[c];
                Object value = cacheValues[c];
                cacheRemoveAt(c);
                append(key, value, group);
                return key;
            }
        }
        return null;
    }

    private void cachePut(Key key, Object value, IpGroup group) {
        if (cacheCapacity == 0) {
            return;
        }
        if (cacheKeys == null) {
            cacheKeys = new Key[cacheCapacity];
            cacheValues = new Object[cacheCapacity];
            cacheGroups = new IpGroup[cacheCapacity];
        }
        cacheRemove(key);
        if (cacheSize == cacheCapacity) {
            cacheRemoveAt(0);
        }
        cacheKeys[cacheSize] = key;
        cacheValues[cacheSize] = value;
        cacheGroups[cacheSize] = group;
        cacheSize++;
    }

    private void cacheRemove(Key key) {
        for (int c = 0; c < cacheSize; c++) {
            if (cacheKeys[c].equals(key)) {
                cacheRemoveAt(c);
                return;
            }
        }
    }

    private void cacheRemoveAt(int c) {
        int tail = cacheSize - 1 - c;
        System.arraycopy(cacheKeys, c + 1, cacheKeys, c, tail);
        System.arraycopy(cacheValues, c + 1, cacheValues, c, tail);
        System.arraycopy(cacheGroups, c + 1, cacheGroups, c, tail);
        cacheSize--;
        cacheKeys[cacheSize] = null;
        cacheValues[cacheSize] = null;
        cacheGroups[cacheSize] = null;
    }
}
