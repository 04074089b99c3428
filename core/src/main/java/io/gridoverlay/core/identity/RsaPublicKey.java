package io.gridoverlay.core.identity;

import java.io.IOException;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.Signature;
import java.security.spec.RSAPublicKeySpec;
import java.util.Arrays;
import org.bouncycastle.asn1.ASN1Encoding;
import org.bouncycastle.asn1.ASN1Primitive;
import org.bouncycastle.asn1.DERNull;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;

/**
 * An RSA public key of 2048 to 8192 bits, encoded as a DER PKIX {@code SubjectPublicKeyInfo}
 * ({@code rsaEncryption}, NULL parameters, PKCS#1 {@code RSAPublicKey}). Signatures are RSASSA-PKCS1-v1_5
 * with SHA-256.
 *
 * <pre>
 * SEQUENCE { SEQUENCE { OID 1.2.840.113549.1.1.1, NULL }, BIT STRING { SEQUENCE { INTEGER n, INTEGER e } } }
 * </pre>
 *
 * <p>Immutable and thread-safe. Decoding requires the canonical DER encoding (it must re-encode to the same
 * bytes), an odd public exponent between 3 and 2^64, and a modulus size within the limits.
 */
public final class RsaPublicKey extends PublicKey {
    /** Smallest accepted modulus, as go-libp2p. */
    public static final int MIN_BITS = 2048;
    /** Largest accepted modulus, as go-libp2p. */
    public static final int MAX_BITS = 8192;

    private final byte[] spki;
    private final java.security.interfaces.RSAPublicKey jdkKey;

    private RsaPublicKey(byte[] spki, java.security.interfaces.RSAPublicKey jdkKey) {
        super(KeyType.RSA, spki);
        this.spki = spki;
        this.jdkKey = jdkKey;
    }

    static RsaPublicKey of(BigInteger n, BigInteger e) {
        check(n, e);
        try {
            byte[] spki = new SubjectPublicKeyInfo(
                    new AlgorithmIdentifier(PKCSObjectIdentifiers.rsaEncryption, DERNull.INSTANCE),
                    new org.bouncycastle.asn1.pkcs.RSAPublicKey(n, e)).getEncoded(ASN1Encoding.DER);
            return new RsaPublicKey(spki, (java.security.interfaces.RSAPublicKey)
                    KeyFactory.getInstance("RSA").generatePublic(new RSAPublicKeySpec(n, e)));
        } catch (IOException | GeneralSecurityException ex) {
            throw new InvalidKeyException("RSA public key rejected: " + ex.getMessage(), ex);
        }
    }

    static RsaPublicKey fromRaw(byte[] raw) {
        BigInteger n;
        BigInteger e;
        try {
            SubjectPublicKeyInfo info = SubjectPublicKeyInfo.getInstance(ASN1Primitive.fromByteArray(raw));
            AlgorithmIdentifier alg = info.getAlgorithm();
            if (!PKCSObjectIdentifiers.rsaEncryption.equals(alg.getAlgorithm())
                    || !DERNull.INSTANCE.equals(alg.getParameters())) {
                throw new InvalidKeyException("RSA public key: algorithm is not rsaEncryption with NULL parameters");
            }
            org.bouncycastle.asn1.pkcs.RSAPublicKey key =
                    org.bouncycastle.asn1.pkcs.RSAPublicKey.getInstance(info.parsePublicKey());
            n = key.getModulus();
            e = key.getPublicExponent();
        } catch (InvalidKeyException ex) {
            throw ex;
        } catch (IOException | RuntimeException ex) {
            throw new InvalidKeyException("RSA public key is not a DER SubjectPublicKeyInfo: " + ex.getMessage(), ex);
        }
        RsaPublicKey key = of(n, e);
        if (!Arrays.equals(key.spki, raw)) {
            throw new InvalidKeyException("RSA public key is not in canonical DER form");
        }
        return key;
    }

    static void check(BigInteger n, BigInteger e) {
        if (n.signum() <= 0 || n.bitLength() < MIN_BITS || n.bitLength() > MAX_BITS) {
            throw new InvalidKeyException("RSA modulus of " + n.bitLength() + " bits is outside "
                    + MIN_BITS + ".." + MAX_BITS);
        }
        if (!n.testBit(0)) {
            throw new InvalidKeyException("RSA modulus is even");
        }
        if (e.compareTo(BigInteger.valueOf(3)) < 0 || !e.testBit(0) || e.bitLength() > 64) {
            throw new InvalidKeyException("RSA public exponent must be odd and between 3 and 2^64");
        }
    }

    @Override
    public KeyType keyType() {
        return KeyType.RSA;
    }

    @Override
    boolean verifySignature(byte[] data, byte[] signature) {
        try {
            Signature verifier = Signature.getInstance("SHA256withRSA");
            verifier.initVerify(jdkKey);
            verifier.update(data);
            return verifier.verify(signature);
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    /** Modulus size in bits. */
    public int bits() {
        return jdkKey.getModulus().bitLength();
    }

    @Override
    public byte[] raw() {
        return spki.clone();
    }
}
