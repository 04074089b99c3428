package io.gridoverlay.dht.internal.query;

import io.gridoverlay.dht.query.FinishReason;

import io.gridoverlay.dht.query.LookupConfig;


import static org.assertj.core.api.Assertions.assertThat;

import io.gridoverlay.dht.internal.query.SimNetwork.Node;
import io.gridoverlay.dht.routing.Key;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class QueriesTest {
    private static final int K = 20;
    private static SimNetwork net;

    @BeforeAll
    static void buildNetwork() {
        net = new SimNetwork(600, K, 5);
    }

    private static LookupConfig config() {
        return LookupConfig.builder().peerTimeout(Duration.ofNanos(SimNetwork.PEER_TIMEOUT)).build();
    }

    private static ClosestPeersIterator<Node> lookup(Node from, Key target, SimNetwork.Clock clock) {
        return ClosestPeersIterator.<Node>builder(target).seeds(net.seeds(from, target)).config(config())
                .clock(clock::get).localKey(from.key()).build();
    }

    /** Adapts a query to the simulator: {@code payload} decides what each peer answers besides peers. */
    private abstract static class QueryDriven implements SimNetwork.Driven {
        final LookupQuery<Node> query;

        QueryDriven(LookupQuery<Node> query) {
            this.query = query;
        }

        @Override
        public LookupState<Node> next(long now) {
            return query.next(now);
        }

        @Override
        public OptionalLong nextTimer() {
            return query.nextTimerNanos();
        }

        @Override
        public void failure(Node peer) {
            query.onFailure(peer);
        }

        @Override
        public int inFlight() {
            return query.lookup().inFlight();
        }
    }

    /** Values held by the 20 closest nodes: 8 hold version 3, 6 version 2, 2 an invalid value (-1). */
    private static Map<Node, Integer> placeValues(Key key) {
        List<Node> closest = net.trueClosest(key, K);
        Map<Node, Integer> values = new HashMap<>();
        for (int i = 0; i < 16; i++) {
            values.put(closest.get(i), i < 8 ? 3 : i < 14 ? 2 : -1);
        }
        return values;
    }

    private static GetValueQuery<Node, Integer> runGetValue(Key key, Map<Node, Integer> values, int quorum,
            SimNetwork.Clock clock) {
        Node from = net.nodes.get(0);
        GetValueQuery<Node, Integer> q = new GetValueQuery<>(lookup(from, key, clock), quorum, v -> v >= 0,
                Integer::compare);
        net.drive(new QueryDriven(q) {
            @Override
            public void success(Node peer, List<Node> closer) {
                Integer v = values.get(peer);
                if (v == null) {
                    q.onSuccess(peer, closer);
                } else {
                    q.onSuccess(peer, v, closer);
                }
            }
        }, key, clock, 10_000, p -> { });
        return q;
    }

    @Test
    void get_value_without_quorum_finds_the_best_and_the_peers_to_correct() {
        Key key = Key.random(net.random());
        Map<Node, Integer> values = placeValues(key);
        GetValueQuery<Node, Integer> q = runGetValue(key, values, 0, new SimNetwork.Clock());
        assertThat(q.finishReason()).isEqualTo(FinishReason.COMPLETED);
        assertThat(q.best()).contains(3);
        assertThat(q.quorumReached()).isFalse();
        assertThat(q.peersWithBest()).isNotEmpty().allSatisfy(p -> assertThat(values.get(p)).isEqualTo(3));
        assertThat(q.outdatedPeers()).allSatisfy(p -> assertThat(values.get(p)).isIn(2, -1));
        List<Node> fix = q.correctionTargets();
        assertThat(fix).containsAll(q.outdatedPeers()).doesNotContainAnyElementsOf(q.peersWithBest());
        for (Node p : q.lookup().closestPeers()) {
            assertThat(fix.contains(p) || q.peersWithBest().contains(p)).as("%s", p).isTrue();
        }
        assertThat(q.validValues()).isEqualTo(q.peersWithBest().size()
                + (int) q.outdatedPeers().stream().filter(p -> values.get(p) == 2).count());
        List<Node> sorted = new ArrayList<>(fix);
        sorted.sort((a, b) -> key.compareDistance(a.key(), b.key()));
        assertThat(fix).isEqualTo(sorted);
    }

    @Test
    void get_value_stops_at_quorum() {
        Key key = Key.random(net.random());
        Map<Node, Integer> values = placeValues(key);
        GetValueQuery<Node, Integer> full = runGetValue(key, values, 0, new SimNetwork.Clock());
        GetValueQuery<Node, Integer> q = runGetValue(key, values, 3, new SimNetwork.Clock());
        assertThat(q.finishReason()).isEqualTo(FinishReason.SATISFIED);
        assertThat(q.next(0)).isEqualTo(new LookupState.Finished<Node>(FinishReason.SATISFIED));
        assertThat(q.lookup().finishReason()).isEqualTo(FinishReason.CANCELLED);
        assertThat(q.validValues()).isEqualTo(3);
        assertThat(q.quorumReached()).isTrue();
        assertThat(q.stats().requests()).isLessThanOrEqualTo(full.stats().requests());
        assertThat(q.best()).isPresent();
    }

    @Test
    void get_value_ignores_values_from_peers_it_did_not_ask_and_counts_invalid_ones_as_outdated() {
        Node a = new Node(1, Key.ofWords(0, 0, 0, 1));
        Node b = new Node(2, Key.ofWords(0, 0, 0, 2));
        Node stranger = new Node(3, Key.ofWords(0, 0, 0, 3));
        ClosestPeersIterator<Node> it = ClosestPeersIterator.<Node>builder(Key.ZERO).seeds(List.of(a, b))
                .clock(() -> 0L).build();
        GetValueQuery<Node, Integer> q = new GetValueQuery<>(it, 2, v -> v >= 0, Integer::compare);
        q.next(0);
        q.next(0);
        assertThat(q.onSuccess(stranger, 9, List.of())).isFalse();
        assertThat(q.onSuccess(a, -5, List.of())).isTrue();
        assertThat(q.best()).isEmpty();
        assertThat(q.correctionTargets()).isEmpty();
        assertThat(q.onSuccess(b, 4, List.of())).isTrue();
        assertThat(q.validValues()).isEqualTo(1);
        assertThat(q.isFinished()).isFalse();
        assertThat(q.outdatedPeers()).containsExactly(a);
        assertThat(q.peersWithBest()).containsExactly(b);
        assertThat(q.correctionTargets()).containsExactly(a);
    }

    @Test
    void get_providers_collects_unique_providers_up_to_the_limit() {
        Key key = Key.random(net.random());
        List<Node> closest = net.trueClosest(key, K);
        Map<Node, List<String>> held = new HashMap<>();
        for (int i = 0; i < closest.size(); i++) {
            held.put(closest.get(i), List.of("prov-" + (i % 7), "prov-" + ((i + 3) % 7)));
        }
        for (int limit : new int[] {0, 5}) {
            SimNetwork.Clock clock = new SimNetwork.Clock();
            GetProvidersQuery<Node, String> q = new GetProvidersQuery<>(lookup(net.nodes.get(1), key, clock),
                    limit, s -> s);
            List<String> streamed = new ArrayList<>();
            net.drive(new QueryDriven(q) {
                @Override
                public void success(Node peer, List<Node> closer) {
                    streamed.addAll(q.onSuccess(peer, held.getOrDefault(peer, List.of()), closer));
                }
            }, key, clock, 10_000, p -> { });
            assertThat(streamed).doesNotHaveDuplicates().isEqualTo(q.providers());
            if (limit == 0) {
                assertThat(q.finishReason()).isEqualTo(FinishReason.COMPLETED);
                Set<String> expected = new HashSet<>();
                for (Node p : q.lookup().result()) {
                    expected.addAll(held.getOrDefault(p, List.of()));
                }
                assertThat(q.providers()).containsAll(expected);
            } else {
                assertThat(q.finishReason()).isEqualTo(FinishReason.SATISFIED);
                assertThat(q.providers()).hasSize(5);
            }
        }
    }

    @Test
    void find_peer_stops_as_soon_as_the_peer_is_reported() {
        long findRequests = 0;
        long lookupRequests = 0;
        for (int t = 0; t < 40; t++) {
            Node sought = net.nodes.get(100 + t);
            Node from = net.nodes.get(300 + t);
            SimNetwork.Clock clock = new SimNetwork.Clock();
            FindPeerQuery<Node> q = new FindPeerQuery<>(lookup(from, sought.key(), clock));
            net.drive(new QueryDriven(q) {
                @Override
                public void success(Node peer, List<Node> closer) {
                    q.onSuccess(peer, closer);
                }
            }, sought.key(), clock, 10_000, p -> { });
            assertThat(q.finishReason()).isEqualTo(FinishReason.SATISFIED);
            assertThat(q.found()).contains(sought);
            findRequests += q.stats().requests();

            SimNetwork.Clock clock2 = new SimNetwork.Clock();
            ClosestPeersIterator<Node> plain = lookup(from, sought.key(), clock2);
            net.drive(SimNetwork.of(plain), sought.key(), clock2, 10_000, p -> { });
            lookupRequests += plain.stats().requests();
        }
        assertThat(findRequests).isLessThan(lookupRequests);
    }

    @Test
    void find_peer_of_an_absent_key_runs_the_whole_lookup() {
        Key absent = Key.random(net.random());
        SimNetwork.Clock clock = new SimNetwork.Clock();
        FindPeerQuery<Node> q = new FindPeerQuery<>(lookup(net.nodes.get(2), absent, clock));
        net.drive(new QueryDriven(q) {
            @Override
            public void success(Node peer, List<Node> closer) {
                q.onSuccess(peer, closer);
            }
        }, absent, clock, 10_000, p -> { });
        assertThat(q.found()).isEmpty();
        assertThat(q.finishReason()).isEqualTo(FinishReason.COMPLETED);
    }

    @Test
    void find_peer_found_when_the_peer_itself_answers() {
        Node sought = new Node(1, Key.ofWords(0, 0, 0, 0));
        ClosestPeersIterator<Node> it = ClosestPeersIterator.<Node>builder(sought.key()).seeds(List.of(sought))
                .clock(() -> 0L).build();
        FindPeerQuery<Node> q = new FindPeerQuery<>(it);
        assertThat(q.next(0)).isEqualTo(new LookupState.Waiting<>(sought));
        assertThat(q.onSuccess(sought, List.of())).isTrue();
        assertThat(q.found()).contains(sought);
        assertThat(q.next(0)).isEqualTo(new LookupState.Finished<Node>(FinishReason.SATISFIED));
        assertThat(q.onSuccess(sought, List.of())).isFalse();
    }
}
