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
 * <p>Storage is struct-of-arrays (key words in one {@code long[]}), so lookups and closest-k scans walk
 * contiguous memory. Costs: {@link #add} of a known peer O(k) with no allocation (find, then shift to
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

    private long[] keyWords;
    private Key[] keys;
    private Object[] values;
    private IpGroup[] groups;
    private int size;

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
        this.keyWords = new long[initial * 4];
        this.keys = new Key[initial];
        this.values = new Object[initial];
        this.groups = new IpGroup[initial];
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
        return keys[i];
    }

    /** Value at position {@code i}, 0 = least recently seen. */
    @SuppressWarnings("unchecked")
    public V valueAt(int i) {
        Objects.checkIndex(i, size);
        return (V) values[i];
    }

    /** IP group recorded for position {@code i}. */
    public IpGroup groupAt(int i) {
        Objects.checkIndex(i, size);
        return groups[i];
    }

    /** The least recently seen peer, which a full bucket asks to be liveness-checked, or null if empty. */
    public Key leastRecentlySeen() {
        return size == 0 ? null : keys[0];
    }

    /** Position of {@code key} in the bucket, or -1. O(size), allocation-free. */
    public int indexOf(Key key) {
        long k0 = key.w0;
        long[] kw = keyWords;
        for (int i = 0, n = size; i < n; i++) {
            int o = i << 2;
            if (kw[o] == k0 && kw[o + 1] == key.w1 && kw[o + 2] == key.w2 && kw[o + 3] == key.w3) {
                return i;
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
        return i < 0 ? null : (V) values[i];
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
        IpGroup old = groups[i];
        if (!old.equals(group)) {
            filter.onRemoved(old, index);
            if (!filter.allow(group, index)) {
                removeAt(i, false);
                promote();
                return AddResult.REJECTED_DIVERSITY;
            }
            filter.onAdded(group, index);
            groups[i] = group;
        }
        values[i] = value;
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
        long[] kw = keyWords;
        Key[] ks = keys;
        Object[] vs = values;
        for (int i = 0, n = size; i < n; i++) {
            int o = i << 2;
            long x0 = kw[o] ^ t0;
            if (Long.compareUnsigned(x0, out.worst0) > 0) {
                continue;
            }
            out.offer(x0, kw[o + 1] ^ t1, kw[o + 2] ^ t2, kw[o + 3] ^ t3, ks[i], vs[i]);
        }
    }

    private void append(Key key, Object value, IpGroup group) {
        if (size == keys.length) {
            int cap = Math.max(4, size * 2);
            keyWords = Arrays.copyOf(keyWords, cap * 4);
            keys = Arrays.copyOf(keys, cap);
            values = Arrays.copyOf(values, cap);
            groups = Arrays.copyOf(groups, cap);
        }
        int o = size << 2;
        keyWords[o] = key.w0;
        keyWords[o + 1] = key.w1;
        keyWords[o + 2] = key.w2;
        keyWords[o + 3] = key.w3;
        keys[size] = key;
        values[size] = value;
        groups[size] = group;
        size++;
        filter.onAdded(group, index);
    }

    private void removeAt(int i, boolean notifyFilter) {
        IpGroup group = groups[i];
        int tail = size - 1 - i;
        System.arraycopy(keyWords, (i + 1) << 2, keyWords, i << 2, tail << 2);
        System.arraycopy(keys, i + 1, keys, i, tail);
        System.arraycopy(values, i + 1, values, i, tail);
        System.arraycopy(groups, i + 1, groups, i, tail);
        size--;
        keys[size] = null;
        values[size] = null;
        groups[size] = null;
        if (notifyFilter) {
            filter.onRemoved(group, index);
        }
    }

    private void moveToTail(int i) {
        int last = size - 1;
        if (i == last) {
            return;
        }
        int o = i << 2;
        long k0 = keyWords[o];
        long k1 = keyWords[o + 1];
        long k2 = keyWords[o + 2];
        long k3 = keyWords[o + 3];
        Key key = keys[i];
        Object value = values[i];
        IpGroup group = groups[i];
        int tail = last - i;
        System.arraycopy(keyWords, o + 4, keyWords, o, tail << 2);
        System.arraycopy(keys, i + 1, keys, i, tail);
        System.arraycopy(values, i + 1, values, i, tail);
        System.arraycopy(groups, i + 1, groups, i, tail);
        int l = last << 2;
        keyWords[l] = k0;
        keyWords[l + 1] = k1;
        keyWords[l + 2] = k2;
        keyWords[l + 3] = k3;
        keys[last] = key;
        values[last] = value;
        groups[last] = group;
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
