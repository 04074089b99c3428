package io.gridoverlay.transport;

/**
 * A resource limit of the host was hit (connections in total or per peer, pending handshakes, streams per
 * connection). The message names the limit and its value; the remote got a clean reset.
 */
public class LimitExceededException extends TransportException {
    private static final long serialVersionUID = 1L;

    public LimitExceededException(String message) {
        super(message);
    }
}
