package io.gridoverlay.transport.noise;

/**
 * A failure of the Noise secure channel: a transport message that fails authentication, an exhausted
 * nonce, a malformed frame, or (as {@link HandshakeException}) a failed handshake.
 *
 * <p>After this exception the channel's cipher state must not be used again; the connection is closed.
 */
public class NoiseException extends io.gridoverlay.transport.TransportException {
    private static final long serialVersionUID = 1L;

    /** Creates an exception whose message names what was wrong. */
    public NoiseException(String message) {
        super(message);
    }

    /** Creates an exception whose message names what was wrong, with its cause. */
    public NoiseException(String message, Throwable cause) {
        super(message, cause);
    }
}
