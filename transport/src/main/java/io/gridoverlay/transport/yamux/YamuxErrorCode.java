package io.gridoverlay.transport.yamux;

/**
 * The error codes carried by a Yamux go-away frame.
 *
 * <p>Immutable and thread-safe.
 */
public enum YamuxErrorCode {
    /** Normal termination. */
    NORMAL(0),
    /** The peer violated the protocol. */
    PROTOCOL_ERROR(1),
    /** An internal error at the sender. */
    INTERNAL_ERROR(2);

    private final long code;

    YamuxErrorCode(long code) {
        this.code = code;
    }

    /** The unsigned 32-bit wire value. */
    public long code() {
        return code;
    }

    /**
     * The constant for a wire value.
     *
     * @return the constant, or {@code null} for a code this implementation does not know
     */
    public static YamuxErrorCode of(long code) {
        for (YamuxErrorCode c : values()) {
            if (c.code == code) {
                return c;
            }
        }
        return null;
    }
}
