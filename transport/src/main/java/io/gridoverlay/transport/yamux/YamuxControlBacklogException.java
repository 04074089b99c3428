package io.gridoverlay.transport.yamux;

/**
 * The session was closed because the peer kept asking for control replies (stream ACKs and RSTs, ping
 * answers) without reading them: more than {@link YamuxConfig#maxPendingControlFrames()} were owed while
 * the connection was unwritable. The peer is sent a go-away with the internal-error code.
 */
public final class YamuxControlBacklogException extends YamuxSessionClosedException {
    private static final long serialVersionUID = 1L;

    public YamuxControlBacklogException(String message) {
        super(message, YamuxErrorCode.INTERNAL_ERROR);
    }
}
