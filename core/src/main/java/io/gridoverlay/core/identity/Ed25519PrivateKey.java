package io.gridoverlay.core.identity;

import java.security.MessageDigest;
import java.util.Arrays;

/**
 * An Ed25519 private key. Its protobuf {@code Data} is {@code seed(32) || publicKey(32)}; the legacy
 * 96-byte form {@code seed || publicKey || publicKey} is also read, as the peer-ids spec asks. Either way
 * the public half must equal the key derived from the seed.
 *
 * <p>Immutable and thread-safe. Signing is deterministic (RFC 8032).
 */
public final class Ed25519PrivateKey extends PrivateKey {
    private final byte[] seed;
    private final Ed25519PublicKey publicKey;

    Ed25519PrivateKey(byte[] seed) {
        this.seed = seed;
        byte[] pk = new byte[Ed25519.PUBLIC_KEY_LENGTH];
        org.bouncycastle.math.ec.rfc8032.Ed25519.generatePublicKey(seed, 0, pk, 0);
        this.publicKey = new Ed25519PublicKey(pk);
    }

    static Ed25519PrivateKey fromRaw(byte[] raw) {
        if (raw.length != 64 && raw.length != 96) {
            throw new InvalidKeyException("Ed25519 private key must be 64 bytes (seed || public key), got "
                    + raw.length);
        }
        if (raw.length == 96 && !Arrays.equals(raw, 32, 64, raw, 64, 96)) {
            throw new InvalidKeyException("legacy 96-byte Ed25519 private key has two different public keys");
        }
        Ed25519PrivateKey k = new Ed25519PrivateKey(Arrays.copyOf(raw, Ed25519.SEED_LENGTH));
        if (!MessageDigest.isEqual(k.publicKey.keyBytes(), Arrays.copyOfRange(raw, 32, 64))) {
            throw new InvalidKeyException("Ed25519 private key: public half does not match the seed");
        }
        return k;
    }

    @Override
    public KeyType keyType() {
        return KeyType.ED25519;
    }

    @Override
    public byte[] sign(byte[] data) {
        byte[] sig = new byte[Ed25519.SIGNATURE_LENGTH];
        org.bouncycastle.math.ec.rfc8032.Ed25519.sign(seed, 0, publicKey.keyBytes(), 0, data, 0, data.length, sig, 0);
        return sig;
    }

    @Override
    public Ed25519PublicKey publicKey() {
        return publicKey;
    }

    /** {@code seed || publicKey}, 64 bytes. */
    @Override
    public byte[] raw() {
        byte[] out = new byte[64];
        System.arraycopy(seed, 0, out, 0, 32);
        System.arraycopy(publicKey.keyBytes(), 0, out, 32, 32);
        return out;
    }

    /** A copy of the 32-byte seed. */
    public byte[] seed() {
        return seed.clone();
    }
}
