package io.gridoverlay.dht.internal.query;

import io.gridoverlay.dht.query.FinishReason;

import io.gridoverlay.dht.query.LookupStats;

import io.gridoverlay.dht.query.LookupConfig;


import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.doubles;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;

import io.gridoverlay.dht.internal.query.SimNetwork.Behaviour;
import io.gridoverlay.dht.internal.query.SimNetwork.Node;
import io.gridoverlay.dht.routing.Key;
import java.time.Duration;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;

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

    /** A hostile network of {@code n} nodes, {@code bad} of them misbehaving, and one lookup's configuration. */
    private record LookupCase(long seed, int n, int alpha, int beta, int attempts, double bad) {
    }

    private static Gen<LookupCase> lookupCases() {
        Gen<Long> seeds = longs().all();
        Gen<Integer> sizes = integers().between(30, 400);
        Gen<Integer> alphas = integers().between(1, 5);
        Gen<Integer> betas = integers().between(1, K);
        Gen<Integer> attempts = integers().between(1, 3);
        Gen<Double> bads = doubles().between(0.0, 0.6);
        return in -> new LookupCase(seeds.generate(in), sizes.generate(in), alphas.generate(in), betas.generate(in),
                attempts.generate(in), bads.generate(in));
    }

    /** A hostile network and a disjoint-paths lookup over it. */
    private record DisjointCase(long seed, int n, int paths, int alpha, double bad) {
    }

    private static Gen<DisjointCase> disjointCases() {
        Gen<Long> seeds = longs().all();
        Gen<Integer> sizes = integers().between(30, 400);
        Gen<Integer> paths = integers().between(1, 4);
        Gen<Integer> alphas = integers().between(1, 4);
        Gen<Double> bads = doubles().between(0.0, 0.6);
        return in -> new DisjointCase(seeds.generate(in), sizes.generate(in), paths.generate(in), alphas.generate(in),
                bads.generate(in));
    }

    @Test
    void closest_peers_iterator_always_terminates_and_keeps_its_invariants() {
        qt().withFixedSeed(0x1001L).withExamples(40).forAll(lookupCases())
                .checkAssert(c -> {
            long seed = c.seed();
            int n = c.n();
            int alpha = c.alpha();
            int beta = c.beta();
            int attempts = c.attempts();
            double bad = c.bad();
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
        });
    }

    @Test
    void disjoint_paths_terminate_and_never_share_a_peer() {
        qt().withFixedSeed(0x1002L).withExamples(25).forAll(disjointCases())
                .checkAssert(c -> {
            long seed = c.seed();
            int n = c.n();
            int paths = c.paths();
            int alpha = c.alpha();
            double bad = c.bad();
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
        });
    }

    private static void assertSortedByDistance(List<Node> peers, Key target) {
        for (int i = 1; i < peers.size(); i++) {
            assertThat(target.compareDistance(peers.get(i - 1).key(), peers.get(i).key())).isNegative();
        }
    }
}
