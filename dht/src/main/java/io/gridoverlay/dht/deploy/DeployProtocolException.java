package io.gridoverlay.dht.deploy;

import io.gridoverlay.core.encoding.DecodingException;

/**
 * A {@code /grid/deploy/1.0.0} message could not be decoded: too large, truncated or malformed. Scoped to
 * one stream: the stream is reset, the connection stays.
 */
public class DeployProtocolException extends DecodingException {
    private static final long serialVersionUID = 1L;

    /** What was wrong with the bytes. */
    public enum Kind {
        /** A length prefix or a field exceeds its limit (checked before anything is allocated). */
        TOO_LARGE,
        /** The stream ended inside a frame. */
        TRUNCATED,
        /** Not a {@code DeployMessage}, an unknown field, or a record inside it that does not decode. */
        MALFORMED
    }

    private final Kind kind;

    public DeployProtocolException(Kind kind, String message) {
        super(message);
        this.kind = kind;
    }

    public DeployProtocolException(Kind kind, String message, Throwable cause) {
        super(message, cause);
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }
}
