package io.gridoverlay.dht.protocol;

import java.util.Objects;

/**
 * A Kad request that got no valid answer: every failure of {@link KadNetwork#send} completes the future
 * with this exception; {@link #kind()} says what happened and {@link #getCause()} carries the underlying
 * error (e.g. a {@link KadProtocolException} for {@link Kind#PROTOCOL}).
 */
public class KadNetworkException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** What went wrong. */
    public enum Kind {
        /** No connection could be made to the peer (no address, dial failed, protocol not supported). */
        UNREACHABLE,
        /** No complete answer within the timeout. */
        TIMEOUT,
        /** The stream was reset or closed before a complete answer (a server refusing a request resets). */
        STREAM_FAILED,
        /** The answer broke the Kad protocol. */
        PROTOCOL,
        /** The local network is closed. */
        CLOSED
    }

    private final Kind kind;

    public KadNetworkException(Kind kind, String message, Throwable cause) {
        super(message, cause);
        this.kind = Objects.requireNonNull(kind, "kind");
    }

    public KadNetworkException(Kind kind, String message) {
        this(kind, message, null);
    }

    public Kind kind() {
        return kind;
    }
}
