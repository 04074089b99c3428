package io.gridoverlay.transport.yamux;

/**
 * Session-level error: the remote peer sent something Yamux forbids (bad version, unknown type, an
 * oversized frame, data beyond the advertised window, a bad stream id). The session answers with a
 * go-away carrying {@link #errorCode()} and closes the connection.
 */
public final class YamuxProtocolException extends YamuxException {

    private static final long serialVersionUID = 1L;

    /** A protocol error (go-away code 1). */
    public YamuxProtocolException(String message) {
        super(message, YamuxErrorCode.PROTOCOL_ERROR);
    }

    /** A session error with an explicit go-away code. */
    public YamuxProtocolException(String message, YamuxErrorCode code) {
        super(message, code);
    }
}
