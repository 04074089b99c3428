package io.gridoverlay.transport.yamux;

/**
 * Stream-level error: the stream was reset (by either side or because the session ended), or its
 * write side is already closed. Other streams of the session are unaffected.
 */
public final class YamuxStreamException extends YamuxException {

    private static final long serialVersionUID = 1L;

    /** A stream error. */
    public YamuxStreamException(String message) {
        super(message, YamuxErrorCode.NORMAL);
    }
}
