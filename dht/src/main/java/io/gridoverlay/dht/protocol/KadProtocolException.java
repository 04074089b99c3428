package io.gridoverlay.dht.protocol;

import io.gridoverlay.core.encoding.DecodingException;
import java.util.Objects;

/**
 * A Kad message or frame that breaks the wire protocol: too large, truncated, not protobuf, or with a field
 * that is missing or invalid for its message type. The {@link #kind()} says which.
 */
public class KadProtocolException extends DecodingException {
    private static final long serialVersionUID = 1L;

    /** What was wrong. */
    public enum Kind {
        /** A frame length or a field exceeds a configured limit. */
        TOO_LARGE,
        /** The stream ended inside a frame. */
        TRUNCATED,
        /** The bytes are not a protobuf {@code Message} (or the length prefix is not a minimal varint). */
        MALFORMED,
        /** A required field is missing or a field holds a value its message type does not allow. */
        INVALID_FIELD,
        /** A response does not carry the type of its request. */
        UNEXPECTED_TYPE
    }

    private final Kind kind;

    public KadProtocolException(Kind kind, String message) {
        super(message);
        this.kind = Objects.requireNonNull(kind, "kind");
    }

    public KadProtocolException(Kind kind, String message, Throwable cause) {
        super(message, cause);
        this.kind = Objects.requireNonNull(kind, "kind");
    }

    public Kind kind() {
        return kind;
    }
}
