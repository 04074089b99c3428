package io.gridoverlay.dht.query;

import static org.assertj.core.api.Assertions.assertThat;

import io.gridoverlay.dht.query.SimNetwork.Behaviour;
import io.gridoverlay.dht.query.SimNetwork.Node;
import io.gridoverlay.dht.routing.Key;
import java.time.Duration;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.IntRange;

/**
 * Invariants of the lookups over random simulated networks in which nodes fail, stay silent, answer
 * late, answer with themselves only, with random far peers or with unreachable garbage peers.
 */
class LookupPropertiesTest {
    private static final int K = 20;

    private static SimNetwork hostileNetwork(long seed, int n, double bad) {
        SimNetwork net = new SimNetwork(n, K, seed);
        Map<Behaviour, Double> mix = new EnumMap<>(Behaviour.class);
        for (Behaviour b : Behaviour.values()) {
            if (b != Behaviour.HONEST) {
                mix.put(b, bad / 6);
            }
        }
        net.assignBehaviours(mix);
        return net;
    }

    /** Loop iterations a correct lookup needs at most: every iteration sends or consumes an event/timer. */
    private static int stepBound(int n) {
        return 4 * n * (K + 1) + 16;
    }

    private static boolean answers(Node p, SimNetwork net) {
        return p.id() >= 0 && net.behaviour[p.id()] != Behaviour.DEAD && net.behaviour[p.id()] != Behaviour.SILENT;
    }

    @Property(tries = 40)
    void closest_peers_iterator_always_terminates_and_keeps_its_invariants(
            @ForAll long seed,
            @ForAll @IntRange(min = 30, max = 400) int n,
            @ForAll @IntRange(min = 1, max = 5) int alpha,
            @ForAll @IntRange(min = 1, max = K) int beta,
            @ForAll @IntRange(min = 1, max = 3) int attempts,
            @ForAll @DoubleRange(min = 0.0, max = 0.6) double bad) {
        SimNetwork net = hostileNetwork(seed, n, bad);
        Key target = Key.random(net.random());
        Node from = net.randomNode();
        SimNetwork.Clock clock = new SimNetwork.Clock();
        LookupConfig config = LookupConfig.builder().parallelism(alpha).resiliency(beta).maxAttempts(attempts)
                .peerTimeout(Duration.ofNanos(SimNetwork.PEER_TIMEOUT)).overallTimeout(Duration.ofMinutes(10))
                .build();
        ClosestPeersIterator<Node> it = ClosestPeersIterator.<Node>builder(target)
                .seeds(net.seeds(from, target)).config(config).clock(clock::get).localKey(from.key()).build();
        java.util.Map<Node, Integer> requestCounts = new java.util.HashMap<>();
        SimNetwork.Outcome out = net.drive(SimNetwork.of(it), target, clock, attempts * stepBound(n), p -> {
            assertThat(requestCounts.merge(p, 1, Integer::sum)).as("requests to %s", p)
                    .isLessThanOrEqualTo(attempts);
            assertThat(p).isNotEqualTo(from);
        });

        assertThat(it.isFinished()).isTrue();
        assertThat(out.reason()).isIn(FinishReason.COMPLETED, FinishReason.STARVED, FinishReason.DEADLINE_EXCEEDED);
        assertThat(out.maxInFlightSeen()).isLessThanOrEqualTo(alpha);
        LookupStats stats = it.stats();
        assertThat(stats.maxInFlight()).isLessThanOrEqualTo(alpha);
        assertThat(stats.requests()).isEqualTo(requestCounts.values().stream().mapToInt(Integer::intValue).sum());
        assertThat(stats.successes() + stats.failures()).isLessThanOrEqualTo(stats.requests());

        List<Node> result = it.result();
        assertThat(result).hasSizeLessThanOrEqualTo(K).doesNotHaveDuplicates();
        assertThat(result).allSatisfy(p -> assertThat(answers(p, net)).as("%s answered", p).isTrue());
        assertSortedByDistance(result, target);
        assertSortedByDistance(it.closestPeers(), target);
        int maxDepth = 0;
        for (Node p : result) {
            maxDepth = Math.max(maxDepth, it.depthOf(p));
        }
        assertThat(stats.rounds()).isEqualTo(maxDepth).isLessThanOrEqualTo(stats.requests());
        if (out.reason() == FinishReason.COMPLETED) {
            List<Node> live = it.closestPeers();
            assertThat(result.subList(0, beta)).isEqualTo(live.subList(0, beta));
        }
    }

    @Property(tries = 25)
    void disjoint_paths_terminate_and_never_share_a_peer(
            @ForAll long seed,
            @ForAll @IntRange(min = 30, max = 400) int n,
            @ForAll @IntRange(min = 1, max = 4) int paths,
            @ForAll @IntRange(min = 1, max = 4) int alpha,
            @ForAll @DoubleRange(min = 0.0, max = 0.6) double bad) {
        SimNetwork net = hostileNetwork(seed, n, bad);
        Key target = Key.random(net.random());
        Node from = net.randomNode();
        SimNetwork.Clock clock = new SimNetwork.Clock();
        LookupConfig config = LookupConfig.builder().parallelism(alpha).maxAttempts(1)
                .peerTimeout(Duration.ofNanos(SimNetwork.PEER_TIMEOUT)).overallTimeout(Duration.ofMinutes(10))
                .build();
        DisjointPathsIterator<Node> it = ClosestPeersIterator.<Node>builder(target)
                .seeds(net.seeds(from, target)).config(config).clock(clock::get).localKey(from.key())
                .buildDisjoint(paths);
        Set<Node> requested = new HashSet<>();
        SimNetwork.Outcome out = net.drive(SimNetwork.of(it), target, clock, stepBound(n), p -> {
            assertThat(requested.add(p)).as("requested twice: %s", p).isTrue();
        });
        assertThat(it.isFinished()).isTrue();
        assertThat(out.maxInFlightSeen()).isLessThanOrEqualTo(paths * alpha);
        Set<Node> union = new HashSet<>();
        int total = 0;
        for (int i = 0; i < paths; i++) {
            for (Node p : it.contactedPeers(i)) {
                assertThat(it.pathOf(p)).isEqualTo(i);
                union.add(p);
                total++;
            }
        }
        assertThat(union).hasSize(total).isEqualTo(requested);
        assertSortedByDistance(it.result(), target);
        assertThat(it.result()).hasSizeLessThanOrEqualTo(K).doesNotHaveDuplicates();
    }

    private static void assertSortedByDistance(List<Node> peers, Key target) {
        for (int i = 1; i < peers.size(); i++) {
            assertThat(target.compareDistance(peers.get(i - 1).key(), peers.get(i).key())).isNegative();
        }
    }
}
