package io.gridoverlay.transport.yamux;

/**
 * The session is closed, or one side sent a go-away, so the requested operation (opening a stream,
 * writing) cannot proceed. Open a new connection to continue.
 */
public sealed class YamuxSessionClosedException extends YamuxException permits YamuxControlBacklogException {

    private static final long serialVersionUID = 1L;

    /** With the go-away code that ended the session ({@link YamuxErrorCode#NORMAL} if none). */
    public YamuxSessionClosedException(String message, YamuxErrorCode code) {
        super(message, code);
    }
}
