package io.gridoverlay.core.identity;

import java.security.SecureRandom;

/**
 * Ed25519 key generation, the default libp2p identity key type (RFC 8032 signatures, 32-byte public keys,
 * peer ids that inline the key: {@code 12D3KooW…}).
 *
 * <p>Stateless and thread-safe.
 */
public final class Ed25519 {
    /** Length of a seed (the RFC 8032 private key). */
    public static final int SEED_LENGTH = 32;
    /** Length of a public key. */
    public static final int PUBLIC_KEY_LENGTH = 32;
    /** Length of a signature. */
    public static final int SIGNATURE_LENGTH = 64;

    private static final class Rng {
        static final SecureRandom RANDOM = new SecureRandom();
    }

    private Ed25519() {}

    /** A new random key pair from a shared {@link SecureRandom}. */
    public static KeyPair generate() {
        return generate(Rng.RANDOM);
    }

    /** A new key pair with its seed drawn from {@code random}. */
    public static KeyPair generate(SecureRandom random) {
        byte[] seed = new byte[SEED_LENGTH];
        random.nextBytes(seed);
        return fromSeed(seed).keyPair();
    }

    /**
     * The private key with the given 32-byte seed (deterministic: the same seed always gives the same key).
     *
     * @throws IllegalArgumentException if the seed is not 32 bytes
     */
    public static Ed25519PrivateKey fromSeed(byte[] seed) {
        if (seed.length != SEED_LENGTH) {
            throw new IllegalArgumentException("Ed25519 seed must be 32 bytes, got " + seed.length);
        }
        return new Ed25519PrivateKey(seed.clone());
    }
}
