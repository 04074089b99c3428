package io.gridoverlay.dht.protocol;

import io.gridoverlay.core.encoding.Multiaddr;
import io.gridoverlay.core.identity.PeerId;
import io.gridoverlay.dht.routing.Key;
import java.util.List;
import java.util.Objects;

/**
 * A peer as carried in Kad messages: its id and the transport addresses it may be dialled at (without a
 * {@code /p2p} suffix, possibly empty). Immutable and thread-safe; equality is by id and addresses.
 *
 * <p>Its Kademlia {@link #key()} (SHA-256 of the id bytes) is computed once, on first use, and kept: one
 * instance is typically held by a routing table and handed to many lookups and answers, which would
 * otherwise hash the id again for every candidate of every response.
 */
public final class PeerInfo {
    private final PeerId peerId;
    private final List<Multiaddr> addresses;
    /** Cached {@link #key()}; racy single-check initialisation is safe for an immutable value. */
    private Key key;

    /**
     * @param peerId    the peer
     * @param addresses its addresses, in the order received (copied)
     */
    public PeerInfo(PeerId peerId, List<Multiaddr> addresses) {
        this.peerId = Objects.requireNonNull(peerId, "peerId");
        this.addresses = List.copyOf(addresses);
    }

    /** A peer with no known address. */
    public static PeerInfo of(PeerId peerId) {
        return new PeerInfo(peerId, List.of());
    }

    /** The peer. */
    public PeerId peerId() {
        return peerId;
    }

    /** Its addresses, in the order received (unmodifiable). */
    public List<Multiaddr> addresses() {
        return addresses;
    }

    /** The Kademlia key of the peer: SHA-256 of its id bytes (computed once). */
    public Key key() {
        Key k = key;
        if (k == null) {
            k = Key.sha256(peerId.toBytes());
            key = k;
        }
        return k;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PeerInfo p && peerId.equals(p.peerId) && addresses.equals(p.addresses);
    }

    @Override
    public int hashCode() {
        return 31 * peerId.hashCode() + addresses.hashCode();
    }

    @Override
    public String toString() {
        return "PeerInfo[peerId=" + peerId + ", addresses=" + addresses + "]";
    }
}
