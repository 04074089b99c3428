package io.gridoverlay.dht.routing;


import java.util.ArrayList;
import java.util.List;

/**
 * A reusable result buffer for {@link RoutingTable#closest}: up to {@link #capacity()} peers sorted by
 * XOR distance to the last target, closest first. Reusing one buffer makes closest-k allocation-free.
 *
 * <p>Selection is a bounded insertion sort over slot numbers (peers and distances stay in their slots):
 * offering a candidate costs one word compare when it is
 * farther than the current k-th peer (the common case on large tables) and O(k) otherwise.
 * A buffer keeps references to its last result until it is reused (slots are overwritten, not cleared).
 * Not thread-safe; each thread or event loop keeps its own buffer.
 *
 * @param <V> the peer value type
 */
public final class ClosestPeers<V> {
    private final int capacity;
    /** Distances to the target, four words per slot (slots are in no particular order). */
    private final long[] dist;
    private final Key[] keys;
    private final Object[] values;
    /** Slot numbers sorted by distance: only these ints move during the insertion sort. */
    private final int[] order;
    int size;
    private int limit;
    /**
     * Most significant word of the k-th distance once the buffer holds k peers, else all ones, so that
     * "x0 &gt; worst0 (unsigned)" rejects a candidate with one compare.
     */
    long worst0 = -1L;

    /** A buffer for up to {@code capacity} peers. */
    public ClosestPeers(int capacity) {
        if (capacity < 0) {
            throw new IllegalArgumentException("capacity must be >= 0, got " + capacity);
        }
        this.capacity = capacity;
        this.dist = new long[capacity * 4];
        this.keys = new Key[capacity];
        this.values = new Object[capacity];
        this.order = new int[capacity];
    }

    /** Maximum number of peers this buffer holds. */
    public int capacity() {
        return capacity;
    }

    /** Number of peers found by the last query. */
    public int size() {
        return size;
    }

    /** Key of the {@code i}-th closest peer. */
    public Key key(int i) {
        checkIndex(i);
        return keys[order[i]];
    }

    /** Value of the {@code i}-th closest peer. */
    @SuppressWarnings("unchecked")
    public V value(int i) {
        checkIndex(i);
        return (V) values[order[i]];
    }

    /** The values, closest first, as a new list. */
    @SuppressWarnings("unchecked")
    public List<V> values() {
        List<V> out = new ArrayList<>(size);
        for (int i = 0; i < size; i++) {
            out.add((V) values[order[i]]);
        }
        return out;
    }

    /** The keys, closest first, as a new list. */
    public List<Key> keys() {
        List<Key> out = new ArrayList<>(size);
        for (int i = 0; i < size; i++) {
            out.add(keys[order[i]]);
        }
        return out;
    }

    private void checkIndex(int i) {
        if (i < 0 || i >= size) {
            throw new IndexOutOfBoundsException("index " + i + " out of 0.." + (size - 1));
        }
    }

    /** Empties the buffer and prepares it to keep the {@code k} closest offered peers. */
    void reset(int k) {
        if (k < 0 || k > capacity) {
            throw new IllegalArgumentException(
                    "k must be in 0.." + capacity + " (the buffer capacity), got " + k);
        }
        // Slots are overwritten, not cleared: the buffer may keep the last result reachable until reuse.
        size = 0;
        limit = k;
        worst0 = k == 0 ? 0L : -1L;
    }

    /** Whether k peers were collected. */
    boolean isFull() {
        return size == limit;
    }

    /**
     * Offers a candidate at distance (x0,x1,x2,x3). Kept if fewer than k peers are held or it is closer
     * than the k-th, which is then dropped. Candidates must be distinct keys (distances are unique).
     */
    void offer(long x0, long x1, long x2, long x3, Key key, Object value) {
        int n = size;
        int slot;
        if (n == limit) {
            if (n == 0 || !less(x0, x1, x2, x3, order[n - 1])) {
                return;
            }
            n--;
            slot = order[n]; // reuse the dropped k-th peer's slot
        } else {
            slot = n;
        }
        int o = slot << 2;
        long[] d = dist;
        d[o] = x0;
        d[o + 1] = x1;
        d[o + 2] = x2;
        d[o + 3] = x3;
        keys[slot] = key;
        values[slot] = value;
        int[] ord = order;
        int pos = n;
        while (pos > 0 && less(x0, x1, x2, x3, ord[pos - 1])) {
            ord[pos] = ord[pos - 1];
            pos--;
        }
        ord[pos] = slot;
        size = n + 1;
        if (size == limit) {
            worst0 = d[ord[size - 1] << 2];
        }
    }

    /** Whether distance x is less than the distance in {@code slot}. */
    private boolean less(long x0, long x1, long x2, long x3, int slot) {
        int o = slot << 2;
        long y = dist[o];
        if (x0 != y) {
            return Long.compareUnsigned(x0, y) < 0;
        }
        y = dist[o + 1];
        if (x1 != y) {
            return Long.compareUnsigned(x1, y) < 0;
        }
        y = dist[o + 2];
        if (x2 != y) {
            return Long.compareUnsigned(x2, y) < 0;
        }
        return Long.compareUnsigned(x3, dist[o + 3]) < 0;
    }
}
