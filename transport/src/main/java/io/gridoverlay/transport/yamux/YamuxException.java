package io.gridoverlay.transport.yamux;

/**
 * Base of every Yamux failure; sealed so callers can tell session-level from stream-level errors.
 *
 * <ul>
 *   <li>{@link YamuxProtocolException}: session-level, the peer broke the protocol; the session sends a
 *       go-away with {@link #errorCode()} and closes.</li>
 *   <li>{@link YamuxSessionClosedException}: the session is closed or going away; no new streams.</li>
 *   <li>{@link YamuxStreamException}: stream-level, one stream was reset or used after close.</li>
 *   <li>{@link YamuxStreamLimitException}: a configured limit refused a request.</li>
 * </ul>
 */
public abstract sealed class YamuxException extends io.gridoverlay.transport.TransportException
        permits YamuxProtocolException, YamuxSessionClosedException, YamuxStreamException,
        YamuxStreamLimitException {

    private static final long serialVersionUID = 1L;

    private final YamuxErrorCode errorCode;

    YamuxException(String message, YamuxErrorCode errorCode) {
        super(message);
        this.errorCode = errorCode;
    }

    /** The go-away code a session sends (or received) for this error. */
    public YamuxErrorCode errorCode() {
        return errorCode;
    }
}
