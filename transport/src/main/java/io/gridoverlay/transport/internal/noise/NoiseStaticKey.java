package io.gridoverlay.transport.internal.noise;

import java.security.SecureRandom;
import java.util.Objects;

/**
 * The static X25519 key pair of the Noise handshake; distinct from the libp2p identity key, which signs
 * its public half. The spec recommends keeping it in memory only. Immutable and thread-safe.
 */
public final class NoiseStaticKey {
    private final byte[] privateKey;
    private final byte[] publicKey;

    private NoiseStaticKey(byte[] privateKey) {
        NoiseCrypto.checkLength(privateKey, "private key");
        this.privateKey = privateKey.clone();
        this.publicKey = NoiseCrypto.DEFAULT.publicKey(this.privateKey);
    }

    /** A fresh key pair from {@code random}. */
    public static NoiseStaticKey generate(SecureRandom random) {
        byte[] k = new byte[NoiseCrypto.DH_LEN];
        Objects.requireNonNull(random, "random").nextBytes(k);
        return new NoiseStaticKey(k);
    }

    /** The key pair of a 32-byte X25519 private key (copied). */
    public static NoiseStaticKey fromPrivateKey(byte[] privateKey) {
        return new NoiseStaticKey(privateKey);
    }

    /** The 32-byte X25519 public key (a copy). */
    public byte[] publicKey() {
        return publicKey.clone();
    }

    byte[] privateKeyUnsafe() {
        return privateKey;
    }

    @Override
    public String toString() {
        return "NoiseStaticKey[public=" + java.util.HexFormat.of().formatHex(publicKey) + "]";
    }
}
