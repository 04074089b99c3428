package io.gridoverlay.core.record;

import io.gridoverlay.core.encoding.DecodingException;

/**
 * Thrown when a received record cannot be accepted: malformed bytes, a wrong payload type, a signer that is
 * not the peer the record is about, a size over the limit. The message names what was wrong.
 */
public class InvalidRecordException extends DecodingException {
    private static final long serialVersionUID = 1L;

    public InvalidRecordException(String message) {
        super(message);
    }

    public InvalidRecordException(String message, Throwable cause) {
        super(message, cause);
    }
}
