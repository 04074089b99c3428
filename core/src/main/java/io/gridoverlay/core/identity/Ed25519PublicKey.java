package io.gridoverlay.core.identity;

import org.bouncycastle.math.ec.rfc8032.Ed25519.PublicPoint;

/**
 * An Ed25519 public key: the 32-byte RFC 8032 encoding, carried as is in the protobuf {@code Data} field.
 *
 * <p>Immutable and thread-safe. Decoding checks only the length (as go- and rust-libp2p do); a byte string
 * that is not a curve point simply never verifies. The decompressed point is computed on first verification
 * and reused.
 */
public final class Ed25519PublicKey extends PublicKey {
    private final byte[] key;
    // Benign race: PublicPoint holds only a final field, so a racy publication is safe; worst case it is
    // computed twice.
    private PublicPoint point;
    private boolean invalidPoint;

    Ed25519PublicKey(byte[] key) {
        super(KeyType.ED25519, key);
        this.key = key;
    }

    static Ed25519PublicKey fromRaw(byte[] raw) {
        if (raw.length != Ed25519.PUBLIC_KEY_LENGTH) {
            throw new InvalidKeyException("Ed25519 public key must be 32 bytes, got " + raw.length);
        }
        return new Ed25519PublicKey(raw.clone());
    }

    @Override
    public KeyType keyType() {
        return KeyType.ED25519;
    }

    @Override
    boolean verifySignature(byte[] data, byte[] signature) {
        if (signature.length != Ed25519.SIGNATURE_LENGTH) {
            return false;
        }
        PublicPoint p = point;
        if (p == null) {
            if (invalidPoint) {
                return false;
            }
            p = org.bouncycastle.math.ec.rfc8032.Ed25519.validatePublicKeyPartialExport(key, 0);
            if (p == null) {
                invalidPoint = true;
                return false;
            }
            point = p;
        }
        return org.bouncycastle.math.ec.rfc8032.Ed25519.verify(signature, 0, p, data, 0, data.length);
    }

    @Override
    public byte[] raw() {
        return key.clone();
    }

    /** The key bytes without a copy, for this package. */
    byte[] keyBytes() {
        return key;
    }
}
