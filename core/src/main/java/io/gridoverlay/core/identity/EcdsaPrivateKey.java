package io.gridoverlay.core.identity;

import java.math.BigInteger;
import java.security.MessageDigest;
import java.util.HexFormat;

/**
 * An ECDSA P-256 private key, encoded as the SEC1 / RFC 5915 {@code ECPrivateKey} DER that Go's
 * {@code x509.MarshalECPrivateKey} writes (and the peer-ids test vector uses). Signs with ECDSA over SHA-256
 * (RFC 6979 nonces), DER encoded.
 *
 * <pre>
 * 30 77                          SEQUENCE (119)
 *   02 01 01                     INTEGER version 1
 *   04 20 d(32)                  OCTET STRING private scalar
 *   a0 0a 06 08 2a8648ce3d030107 [0] OID prime256v1
 *   a1 44 03 42 00 04 X Y        [1] BIT STRING public point, uncompressed
 * </pre>
 *
 * <p>Immutable and thread-safe. Decoding accepts exactly this layout, and the embedded public point must be
 * d·G.
 */
public final class EcdsaPrivateKey extends PrivateKey {
    private static final byte[] PREFIX = HexFormat.of().parseHex("30770201010420");
    private static final byte[] MIDDLE = HexFormat.of().parseHex("a00a06082a8648ce3d030107a144034200");
    private static final int LENGTH = PREFIX.length + 32 + MIDDLE.length + 65;

    private final BigInteger d;
    private final EcdsaPublicKey publicKey;

    private EcdsaPrivateKey(BigInteger d) {
        this.d = d;
        this.publicKey = new EcdsaPublicKey(EcSupport.publicPoint(EcSupport.P256, d));
    }

    /** A new random key pair. */
    public static KeyPair generate() {
        return new EcdsaPrivateKey(EcSupport.randomScalar(EcSupport.P256)).keyPair();
    }

    static EcdsaPrivateKey fromRaw(byte[] raw) {
        if (raw.length != LENGTH) {
            throw new InvalidKeyException("ECDSA private key must be a " + LENGTH
                    + "-byte DER ECPrivateKey for P-256, got " + raw.length + " bytes");
        }
        EcdsaPrivateKey key = new EcdsaPrivateKey(EcSupport.scalar(EcSupport.P256, raw, PREFIX.length, "ECDSA P-256"));
        if (!MessageDigest.isEqual(key.raw(), raw)) {
            throw new InvalidKeyException("ECDSA private key is not the canonical DER ECPrivateKey for P-256,"
                    + " or its public point does not match the private scalar");
        }
        return key;
    }

    @Override
    public KeyType keyType() {
        return KeyType.ECDSA;
    }

    @Override
    public byte[] sign(byte[] data) {
        return EcSupport.sign(EcSupport.P256, d, data, false);
    }

    @Override
    public EcdsaPublicKey publicKey() {
        return publicKey;
    }

    @Override
    public byte[] raw() {
        byte[] out = new byte[LENGTH];
        System.arraycopy(PREFIX, 0, out, 0, PREFIX.length);
        System.arraycopy(EcSupport.scalarBytes(d), 0, out, PREFIX.length, 32);
        System.arraycopy(MIDDLE, 0, out, PREFIX.length + 32, MIDDLE.length);
        byte[] q = publicKey.point().getEncoded(false);
        System.arraycopy(q, 0, out, PREFIX.length + 32 + MIDDLE.length, q.length);
        return out;
    }
}
