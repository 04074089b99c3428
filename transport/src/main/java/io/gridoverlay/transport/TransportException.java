package io.gridoverlay.transport;

/** A failure of the transport: a dial, an upgrade, a stream or the host itself. */
public class TransportException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public TransportException(String message) {
        super(message);
    }

    public TransportException(String message, Throwable cause) {
        super(message, cause);
    }
}
