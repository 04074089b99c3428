package io.gridoverlay.transport.yamux;


/**
 * A configured limit refused the request: too many open streams, too many outbound streams not yet
 * acknowledged, or a stream's write queue is full (wait for the previous write's future or for
 * {@link io.gridoverlay.transport.Stream#isWritable()} before writing more).
 */
public final class YamuxStreamLimitException extends YamuxException {

    private static final long serialVersionUID = 1L;

    /** A limit error naming the limit and its value. */
    public YamuxStreamLimitException(String message) {
        super(message, YamuxErrorCode.NORMAL);
    }
}
