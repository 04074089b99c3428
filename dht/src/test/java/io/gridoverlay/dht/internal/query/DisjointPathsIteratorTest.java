package io.gridoverlay.dht.internal.query;

import io.gridoverlay.dht.query.FinishReason;
import io.gridoverlay.dht.query.LookupConfig;
import io.gridoverlay.dht.internal.query.SimNetwork;

import static org.assertj.core.api.Assertions.assertThat;

import io.gridoverlay.dht.internal.query.SimNetwork.Node;
import io.gridoverlay.dht.routing.Key;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class DisjointPathsIteratorTest {
    private static final int K = 20;

    private static Node at(int id, long d) {
        return new Node(id, Key.ofWords(0, 0, 0, d));
    }

    private static LookupConfig.Builder cfg() {
        // go-style beta = 3, one attempt: the settings these tests were written for
        return LookupConfig.builder().peerTimeout(Duration.ofNanos(SimNetwork.PEER_TIMEOUT)).resiliency(3)
                .maxAttempts(1);
    }

    @Test
    void seeds_are_dealt_round_robin_by_distance() {
        List<Node> seeds = new ArrayList<>();
        for (int i = 6; i >= 1; i--) {
            seeds.add(at(i, i));
        }
        DisjointPathsIterator<Node> it = ClosestPeersIterator.<Node>builder(Key.ZERO).seeds(seeds)
                .clock(() -> 0L).buildDisjoint(3);
        assertThat(it.pathCount()).isEqualTo(3);
        for (int i = 1; i <= 6; i++) {
            assertThat(it.pathOf(at(i, i))).isEqualTo((i - 1) % 3);
        }
        assertThat(it.pathOf(at(99, 99))).isEqualTo(-1);
    }

    @Test
    void a_peer_claimed_by_one_path_is_ignored_by_the_others() {
        Node a = at(1, 100);
        Node b = at(2, 200);
        Node shared = at(3, 10);
        DisjointPathsIterator<Node> it = ClosestPeersIterator.<Node>builder(Key.ZERO).seeds(List.of(a, b))
                .config(cfg().resiliency(1).build()).clock(() -> 0L).buildDisjoint(2);
        assertThat(it.next(0)).isEqualTo(new LookupState.Waiting<>(a));
        assertThat(it.next(0)).isEqualTo(new LookupState.Waiting<>(b));
        assertThat(it.onSuccess(b, List.of(shared))).isTrue();
        assertThat(it.pathOf(shared)).isEqualTo(1);
        assertThat(it.onSuccess(a, List.of(shared))).isTrue();
        assertThat(it.pathOf(shared)).isEqualTo(1);
        assertThat(it.next(0)).as("path 0 has nothing left and completes").isInstanceOf(LookupState.Waiting.class)
                .isEqualTo(new LookupState.Waiting<>(shared));
        assertThat(it.onSuccess(shared, List.of())).isTrue();
        assertThat(it.next(0)).isEqualTo(new LookupState.Finished<Node>(FinishReason.COMPLETED));
        assertThat(it.contactedPeers(0)).containsExactly(a);
        assertThat(it.contactedPeers(1)).containsExactly(shared, b);
        assertThat(it.pathResults()).containsExactly(List.of(a), List.of(shared, b));
        assertThat(it.result()).containsExactly(shared, a, b);
    }

    @Test
    void cancel_finishes_every_path() {
        DisjointPathsIterator<Node> it = ClosestPeersIterator.<Node>builder(Key.ZERO)
                .seeds(List.of(at(1, 1), at(2, 2))).clock(() -> 0L).buildDisjoint(2);
        it.next(0);
        it.finish();
        assertThat(it.isFinished()).isTrue();
        assertThat(it.next(0)).isEqualTo(new LookupState.Finished<Node>(FinishReason.CANCELLED));
        assertThat(it.onSuccess(at(1, 1), List.of())).isFalse();
    }

    @Test
    void paths_never_share_a_peer_and_together_find_the_closest_peers() {
        SimNetwork net = new SimNetwork(1000, K, 11);
        int exact = 0;
        int targets = 50;
        for (int t = 0; t < targets; t++) {
            Key target = Key.random(net.random());
            Node from = net.randomNode();
            SimNetwork.Clock clock = new SimNetwork.Clock();
            DisjointPathsIterator<Node> it = ClosestPeersIterator.<Node>builder(target)
                    .seeds(net.seeds(from, target)).config(cfg().build()).clock(clock::get)
                    .localKey(from.key()).buildDisjoint(4);
            Map<Node, Integer> requestedBy = new HashMap<>();
            SimNetwork.Outcome out = net.drive(SimNetwork.of(it), target, clock, 50_000, p -> {
                assertThat(requestedBy.put(p, it.pathOf(p))).as("requested twice: %s", p).isNull();
            });
            assertThat(out.reason()).isEqualTo(FinishReason.COMPLETED);
            assertThat(out.maxInFlightSeen()).isLessThanOrEqualTo(4 * 3);
            Set<Node> union = new HashSet<>();
            int total = 0;
            for (int i = 0; i < it.pathCount(); i++) {
                List<Node> contacted = it.contactedPeers(i);
                total += contacted.size();
                union.addAll(contacted);
                for (Node p : contacted) {
                    assertThat(requestedBy.get(p)).isEqualTo(i);
                }
            }
            assertThat(union).hasSize(total).hasSize(requestedBy.size());
            List<Node> expected = new ArrayList<>(net.trueClosest(target, K + 1));
            expected.remove(from);
            if (it.closestPeers().equals(expected.subList(0, K))) {
                exact++;
            }
        }
        assertThat(exact).isGreaterThanOrEqualTo(targets * 90 / 100);
    }
}
