package io.gridoverlay.transport.internal.noise;

import io.gridoverlay.transport.noise.DecryptionException;
import io.gridoverlay.transport.noise.NonceExhaustedException;

/**
 * A Noise {@code CipherState} (Noise spec rev 34, section 5.1) for ChaChaPoly: a key and a 64-bit
 * nonce counter. After the handshake one instance encrypts outgoing and one decrypts incoming transport
 * messages.
 *
 * <p>The nonce 2^64-1 is reserved; using it throws {@link NonceExhaustedException}. A failed decryption
 * throws {@link DecryptionException} and leaves the nonce unchanged. The JCA/BC cipher object is created
 * once and reused for every message. O(n) per message; not thread-safe (owned by one event loop).
 */
public final class CipherState {
    /** The ChaChaPoly authentication tag length. */
    public static final int TAG_LENGTH = NoiseCrypto.TAG_LEN;
    private static final byte[] EMPTY = new byte[0];
    private static final long MAX_NONCE = -1L; // 2^64-1 as an unsigned long

    private final NoiseCrypto.Aead aead;
    private boolean hasKey;
    private long nonce;

    CipherState(NoiseCrypto crypto) {
        this.aead = crypto.newAead();
    }

    /** {@code InitializeKey(k)}: sets the key and resets the nonce to zero. */
    void initializeKey(byte[] key) {
        aead.setKey(key);
        hasKey = true;
        nonce = 0;
    }

    /** {@code HasKey()}. */
    public boolean hasKey() {
        return hasKey;
    }

    /** The next nonce to be used, as an unsigned 64-bit value. */
    public long nonce() {
        return nonce;
    }

    /** {@code SetNonce(n)}; for tests and the rekey-free session resumption the spec allows. */
    void setNonce(long n) {
        nonce = n;
    }

    /** {@code EncryptWithAd(ad, plaintext)}: returns the plaintext itself if there is no key yet. */
    byte[] encryptWithAd(byte[] ad, byte[] plaintext) {
        if (!hasKey) {
            return plaintext.clone();
        }
        byte[] out = new byte[plaintext.length + TAG_LENGTH];
        checkNonce();
        aead.encrypt(nonce, ad, plaintext, 0, plaintext.length, out, 0);
        nonce++;
        return out;
    }

    /** {@code DecryptWithAd(ad, ciphertext)}: returns the ciphertext itself if there is no key yet. */
    byte[] decryptWithAd(byte[] ad, byte[] ciphertext) {
        if (!hasKey) {
            return ciphertext.clone();
        }
        if (ciphertext.length < TAG_LENGTH) {
            throw new DecryptionException("ciphertext of " + ciphertext.length + " bytes is shorter than the tag", null);
        }
        byte[] out = new byte[ciphertext.length - TAG_LENGTH];
        checkNonce();
        aead.decrypt(nonce, ad, ciphertext, 0, ciphertext.length, out, 0);
        nonce++;
        return out;
    }

    /**
     * Encrypts a transport message (empty associated data) into a caller-sized buffer.
     *
     * @param out receives {@code len + 16} bytes at {@code outOff}
     * @return the number of bytes written, {@code len + 16}
     * @throws NonceExhaustedException if the nonce space is used up
     */
    public int encrypt(byte[] in, int inOff, int len, byte[] out, int outOff) {
        requireKey();
        checkNonce();
        int n = aead.encrypt(nonce, EMPTY, in, inOff, len, out, outOff);
        nonce++;
        return n;
    }

    /**
     * Decrypts a transport message (empty associated data) into a caller-sized buffer.
     *
     * @param len ciphertext length including the 16-byte tag
     * @param out receives {@code len - 16} bytes at {@code outOff}
     * @return the number of plaintext bytes written
     * @throws DecryptionException if authentication fails
     * @throws NonceExhaustedException if the nonce space is used up
     */
    public int decrypt(byte[] in, int inOff, int len, byte[] out, int outOff) {
        requireKey();
        checkNonce();
        int n = aead.decrypt(nonce, EMPTY, in, inOff, len, out, outOff);
        nonce++;
        return n;
    }

    /** Whether the {@link java.nio.ByteBuffer} methods are the fast path (a native back end): use direct buffers then. */
    public boolean prefersDirectBuffers() {
        return aead.prefersDirectBuffers();
    }

    /**
     * Encrypts {@code in}'s remaining bytes as one transport message into {@code out}, advancing both
     * positions.
     *
     * @return the number of bytes written, plaintext length + 16
     * @throws NonceExhaustedException if the nonce space is used up
     */
    public int encrypt(java.nio.ByteBuffer in, java.nio.ByteBuffer out) {
        requireKey();
        checkNonce();
        int n = aead.encrypt(nonce, in, out);
        nonce++;
        return n;
    }

    /**
     * Decrypts {@code in}'s remaining bytes (ciphertext and tag) as one transport message into
     * {@code out}, advancing both positions. On failure the nonce is unchanged and {@code out}'s content
     * is unspecified (discard it).
     *
     * @return the number of plaintext bytes written
     * @throws DecryptionException if authentication fails
     * @throws NonceExhaustedException if the nonce space is used up
     */
    public int decrypt(java.nio.ByteBuffer in, java.nio.ByteBuffer out) {
        requireKey();
        checkNonce();
        int n = aead.decrypt(nonce, in, out);
        nonce++;
        return n;
    }

    private void requireKey() {
        if (!hasKey) {
            throw new IllegalStateException("cipher state has no key; the handshake is not complete");
        }
    }

    private void checkNonce() {
        if (nonce == MAX_NONCE) {
            throw new NonceExhaustedException("nonce 2^64-1 reached; the Noise session must be closed");
        }
    }
}
