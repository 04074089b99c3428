package io.gridoverlay.transport.multistream;

/**
 * Thrown when multistream-select negotiation fails: a malformed or oversized message, an unexpected
 * header, a response that matches no proposal, or no protocol supported by both sides.
 *
 * <p>The message names what was received and what was expected. Negotiation state is final after this
 * exception; the connection or stream should be closed.
 */
public class ProtocolNegotiationException extends io.gridoverlay.transport.TransportException {
    private static final long serialVersionUID = 1L;

    /** Creates an exception with a message naming the offending input. */
    public ProtocolNegotiationException(String message) {
        super(message);
    }

    /** Creates an exception with a message and the underlying cause. */
    public ProtocolNegotiationException(String message, Throwable cause) {
        super(message, cause);
    }
}
