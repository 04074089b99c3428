package io.gridoverlay.transport.internal.yamux;

import io.netty.buffer.ByteBuf;

/**
 * Receives the inbound events of one {@link YamuxStream}.
 *
 * <p>All methods are called on the session's event loop, one at a time, and must not block. An
 * exception thrown by a method resets the stream (and is logged), other streams are unaffected.
 */
public interface YamuxStreamHandler {

    /**
     * Bytes arrived on the stream.
     *
     * <p>{@code data} is valid only during the call and is released by the session afterwards; call
     * {@code data.retain()} to keep it. With {@link YamuxStream#setAutoConsume(boolean) auto-consume} on
     * (the default) the bytes count as consumed when this method returns; otherwise the handler calls
     * {@link YamuxStream#consumed(int)} when it has processed them, and the peer is stopped once a whole
     * receive window is unconsumed.
     */
    void onData(YamuxStream stream, ByteBuf data);

    /** The peer half-closed the stream (FIN): no more data will arrive; this side may still write. */
    default void onRemoteClose(YamuxStream stream) {
    }

    /**
     * The stream was reset by the peer (RST) or died with the session; queued writes have failed.
     * Not called for a local {@link YamuxStream#reset()}.
     */
    default void onReset(YamuxStream stream) {
    }

    /** {@link YamuxStream#isWritable()} changed. */
    default void onWritabilityChanged(YamuxStream stream) {
    }
}
