package io.gridoverlay.core.identity;

import org.bouncycastle.math.ec.ECPoint;

/**
 * A secp256k1 public key: the 33-byte compressed SEC1 point ({@code 0x02|0x03 || X}), as Bitcoin and
 * libp2p encode it. Signatures are ECDSA over SHA-256, DER encoded; both low-S and high-S are accepted.
 *
 * <p>Immutable and thread-safe. Decoding checks that the point is on the curve.
 */
public final class Secp256k1PublicKey extends PublicKey {
    /** Length of a compressed public key. */
    public static final int LENGTH = 33;

    private final byte[] compressed;
    private final ECPoint point;

    Secp256k1PublicKey(ECPoint point) {
        this(point.getEncoded(true), point);
    }

    private Secp256k1PublicKey(byte[] compressed, ECPoint point) {
        super(KeyType.SECP256K1, compressed);
        this.compressed = compressed;
        this.point = point;
    }

    static Secp256k1PublicKey fromRaw(byte[] raw) {
        if (raw.length != LENGTH || (raw[0] != 0x02 && raw[0] != 0x03)) {
            throw new InvalidKeyException("secp256k1 public key must be a 33-byte compressed point, got "
                    + raw.length + " bytes");
        }
        byte[] copy = raw.clone();
        return new Secp256k1PublicKey(copy, EcSupport.decodePoint(EcSupport.SECP256K1, copy, "secp256k1"));
    }

    @Override
    public KeyType keyType() {
        return KeyType.SECP256K1;
    }

    @Override
    boolean verifySignature(byte[] data, byte[] signature) {
        return EcSupport.verify(EcSupport.SECP256K1, point, data, signature);
    }

    @Override
    public byte[] raw() {
        return compressed.clone();
    }
}
