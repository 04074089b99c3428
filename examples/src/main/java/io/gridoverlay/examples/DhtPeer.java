package io.gridoverlay.examples;

import io.gridoverlay.core.encoding.Multiaddr;
import io.gridoverlay.core.identity.PeerId;
import io.gridoverlay.core.identity.PrivateKey;
import io.gridoverlay.dht.KademliaDht;
import io.gridoverlay.dht.net.HostDhtBinding;
import io.gridoverlay.dht.net.TransportKadNetwork;
import io.gridoverlay.dht.protocol.PeerInfo;
import io.gridoverlay.transport.Host;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/** A transport host with a Kademlia DHT on it, as the CLI commands and the local grid use it. */
final class DhtPeer implements AutoCloseable {
    final Host host;
    final TransportKadNetwork network;
    final KademliaDht dht;

    private DhtPeer(Host host, String protocol, boolean server) {
        this.host = host;
        this.network = TransportKadNetwork.builder(host).protocol(protocol).serverMode(server).build();
        this.dht = KademliaDht.builder(network)
                .serverMode(server)
                .selfAddresses(host::listenAddresses)
                .refreshInterval(server ? Duration.ofMinutes(10) : Duration.ZERO)
                .build();
        HostDhtBinding.bind(host, dht, protocol);
    }

    /** A started host with a DHT; {@code listen} empty means a client that listens nowhere. */
    static DhtPeer start(PrivateKey key, List<String> listen, String protocol, boolean server) {
        return start(key, listen, protocol, server, false);
    }

    /** As above; {@code insecurePlaintext} secures connections with /plaintext/2.0.0 (benchmarks only). */
    static DhtPeer start(PrivateKey key, List<String> listen, String protocol, boolean server,
                         boolean insecurePlaintext) {
        Host.Builder b = Host.builder().identity(key).agentVersion("gridoverlay-grid-peer/0.1.0");
        if (insecurePlaintext) {
            b.insecurePlaintext();
        }
        if (!listen.isEmpty()) {
            b.listen(listen.toArray(String[]::new));
        }
        Host host = b.build();
        host.start().join();
        return new DhtPeer(host, protocol, server);
    }

    /** Dials the bootstrap peers (multiaddrs with /p2p) and runs the DHT bootstrap through them. */
    CompletableFuture<Integer> bootstrap(List<String> addresses) {
        List<CompletableFuture<PeerInfo>> dials = new ArrayList<>();
        for (String a : addresses) {
            Multiaddr m = Multiaddr.parse(a);
            dials.add(host.dial(m).thenApply(c -> new PeerInfo(c.remotePeer(),
                    List.of(m.decapsulate(io.gridoverlay.core.encoding.Protocol.P2P).orElse(m))))
                    .exceptionally(e -> null));
        }
        return CompletableFuture.allOf(dials.toArray(CompletableFuture[]::new)).thenCompose(v -> {
            List<PeerInfo> seeds = dials.stream().map(CompletableFuture::join).filter(p -> p != null).toList();
            return dht.bootstrap(seeds).thenApply(r -> seeds.size());
        });
    }

    PeerId peerId() {
        return host.peerId();
    }

    @Override
    public void close() {
        dht.close();
        network.close();
        host.close();
    }
}
