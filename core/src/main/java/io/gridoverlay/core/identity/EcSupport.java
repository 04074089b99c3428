package io.gridoverlay.core.identity;

import java.math.BigInteger;
import java.security.SecureRandom;
import org.bouncycastle.asn1.x9.X9ECParameters;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.ec.CustomNamedCurves;
import org.bouncycastle.crypto.params.ECDomainParameters;
import org.bouncycastle.crypto.params.ECPrivateKeyParameters;
import org.bouncycastle.crypto.params.ECPublicKeyParameters;
import org.bouncycastle.crypto.signers.ECDSASigner;
import org.bouncycastle.crypto.signers.HMacDSAKCalculator;
import org.bouncycastle.math.ec.ECPoint;
import org.bouncycastle.math.ec.FixedPointCombMultiplier;

/**
 * ECDSA over SHA-256 for secp256k1 and P-256 (Bouncy Castle lightweight API), with strict DER signatures.
 *
 * <pre>
 * DER signature:  0x30 len | 0x02 rlen r | 0x02 slen s      (r, s minimal positive INTEGERs in [1, n-1])
 * </pre>
 *
 * Signing uses RFC 6979 deterministic nonces. Stateless and thread-safe (signers are created per call).
 */
final class EcSupport {
    static final ECDomainParameters SECP256K1 = domain("secp256k1");
    static final ECDomainParameters P256 = domain("secp256r1");

    private static final class Rng {
        static final SecureRandom RANDOM = new SecureRandom();
    }

    private EcSupport() {}

    private static ECDomainParameters domain(String name) {
        X9ECParameters x9 = CustomNamedCurves.getByName(name);
        return new ECDomainParameters(x9.getCurve(), x9.getG(), x9.getN(), x9.getH(), x9.getSeed());
    }

    /** A uniformly random scalar in [1, n-1]. */
    static BigInteger randomScalar(ECDomainParameters domain) {
        BigInteger n = domain.getN();
        byte[] buf = new byte[32];
        while (true) {
            Rng.RANDOM.nextBytes(buf);
            BigInteger d = new BigInteger(1, buf);
            if (d.signum() > 0 && d.compareTo(n) < 0) {
                return d;
            }
        }
    }

    /** d·G, normalised. */
    static ECPoint publicPoint(ECDomainParameters domain, BigInteger d) {
        return new FixedPointCombMultiplier().multiply(domain.getG(), d).normalize();
    }

    /** Parses a 32-byte big-endian scalar that must lie in [1, n-1]. */
    static BigInteger scalar(ECDomainParameters domain, byte[] bytes, int offset, String what) {
        BigInteger d = new BigInteger(1, java.util.Arrays.copyOfRange(bytes, offset, offset + 32));
        if (d.signum() == 0 || d.compareTo(domain.getN()) >= 0) {
            throw new InvalidKeyException(what + " private scalar is not in [1, n-1]");
        }
        return d;
    }

    /** 32-byte big-endian encoding of a scalar below 2^256. */
    static byte[] scalarBytes(BigInteger d) {
        byte[] raw = d.toByteArray();
        byte[] out = new byte[32];
        int copy = Math.min(raw.length, 32);
        System.arraycopy(raw, raw.length - copy, out, 32 - copy, copy);
        return out;
    }

    /** Decodes an encoded point, rejecting anything not on the curve or the point at infinity. */
    static ECPoint decodePoint(ECDomainParameters domain, byte[] encoded, String what) {
        ECPoint q;
        try {
            q = domain.getCurve().decodePoint(encoded);
        } catch (RuntimeException e) {
            throw new InvalidKeyException(what + " public key is not a valid curve point: " + e.getMessage(), e);
        }
        if (q.isInfinity() || !q.isValid()) {
            throw new InvalidKeyException(what + " public key is not a valid curve point");
        }
        return q.normalize();
    }

    static byte[] sign(ECDomainParameters domain, BigInteger d, byte[] data, boolean lowS) {
        ECDSASigner signer = new ECDSASigner(new HMacDSAKCalculator(new SHA256Digest()));
        signer.init(true, new ECPrivateKeyParameters(d, domain));
        BigInteger[] rs = signer.generateSignature(sha256(data));
        BigInteger s = rs[1];
        if (lowS && s.compareTo(domain.getN().shiftRight(1)) > 0) {
            s = domain.getN().subtract(s);
        }
        return encodeDer(rs[0], s);
    }

    static boolean verify(ECDomainParameters domain, ECPoint q, byte[] data, byte[] signature) {
        BigInteger[] rs = parseDer(signature, domain.getN());
        if (rs == null) {
            return false;
        }
        ECDSASigner verifier = new ECDSASigner();
        verifier.init(false, new ECPublicKeyParameters(q, domain));
        return verifier.verifySignature(sha256(data), rs[0], rs[1]);
    }

    private static byte[] sha256(byte[] data) {
        SHA256Digest digest = new SHA256Digest();
        digest.update(data, 0, data.length);
        byte[] out = new byte[32];
        digest.doFinal(out, 0);
        return out;
    }

    static byte[] encodeDer(BigInteger r, BigInteger s) {
        byte[] rb = r.toByteArray();
        byte[] sb = s.toByteArray();
        int len = 2 + rb.length + 2 + sb.length;
        byte[] out = new byte[2 + len];
        out[0] = 0x30;
        out[1] = (byte) len;
        out[2] = 0x02;
        out[3] = (byte) rb.length;
        System.arraycopy(rb, 0, out, 4, rb.length);
        int p = 4 + rb.length;
        out[p] = 0x02;
        out[p + 1] = (byte) sb.length;
        System.arraycopy(sb, 0, out, p + 2, sb.length);
        return out;
    }

    /** Strict DER parse of {@code SEQUENCE { INTEGER r, INTEGER s }}; null if malformed or out of range. */
    static BigInteger[] parseDer(byte[] sig, BigInteger n) {
        // 256-bit curves: each INTEGER is at most 33 bytes, so every length fits in one byte.
        if (sig.length < 8 || sig.length > 72 || sig[0] != 0x30 || (sig[1] & 0xFF) != sig.length - 2) {
            return null;
        }
        int p = 2;
        BigInteger[] out = new BigInteger[2];
        for (int i = 0; i < 2; i++) {
            if (p + 2 > sig.length || sig[p] != 0x02) {
                return null;
            }
            int len = sig[p + 1] & 0xFF;
            p += 2;
            if (len == 0 || len > 33 || p + len > sig.length) {
                return null;
            }
            if ((sig[p] & 0x80) != 0) {
                return null; // negative
            }
            if (len > 1 && sig[p] == 0 && (sig[p + 1] & 0x80) == 0) {
                return null; // non-minimal
            }
            BigInteger v = new BigInteger(1, java.util.Arrays.copyOfRange(sig, p, p + len));
            if (v.signum() == 0 || v.compareTo(n) >= 0) {
                return null;
            }
            out[i] = v;
            p += len;
        }
        return p == sig.length ? out : null;
    }
}
