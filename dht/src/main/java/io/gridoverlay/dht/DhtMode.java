package io.gridoverlay.dht;

import io.gridoverlay.core.encoding.Multiaddr;
import java.util.List;

/**
 * Whether a node answers DHT requests. A server must be reachable: a client behind NAT that advertised the
 * protocol would poison other nodes' routing tables with peers they cannot dial (as go and rust reason).
 */
public enum DhtMode {
    /** Answer requests and advertise the Kad protocol. */
    SERVER,
    /** Only ask; do not advertise the protocol. */
    CLIENT,
    /** Server when the node listens on at least one configured address, client otherwise. */
    AUTO;

    /** Resolves {@link #AUTO} against the node's listen addresses; {@link #SERVER}/{@link #CLIENT} unchanged. */
    public boolean isServer(List<Multiaddr> listenAddresses) {
        return switch (this) {
            case SERVER -> true;
            case CLIENT -> false;
            case AUTO -> !listenAddresses.isEmpty();
        };
    }
}
