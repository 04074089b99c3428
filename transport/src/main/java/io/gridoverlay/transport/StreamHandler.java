package io.gridoverlay.transport;

import io.netty.buffer.ByteBuf;

/**
 * Receives the inbound events of one {@link Stream}. Called on the connection's event loop: an
 * implementation must not block; hand long work to another executor.
 */
public interface StreamHandler {
    /**
     * Bytes arrived. {@code data} is valid only during the call and released afterwards ({@code retain()}
     * it to keep it). With auto-consume on (the default) the bytes count as consumed when this returns;
     * otherwise call {@link Stream#consumed(int)} once processed — the peer stops sending when a whole
     * receive window is unconsumed, which is how a slow reader pushes back.
     */
    void onData(Stream stream, ByteBuf data);

    /** The peer closed its write side: no more data will arrive. */
    default void onRemoteClose(Stream stream) {
    }

    /** The stream was reset by the peer or died with its connection. */
    default void onReset(Stream stream) {
    }

    /** {@link Stream#isWritable()} changed. */
    default void onWritabilityChanged(Stream stream) {
    }

    /** A handler that discards inbound data. */
    static StreamHandler discarding() {
        return (stream, data) -> { };
    }
}
