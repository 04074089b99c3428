package io.gridoverlay.transport.noise;

/** A ciphertext failed ChaCha20-Poly1305 authentication (bad tag, wrong key or nonce, or tampering). */
public class DecryptionException extends NoiseException {
    private static final long serialVersionUID = 1L;

    /** Creates an exception whose message names which message failed. */
    public DecryptionException(String message, Throwable cause) {
        super(message, cause);
    }
}
