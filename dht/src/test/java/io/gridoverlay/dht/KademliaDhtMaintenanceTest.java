package io.gridoverlay.dht;

import static org.assertj.core.api.Assertions.assertThat;

import io.gridoverlay.core.identity.Ed25519;
import io.gridoverlay.core.identity.PeerId;
import io.gridoverlay.dht.protocol.PeerInfo;
import io.gridoverlay.dht.routing.Key;
import io.gridoverlay.dht.routing.RoutingTableConfig;
import io.gridoverlay.dht.sim.LatencyModel;
import io.gridoverlay.dht.sim.SimulatedNetwork;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * Routing-table maintenance of {@link KademliaDht} in virtual time on a {@link SimulatedNetwork}: the
 * converging self-lookup of a join, the bucket refresh on bootstrap, and the liveness check of a full
 * bucket's least recently seen peer.
 */
class KademliaDhtMaintenanceTest {

    private final SimulatedNetwork net = new SimulatedNetwork(new LatencyModel(LatencyModel.Config.defaults(), 7),
            0, false, 8);

    private static PeerInfo peer(int seed) {
        byte[] s = new byte[Ed25519.SEED_LENGTH];
        s[0] = (byte) seed;
        s[1] = (byte) (seed >>> 8);
        s[2] = 42;
        PeerId id = Ed25519.fromSeed(s).publicKey().peerId();
        return new PeerInfo(id, List.of(io.gridoverlay.core.encoding.Multiaddr.parse(
                "/ip4/10.0." + ((seed >>> 8) & 0xFF) + "." + (seed & 0xFF) + "/tcp/4001")));
    }

    /** A node attached to the network (answers requests and learns the servers that query it). */
    private KademliaDht node(PeerInfo info, int index, Consumer<DhtConfig.Builder> config) {
        SimulatedNetwork.Endpoint e = net.attach(index, info);
        DhtConfig.Builder c = DhtConfig.builder().refreshInterval(Duration.ZERO)
                .routing(RoutingTableConfig.builder().noDiversityLimits().build());
        config.accept(c);
        KademliaDht dht = KademliaDht.builder(e).config(c.build()).scheduler(e).seed(index).build();
        e.onServerIdentified(p -> dht.addPeer(p, true));
        return dht;
    }

    private <T> T await(CompletableFuture<T> f) {
        net.runUntil(f::isDone);
        return f.join();
    }

    private static boolean knows(KademliaDht dht, PeerId peer) {
        Key k = KademliaDht.keyOf(peer);
        return dht.localClosestPeers(k, 1).stream().anyMatch(p -> p.peerId().equals(peer));
    }

    @Test
    void joinSelfLookupIsAnsweredByEveryFutureNeighbour() {
        int n = 200;
        List<PeerInfo> infos = new ArrayList<>();
        List<KademliaDht> dhts = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            infos.add(peer(i));
        }
        for (int i = 0; i < n; i++) {
            KademliaDht d = node(infos.get(i), i, b -> b.refreshOnBootstrap(false));
            for (PeerInfo p : infos) {
                d.addPeer(p, true);
            }
            dhts.add(d);
        }
        net.runUntil(net.nanoTime());
        PeerInfo newcomer = peer(n);
        KademliaDht joining = node(newcomer, n, b -> b.refreshOnBootstrap(false));
        LookupResult r = await(joining.bootstrap(List.of(infos.get(0))));

        Key self = KademliaDht.keyOf(newcomer.peerId());
        List<Integer> neighbours = java.util.stream.IntStream.range(0, n).boxed()
                .sorted(Comparator.comparing(i -> KademliaDht.keyOf(infos.get(i).peerId()), self::compareDistance))
                .limit(20).toList();
        assertThat(r.peers()).hasSize(20);
        // every one of the 20 closest answered the self-lookup, so every one of them now knows the newcomer
        for (int i : neighbours) {
            assertThat(knows(dhts.get(i), newcomer.peerId())).as("neighbour %s knows the newcomer", i).isTrue();
        }
        assertThat(joining.metrics().lookups()).as("no bucket refresh when disabled").isEqualTo(1);
    }

    @Test
    void bootstrapRefreshesEveryBucketOnce() {
        int n = 60;
        List<PeerInfo> infos = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            infos.add(peer(i));
        }
        for (int i = 0; i < n; i++) {
            KademliaDht d = node(infos.get(i), i, b -> { });
            for (PeerInfo p : infos) {
                d.addPeer(p, true);
            }
        }
        net.runUntil(net.nanoTime());
        KademliaDht joining = node(peer(n), n, b -> { });
        await(joining.bootstrap(List.of(infos.get(0))));
        int[] buckets = joining.peersPerBucket();
        int lowest = 255;
        for (int b = 0; b < 256; b++) {
            if (buckets[b] > 0) {
                lowest = b;
                break;
            }
        }
        // the self-lookup plus one random-walk lookup per bucket from 255 down to the lowest non-empty one
        assertThat(joining.metrics().lookups()).isEqualTo(1 + 256 - lowest);
        assertThat(joining.routingTableSize()).isGreaterThan(20);
    }

    /** Two peers of bucket 255 relative to {@code self} plus a third one, all distinct. */
    private List<PeerInfo> threeInFarBucket(PeerInfo self) {
        Key selfKey = KademliaDht.keyOf(self.peerId());
        List<PeerInfo> out = new ArrayList<>();
        for (int s = 1000; out.size() < 3; s++) {
            PeerInfo p = peer(s);
            if (selfKey.bucketIndex(KademliaDht.keyOf(p.peerId())) == 255) {
                out.add(p);
            }
        }
        return out;
    }

    private KademliaDht smallBucketNode(PeerInfo self, boolean check) {
        return node(self, 0, b -> b.checkFullBuckets(check)
                .routing(RoutingTableConfig.builder().k(2).noDiversityLimits().build()));
    }

    @Test
    void fullBucketEvictsADeadLeastRecentlySeenPeerForTheNewcomer() {
        PeerInfo self = peer(500);
        KademliaDht dht = smallBucketNode(self, true);
        List<PeerInfo> p = threeInFarBucket(self);
        node(p.get(1), 2, b -> { });
        node(p.get(2), 3, b -> { });
        // p0 is never attached: it does not answer
        await(dht.addPeer(p.get(0), true));
        await(dht.addPeer(p.get(1), true));
        ageBeyondFreshness();
        await(dht.addPeer(p.get(2), true));
        net.runUntil(net.nanoTime() + Duration.ofMinutes(1).toNanos());
        assertThat(knows(dht, p.get(0).peerId())).as("dead least recently seen peer evicted").isFalse();
        assertThat(knows(dht, p.get(1).peerId())).isTrue();
        assertThat(knows(dht, p.get(2).peerId())).as("newcomer promoted").isTrue();
    }

    @Test
    void fullBucketKeepsALiveLeastRecentlySeenPeer() {
        PeerInfo self = peer(500);
        KademliaDht dht = smallBucketNode(self, true);
        List<PeerInfo> p = threeInFarBucket(self);
        for (int i = 0; i < 3; i++) {
            node(p.get(i), i + 1, b -> { });
        }
        await(dht.addPeer(p.get(0), true));
        await(dht.addPeer(p.get(1), true));
        ageBeyondFreshness();
        await(dht.addPeer(p.get(2), true));
        net.runUntil(net.nanoTime() + Duration.ofMinutes(1).toNanos());
        assertThat(knows(dht, p.get(0).peerId())).as("live peer kept").isTrue();
        assertThat(knows(dht, p.get(1).peerId())).isTrue();
        assertThat(knows(dht, p.get(2).peerId())).as("newcomer stays in the replacement cache").isFalse();
        // the check made p0 most recently seen: the next newcomer checks p1 instead
        assertThat(dht.metrics().requestsSent()).isEqualTo(1);
    }

    /** Moves virtual time past the window in which a peer we heard from counts as live. */
    private void ageBeyondFreshness() {
        net.runUntil(net.nanoTime() + KademliaDht.DEFAULT_LIVENESS_FRESHNESS.plusMinutes(1).toNanos());
    }

    @Test
    void aRecentlyHeardLeastRecentlySeenPeerIsNotPingedForANewcomer() {
        PeerInfo self = peer(500);
        KademliaDht dht = smallBucketNode(self, true);
        List<PeerInfo> p = threeInFarBucket(self);
        // p0 does not answer, but it was heard from just now (added): it counts as live, nothing is sent
        await(dht.addPeer(p.get(0), true));
        await(dht.addPeer(p.get(1), true));
        await(dht.addPeer(p.get(2), true));
        net.runUntil(net.nanoTime() + Duration.ofMinutes(1).toNanos());
        assertThat(dht.metrics().requestsSent()).isZero();
        assertThat(knows(dht, p.get(0).peerId())).isTrue();
        assertThat(knows(dht, p.get(2).peerId())).as("newcomer waits in the replacement cache").isFalse();
        // once p0 is older than the window, the next newcomer makes the node check it, and it is evicted
        ageBeyondFreshness();
        await(dht.addPeer(p.get(2), true));
        net.runUntil(net.nanoTime() + Duration.ofMinutes(1).toNanos());
        assertThat(dht.metrics().requestsSent()).isEqualTo(KademliaDht.LIVENESS_ATTEMPTS);
        assertThat(knows(dht, p.get(0).peerId())).isFalse();
        assertThat(knows(dht, p.get(2).peerId())).isTrue();
    }

    @Test
    void withoutTheCheckADeadPeerStaysInAFullBucket() {
        PeerInfo self = peer(500);
        KademliaDht dht = smallBucketNode(self, false);
        List<PeerInfo> p = threeInFarBucket(self);
        node(p.get(1), 2, b -> { });
        node(p.get(2), 3, b -> { });
        await(dht.addPeer(p.get(0), true));
        await(dht.addPeer(p.get(1), true));
        await(dht.addPeer(p.get(2), true));
        net.runUntil(net.nanoTime() + Duration.ofMinutes(1).toNanos());
        assertThat(knows(dht, p.get(0).peerId())).isTrue();
        assertThat(knows(dht, p.get(2).peerId())).isFalse();
        assertThat(dht.metrics().requestsSent()).isZero();
    }

    /** The endpoint's network, except that the first FIND_NODE to {@code victim} is lost. */
    private static io.gridoverlay.dht.protocol.KadNetwork losingFirstFindNodeTo(SimulatedNetwork.Endpoint e,
            PeerId victim) {
        boolean[] dropped = {false};
        return new io.gridoverlay.dht.protocol.KadNetwork() {
            @Override
            public CompletableFuture<io.gridoverlay.dht.protocol.KadResponse> send(PeerInfo peer,
                    io.gridoverlay.dht.protocol.KadRequest request, Duration timeout) {
                if (!dropped[0] && peer.peerId().equals(victim)
                        && request instanceof io.gridoverlay.dht.protocol.KadRequest.FindNode) {
                    dropped[0] = true;
                    CompletableFuture<io.gridoverlay.dht.protocol.KadResponse> f = new CompletableFuture<>();
                    e.schedule(() -> f.completeExceptionally(new io.gridoverlay.dht.protocol.KadNetworkException(
                            io.gridoverlay.dht.protocol.KadNetworkException.Kind.TIMEOUT, "lost")), timeout.toNanos());
                    return f;
                }
                return e.send(peer, request, timeout);
            }

            @Override
            public void setRequestHandler(io.gridoverlay.dht.protocol.KadRequestHandler handler) {
                e.setRequestHandler(handler);
            }

            @Override
            public PeerId self() {
                return e.self();
            }
        };
    }

    private KademliaDht lookupThroughLossyLink(PeerInfo self, PeerInfo victim, boolean victimAlive) {
        SimulatedNetwork.Endpoint e = net.attach(0, self);
        KademliaDht dht = KademliaDht.builder(losingFirstFindNodeTo(e, victim.peerId())).config(io.gridoverlay.dht.DhtConfig.builder().refreshInterval(Duration.ZERO).routing(RoutingTableConfig.builder().noDiversityLimits().build()).build()).scheduler(e).seed(1).build();
        if (victimAlive) {
            node(victim, 1, b -> { });
        }
        await(dht.addPeer(victim, true));
        await(dht.findClosestPeers("any key".getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        net.runUntil(net.nanoTime() + Duration.ofMinutes(1).toNanos());
        return dht;
    }

    @Test
    void oneLostRequestDoesNotEvictALivePeer() {
        KademliaDht dht = lookupThroughLossyLink(peer(600), peer(601), true);
        assertThat(knows(dht, peer(601).peerId())).as("the liveness check was answered").isTrue();
        assertThat(dht.metrics().requestFailures()).isEqualTo(1);
    }

    @Test
    void aPeerThatFailsAQueryAndTheLivenessCheckIsEvicted() {
        KademliaDht dht = lookupThroughLossyLink(peer(600), peer(601), false);
        assertThat(knows(dht, peer(601).peerId())).isFalse();
        // the query and both pings failed
        assertThat(dht.metrics().requestFailures()).isEqualTo(1 + KademliaDht.LIVENESS_ATTEMPTS);
    }

    private KademliaDht tableWithALiveAndADeadPeer(Duration staleCheck) {
        PeerInfo self = peer(700);
        KademliaDht dht = node(self, 0, b -> b.staleCheckInterval(staleCheck));
        node(peer(701), 1, b -> { });
        // peer(702) is never attached: it crashed after entering the table
        await(dht.addPeer(peer(701), true));
        await(dht.addPeer(peer(702), true));
        dht.startMaintenance();
        // both become stale at 10 min; each is examined once per 10 min, at a phase set by its key
        net.runUntil(net.nanoTime() + Duration.ofMinutes(21).toNanos());
        return dht;
    }

    @Test
    void theStalePeerCheckEvictsACrashedPeerNobodyQueried() {
        KademliaDht dht = tableWithALiveAndADeadPeer(Duration.ofMinutes(10));
        assertThat(knows(dht, peer(701).peerId())).isTrue();
        assertThat(knows(dht, peer(702).peerId())).isFalse();
        // one ping to the live peer, two to the dead one
        assertThat(dht.metrics().requestsSent()).isEqualTo(1 + KademliaDht.LIVENESS_ATTEMPTS);
    }

    @Test
    void theStalePeerCheckPingsAtMostAFewPeersAtOnce() {
        PeerInfo self = peer(800);
        KademliaDht dht = node(self, 0, b -> b.staleCheckInterval(Duration.ofMinutes(10)));
        int peers = 3 * DhtJobs.STALE_CHECK_PARALLELISM;
        for (int i = 0; i < peers; i++) {
            await(dht.addPeer(peer(801 + i), true)); // none attached: every check fails after two pings
        }
        int present = dht.routingTableSize();
        assertThat(present).isGreaterThan(DhtJobs.STALE_CHECK_PARALLELISM);
        net.at(net.nanoTime(), () -> dht.jobs().checkStalePeers(0, -1));
        // just after the check starts (requests time out after 10 s), only the first wave has been sent
        net.runUntil(net.nanoTime() + Duration.ofSeconds(1).toNanos());
        assertThat(dht.metrics().requestsSent()).isEqualTo(DhtJobs.STALE_CHECK_PARALLELISM);
        // eventually every stale peer was checked (two pings each) and evicted
        net.runUntil(net.nanoTime() + Duration.ofMinutes(9).toNanos());
        assertThat(dht.metrics().requestsSent()).isEqualTo((long) present * KademliaDht.LIVENESS_ATTEMPTS);
        assertThat(dht.routingTableSize()).isZero();
    }

    @Test
    void theStalePeerCheckSpreadsItsPingsOverTheInterval() {
        PeerInfo self = peer(900);
        KademliaDht dht = node(self, 0, b -> b.staleCheckInterval(Duration.ofMinutes(10)));
        int peers = 64;
        for (int i = 0; i < peers; i++) {
            PeerInfo p = peer(901 + i);
            node(p, 1 + i, b -> b.staleCheckInterval(Duration.ZERO));
            await(dht.addPeer(p, true));
        }
        int present = dht.routingTableSize();
        dht.startMaintenance();
        // nobody is stale before 10 min
        net.runUntil(net.nanoTime() + Duration.ofMinutes(10).toNanos());
        assertThat(dht.metrics().requestsSent()).isZero();
        // the next 10 min: every peer pinged once (all answer), at most a few per 37.5 s slice
        long tick = Duration.ofMinutes(10).toNanos() / DhtJobs.STALE_CHECK_SLICES;
        long before = 0;
        long busiest = 0;
        for (int i = 0; i < DhtJobs.STALE_CHECK_SLICES; i++) {
            net.runUntil(net.nanoTime() + tick);
            long sent = dht.metrics().requestsSent();
            busiest = Math.max(busiest, sent - before);
            before = sent;
        }
        assertThat(before).isEqualTo(present);
        assertThat(busiest).as("no burst").isLessThanOrEqualTo(present / 4);
        assertThat(dht.routingTableSize()).isEqualTo(present);
        // a peer that answered is not stale at its next examination 10 min later
        net.runUntil(net.nanoTime() + Duration.ofMinutes(5).toNanos());
        assertThat(dht.metrics().requestsSent()).isEqualTo(present);
    }

    @Test
    void withoutTheStalePeerCheckACrashedPeerStays() {
        KademliaDht dht = tableWithALiveAndADeadPeer(Duration.ZERO);
        assertThat(knows(dht, peer(702).peerId())).isTrue();
        assertThat(dht.metrics().requestsSent()).isZero();
    }
}
