package io.gridoverlay.core.identity;

import java.math.BigInteger;

/**
 * A secp256k1 private key: its protobuf {@code Data} is the 32-byte big-endian scalar. Signs with ECDSA
 * over SHA-256 (RFC 6979 nonces, low-S normalised, DER encoded) as go-libp2p does.
 *
 * <p>Immutable and thread-safe.
 */
public final class Secp256k1PrivateKey extends PrivateKey {
    private final BigInteger d;
    private final Secp256k1PublicKey publicKey;

    private Secp256k1PrivateKey(BigInteger d) {
        this.d = d;
        this.publicKey = new Secp256k1PublicKey(EcSupport.publicPoint(EcSupport.SECP256K1, d));
    }

    /** A new random key pair. */
    public static KeyPair generate() {
        return new Secp256k1PrivateKey(EcSupport.randomScalar(EcSupport.SECP256K1)).keyPair();
    }

    static Secp256k1PrivateKey fromRaw(byte[] raw) {
        if (raw.length != 32) {
            throw new InvalidKeyException("secp256k1 private key must be 32 bytes, got " + raw.length);
        }
        return new Secp256k1PrivateKey(EcSupport.scalar(EcSupport.SECP256K1, raw, 0, "secp256k1"));
    }

    @Override
    public KeyType keyType() {
        return KeyType.SECP256K1;
    }

    @Override
    public byte[] sign(byte[] data) {
        return EcSupport.sign(EcSupport.SECP256K1, d, data, true);
    }

    @Override
    public Secp256k1PublicKey publicKey() {
        return publicKey;
    }

    @Override
    public byte[] raw() {
        return EcSupport.scalarBytes(d);
    }
}
