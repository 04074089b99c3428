package io.gridoverlay.dht.protocol;

import io.gridoverlay.core.encoding.Multiaddr;
import io.gridoverlay.core.identity.PeerId;
import java.util.List;
import java.util.Objects;

/**
 * A peer as carried in Kad messages: its id and the transport addresses it may be dialled at (without a
 * {@code /p2p} suffix, possibly empty). Immutable.
 *
 * @param peerId    the peer
 * @param addresses its addresses, in the order received
 */
public record PeerInfo(PeerId peerId, List<Multiaddr> addresses) {
    public PeerInfo {
        Objects.requireNonNull(peerId, "peerId");
        addresses = List.copyOf(addresses);
    }

    /** A peer with no known address. */
    public static PeerInfo of(PeerId peerId) {
        return new PeerInfo(peerId, List.of());
    }
}
