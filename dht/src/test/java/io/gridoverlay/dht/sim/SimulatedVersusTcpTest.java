package io.gridoverlay.dht.sim;

import static org.assertj.core.api.Assertions.assertThat;

import io.gridoverlay.core.identity.Ed25519;
import io.gridoverlay.core.identity.Ed25519PrivateKey;
import io.gridoverlay.core.identity.PeerId;
import io.gridoverlay.dht.KademliaDht;
import io.gridoverlay.dht.LookupResult;
import io.gridoverlay.dht.internal.net.TransportKadNetwork;
import io.gridoverlay.dht.protocol.PeerInfo;
import io.gridoverlay.dht.query.LookupConfig;
import io.gridoverlay.dht.routing.Key;
import io.gridoverlay.dht.routing.RoutingTableConfig;
import io.gridoverlay.transport.Host;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The same eight identities with the same routing knowledge (node i knows i+1 and i+2 on a ring), once in
 * the simulator (through the wire codec) and once over real libp2p on 127.0.0.1: lookups with k = 3 must
 * find the same closest peers. α = 1 (one request in flight) makes the message order, and hence the
 * result, independent of latency, so both runs must agree exactly; with α = 3 the order of answers and
 * thus a result ending in a local minimum of the sparse ring may differ.
 */
@Tag("slow")
class SimulatedVersusTcpTest {
    static final int N = 8;
    static final int K = 3;

    static Ed25519PrivateKey key(int i) {
        byte[] seed = new byte[32];
        seed[0] = (byte) (i + 1);
        seed[31] = 42;
        return Ed25519.fromSeed(seed);
    }

    static KademliaDht.Builder configure(KademliaDht.Builder b, int i) {
        return b.config(io.gridoverlay.dht.DhtConfig.builder()
                        .routing(RoutingTableConfig.builder().k(K).noDiversityLimits().build())
                        .lookup(LookupConfig.builder().numResults(K).resiliency(K).parallelism(1).build())
                        .refreshInterval(Duration.ZERO)
                        .build())
                .seed(i);
    }

    static final List<byte[]> KEYS = List.of("alpha", "beta", "gamma", "delta", "epsilon").stream()
            .map(s -> s.getBytes(StandardCharsets.UTF_8)).toList();

    @Test
    void simulatedAndRealLookupsFindTheSameClosestPeers() {
        List<PeerId> ids = new ArrayList<>();
        for (int i = 0; i < N; i++) {
            ids.add(key(i).peerId());
        }
        List<List<PeerId>> simulated = simulated();
        List<List<PeerId>> real = overTcp();
        assertThat(simulated).isEqualTo(real);
        // sparse ring knowledge with k = 3 can end in a local minimum, so the result need not be the global
        // truth; it must be K peers, closest first, never the source itself
        for (int q = 0; q < KEYS.size(); q++) {
            Key target = Key.sha256(KEYS.get(q));
            PeerId source = ids.get(q % N);
            assertThat(simulated.get(q)).as("lookup %d", q).hasSize(K).doesNotContain(source)
                    .isSortedAccordingTo(Comparator.comparing(KademliaDht::keyOf, target::compareDistance));
        }
    }

    private List<List<PeerId>> simulated() {
        SimulatedNetwork net = new SimulatedNetwork(new LatencyModel(LatencyModel.Config.defaults(), 1), 0, true, 1);
        List<KademliaDht> dhts = new ArrayList<>();
        List<PeerInfo> infos = new ArrayList<>();
        for (int i = 0; i < N; i++) {
            PeerInfo info = new PeerInfo(key(i).peerId(),
                    List.of(io.gridoverlay.core.encoding.Multiaddr.parse("/ip4/10.0.0." + i + "/tcp/4001")));
            SimulatedNetwork.Endpoint e = net.attach(i, info);
            infos.add(info);
            dhts.add(configure(KademliaDht.builder(e).scheduler(e).selfAddresses(info::addresses), i).build());
        }
        for (int i = 0; i < N; i++) {
            dhts.get(i).addPeer(infos.get((i + 1) % N), true);
            dhts.get(i).addPeer(infos.get((i + 2) % N), true);
        }
        net.runAll();
        List<List<PeerId>> out = new ArrayList<>();
        for (int q = 0; q < KEYS.size(); q++) {
            CompletableFuture<LookupResult> f = dhts.get(q % N).findClosestPeers(KEYS.get(q));
            net.runUntil(f::isDone);
            out.add(f.join().peers().stream().map(PeerInfo::peerId).toList());
        }
        return out;
    }

    private List<List<PeerId>> overTcp() {
        List<Host> hosts = new ArrayList<>();
        List<TransportKadNetwork> nets = new ArrayList<>();
        List<KademliaDht> dhts = new ArrayList<>();
        try {
            for (int i = 0; i < N; i++) {
                Host h = Host.builder().identity(key(i)).listen("/ip4/127.0.0.1/tcp/0").eventLoopThreads(1).build();
                h.start().join();
                hosts.add(h);
                TransportKadNetwork net = TransportKadNetwork.builder(h).serverMode(true).build();
                nets.add(net);
                dhts.add(configure(KademliaDht.builder(net).selfAddresses(h::listenAddresses), i).build());
            }
            for (int i = 0; i < N; i++) {
                for (int d = 1; d <= 2; d++) {
                    Host other = hosts.get((i + d) % N);
                    dhts.get(i).addPeer(new PeerInfo(other.peerId(), other.listenAddresses()), true)
                            .orTimeout(10, TimeUnit.SECONDS).join();
                }
            }
            List<List<PeerId>> out = new ArrayList<>();
            for (int q = 0; q < KEYS.size(); q++) {
                LookupResult r = dhts.get(q % N).findClosestPeers(KEYS.get(q)).orTimeout(30, TimeUnit.SECONDS).join();
                out.add(r.peers().stream().map(PeerInfo::peerId).toList());
            }
            return out;
        } finally {
            dhts.forEach(KademliaDht::close);
            nets.forEach(TransportKadNetwork::close);
            hosts.forEach(Host::close);
        }
    }
}
