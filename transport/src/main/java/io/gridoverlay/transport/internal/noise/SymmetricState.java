package io.gridoverlay.transport.internal.noise;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Arrays;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * A Noise {@code SymmetricState} (Noise spec rev 34, section 5.2) with SHA-256: the chaining key
 * {@code ck}, the handshake hash {@code h} and a {@link CipherState}. HKDF is the Noise HKDF built on
 * HMAC-SHA256 (section 4.3). Not thread-safe; used only during one handshake.
 */
final class SymmetricState {
    static final int HASH_LEN = 32;

    private final NoiseCrypto crypto;
    private final CipherState cipher;
    private final MessageDigest sha256;
    private final Mac hmac;
    private byte[] ck;
    private byte[] h;

    SymmetricState(NoiseCrypto crypto, String protocolName) {
        this.crypto = crypto;
        this.cipher = new CipherState(crypto);
        try {
            this.sha256 = MessageDigest.getInstance("SHA-256");
            this.hmac = Mac.getInstance("HmacSHA256");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("SHA-256 / HmacSHA256 unavailable", e);
        }
        byte[] name = protocolName.getBytes(StandardCharsets.US_ASCII);
        h = name.length <= HASH_LEN ? Arrays.copyOf(name, HASH_LEN) : sha256.digest(name);
        ck = h.clone();
    }

    void mixKey(byte[] inputKeyMaterial) {
        byte[][] out = hkdf(ck, inputKeyMaterial, 2);
        ck = out[0];
        cipher.initializeKey(out[1]);
    }

    void mixHash(byte[] data) {
        sha256.update(h);
        sha256.update(data);
        h = sha256.digest();
    }

    boolean hasKey() {
        return cipher.hasKey();
    }

    byte[] encryptAndHash(byte[] plaintext) {
        byte[] ciphertext = cipher.encryptWithAd(h, plaintext);
        mixHash(ciphertext);
        return ciphertext;
    }

    byte[] decryptAndHash(byte[] ciphertext) {
        byte[] plaintext = cipher.decryptWithAd(h, ciphertext);
        mixHash(ciphertext);
        return plaintext;
    }

    /** {@code Split()}: the initiator-to-responder and responder-to-initiator cipher states. */
    CipherState[] split() {
        byte[][] keys = hkdf(ck, new byte[0], 2);
        CipherState c1 = new CipherState(crypto);
        CipherState c2 = new CipherState(crypto);
        c1.initializeKey(keys[0]);
        c2.initializeKey(keys[1]);
        Arrays.fill(keys[0], (byte) 0);
        Arrays.fill(keys[1], (byte) 0);
        Arrays.fill(ck, (byte) 0);
        return new CipherState[] {c1, c2};
    }

    byte[] handshakeHash() {
        return h.clone();
    }

    /** Noise HKDF (section 4.3) with 2 or 3 outputs. */
    byte[][] hkdf(byte[] chainingKey, byte[] ikm, int outputs) {
        byte[] tempKey = hmac(chainingKey, ikm);
        byte[][] out = new byte[outputs][];
        byte[] prev = new byte[0];
        for (int i = 0; i < outputs; i++) {
            byte[] input = Arrays.copyOf(prev, prev.length + 1);
            input[prev.length] = (byte) (i + 1);
            prev = hmac(tempKey, input);
            out[i] = prev;
        }
        Arrays.fill(tempKey, (byte) 0);
        return out;
    }

    private byte[] hmac(byte[] key, byte[] data) {
        try {
            hmac.init(new SecretKeySpec(key, "HmacSHA256"));
        } catch (java.security.InvalidKeyException e) {
            throw new IllegalStateException("HMAC-SHA256 rejected a 32-byte key", e);
        }
        return hmac.doFinal(data);
    }
}
