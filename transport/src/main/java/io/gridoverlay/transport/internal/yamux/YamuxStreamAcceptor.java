package io.gridoverlay.transport.internal.yamux;

/**
 * Decides about streams the peer opens (SYN).
 *
 * <p>Called on the session's event loop; must not block.
 */
@FunctionalInterface
public interface YamuxStreamAcceptor {

    /**
     * A peer opened {@code stream}.
     *
     * @return the handler for its events, or {@code null} to refuse the stream (it is reset)
     */
    YamuxStreamHandler accept(YamuxStream stream);

    /** An acceptor that refuses every inbound stream. */
    static YamuxStreamAcceptor refuseAll() {
        return stream -> null;
    }
}
