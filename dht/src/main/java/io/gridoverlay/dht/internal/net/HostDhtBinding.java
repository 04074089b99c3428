package io.gridoverlay.dht.internal.net;

import io.gridoverlay.dht.protocol.PeerInfo;
import io.gridoverlay.transport.Connection;
import io.gridoverlay.transport.Host;
import io.gridoverlay.transport.HostListener;
import io.gridoverlay.transport.IdentifyInfo;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * Feeds a DHT's routing table from a {@link Host}: a peer whose Identify lists the Kad protocol is a DHT
 * server and is offered to the table (as go-libp2p-kad-dht does on identify events).
 *
 * <p>Thread-safe; the sink is called on the connection's event loop and must not block.
 */
public final class HostDhtBinding implements HostListener, AutoCloseable {
    private final Host host;
    private final String protocol;
    private final Consumer<PeerInfo> dhtServers;

    private HostDhtBinding(Host host, String protocol, Consumer<PeerInfo> dhtServers) {
        this.host = host;
        this.protocol = protocol;
        this.dhtServers = dhtServers;
    }

    /** Starts offering {@code host}'s identified peers that speak {@code protocol} to {@code dhtServers}. */
    public static HostDhtBinding bind(Host host, String protocol, Consumer<PeerInfo> dhtServers) {
        HostDhtBinding b = new HostDhtBinding(Objects.requireNonNull(host, "host"),
                Objects.requireNonNull(protocol, "protocol"), Objects.requireNonNull(dhtServers, "dhtServers"));
        host.addListener(b);
        return b;
    }

    @Override
    public void peerIdentified(Connection connection, IdentifyInfo info) {
        if (info.protocols().contains(protocol)) {
            dhtServers.accept(new PeerInfo(info.peer(), info.listenAddresses()));
        }
    }

    /** Stops feeding the DHT. */
    @Override
    public void close() {
        host.removeListener(this);
    }
}
