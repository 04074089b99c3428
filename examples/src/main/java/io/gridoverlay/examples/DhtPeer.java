package io.gridoverlay.examples;

import io.gridoverlay.core.encoding.Multiaddr;
import io.gridoverlay.core.identity.PeerId;
import io.gridoverlay.core.identity.PrivateKey;
import io.gridoverlay.dht.DhtConfig;
import io.gridoverlay.dht.DhtMode;
import io.gridoverlay.dht.KademliaDht;
import io.gridoverlay.dht.capacity.CapacityIndexConfig;
import io.gridoverlay.dht.capacity.CapacityIndexStore;
import io.gridoverlay.dht.protocol.PeerInfo;
import io.gridoverlay.transport.Host;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * A transport host with a Kademlia DHT on it, as the CLI commands and the local grid use it. A server also
 * holds its share of the capacity index (the {@code /gidx/} keyspace, {@link CapacityIndexConfig#defaults()}).
 */
final class DhtPeer implements AutoCloseable {
    final Host host;
    final KademliaDht dht;
    /** The host's identity key (signs this node's capacity record). */
    final PrivateKey key;

    private DhtPeer(Host host, PrivateKey key, String protocol, boolean server) {
        this.host = host;
        this.key = key;
        this.dht = KademliaDht.onHost(host, DhtConfig.builder()
                .protocol(protocol)
                .mode(server ? DhtMode.SERVER : DhtMode.CLIENT)
                .refreshInterval(server ? Duration.ofMinutes(10) : Duration.ZERO)
                .keyspace(() -> new CapacityIndexStore(CapacityIndexConfig.defaults()))
                .build());
    }

    /** A started host with a DHT; {@code listen} empty means a client that listens nowhere. */
    static DhtPeer start(PrivateKey key, List<String> listen, String protocol, boolean server) {
        return start(key, listen, protocol, server, false, false);
    }

    /**
     * As above; {@code insecurePlaintext} secures connections with /plaintext/2.0.0 (benchmarks only), and
     * {@code perf} serves /perf/1.0.0 (off by default: a perf client may ask for any amount of data).
     */
    static DhtPeer start(PrivateKey key, List<String> listen, String protocol, boolean server,
                         boolean insecurePlaintext, boolean perf) {
        Host.Builder b = Host.builder().identity(key).agentVersion("gridoverlay-grid-peer/0.1.0");
        if (perf) {
            b.enablePerf();
        }
        if (insecurePlaintext) {
            b.insecurePlaintext();
        }
        if (!listen.isEmpty()) {
            b.listen(listen.toArray(String[]::new));
        }
        Host host = b.build();
        host.start().join();
        return new DhtPeer(host, key, protocol, server);
    }

    /** Dials the bootstrap peers (multiaddrs with /p2p) and runs the DHT bootstrap through them. */
    CompletableFuture<Integer> bootstrap(List<String> addresses) {
        return bootstrap(addresses, new ArrayList<>());
    }

    /** As {@link #bootstrap(List)}, adding to {@code failures} why each unreachable peer failed. */
    CompletableFuture<Integer> bootstrap(List<String> addresses, List<String> failures) {
        List<CompletableFuture<PeerInfo>> dials = new ArrayList<>();
        for (String a : addresses) {
            Multiaddr m = Multiaddr.parse(a);
            dials.add(host.dial(m).orTimeout(15, java.util.concurrent.TimeUnit.SECONDS)
                    .thenApply(c -> new PeerInfo(c.remotePeer(),
                    List.of(m.decapsulate(io.gridoverlay.core.encoding.Protocol.P2P).orElse(m))))
                    .exceptionally(e -> {
                        synchronized (failures) {
                            failures.add(a + ": " + Cli.oneLine(e));
                        }
                        return null;
                    }));
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
        host.close();
    }
}
