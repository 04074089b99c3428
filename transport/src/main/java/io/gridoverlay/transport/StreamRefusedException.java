package io.gridoverlay.transport;

/**
 * The remote peer refused a stream this side opened: it reset the stream before acknowledging it (its
 * muxer's stream limit, as Yamux in go-, js- and this library do, or it is going away), or it reset it
 * during protocol negotiation with {@link #RESOURCE_LIMIT_EXCEEDED} or {@link #RATE_LIMITED} (go-libp2p's
 * resource manager). The connection stays usable; retry later, with a backoff, or on fewer concurrent
 * streams. A refusal by this host's own limits is a {@link LimitExceededException} instead.
 */
public class StreamRefusedException extends StreamResetException {
    private static final long serialVersionUID = 1L;

    public StreamRefusedException(String message, long errorCode) {
        super(message, errorCode);
    }

    /** Whether a reset with {@code errorCode} during negotiation means the remote refused for a limit. */
    static boolean isLimitCode(long errorCode) {
        return errorCode == RESOURCE_LIMIT_EXCEEDED || errorCode == RATE_LIMITED;
    }
}
