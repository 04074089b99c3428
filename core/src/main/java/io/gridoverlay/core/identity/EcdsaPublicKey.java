package io.gridoverlay.core.identity;

import java.util.Arrays;
import java.util.HexFormat;
import org.bouncycastle.math.ec.ECPoint;

/**
 * An ECDSA P-256 public key, encoded as the DER {@code SubjectPublicKeyInfo} Go's
 * {@code x509.MarshalPKIXPublicKey} produces (the only canonical form: named curve, uncompressed point).
 * Signatures are ECDSA over SHA-256, DER encoded.
 *
 * <pre>
 * 30 59                      SEQUENCE (89)
 *   30 13                    SEQUENCE (19)
 *     06 07 2a8648ce3d0201   OID id-ecPublicKey
 *     06 08 2a8648ce3d030107 OID prime256v1
 *   03 42 00                 BIT STRING (66, no unused bits)
 *     04 X(32) Y(32)         uncompressed point
 * </pre>
 *
 * <p>Immutable and thread-safe. Decoding accepts exactly this layout and checks the point is on the curve.
 */
public final class EcdsaPublicKey extends PublicKey {
    static final byte[] SPKI_PREFIX = HexFormat.of().parseHex("3059301306072a8648ce3d020106082a8648ce3d030107034200");
    /** Length of the encoded key. */
    public static final int LENGTH = 91;

    private final byte[] spki;
    private final ECPoint point;

    EcdsaPublicKey(ECPoint point) {
        this(spkiOf(point), point);
    }

    private EcdsaPublicKey(byte[] spki, ECPoint point) {
        super(KeyType.ECDSA, spki);
        this.spki = spki;
        this.point = point;
    }

    private static byte[] spkiOf(ECPoint point) {
        byte[] out = Arrays.copyOf(SPKI_PREFIX, LENGTH);
        byte[] q = point.getEncoded(false);
        System.arraycopy(q, 0, out, SPKI_PREFIX.length, q.length);
        return out;
    }

    static EcdsaPublicKey fromRaw(byte[] raw) {
        if (raw.length != LENGTH || !Arrays.equals(raw, 0, SPKI_PREFIX.length, SPKI_PREFIX, 0, SPKI_PREFIX.length)) {
            throw new InvalidKeyException("ECDSA public key must be a DER SubjectPublicKeyInfo for P-256 with an"
                    + " uncompressed point (91 bytes), got " + raw.length + " bytes");
        }
        byte[] q = Arrays.copyOfRange(raw, SPKI_PREFIX.length, LENGTH);
        if (q[0] != 0x04) {
            throw new InvalidKeyException("ECDSA public key point must be uncompressed (0x04)");
        }
        return new EcdsaPublicKey(raw.clone(), EcSupport.decodePoint(EcSupport.P256, q, "ECDSA P-256"));
    }

    @Override
    public KeyType keyType() {
        return KeyType.ECDSA;
    }

    @Override
    boolean verifySignature(byte[] data, byte[] signature) {
        return EcSupport.verify(EcSupport.P256, point, data, signature);
    }

    @Override
    public byte[] raw() {
        return spki.clone();
    }

    ECPoint point() {
        return point;
    }
}
