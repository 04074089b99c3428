package io.gridoverlay.dht.net;

import io.gridoverlay.dht.KademliaDht;
import io.gridoverlay.dht.protocol.PeerInfo;
import io.gridoverlay.transport.Connection;
import io.gridoverlay.transport.Host;
import io.gridoverlay.transport.HostListener;
import io.gridoverlay.transport.IdentifyInfo;

/**
 * Feeds a {@link KademliaDht}'s routing table from a {@link Host}: a peer whose Identify lists the Kad
 * protocol is a DHT server and is offered to the table (as go-libp2p-kad-dht does on identify events).
 */
public final class HostDhtBinding implements HostListener {
    private final KademliaDht dht;
    private final String protocol;

    private HostDhtBinding(KademliaDht dht, String protocol) {
        this.dht = dht;
        this.protocol = protocol;
    }

    /** Starts feeding {@code dht} from {@code host}'s identified peers speaking {@code protocol}. */
    public static HostDhtBinding bind(Host host, KademliaDht dht, String protocol) {
        HostDhtBinding b = new HostDhtBinding(dht, protocol);
        host.addListener(b);
        return b;
    }

    @Override
    public void peerIdentified(Connection connection, IdentifyInfo info) {
        if (info.protocols().contains(protocol)) {
            dht.addPeer(new PeerInfo(info.peer(), info.listenAddresses()), true);
        }
    }
}
