package io.gridoverlay.transport.internal.noise;

/**
 * The ChaCha20-Poly1305 implementations a Noise {@link CipherState} can use, for benchmarks and
 * cross-checks; connections always use {@link #defaultBackend()}, chosen once per JVM: the one named by
 * the system property {@code gridoverlay.noise.cipher} ({@code conscrypt}, {@code fast}, {@code jdk},
 * {@code bouncy-castle}) if usable, else {@link #CONSCRYPT} if available, else {@link #JDK} when HotSpot
 * vectorises Poly1305 (AVX-512), else {@link #FAST}. Every candidate must pass the RFC 8439 section 2.8.2
 * vector before it is used. All produce identical bytes.
 *
 * <p>Thread-safe (immutable); each {@link CipherState} it creates is not.
 */
public enum NoiseCipherBackend {
    /**
     * BoringSSL's ChaCha20-Poly1305 through Conscrypt ({@code org.conscrypt:conscrypt-openjdk-uber}, a
     * dependency of this module: exclude it to stay pure Java). Absent when the native library cannot load.
     */
    CONSCRYPT(NoiseCrypto.CONSCRYPT),
    /** The JDK "ChaCha20" stream cipher (an intrinsic on JDK 20+) with this package's Poly1305. */
    FAST(NoiseCrypto.FAST),
    /** The JDK "ChaCha20-Poly1305" cipher. */
    JDK(NoiseCrypto.JDK),
    /** Bouncy Castle's ChaCha20Poly1305. */
    BOUNCY_CASTLE(NoiseCrypto.BOUNCY_CASTLE);

    private final NoiseCrypto crypto;

    NoiseCipherBackend(NoiseCrypto crypto) {
        this.crypto = crypto;
    }

    /** Whether this back end can be used in this JVM (only {@link #CONSCRYPT} can be missing). */
    public boolean isAvailable() {
        return crypto != null;
    }

    /** The back end Noise connections use in this JVM, chosen once by capability. */
    public static NoiseCipherBackend defaultBackend() {
        for (NoiseCipherBackend b : values()) {
            if (b.crypto == NoiseCrypto.DEFAULT) {
                return b;
            }
        }
        throw new IllegalStateException("default Noise crypto " + NoiseCrypto.DEFAULT.name() + " has no backend constant");
    }

    /**
     * A transport {@link CipherState} with this back end, keyed with {@code key} (32 bytes, copied) and
     * nonce 0. Two states with the same key form a sender/receiver pair.
     *
     * @throws IllegalArgumentException if {@code key} is not 32 bytes
     * @throws IllegalStateException if this back end is not {@linkplain #isAvailable() available}
     */
    public CipherState newCipherState(byte[] key) {
        if (crypto == null) {
            throw new IllegalStateException(name() + " is not available in this JVM");
        }
        if (key == null || key.length != NoiseCrypto.KEY_LEN) {
            throw new IllegalArgumentException("Noise cipher key must be 32 bytes, got "
                    + (key == null ? "null" : key.length));
        }
        CipherState state = new CipherState(crypto);
        state.initializeKey(key.clone());
        return state;
    }
}
