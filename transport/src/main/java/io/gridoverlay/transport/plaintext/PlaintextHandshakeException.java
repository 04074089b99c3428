package io.gridoverlay.transport.plaintext;

import io.gridoverlay.transport.TransportException;

/**
 * The {@code /plaintext/2.0.0} exchange failed: a malformed or oversized message, a public key that does
 * not match the claimed peer id, an unexpected remote peer, or a channel closed before the exchange.
 */
public final class PlaintextHandshakeException extends TransportException {
    private static final long serialVersionUID = 1L;

    /** Creates an exception whose message names what was wrong. */
    public PlaintextHandshakeException(String message) {
        super(message);
    }

    /** Creates an exception whose message names what was wrong, with its cause. */
    public PlaintextHandshakeException(String message, Throwable cause) {
        super(message, cause);
    }
}
