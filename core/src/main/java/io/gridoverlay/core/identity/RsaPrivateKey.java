package io.gridoverlay.core.identity;

import java.io.IOException;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.MessageDigest;
import java.security.Signature;
import java.security.spec.RSAPrivateCrtKeySpec;
import org.bouncycastle.asn1.ASN1Encoding;
import org.bouncycastle.asn1.ASN1Primitive;

/**
 * An RSA private key, encoded as a DER PKCS#1 {@code RSAPrivateKey} (two-prime, version 0), as libp2p stores
 * RSA keys. Signs with RSASSA-PKCS1-v1_5 over SHA-256. Read for compatibility; new identities should use
 * {@link Ed25519}.
 *
 * <pre>
 * SEQUENCE { INTEGER 0, n, e, d, p, q, d mod (p-1), d mod (q-1), q^-1 mod p }
 * </pre>
 *
 * <p>Immutable and thread-safe. Decoding requires canonical DER and n = p·q.
 */
public final class RsaPrivateKey extends PrivateKey {
    private final byte[] pkcs1;
    private final java.security.PrivateKey jdkKey;
    private final RsaPublicKey publicKey;

    private RsaPrivateKey(byte[] pkcs1, java.security.PrivateKey jdkKey, RsaPublicKey publicKey) {
        this.pkcs1 = pkcs1;
        this.jdkKey = jdkKey;
        this.publicKey = publicKey;
    }

    static RsaPrivateKey fromRaw(byte[] raw) {
        org.bouncycastle.asn1.pkcs.RSAPrivateKey k;
        try {
            k = org.bouncycastle.asn1.pkcs.RSAPrivateKey.getInstance(ASN1Primitive.fromByteArray(raw));
            if (!MessageDigest.isEqual(k.getEncoded(ASN1Encoding.DER), raw)) {
                throw new InvalidKeyException("RSA private key is not in canonical DER form");
            }
        } catch (InvalidKeyException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            throw new InvalidKeyException("RSA private key is not a DER PKCS#1 RSAPrivateKey: " + e.getMessage(), e);
        }
        if (k.getVersion().signum() != 0) {
            throw new InvalidKeyException("RSA private key: only two-prime keys (version 0) are supported");
        }
        BigInteger n = k.getModulus();
        RsaPublicKey.check(n, k.getPublicExponent());
        BigInteger p = k.getPrime1();
        BigInteger q = k.getPrime2();
        if (p.signum() <= 0 || q.signum() <= 0 || !p.multiply(q).equals(n)) {
            throw new InvalidKeyException("RSA private key: modulus is not the product of its primes");
        }
        BigInteger d = k.getPrivateExponent();
        BigInteger pm1 = p.subtract(BigInteger.ONE);
        BigInteger qm1 = q.subtract(BigInteger.ONE);
        BigInteger ed = k.getPublicExponent().multiply(d);
        if (d.signum() <= 0 || !ed.mod(pm1).equals(BigInteger.ONE) || !ed.mod(qm1).equals(BigInteger.ONE)
                || !k.getExponent1().equals(d.mod(pm1)) || !k.getExponent2().equals(d.mod(qm1))
                || !k.getCoefficient().multiply(q).mod(p).equals(BigInteger.ONE)) {
            throw new InvalidKeyException("RSA private key: private components are inconsistent");
        }
        try {
            java.security.PrivateKey jdk = KeyFactory.getInstance("RSA").generatePrivate(new RSAPrivateCrtKeySpec(
                    n, k.getPublicExponent(), k.getPrivateExponent(), p, q,
                    k.getExponent1(), k.getExponent2(), k.getCoefficient()));
            return new RsaPrivateKey(raw.clone(), jdk, RsaPublicKey.of(n, k.getPublicExponent()));
        } catch (GeneralSecurityException e) {
            throw new InvalidKeyException("RSA private key rejected: " + e.getMessage(), e);
        }
    }

    @Override
    public KeyType keyType() {
        return KeyType.RSA;
    }

    @Override
    public byte[] sign(byte[] data) {
        try {
            Signature signer = Signature.getInstance("SHA256withRSA");
            signer.initSign(jdkKey);
            signer.update(data);
            return signer.sign();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("RSA signing failed", e);
        }
    }

    @Override
    public RsaPublicKey publicKey() {
        return publicKey;
    }

    @Override
    public byte[] raw() {
        return pkcs1.clone();
    }
}
