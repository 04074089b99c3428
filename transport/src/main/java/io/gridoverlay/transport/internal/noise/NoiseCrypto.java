package io.gridoverlay.transport.internal.noise;

import io.gridoverlay.transport.noise.DecryptionException;
import io.gridoverlay.transport.noise.HandshakeException;
import io.gridoverlay.transport.noise.NoiseException;

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
 * The Noise primitives 25519 and ChaChaPoly. Four back ends: {@link #CONSCRYPT} (BoringSSL's
 * ChaCha20-Poly1305 through Conscrypt when its jar and native library are present; X25519 as FAST),
 * {@link #FAST} (X25519 from the JDK, or Bouncy Castle if the JDK lacks "XDH"; ChaChaPoly as
 * {@link FastAead}: the JDK's "ChaCha20" stream cipher plus our {@link Poly1305}), {@link #JDK} ("XDH"
 * and the JDK's "ChaCha20-Poly1305" cipher) and {@link #BOUNCY_CASTLE}. {@link #DEFAULT} is chosen
 * once, at class initialisation, by {@link #chooseDefault()}: Conscrypt is 2–3× faster than FAST on
 * AVX2 machines (BoringSSL has AVX2 Poly1305; HotSpot only vectorises Poly1305 with AVX-512), FAST beats
 * the JDK's own AEAD on every JDK measured without AVX-512 (numbers in NoiseBenchmark's Javadoc). All
 * stay available for tests and benchmarks.
 *
 * <p>Instances are stateless and thread-safe; {@link Aead} objects are not (one per cipher state).
 */
abstract class NoiseCrypto {
    private static final Logger LOG = LoggerFactory.getLogger(NoiseCrypto.class);

    static final int DH_LEN = 32;
    static final int KEY_LEN = 32;
    static final int TAG_LEN = 16;
    private static final byte[] EMPTY = new byte[0];

    /** System property naming the back end to use ({@code fast}, {@code jdk}, {@code bouncy-castle}, {@code conscrypt}). */
    static final String BACKEND_PROPERTY = "gridoverlay.noise.cipher";

    static final NoiseCrypto JDK = new Jdk();
    static final NoiseCrypto BOUNCY_CASTLE = new BouncyCastle();
    private static final NoiseCrypto X25519_IMPL = jdkHasX25519() ? JDK : BOUNCY_CASTLE;
    static final NoiseCrypto FAST = new Fast(X25519_IMPL);
    /** BoringSSL's ChaCha20-Poly1305 through Conscrypt, or {@code null} when Conscrypt cannot load here. */
    static final NoiseCrypto CONSCRYPT = ConscryptCrypto.create(X25519_IMPL);
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

    /**
     * The back end named by {@link #BACKEND_PROPERTY} if set and usable; else Conscrypt if its native library
     * loads; else the JDK's own ChaCha20-Poly1305 when HotSpot vectorises its Poly1305 (AVX-512); else
     * {@link FastAead}; else Bouncy Castle. Whatever is chosen must first reproduce the RFC 8439 section
     * 2.8.2 vector.
     */
    private static NoiseCrypto chooseDefault() {
        String wanted = System.getProperty(BACKEND_PROPERTY, "").trim().toLowerCase(java.util.Locale.ROOT);
        if (!wanted.isEmpty()) {
            NoiseCrypto named = switch (wanted) {
                case "fast" -> FastAead.available() ? FAST : null;
                case "jdk" -> JDK;
                case "bouncy-castle", "bc" -> BOUNCY_CASTLE;
                case "conscrypt" -> CONSCRYPT;
                default -> null;
            };
            if (named != null && selfTest(named)) {
                LOG.debug("Noise cipher back end {} (from -D{})", named.name(), BACKEND_PROPERTY);
                return named;
            }
            LOG.warn("-D{}={} is unknown or unusable here; choosing the Noise cipher back end by capability",
                    BACKEND_PROPERTY, wanted);
        }
        if (CONSCRYPT != null && selfTest(CONSCRYPT)) {
            LOG.debug("Noise cipher back end: Conscrypt (BoringSSL)");
            return CONSCRYPT;
        }
        if (jdkVectorisesPoly1305() && selfTest(JDK)) {
            LOG.debug("Noise cipher back end: JDK ChaCha20-Poly1305 (Poly1305 intrinsic on)");
            return JDK;
        }
        if (FastAead.available() && selfTest(FAST)) {
            return FAST;
        }
        if (!selfTest(BOUNCY_CASTLE)) {
            LOG.error("no Noise cipher back end passes the RFC 8439 self-test; Bouncy Castle is used regardless");
        } else {
            LOG.info("JDK lacks the ChaCha20 stream cipher; using Bouncy Castle for Noise");
        }
        return BOUNCY_CASTLE;
    }

    /** Whether HotSpot compiles the JDK's Poly1305 to vector code (it needs AVX-512 or AVX-IFMA). */
    private static boolean jdkVectorisesPoly1305() {
        try {
            var bean = java.lang.management.ManagementFactory.getPlatformMXBean(
                    com.sun.management.HotSpotDiagnosticMXBean.class);
            return bean != null && Boolean.parseBoolean(bean.getVMOption("UsePoly1305Intrinsics").getValue());
        } catch (RuntimeException | LinkageError e) {
            return false; // not HotSpot, or the flag does not exist on this JDK
        }
    }

    /** RFC 8439 section 2.8.2: a back end must reproduce this ciphertext and tag, and open it again. */
    static boolean selfTest(NoiseCrypto crypto) {
        try {
            java.util.HexFormat hex = java.util.HexFormat.of();
            byte[] key = hex.parseHex("808182838485868788898a8b8c8d8e8f909192939495969798999a9b9c9d9e9f");
            byte[] aad = hex.parseHex("50515253c0c1c2c3c4c5c6c7");
            byte[] plain = ("Ladies and Gentlemen of the class of '99: If I could offer you only one tip for the "
                    + "future, sunscreen would be it.").getBytes(java.nio.charset.StandardCharsets.US_ASCII);
            // RFC nonce 07000000 40414243 44454647 = Noise-style 4 bytes + 8 bytes little-endian counter
            byte[] expectedTag = hex.parseHex("1ae10b594f09e26a7e902ecbd0600691");
            byte[] expectedStart = hex.parseHex("d31a8d34648e60db7b86afbc53ef7ec2");
            Aead aead = crypto.newAead();
            aead.setKey(key);
            byte[] nonce = hex.parseHex("070000004041424344454647");
            byte[] sealed = new byte[plain.length + TAG_LEN];
            int n = aead.seal(nonce, aad, plain, 0, plain.length, sealed, 0);
            boolean ok = n == sealed.length
                    && java.util.Arrays.equals(sealed, 0, 16, expectedStart, 0, 16)
                    && java.util.Arrays.equals(sealed, plain.length, sealed.length, expectedTag, 0, 16);
            Aead opener = crypto.newAead();
            opener.setKey(key);
            byte[] back = new byte[plain.length];
            ok = ok && opener.open(nonce, aad, sealed, 0, sealed.length, back, 0) == plain.length
                    && java.util.Arrays.equals(back, plain);
            if (!ok) {
                LOG.warn("Noise cipher back end {} failed the RFC 8439 self-test; not using it", crypto.name());
            }
            return ok;
        } catch (RuntimeException | LinkageError e) {
            LOG.warn("Noise cipher back end {} failed its self-test: {}", crypto.name(), e.toString());
            return false;
        }
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
        private final byte[] noiseNonce = new byte[12];

        /** Sets the 32-byte key used by the following calls. */
        abstract void setKey(byte[] key);

        /**
         * Encrypts {@code len} bytes at {@code in[inOff]} into {@code out[outOff]}, appending the tag.
         *
         * @return the ciphertext length, {@code len + 16}
         */
        int encrypt(long nonce, byte[] ad, byte[] in, int inOff, int len, byte[] out, int outOff) {
            return seal(noiseNonce(nonce), ad, in, inOff, len, out, outOff);
        }

        /**
         * Authenticates and decrypts {@code len} bytes (ciphertext and tag) into {@code out[outOff]}.
         *
         * @return the plaintext length, {@code len - 16}
         * @throws DecryptionException if authentication fails
         */
        int decrypt(long nonce, byte[] ad, byte[] in, int inOff, int len, byte[] out, int outOff) {
            return open(noiseNonce(nonce), ad, in, inOff, len, out, outOff);
        }

        /** {@link #encrypt} with an arbitrary 12-byte RFC 8439 nonce (self-tests and vectors). */
        abstract int seal(byte[] nonce, byte[] ad, byte[] in, int inOff, int len, byte[] out, int outOff);

        /** {@link #decrypt} with an arbitrary 12-byte RFC 8439 nonce (self-tests and vectors). */
        abstract int open(byte[] nonce, byte[] ad, byte[] in, int inOff, int len, byte[] out, int outOff);

        /**
         * Whether {@link #encrypt(long, java.nio.ByteBuffer, java.nio.ByteBuffer)} and its decrypt twin run
         * without copies on direct buffers (a native back end); if not, callers should use the array methods.
         */
        boolean prefersDirectBuffers() {
            return false;
        }

        /**
         * Encrypts {@code in}'s remaining bytes (empty associated data) to {@code out}, advancing both
         * positions. This default copies through arrays; native back ends override it.
         *
         * @return the ciphertext length, plaintext length + 16
         */
        int encrypt(long nonce, java.nio.ByteBuffer in, java.nio.ByteBuffer out) {
            byte[] plain = new byte[in.remaining()];
            in.get(plain);
            byte[] sealed = new byte[plain.length + TAG_LEN];
            int n = encrypt(nonce, EMPTY, plain, 0, plain.length, sealed, 0);
            out.put(sealed, 0, n);
            return n;
        }

        /**
         * Authenticates and decrypts {@code in}'s remaining bytes (ciphertext and tag, empty associated
         * data) to {@code out}, advancing both positions. This default copies through arrays.
         *
         * @return the plaintext length
         * @throws DecryptionException if authentication fails
         */
        int decrypt(long nonce, java.nio.ByteBuffer in, java.nio.ByteBuffer out) {
            if (in.remaining() < TAG_LEN) {
                throw new DecryptionException("ciphertext of " + in.remaining() + " bytes is shorter than the tag",
                        null);
            }
            byte[] sealed = new byte[in.remaining()];
            in.get(sealed);
            byte[] plain = new byte[sealed.length - TAG_LEN];
            int n = decrypt(nonce, EMPTY, sealed, 0, sealed.length, plain, 0);
            out.put(plain, 0, n);
            return n;
        }

        /** The RFC 8439 nonce of Noise counter {@code nonce}, in this object's reused 12-byte buffer. */
        final byte[] noiseNonce(long nonce) {
            nonceBytes(nonce, noiseNonce);
            return noiseNonce;
        }

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
            try {
                return new JcaAead(Cipher.getInstance("ChaCha20-Poly1305"), false);
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("JDK ChaCha20-Poly1305 unavailable", e);
            }
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

    /** A JCA "ChaCha20-Poly1305" AEAD cipher: the JDK's, or Conscrypt's (BoringSSL). */
    static final class JcaAead extends Aead {
        private final Cipher cipher;
        private final boolean nativeBuffers;
        private SecretKeySpec key;

        /** {@code nativeBuffers}: the provider seals and opens direct buffers in place (Conscrypt). */
        JcaAead(Cipher cipher, boolean nativeBuffers) {
            this.cipher = cipher;
            this.nativeBuffers = nativeBuffers;
        }

        @Override
        boolean prefersDirectBuffers() {
            return nativeBuffers;
        }

        @Override
        int encrypt(long nonce, java.nio.ByteBuffer in, java.nio.ByteBuffer out) {
            try {
                cipher.init(Cipher.ENCRYPT_MODE, key, new IvParameterSpec(noiseNonce(nonce)));
                return cipher.doFinal(in, out);
            } catch (GeneralSecurityException e) {
                throw new NoiseException("ChaCha20-Poly1305 encryption failed: " + e.getMessage(), e);
            }
        }

        @Override
        int decrypt(long nonce, java.nio.ByteBuffer in, java.nio.ByteBuffer out) {
            if (in.remaining() < TAG_LEN) {
                throw new DecryptionException("ciphertext of " + in.remaining() + " bytes is shorter than the tag",
                        null);
            }
            try {
                cipher.init(Cipher.DECRYPT_MODE, key, new IvParameterSpec(noiseNonce(nonce)));
                return cipher.doFinal(in, out);
            } catch (AEADBadTagException e) {
                throw new DecryptionException("ChaCha20-Poly1305 tag mismatch at nonce " + Long.toUnsignedString(nonce), e);
            } catch (GeneralSecurityException e) {
                throw new NoiseException("ChaCha20-Poly1305 decryption failed: " + e.getMessage(), e);
            }
        }

        @Override
        void setKey(byte[] k) {
            checkKey(k);
            key = new SecretKeySpec(k, "ChaCha20");
        }

        @Override
        int seal(byte[] nonce, byte[] ad, byte[] in, int inOff, int len, byte[] out, int outOff) {
            try {
                cipher.init(Cipher.ENCRYPT_MODE, key, new IvParameterSpec(nonce));
                if (ad.length > 0) {
                    cipher.updateAAD(ad);
                }
                return cipher.doFinal(in, inOff, len, out, outOff);
            } catch (GeneralSecurityException e) {
                throw new NoiseException("ChaCha20-Poly1305 encryption failed: " + e.getMessage(), e);
            }
        }

        @Override
        int open(byte[] nonce, byte[] ad, byte[] in, int inOff, int len, byte[] out, int outOff) {
            if (len < TAG_LEN) {
                throw new DecryptionException("ciphertext of " + len + " bytes is shorter than the tag", null);
            }
            try {
                cipher.init(Cipher.DECRYPT_MODE, key, new IvParameterSpec(nonce));
                if (ad.length > 0) {
                    cipher.updateAAD(ad);
                }
                return cipher.doFinal(in, inOff, len, out, outOff);
            } catch (AEADBadTagException e) {
                throw new DecryptionException("ChaCha20-Poly1305 tag mismatch at nonce " + describeNonce(nonce), e);
            } catch (GeneralSecurityException e) {
                throw new NoiseException("ChaCha20-Poly1305 decryption failed: " + e.getMessage(), e);
            }
        }
    }

    /**
     * X25519 from another back end; ChaCha20-Poly1305 from BoringSSL through Conscrypt's JCA provider
     * ({@code org.conscrypt:conscrypt-openjdk-uber}), looked up reflectively so that the library works,
     * on the other back ends, when the jar is absent or its native library does not load (e.g. musl).
     */
    private static final class ConscryptCrypto extends NoiseCrypto {
        private final NoiseCrypto dh;
        private final java.security.Provider provider;

        private ConscryptCrypto(NoiseCrypto dh, java.security.Provider provider) {
            this.dh = dh;
            this.provider = provider;
        }

        static NoiseCrypto create(NoiseCrypto dh) {
            try {
                Class<?> conscrypt = Class.forName("org.conscrypt.Conscrypt");
                if (!(Boolean) conscrypt.getMethod("isAvailable").invoke(null)) {
                    LOG.debug("Conscrypt is on the class path but its native library did not load");
                    return null;
                }
                var provider = (java.security.Provider) conscrypt.getMethod("newProvider").invoke(null);
                Cipher.getInstance("ChaCha20/Poly1305/NoPadding", provider);
                return new ConscryptCrypto(dh, provider);
            } catch (ClassNotFoundException e) {
                return null;
            } catch (ReflectiveOperationException | GeneralSecurityException | RuntimeException | LinkageError e) {
                LOG.debug("Conscrypt unusable: {}", e.toString());
                return null;
            }
        }

        @Override
        String name() {
            return "Conscrypt";
        }

        @Override
        Aead newAead() {
            try {
                return new JcaAead(Cipher.getInstance("ChaCha20/Poly1305/NoPadding", provider), true);
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("Conscrypt ChaCha20-Poly1305 unavailable", e);
            }
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
        private KeyParameter key;

        @Override
        void setKey(byte[] k) {
            checkKey(k);
            key = new KeyParameter(k.clone());
        }

        @Override
        int seal(byte[] nonce, byte[] ad, byte[] in, int inOff, int len, byte[] out, int outOff) {
            cipher.init(true, new AEADParameters(key, TAG_LEN * 8, nonce.clone(), ad));
            int n = cipher.processBytes(in, inOff, len, out, outOff);
            try {
                return n + cipher.doFinal(out, outOff + n);
            } catch (InvalidCipherTextException e) {
                throw new NoiseException("ChaCha20-Poly1305 encryption failed: " + e.getMessage(), e);
            }
        }

        @Override
        int open(byte[] nonce, byte[] ad, byte[] in, int inOff, int len, byte[] out, int outOff) {
            if (len < TAG_LEN) {
                throw new DecryptionException("ciphertext of " + len + " bytes is shorter than the tag", null);
            }
            cipher.init(false, new AEADParameters(key, TAG_LEN * 8, nonce.clone(), ad));
            int n = cipher.processBytes(in, inOff, len, out, outOff);
            try {
                return n + cipher.doFinal(out, outOff + n);
            } catch (InvalidCipherTextException e) {
                throw new DecryptionException("ChaCha20-Poly1305 tag mismatch at nonce " + describeNonce(nonce), e);
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

    /** The Noise counter for Noise nonces (4 zero bytes, then little-endian), else the nonce in hex. */
    static String describeNonce(byte[] nonce) {
        if (nonce[0] == 0 && nonce[1] == 0 && nonce[2] == 0 && nonce[3] == 0) {
            long n = 0;
            for (int i = 0; i < 8; i++) {
                n |= (nonce[4 + i] & 0xFFL) << (8 * i);
            }
            return Long.toUnsignedString(n);
        }
        return java.util.HexFormat.of().formatHex(nonce);
    }

    private static boolean isZero(byte[] b) {
        int acc = 0;
        for (byte x : b) {
            acc |= x;
        }
        return acc == 0;
    }
}
