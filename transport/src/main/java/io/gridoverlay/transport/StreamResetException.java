package io.gridoverlay.transport;

/**
 * The remote peer reset a stream (Yamux RST) before its protocol was agreed. The error code is the one the
 * remote sent with the reset (the libp2p error-codes draft as go-libp2p implements it:
 * {@link #PROTOCOL_NEGOTIATION_FAILED}, {@link #RESOURCE_LIMIT_EXCEEDED}, {@link #RATE_LIMITED}, …; js-libp2p
 * sends none), 0 when it sent none. The connection itself is unaffected.
 *
 * @see StreamRefusedException the subclass for a stream the remote refused outright
 */
public class StreamResetException extends TransportException {
    private static final long serialVersionUID = 1L;

    /** No reason given (also what a reset without a code means). */
    public static final long NO_ERROR = 0;
    /** go-libp2p {@code StreamProtocolNegotiationFailed}. */
    public static final long PROTOCOL_NEGOTIATION_FAILED = 0x1001;
    /** go-libp2p {@code StreamResourceLimitExceeded}: its resource manager refused the stream. */
    public static final long RESOURCE_LIMIT_EXCEEDED = 0x1002;
    /** go-libp2p {@code StreamRateLimited}. */
    public static final long RATE_LIMITED = 0x1003;

    private final long errorCode;

    public StreamResetException(String message, long errorCode) {
        super(message + (errorCode == NO_ERROR ? "" : " (error code 0x" + Long.toHexString(errorCode) + ")"));
        this.errorCode = errorCode;
    }

    /** The error code the remote sent with its reset (an unsigned 32-bit value), {@link #NO_ERROR} if none. */
    public long errorCode() {
        return errorCode;
    }
}
