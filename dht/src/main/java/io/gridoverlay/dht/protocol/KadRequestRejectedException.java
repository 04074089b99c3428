package io.gridoverlay.dht.protocol;

/** A Kad request the server refuses (an invalid record, a stale record); the message says why. */
public class KadRequestRejectedException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public KadRequestRejectedException(String message) {
        super(message);
    }

    public KadRequestRejectedException(String message, Throwable cause) {
        super(message, cause);
    }
}
