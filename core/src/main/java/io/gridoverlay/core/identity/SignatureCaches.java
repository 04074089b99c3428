package io.gridoverlay.core.identity;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;

/**
 * Two process-wide, bounded caches in front of the costly parts of signature checking: decoded public keys
 * (so that an Ed25519 point is decompressed, or an RSA key parsed, once per key rather than once per
 * envelope) and successful verifications.
 *
 * <p>Both are keyed by content only. A decoded key is found by its full encoded bytes. A verification is
 * found by SHA-256 over the length-prefixed encoded public key, signed data and signature; only
 * {@code true} outcomes are stored, so a changed key, message or signature is a different entry and is
 * verified in full: the cache can make a valid signature cheaper, never an invalid one valid. A hit costs
 * one SHA-256 over the inputs (about 1 µs for a 300-byte record) instead of an Ed25519 verification (about
 * 50–100 µs).
 *
 * <p>Defaults: {@value #DEFAULT_MAX_PUBLIC_KEYS} keys, {@value #DEFAULT_MAX_VERIFICATIONS} verifications
 * (roughly 8 MB each at most). A maximum of 0 disables a cache. Thread-safe; lookups are O(1).
 */
public final class SignatureCaches {
    /** Default bound of the decoded public key cache. */
    public static final long DEFAULT_MAX_PUBLIC_KEYS = 16_384;
    /** Default bound of the successful verification cache. */
    public static final long DEFAULT_MAX_VERIFICATIONS = 65_536;

    /** Counters of both caches since the process started. */
    public record Stats(long keyHits, long keyMisses, long verificationHits, long verificationMisses) {}

    private static final Cache<KeyBytes, PublicKey> KEYS = Caffeine.newBuilder()
            .maximumSize(DEFAULT_MAX_PUBLIC_KEYS).executor(Runnable::run).recordStats().build();
    private static final Cache<Digest, Boolean> VERIFIED = Caffeine.newBuilder()
            .maximumSize(DEFAULT_MAX_VERIFICATIONS).executor(Runnable::run).recordStats().build();
    private static final ThreadLocal<MessageDigest> SHA256 = ThreadLocal.withInitial(() -> {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every Java platform", e);
        }
    });

    private static volatile boolean keysEnabled = true;
    private static volatile boolean verificationsEnabled = true;

    private SignatureCaches() {}

    /**
     * Sets the bounds of both caches (0 disables a cache and drops its entries). Takes effect at once;
     * shrinking evicts.
     *
     * @throws IllegalArgumentException if a bound is negative
     */
    public static void setMaximumSizes(long publicKeys, long verifications) {
        if (publicKeys < 0 || verifications < 0) {
            throw new IllegalArgumentException("cache bounds must be >= 0, got " + publicKeys + " and " + verifications);
        }
        resize(KEYS, publicKeys);
        keysEnabled = publicKeys > 0;
        resize(VERIFIED, verifications);
        verificationsEnabled = verifications > 0;
    }

    /** Hit and miss counters of both caches. */
    public static Stats stats() {
        var k = KEYS.stats();
        var v = VERIFIED.stats();
        return new Stats(k.hitCount(), k.missCount(), v.hitCount(), v.missCount());
    }

    private static void resize(Cache<?, ?> cache, long maximum) {
        if (maximum == 0) {
            cache.invalidateAll();
        }
        cache.policy().eviction().orElseThrow().setMaximum(Math.max(maximum, 0));
        cache.cleanUp();
    }

    /** {@link PublicKey#decode} through the cache; a key that fails to decode is never cached. */
    static PublicKey decode(byte[] encoded) {
        if (!keysEnabled || encoded.length > PublicKey.MAX_ENCODED_LENGTH) {
            return PublicKey.decodeUncached(encoded);
        }
        PublicKey key = KEYS.getIfPresent(new KeyBytes(encoded));
        if (key == null) {
            key = PublicKey.decodeUncached(encoded);
            // the cache key holds the key's own immutable copy, never the caller's array
            KEYS.put(new KeyBytes(key.encodedBytes()), key);
        }
        return key;
    }

    /** {@link PublicKey#verify} through the cache; only a successful verification is remembered. */
    static boolean verify(PublicKey key, byte[] data, byte[] signature) {
        if (!verificationsEnabled) {
            return key.verifySignature(data, signature);
        }
        Digest d = digest(key.encodedBytes(), data, signature);
        if (VERIFIED.getIfPresent(d) != null) {
            return true;
        }
        boolean ok = key.verifySignature(data, signature);
        if (ok) {
            VERIFIED.put(d, Boolean.TRUE);
        }
        return ok;
    }

    private static Digest digest(byte[] key, byte[] data, byte[] signature) {
        MessageDigest md = SHA256.get();
        byte[] len = new byte[4];
        update(md, len, key);
        update(md, len, data);
        update(md, len, signature);
        ByteBuffer h = ByteBuffer.wrap(md.digest());
        return new Digest(h.getLong(), h.getLong(), h.getLong(), h.getLong());
    }

    private static void update(MessageDigest md, byte[] len, byte[] value) {
        // length prefixes make the concatenation unambiguous (ECDSA and RSA signatures vary in length)
        ByteBuffer.wrap(len).putInt(value.length);
        md.update(len);
        md.update(value);
    }

    private record Digest(long a, long b, long c, long d) {}

    /** Byte-array content as a map key; the array must not change while the key is in use. */
    private static final class KeyBytes {
        private final byte[] bytes;
        private final int hash;

        KeyBytes(byte[] bytes) {
            this.bytes = bytes;
            this.hash = Arrays.hashCode(bytes);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof KeyBytes k && hash == k.hash && Arrays.equals(bytes, k.bytes);
        }

        @Override
        public int hashCode() {
            return hash;
        }
    }
}
