package io.gridoverlay.transport.noise;

import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.spec.NamedParameterSpec;
import java.security.spec.XECPrivateKeySpec;
import java.security.spec.XECPublicKeySpec;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.KeyAgreement;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.bouncycastle.crypto.InvalidCipherTextException;
import org.bouncycastle.crypto.modes.ChaCha20Poly1305;
import org.bouncycastle.crypto.params.AEADParameters;
import org.bouncycastle.crypto.params.KeyParameter;
import org.bouncycastle.math.ec.rfc7748.X25519;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Noise primitives 25519 and ChaChaPoly. Three back ends: {@link #FAST} (X25519 from the JDK, or
 * Bouncy Castle if the JDK lacks "XDH"; ChaChaPoly as {@link FastAead}: the JDK's "ChaCha20" stream
 * cipher plus our {@link Poly1305}), {@link #JDK} ("XDH" and the JDK's "ChaCha20-Poly1305" cipher) and
 * {@link #BOUNCY_CASTLE}. {@link #DEFAULT} is chosen once, at class initialisation, by capability:
 * FAST whenever the JDK has "ChaCha20" (Java 11+). It is the fastest on every JDK measured (AVX2, no
 * AVX-512, 64 KiB frames, encrypt): on JDK 25 the JDK's ChaCha20 is an intrinsic and the JDK's
 * ChaCha20-Poly1305 does not vectorise Poly1305 without AVX-512; on JDK 17 neither is intrinsified but
 * FAST still beats both others (numbers in NoiseBenchmark's Javadoc). All three stay available for tests.
 *
 * <p>Instances are stateless and thread-safe; {@link Aead} objects are not (one per cipher state).
 */
abstract class NoiseCrypto {
    private static final Logger LOG = LoggerFactory.getLogger(NoiseCrypto.class);

    static final int DH_LEN = 32;
    static final int KEY_LEN = 32;
    static final int TAG_LEN = 16;

    static final NoiseCrypto JDK = new Jdk();
    static final NoiseCrypto BOUNCY_CASTLE = new BouncyCastle();
    static final NoiseCrypto FAST = new Fast(jdkHasX25519() ? JDK : BOUNCY_CASTLE);
    static final NoiseCrypto DEFAULT = chooseDefault();

    private static boolean jdkHasX25519() {
        try {
            KeyAgreement.getInstance("XDH");
            KeyFactory.getInstance("XDH");
            return true;
        } catch (GeneralSecurityException e) {
            LOG.info("JDK lacks X25519 ({}); using Bouncy Castle for Noise DH", e.toString());
            return false;
        }
    }

    private static NoiseCrypto chooseDefault() {
        if (FastAead.available()) {
            return FAST;
        }
        LOG.info("JDK lacks the ChaCha20 stream cipher; using Bouncy Castle for Noise");
        return BOUNCY_CASTLE;
    }

    /** Name for logs and tests. */
    abstract String name();

    /** A new reusable AEAD instance without a key. */
    abstract Aead newAead();

    /** The X25519 public key of a 32-byte private key (clamped as RFC 7748 says). */
    abstract byte[] publicKey(byte[] privateKey);

    /**
     * X25519 of {@code privateKey} and {@code publicKey}.
     *
     * @throws HandshakeException if the public key is a low-order point (all-zero shared secret)
     */
    abstract byte[] dh(byte[] privateKey, byte[] publicKey);

    /** ChaCha20-Poly1305 (RFC 8439) with a Noise nonce: 4 zero bytes, then the counter little-endian. */
    abstract static class Aead {
        /** Sets the 32-byte key used by the following calls. */
        abstract void setKey(byte[] key);

        /**
         * Encrypts {@code len} bytes at {@code in[inOff]} into {@code out[outOff]}, appending the tag.
         *
         * @return the ciphertext length, {@code len + 16}
         */
        abstract int encrypt(long nonce, byte[] ad, byte[] in, int inOff, int len, byte[] out, int outOff);

        /**
         * Authenticates and decrypts {@code len} bytes (ciphertext and tag) into {@code out[outOff]}.
         *
         * @return the plaintext length, {@code len - 16}
         * @throws DecryptionException if authentication fails
         */
        abstract int decrypt(long nonce, byte[] ad, byte[] in, int inOff, int len, byte[] out, int outOff);

        static void nonceBytes(long nonce, byte[] iv) {
            iv[0] = 0;
            iv[1] = 0;
            iv[2] = 0;
            iv[3] = 0;
            for (int i = 0; i < 8; i++) {
                iv[4 + i] = (byte) (nonce >>> (8 * i));
            }
        }
    }

    /** X25519 from another back end, ChaChaPoly as {@link FastAead}. */
    private static final class Fast extends NoiseCrypto {
        private final NoiseCrypto dh;

        Fast(NoiseCrypto dh) {
            this.dh = dh;
        }

        @Override
        String name() {
            return "Fast";
        }

        @Override
        Aead newAead() {
            return new FastAead();
        }

        @Override
        byte[] publicKey(byte[] privateKey) {
            return dh.publicKey(privateKey);
        }

        @Override
        byte[] dh(byte[] privateKey, byte[] publicKey) {
            return dh.dh(privateKey, publicKey);
        }
    }

    private static final class Jdk extends NoiseCrypto {
        private static final byte[] BASE_POINT = basePoint();
        private static final BigInteger P = BigInteger.TWO.pow(255).subtract(BigInteger.valueOf(19));

        @Override
        String name() {
            return "JDK";
        }

        @Override
        Aead newAead() {
            return new JdkAead();
        }

        @Override
        byte[] publicKey(byte[] privateKey) {
            return dh(privateKey, BASE_POINT);
        }

        @Override
        byte[] dh(byte[] privateKey, byte[] publicKey) {
            checkLength(privateKey, "private key");
            checkLength(publicKey, "public key");
            try {
                KeyFactory kf = KeyFactory.getInstance("XDH");
                var priv = kf.generatePrivate(new XECPrivateKeySpec(NamedParameterSpec.X25519, privateKey.clone()));
                var pub = kf.generatePublic(new XECPublicKeySpec(NamedParameterSpec.X25519, decodeU(publicKey)));
                KeyAgreement ka = KeyAgreement.getInstance("XDH");
                ka.init(priv);
                ka.doPhase(pub, true);
                byte[] shared = ka.generateSecret();
                if (isZero(shared)) {
                    throw new HandshakeException("X25519 produced an all-zero shared secret (low-order public key)");
                }
                return shared;
            } catch (java.security.InvalidKeyException e) {
                throw new HandshakeException("X25519 rejected the public key: " + e.getMessage(), e);
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("JDK X25519 unavailable", e);
            }
        }

        /** RFC 7748 section 5: mask bit 255, read little-endian, reduce modulo p. */
        private static BigInteger decodeU(byte[] u) {
            byte[] be = new byte[DH_LEN];
            for (int i = 0; i < DH_LEN; i++) {
                be[i] = u[DH_LEN - 1 - i];
            }
            be[0] &= 0x7F;
            return new BigInteger(1, be).mod(P);
        }

        private static byte[] basePoint() {
            byte[] b = new byte[DH_LEN];
            b[0] = 9;
            return b;
        }
    }

    private static final class JdkAead extends Aead {
        private final Cipher cipher;
        private final byte[] iv = new byte[12];
        private SecretKeySpec key;

        JdkAead() {
            try {
                cipher = Cipher.getInstance("ChaCha20-Poly1305");
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("JDK ChaCha20-Poly1305 unavailable", e);
            }
        }

        @Override
        void setKey(byte[] k) {
            checkKey(k);
            key = new SecretKeySpec(k, "ChaCha20");
        }

        @Override
        int encrypt(long nonce, byte[] ad, byte[] in, int inOff, int len, byte[] out, int outOff) {
            try {
                nonceBytes(nonce, iv);
                cipher.init(Cipher.ENCRYPT_MODE, key, new IvParameterSpec(iv));
                if (ad.length > 0) {
                    cipher.updateAAD(ad);
                }
                return cipher.doFinal(in, inOff, len, out, outOff);
            } catch (GeneralSecurityException e) {
                throw new NoiseException("ChaCha20-Poly1305 encryption failed: " + e.getMessage(), e);
            }
        }

        @Override
        int decrypt(long nonce, byte[] ad, byte[] in, int inOff, int len, byte[] out, int outOff) {
            if (len < TAG_LEN) {
                throw new DecryptionException("ciphertext of " + len + " bytes is shorter than the tag", null);
            }
            try {
                nonceBytes(nonce, iv);
                cipher.init(Cipher.DECRYPT_MODE, key, new IvParameterSpec(iv));
                if (ad.length > 0) {
                    cipher.updateAAD(ad);
                }
                return cipher.doFinal(in, inOff, len, out, outOff);
            } catch (AEADBadTagException e) {
                throw new DecryptionException("ChaCha20-Poly1305 tag mismatch at nonce " + Long.toUnsignedString(nonce), e);
            } catch (GeneralSecurityException e) {
                throw new NoiseException("ChaCha20-Poly1305 decryption failed: " + e.getMessage(), e);
            }
        }
    }

    private static final class BouncyCastle extends NoiseCrypto {
        @Override
        String name() {
            return "BouncyCastle";
        }

        @Override
        Aead newAead() {
            return new BcAead();
        }

        @Override
        byte[] publicKey(byte[] privateKey) {
            checkLength(privateKey, "private key");
            byte[] pub = new byte[DH_LEN];
            X25519.generatePublicKey(privateKey, 0, pub, 0);
            return pub;
        }

        @Override
        byte[] dh(byte[] privateKey, byte[] publicKey) {
            checkLength(privateKey, "private key");
            checkLength(publicKey, "public key");
            byte[] shared = new byte[DH_LEN];
            if (!X25519.calculateAgreement(privateKey, 0, publicKey, 0, shared, 0)) {
                throw new HandshakeException("X25519 produced an all-zero shared secret (low-order public key)");
            }
            return shared;
        }
    }

    private static final class BcAead extends Aead {
        private final ChaCha20Poly1305 cipher = new ChaCha20Poly1305();
        private final byte[] iv = new byte[12];
        private KeyParameter key;

        @Override
        void setKey(byte[] k) {
            checkKey(k);
            key = new KeyParameter(k.clone());
        }

        @Override
        int encrypt(long nonce, byte[] ad, byte[] in, int inOff, int len, byte[] out, int outOff) {
            nonceBytes(nonce, iv);
            cipher.init(true, new AEADParameters(key, TAG_LEN * 8, iv.clone(), ad));
            int n = cipher.processBytes(in, inOff, len, out, outOff);
            try {
                return n + cipher.doFinal(out, outOff + n);
            } catch (InvalidCipherTextException e) {
                throw new NoiseException("ChaCha20-Poly1305 encryption failed: " + e.getMessage(), e);
            }
        }

        @Override
        int decrypt(long nonce, byte[] ad, byte[] in, int inOff, int len, byte[] out, int outOff) {
            if (len < TAG_LEN) {
                throw new DecryptionException("ciphertext of " + len + " bytes is shorter than the tag", null);
            }
            nonceBytes(nonce, iv);
            cipher.init(false, new AEADParameters(key, TAG_LEN * 8, iv.clone(), ad));
            int n = cipher.processBytes(in, inOff, len, out, outOff);
            try {
                return n + cipher.doFinal(out, outOff + n);
            } catch (InvalidCipherTextException e) {
                throw new DecryptionException("ChaCha20-Poly1305 tag mismatch at nonce " + Long.toUnsignedString(nonce), e);
            }
        }
    }

    static void checkLength(byte[] key, String what) {
        if (key == null || key.length != DH_LEN) {
            throw new HandshakeException("X25519 " + what + " must be " + DH_LEN + " bytes, got "
                    + (key == null ? "null" : key.length));
        }
    }

    private static void checkKey(byte[] k) {
        if (k == null || k.length != KEY_LEN) {
            throw new IllegalArgumentException("ChaCha20-Poly1305 key must be 32 bytes");
        }
    }

    private static boolean isZero(byte[] b) {
        int acc = 0;
        for (byte x : b) {
            acc |= x;
        }
        return acc == 0;
    }
}
