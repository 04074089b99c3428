package io.gridoverlay.transport.internal.noise;

/**
 * The outcome of a completed handshake: the authenticated {@link NoiseHandshakeResult} and the two
 * transport cipher states (ours to encrypt, ours to decrypt). The cipher states are mutable and belong
 * to the connection's event loop; not thread-safe.
 */
public final class NoiseSession {
    private final NoiseHandshakeResult result;
    private final CipherState encryptor;
    private final CipherState decryptor;

    NoiseSession(NoiseHandshakeResult result, CipherState encryptor, CipherState decryptor) {
        this.result = result;
        this.encryptor = encryptor;
        this.decryptor = decryptor;
    }

    /** What the handshake established about the remote. */
    public NoiseHandshakeResult result() {
        return result;
    }

    /** Encrypts messages to the remote. */
    public CipherState encryptor() {
        return encryptor;
    }

    /** Decrypts messages from the remote. */
    public CipherState decryptor() {
        return decryptor;
    }
}
