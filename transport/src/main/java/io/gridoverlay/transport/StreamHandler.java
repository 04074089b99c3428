package io.gridoverlay.transport;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import java.util.Objects;
import java.util.function.BiConsumer;

/**
 * Receives the inbound events of one {@link Stream}. Called on the connection's event loop: an
 * implementation must not block; hand long work to another executor.
 *
 * <p>Buffer ownership, once: the {@link ByteBuf} passed to {@link #onData} belongs to the transport and is
 * released when the call returns; a handler that keeps it must {@code retain()} it (and release it later).
 * A handler that does not want reference counting uses {@link #ofBytes}: each chunk arrives as a
 * {@code byte[]} the handler owns, at the cost of one copy.
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

    /**
     * A handler that receives each chunk of inbound data as a fresh {@code byte[]} it owns (one copy; nothing
     * to retain or release). Close and reset events are ignored: implement {@link StreamHandler} for those.
     */
    static StreamHandler ofBytes(BiConsumer<Stream, byte[]> onBytes) {
        Objects.requireNonNull(onBytes, "onBytes");
        return (stream, data) -> onBytes.accept(stream, ByteBufUtil.getBytes(data));
    }

    /** A handler that discards inbound data. */
    static StreamHandler discarding() {
        return (stream, data) -> { };
    }
}
