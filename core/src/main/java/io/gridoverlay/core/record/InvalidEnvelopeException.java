package io.gridoverlay.core.record;

/**
 * Thrown by {@link Envelope#open} when the bytes are not a well-formed signed envelope, exceed the size
 * limit, carry an invalid public key, or the signature does not verify for the expected domain.
 */
public class InvalidEnvelopeException extends InvalidRecordException {
    private static final long serialVersionUID = 1L;

    public InvalidEnvelopeException(String message) {
        super(message);
    }

    public InvalidEnvelopeException(String message, Throwable cause) {
        super(message, cause);
    }
}
