package io.gridoverlay.dht.sim;

import io.gridoverlay.dht.routing.Key;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Objects;
import java.util.function.IntPredicate;
import java.util.stream.IntStream;

/**
 * The global view a simulator has and no node has: the Kademlia key of every node, for brute-force ground
 * truth ({@link #closest}: the true k closest nodes to a key among those a predicate admits) and for the
 * nodes that belong in a routing-table bucket ({@link #bucketRange}, a contiguous range of the nodes
 * sorted by key, since the bucket of {@code self} with index b holds exactly the keys that share the bits
 * above b with {@code self} and differ at bit b).
 *
 * <p>Immutable after construction (the predicate carries liveness). {@link #closest} costs O(k + log n)
 * typically (O(n) if the predicate admits few nodes); {@link #bucketRange} O(log n); construction
 * O(n log n).
 */
public final class GroundTruth {
    private final Key[] keys;
    private final int[] sorted;
    private final Key[] sortedKeys;

    /** Ground truth over {@code keys}, indexed by node index. */
    public GroundTruth(Key[] keys) {
        this.keys = keys.clone();
        for (int i = 0; i < keys.length; i++) {
            Objects.requireNonNull(keys[i], "key of node " + i);
        }
        this.sorted = IntStream.range(0, keys.length).boxed()
                .sorted(Comparator.comparing(i -> this.keys[i])).mapToInt(Integer::intValue).toArray();
        this.sortedKeys = new Key[keys.length];
        for (int i = 0; i < sorted.length; i++) {
            sortedKeys[i] = this.keys[sorted[i]];
        }
    }

    /** Number of nodes. */
    public int size() {
        return keys.length;
    }

    /** The key of node {@code index}. */
    public Key key(int index) {
        return keys[index];
    }

    /**
     * The (at most) {@code k} nodes closest to {@code target} among those {@code include} admits, closest
     * first. Searches the nodes sorted by key outwards from {@code target}: the nodes whose keys agree with
     * {@code target} above bit b form one contiguous range of that order, and every node in it is closer to
     * {@code target} than every node outside it (their distance is below 2^(b+1), the others' at least
     * that); so the first such range (b = 0, 1, ...) holding k admitted nodes holds the k closest.
     * O(k + log n) predicate calls and comparisons per call when most nodes are admitted, O(n) when few are.
     */
    public int[] closest(Key target, int k, IntPredicate include) {
        int[] best = new int[k];
        int prevFrom = -1;
        int prevTo = -1;
        for (int b = 0; b < Key.BITS; b++) {
            int from = lowerBound(prefixBound(target, b, false));
            int to = upperBound(prefixBound(target, b, true));
            boolean all = from == 0 && to == keys.length;
            if ((to - from < k || (from == prevFrom && to == prevTo)) && !all) {
                continue;
            }
            prevFrom = from;
            prevTo = to;
            int n = select(target, k, include, from, to, best);
            if (n == k || all) {
                return Arrays.copyOf(best, n);
            }
        }
        return new int[0]; // unreachable: b = 255 covers every key
    }

    /** Insertion-selects into {@code best} the k closest admitted nodes at positions [from, to); returns how many. */
    private int select(Key target, int k, IntPredicate include, int from, int to, int[] best) {
        int n = 0;
        for (int p = from; p < to; p++) {
            int i = sorted[p];
            if (!include.test(i)) {
                continue;
            }
            Key key = keys[i];
            if (n == k && target.compareDistance(key, keys[best[n - 1]]) >= 0) {
                continue;
            }
            int pos = n == k ? n - 1 : n;
            while (pos > 0 && target.compareDistance(key, keys[best[pos - 1]]) < 0) {
                best[pos] = best[pos - 1];
                pos--;
            }
            best[pos] = i;
            if (n < k) {
                n++;
            }
        }
        return n;
    }

    /** {@code target} with bits b..0 cleared ({@code high = false}) or set. */
    private static Key prefixBound(Key target, int b, boolean high) {
        long[] w = new long[4];
        int word = 3 - (b >>> 6);
        int bit = b & 63;
        long mask = bit == 63 ? -1L : (1L << (bit + 1)) - 1;
        for (int i = 0; i < 4; i++) {
            long v = target.word(i);
            if (i < word) {
                w[i] = v;
            } else if (i == word) {
                w[i] = high ? v | mask : v & ~mask;
            } else {
                w[i] = high ? -1L : 0L;
            }
        }
        return Key.ofWords(w[0], w[1], w[2], w[3]);
    }

    /**
     * The nodes that belong in bucket {@code bucket} (0..255, rust-libp2p convention: 255 = farthest half)
     * of a table centred on {@code self}, as positions {@code [from, to)} in key order; read them with
     * {@link #nodeAt}.
     */
    public int[] bucketRange(Key self, int bucket) {
        if (bucket < 0 || bucket >= Key.BITS) {
            throw new IllegalArgumentException("bucket must be in 0..255, got " + bucket);
        }
        long[] lo = new long[4];
        long[] hi = new long[4];
        int word = 3 - (bucket >>> 6);
        int bit = bucket & 63;
        for (int w = 0; w < 4; w++) {
            long v = self.word(w);
            if (w < word) {
                lo[w] = v;
                hi[w] = v;
            } else if (w == word) {
                long flipped = v ^ (1L << bit);
                long below = bit == 0 ? 0L : (-1L >>> (64 - bit));
                lo[w] = flipped & ~below;
                hi[w] = flipped | below;
            } else {
                lo[w] = 0L;
                hi[w] = -1L;
            }
        }
        int from = lowerBound(Key.ofWords(lo[0], lo[1], lo[2], lo[3]));
        int to = upperBound(Key.ofWords(hi[0], hi[1], hi[2], hi[3]));
        return new int[] {from, to};
    }

    /** The node at position {@code position} in key order. */
    public int nodeAt(int position) {
        return sorted[position];
    }

    private int lowerBound(Key k) {
        int lo = 0;
        int hi = sortedKeys.length;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (sortedKeys[mid].compareTo(k) < 0) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    private int upperBound(Key k) {
        int lo = 0;
        int hi = sortedKeys.length;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (sortedKeys[mid].compareTo(k) <= 0) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }
}
