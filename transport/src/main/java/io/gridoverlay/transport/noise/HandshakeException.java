package io.gridoverlay.transport.noise;

/**
 * The Noise XX handshake failed: a malformed or unauthenticated handshake message, a bad identity
 * payload or signature, an unexpected remote identity, a timeout, or a channel closed mid-handshake.
 */
public class HandshakeException extends NoiseException {
    private static final long serialVersionUID = 1L;

    /** Creates an exception whose message names what was wrong. */
    public HandshakeException(String message) {
        super(message);
    }

    /** Creates an exception whose message names what was wrong, with its cause. */
    public HandshakeException(String message, Throwable cause) {
        super(message, cause);
    }
}
