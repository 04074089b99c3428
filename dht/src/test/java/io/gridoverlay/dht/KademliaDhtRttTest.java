package io.gridoverlay.dht;

import static org.assertj.core.api.Assertions.assertThat;

import io.gridoverlay.core.identity.Ed25519;
import io.gridoverlay.core.identity.PeerId;
import io.gridoverlay.dht.protocol.PeerInfo;
import io.gridoverlay.dht.query.LookupConfig;
import io.gridoverlay.dht.internal.query.RttEstimate;
import io.gridoverlay.dht.routing.RoutingTableConfig;
import io.gridoverlay.dht.sim.LatencyModel;
import io.gridoverlay.dht.sim.SimulatedNetwork;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * Round-trip estimates of {@link KademliaDht} and the adaptive lookup timeout they drive, in virtual time on
 * a {@link SimulatedNetwork} where every round trip takes exactly 100 ms.
 */
class KademliaDhtRttTest {
    private static final long MS = 1_000_000L;

    private final SimulatedNetwork net = new SimulatedNetwork(new LatencyModel(new LatencyModel.Config(
            LatencyModel.Placement.UNIFORM, 1, 0.05, Duration.ofMillis(100), Duration.ofMillis(100), 0), 7),
            0, false, 8);

    private static PeerInfo peer(int seed) {
        byte[] s = new byte[Ed25519.SEED_LENGTH];
        s[0] = (byte) seed;
        s[2] = 43;
        PeerId id = Ed25519.fromSeed(s).publicKey().peerId();
        return new PeerInfo(id, List.of(io.gridoverlay.core.encoding.Multiaddr.parse("/ip4/10.1.0." + seed + "/tcp/4001")));
    }

    private KademliaDht node(PeerInfo info, int index, LookupConfig lookup) {
        SimulatedNetwork.Endpoint e = net.attach(index, info);
        return KademliaDht.builder(e).config(io.gridoverlay.dht.DhtConfig.builder().refreshInterval(Duration.ZERO).staleCheckInterval(Duration.ZERO).routing(RoutingTableConfig.builder().noDiversityLimits().build()).lookup(lookup).build()).scheduler(e).seed(index).build();
    }

    private <T> T await(CompletableFuture<T> f) {
        net.runUntil(f::isDone);
        return f.join();
    }

    /** A node that knows one live peer (b) and one that never answers (dead), both as servers. */
    private KademliaDht nodeWithALiveAndADeadPeer(LookupConfig lookup, PeerInfo b, PeerInfo dead) {
        KademliaDht a = node(peer(1), 0, lookup);
        node(b, 1, LookupConfig.defaults());
        await(a.addPeer(b, true));
        await(a.addPeer(dead, true));
        return a;
    }

    @Test
    void everyAnsweredRequestFeedsTheNodesEstimate() {
        PeerInfo b = peer(2);
        KademliaDht a = nodeWithALiveAndADeadPeer(LookupConfig.defaults(), b, peer(3));
        assertThat(await(a.roundTripEstimate())).isEqualTo(RttEstimate.NONE);
        await(a.findClosestPeers(b.peerId().toBytes()));
        long e = await(a.roundTripEstimate());
        assertThat(RttEstimate.srttNanos(e)).isEqualTo(100 * MS);
        assertThat(RttEstimate.rttvarNanos(e)).as("one sample: rttvar = srtt / 2").isEqualTo(50 * MS);
    }

    @Test
    void withAdaptiveTimeoutsADeadPeerCostsAFewRoundTripsNotThreeTimesThreeSeconds() {
        LookupConfig.Builder base = LookupConfig.builder().parallelism(1).resiliency(1).answeredOnly(true)
                .peerTimeout(Duration.ofSeconds(3)).maxAttempts(3);
        long fixed = deadPeerLookupNanos(base.build(), 10);
        long adaptive = deadPeerLookupNanos(base.adaptiveTimeout(Duration.ofMillis(50)).build(), 20);
        // fixed: 3 attempts x 3 s, then the live peer's 100 ms
        assertThat(fixed).isEqualTo(9_100 * MS);
        // adaptive: the node measured 100 ms (timeout srtt + 4 rttvar = 300 ms) before; 3 x 300 ms + 100 ms
        assertThat(adaptive).isEqualTo(1_000 * MS);
    }

    /** Looks up the dead peer's id after one lookup that measured the live peer; returns the second's duration. */
    private long deadPeerLookupNanos(LookupConfig config, int seed) {
        PeerInfo b = peer(seed + 1);
        PeerInfo dead = peer(seed + 2);
        KademliaDht a = nodeWithALiveAndADeadPeer(config, b, dead);
        // closest to b: b answers first; the dead peer is not on the way
        var first = await(a.findClosestPeers(b.peerId().toBytes()));
        assertThat(first.peers()).extracting(PeerInfo::peerId).contains(b.peerId());
        var r = await(a.findClosestPeers(dead.peerId().toBytes()));
        assertThat(r.peers()).extracting(PeerInfo::peerId).containsExactly(b.peerId());
        assertThat(r.stats().requests()).isEqualTo(4);
        return r.stats().elapsedNanos();
    }
}
