package io.gridoverlay.transport.internal.noise;

import io.gridoverlay.transport.noise.DecryptionException;
import io.gridoverlay.transport.noise.NoiseException;

import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Arrays;
import javax.crypto.Cipher;
import javax.crypto.spec.ChaCha20ParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * ChaCha20-Poly1305 (RFC 8439 section 2.8) built from the JDK's plain {@code "ChaCha20"} stream cipher,
 * which HotSpot compiles to AVX2/AVX-512 code on JDK 20+, and our own {@link Poly1305}. The JDK's
 * {@code "ChaCha20-Poly1305"} cipher only vectorises Poly1305 with AVX-512, so on AVX2 machines this
 * composition is several times faster.
 *
 * <pre>
 * keystream block 0 (counter 0)   -> first 32 bytes = one-time Poly1305 key
 * keystream blocks 1.. (counter 1) -> XOR with the plaintext
 * tag = Poly1305(AAD || pad16 || ciphertext || pad16 || le64(|AAD|) || le64(|ciphertext|))
 * </pre>
 *
 * <p>Decryption computes and compares the tag (constant time, {@link MessageDigest#isEqual}) before it
 * decrypts anything, so a forged message leaves {@code out} untouched. One {@link Cipher} is reused; it
 * is re-initialised per message with the message's nonce. The JDK refuses to initialise a ChaCha20
 * cipher with the key and nonce of its previous initialisation, in either mode; this class keeps that
 * refusal for two encryptions in a row (a key and nonce reuse) and otherwise, when the same nonce is
 * legitimately used again (decrypting what this object encrypted, or retrying a decryption), first
 * initialises with a different nonce. O(n) per message; not thread-safe.
 */
final class FastAead extends NoiseCrypto.Aead {
    private static final int TAG_LEN = Poly1305.TAG_LEN;
    private static final int CHACHA_BLOCK = 64;
    /** Read-only input for producing keystream block 0. */
    private static final byte[] ZEROS = new byte[CHACHA_BLOCK];

    private final Cipher chacha;
    private final Poly1305 poly = new Poly1305();
    private final byte[] block0 = new byte[CHACHA_BLOCK];
    private final byte[] computedTag = new byte[TAG_LEN];
    private final byte[] receivedTag = new byte[TAG_LEN];
    private final byte[] lastNonce = new byte[12];
    private SecretKeySpec key;
    private byte[] keyBytes;
    /** The mode of the cipher's last initialisation with {@link #key} and {@link #lastNonce}; 0 if none. */
    private int lastMode;

    FastAead() {
        try {
            chacha = Cipher.getInstance("ChaCha20");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("JDK ChaCha20 stream cipher unavailable", e);
        }
    }

    /** Whether this JDK has the plain {@code "ChaCha20"} cipher (Java 11+). */
    static boolean available() {
        try {
            Cipher.getInstance("ChaCha20");
            return true;
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    @Override
    void setKey(byte[] k) {
        if (k == null || k.length != NoiseCrypto.KEY_LEN) {
            throw new IllegalArgumentException("ChaCha20-Poly1305 key must be 32 bytes");
        }
        if (keyBytes == null || !MessageDigest.isEqual(keyBytes, k)) {
            lastMode = 0; // the JDK only compares with its previous key
        }
        keyBytes = k.clone();
        key = new SecretKeySpec(keyBytes, "ChaCha20");
    }

    @Override
    int seal(byte[] nonce, byte[] ad, byte[] in, int inOff, int len, byte[] out, int outOff) {
        checkRange(in, inOff, len, "input");
        checkRange(out, outOff, len + TAG_LEN, "output");
        try {
            startMessage(Cipher.ENCRYPT_MODE, nonce, ad);
            int n = chacha.doFinal(in, inOff, len, out, outOff);
            if (n != len) {
                throw new NoiseException("ChaCha20 wrote " + n + " bytes for " + len + " bytes of plaintext");
            }
            finishTag(ad.length, out, outOff, len, out, outOff + len);
            return len + TAG_LEN;
        } catch (GeneralSecurityException e) {
            throw new NoiseException("ChaCha20-Poly1305 encryption failed: " + e.getMessage(), e);
        }
    }

    @Override
    int open(byte[] nonce, byte[] ad, byte[] in, int inOff, int len, byte[] out, int outOff) {
        if (len < TAG_LEN) {
            throw new DecryptionException("ciphertext of " + len + " bytes is shorter than the tag", null);
        }
        int ctLen = len - TAG_LEN;
        checkRange(in, inOff, len, "input");
        checkRange(out, outOff, ctLen, "output");
        try {
            startMessage(Cipher.DECRYPT_MODE, nonce, ad);
            finishTag(ad.length, in, inOff, ctLen, computedTag, 0);
            System.arraycopy(in, inOff + ctLen, receivedTag, 0, TAG_LEN);
            boolean ok = MessageDigest.isEqual(computedTag, receivedTag);
            Arrays.fill(computedTag, (byte) 0);
            if (!ok) {
                throw new DecryptionException("ChaCha20-Poly1305 tag mismatch at nonce " + NoiseCrypto.describeNonce(nonce), null);
            }
            int n = chacha.doFinal(in, inOff, ctLen, out, outOff);
            if (n != ctLen) {
                throw new NoiseException("ChaCha20 wrote " + n + " bytes for " + ctLen + " bytes of ciphertext");
            }
            return ctLen;
        } catch (GeneralSecurityException e) {
            throw new NoiseException("ChaCha20-Poly1305 decryption failed: " + e.getMessage(), e);
        }
    }

    /** Initialises the stream at counter 0, takes block 0 as the Poly1305 key and absorbs the AAD. */
    private void startMessage(int mode, byte[] nonce, byte[] ad) throws GeneralSecurityException {
        if (key == null) {
            throw new IllegalStateException("ChaCha20-Poly1305 key not set");
        }
        if (nonce.length != 12) {
            throw new IllegalArgumentException("ChaCha20-Poly1305 nonce must be 12 bytes, got " + nonce.length);
        }
        if (lastMode != 0 && Arrays.equals(lastNonce, nonce)) {
            if (mode == Cipher.ENCRYPT_MODE && lastMode == Cipher.ENCRYPT_MODE) {
                throw new NoiseException("refusing to encrypt twice with the same ChaCha20-Poly1305 key and nonce");
            }
            byte[] other = nonce.clone();
            other[0] ^= 1;
            chacha.init(Cipher.DECRYPT_MODE, key, new ChaCha20ParameterSpec(other, 0));
        }
        chacha.init(mode, key, new ChaCha20ParameterSpec(nonce, 0));
        System.arraycopy(nonce, 0, lastNonce, 0, 12);
        lastMode = mode;
        // Consuming exactly one block leaves the stream at counter 1 for the payload.
        int n = chacha.update(ZEROS, 0, CHACHA_BLOCK, block0, 0);
        if (n != CHACHA_BLOCK) {
            throw new NoiseException("ChaCha20 returned " + n + " bytes of keystream block 0");
        }
        poly.init(block0, 0);
        Arrays.fill(block0, (byte) 0);
        poly.updatePadded(ad, 0, ad.length);
    }

    private void finishTag(int adLen, byte[] ct, int ctOff, int ctLen, byte[] tagOut, int tagOff) {
        poly.updatePadded(ct, ctOff, ctLen);
        poly.updateBlock(adLen, ctLen);
        poly.finish(tagOut, tagOff);
    }

    private static void checkRange(byte[] b, int off, int len, String what) {
        if (off < 0 || len < 0 || off > b.length - len) {
            throw new NoiseException("ChaCha20-Poly1305 " + what + " buffer of " + b.length + " bytes cannot hold "
                    + len + " bytes at offset " + off);
        }
    }
}
