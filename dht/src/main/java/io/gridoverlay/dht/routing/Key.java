package io.gridoverlay.dht.routing;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Objects;
import java.util.random.RandomGenerator;

/**
 * An immutable 256-bit Kademlia key with XOR distance, stored as four {@code long} words (most
 * significant first); no {@code BigInteger}, no {@code byte[]} kept.
 *
 * <p>As in libp2p Kad-DHT, the key of a peer is the SHA-256 of its peer id bytes and the key of a record
 * is the SHA-256 of the record key ({@link #sha256(byte[])}). Distances are keys too: {@link #distance}
 * returns {@code this XOR other}, ordered as an unsigned 256-bit integer.
 *
 * <p><b>Bucket index convention</b> (rust-libp2p's, not go-libp2p-kbucket's): for two distinct keys the
 * bucket index is {@code 255 - leadingZeros(a XOR b)} = floor(log2(distance)), so bucket 255 holds the
 * farthest half of the key space and bucket 0 the single closest key. The common prefix length used by
 * go-libp2p-kbucket as its bucket index is {@code cpl = 255 - bucketIndex} ({@link #commonPrefixLength}).
 *
 * <p>All distance operations are O(1) and allocation-free except {@link #distance}, which returns a new
 * key. Instances are immutable and thread-safe.
 */
public final class Key implements Comparable<Key> {
    /** Length of a key in bytes. */
    public static final int BYTES = 32;
    /** Number of bits, and of buckets in a routing table. */
    public static final int BITS = 256;

    /** The all-zero key; the distance of every key to itself. */
    public static final Key ZERO = new Key(0L, 0L, 0L, 0L);

    final long w0;
    final long w1;
    final long w2;
    final long w3;

    Key(long w0, long w1, long w2, long w3) {
        this.w0 = w0;
        this.w1 = w1;
        this.w2 = w2;
        this.w3 = w3;
    }

    /** Builds a key from its four 64-bit words, most significant first. */
    public static Key ofWords(long w0, long w1, long w2, long w3) {
        return new Key(w0, w1, w2, w3);
    }

    /**
     * Wraps 32 bytes (big-endian) that already are a Kademlia key, for example a SHA-256 digest received
     * on the wire.
     *
     * @throws IllegalArgumentException if {@code bytes} is not exactly 32 bytes long
     */
    public static Key fromBytes(byte[] bytes) {
        Objects.requireNonNull(bytes, "bytes");
        if (bytes.length != BYTES) {
            throw new IllegalArgumentException(
                    "a Kademlia key is exactly 32 bytes, got " + bytes.length + " bytes");
        }
        return new Key(word(bytes, 0), word(bytes, 8), word(bytes, 16), word(bytes, 24));
    }

    /**
     * The libp2p Kad-DHT key of arbitrary bytes: SHA-256 of a peer id's bytes (its multihash) or of a
     * record/provider key.
     */
    public static Key sha256(byte[] data) {
        Objects.requireNonNull(data, "data");
        return fromBytes(SHA256.get().digest(data));
    }

    /**
     * One SHA-256 digest per thread: {@code MessageDigest.getInstance} looks the provider up and allocates
     * on every call, and peer keys are hashed for every peer of every lookup response.
     */
    private static final ThreadLocal<MessageDigest> SHA256 = ThreadLocal.withInitial(() -> {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by every Java platform", e);
        }
    });

    /** A uniformly random key (for bucket refresh targets and tests). */
    public static Key random(RandomGenerator random) {
        return new Key(random.nextLong(), random.nextLong(), random.nextLong(), random.nextLong());
    }

    /**
     * A uniformly random key among those whose {@link #bucketIndex bucket index} relative to
     * {@code local} is {@code bucketIndex}: same bits as {@code local} above bit {@code bucketIndex},
     * the opposite bit at it, random bits below. Used to pick a bucket-refresh lookup target.
     *
     * @throws IllegalArgumentException if {@code bucketIndex} is not in 0..255
     */
    public static Key randomInBucket(Key local, int bucketIndex, RandomGenerator random) {
        checkBucketIndex(bucketIndex);
        long[] d = new long[4];
        int word = 3 - (bucketIndex >>> 6);
        int bit = bucketIndex & 63;
        long below = bit == 0 ? 0L : (-1L >>> (64 - bit));
        d[word] = (1L << bit) | (random.nextLong() & below);
        for (int w = word + 1; w < 4; w++) {
            d[w] = random.nextLong();
        }
        return new Key(local.w0 ^ d[0], local.w1 ^ d[1], local.w2 ^ d[2], local.w3 ^ d[3]);
    }

    static void checkBucketIndex(int bucketIndex) {
        if (bucketIndex < 0 || bucketIndex >= BITS) {
            throw new IllegalArgumentException("bucket index must be in 0..255, got " + bucketIndex);
        }
    }

    private static long word(byte[] b, int off) {
        long v = 0;
        for (int i = 0; i < 8; i++) {
            v = (v << 8) | (b[off + i] & 0xFFL);
        }
        return v;
    }

    private static void putWord(byte[] b, int off, long v) {
        for (int i = 7; i >= 0; i--) {
            b[off + i] = (byte) v;
            v >>>= 8;
        }
    }

    /** The 32 big-endian bytes of this key (a fresh array). */
    public byte[] toBytes() {
        byte[] out = new byte[BYTES];
        putWord(out, 0, w0);
        putWord(out, 8, w1);
        putWord(out, 16, w2);
        putWord(out, 24, w3);
        return out;
    }

    /** Word {@code i} (0 = most significant) of this key. */
    public long word(int i) {
        switch (i) {
            case 0: return w0;
            case 1: return w1;
            case 2: return w2;
            case 3: return w3;
            default: throw new IndexOutOfBoundsException("word index must be 0..3, got " + i);
        }
    }

    /** The XOR distance {@code this ^ other} as a key (allocates one key). */
    public Key distance(Key other) {
        return new Key(w0 ^ other.w0, w1 ^ other.w1, w2 ^ other.w2, w3 ^ other.w3);
    }

    /**
     * Compares the distances of {@code a} and {@code b} to this key without allocating:
     * negative if {@code a} is closer, zero if {@code a} equals {@code b}, positive if {@code b} is
     * closer. Consistent with {@code distance(a).compareTo(distance(b))}.
     */
    public int compareDistance(Key a, Key b) {
        return compareDistance(w0, w1, w2, w3, a, b);
    }

    /**
     * The same as {@link #compareDistance(Key, Key)} for a target given as words, so that hot loops can
     * keep the target in registers. The first word where {@code a^t} and {@code b^t} differ is the first
     * word where {@code a} and {@code b} differ; there the two XORed words are compared unsigned.
     */
    static int compareDistance(long t0, long t1, long t2, long t3, Key a, Key b) {
        long x = a.w0 ^ t0;
        long y = b.w0 ^ t0;
        if (x == y) {
            x = a.w1 ^ t1;
            y = b.w1 ^ t1;
            if (x == y) {
                x = a.w2 ^ t2;
                y = b.w2 ^ t2;
                if (x == y) {
                    x = a.w3 ^ t3;
                    y = b.w3 ^ t3;
                }
            }
        }
        return Long.compareUnsigned(x, y);
    }

    /**
     * Bucket index of {@code other} relative to this key: {@code 255 - leadingZeros(this ^ other)},
     * i.e. the index of the highest differing bit, or -1 if the keys are equal.
     */
    public int bucketIndex(Key other) {
        return bucketIndexOfDistance(w0 ^ other.w0, w1 ^ other.w1, w2 ^ other.w2, w3 ^ other.w3);
    }

    static int bucketIndexOfDistance(long d0, long d1, long d2, long d3) {
        if (d0 != 0) {
            return 255 - Long.numberOfLeadingZeros(d0);
        }
        if (d1 != 0) {
            return 191 - Long.numberOfLeadingZeros(d1);
        }
        if (d2 != 0) {
            return 127 - Long.numberOfLeadingZeros(d2);
        }
        if (d3 != 0) {
            return 63 - Long.numberOfLeadingZeros(d3);
        }
        return -1;
    }

    /**
     * Number of leading bits this key shares with {@code other} (0..256; 256 for equal keys). This is
     * go-libp2p-kbucket's bucket index; {@code commonPrefixLength = 255 - bucketIndex} for distinct keys.
     */
    public int commonPrefixLength(Key other) {
        return 255 - bucketIndex(other);
    }

    /** Unsigned lexicographic (big-endian) order; for distances this is the order of closeness. */
    @Override
    public int compareTo(Key o) {
        if (w0 != o.w0) {
            return Long.compareUnsigned(w0, o.w0);
        }
        if (w1 != o.w1) {
            return Long.compareUnsigned(w1, o.w1);
        }
        if (w2 != o.w2) {
            return Long.compareUnsigned(w2, o.w2);
        }
        return Long.compareUnsigned(w3, o.w3);
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof Key)) {
            return false;
        }
        Key k = (Key) o;
        return w0 == k.w0 && w1 == k.w1 && w2 == k.w2 && w3 == k.w3;
    }

    boolean equalsWords(long a0, long a1, long a2, long a3) {
        return w0 == a0 && w1 == a1 && w2 == a2 && w3 == a3;
    }

    @Override
    public int hashCode() {
        // Keys are hash outputs, so the low word alone is already uniformly distributed.
        long h = w3 ^ (w2 * 31) ^ (w1 * 961) ^ (w0 * 29791);
        return (int) (h ^ (h >>> 32));
    }

    /** Lower-case hex of the 32 bytes. */
    @Override
    public String toString() {
        return String.format("%016x%016x%016x%016x", w0, w1, w2, w3);
    }
}
