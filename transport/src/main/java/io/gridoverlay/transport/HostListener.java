package io.gridoverlay.transport;

/** Connection and stream events of a {@link Host}; called on event loops, must not block. */
public interface HostListener {
    default void connectionOpened(Connection connection) {
    }

    default void connectionClosed(Connection connection) {
    }

    default void streamOpened(Stream stream) {
    }

    /** Identify finished for {@code connection}: the peer store holds what it said. */
    default void peerIdentified(Connection connection, IdentifyInfo info) {
    }
}
