package io.gridoverlay.dht.internal.query;

import io.gridoverlay.dht.query.FinishReason;
import io.gridoverlay.dht.query.LookupConfig;
import io.gridoverlay.dht.query.LookupStats;
import io.gridoverlay.dht.internal.query.SimNetwork;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gridoverlay.dht.internal.query.SimNetwork.Behaviour;
import io.gridoverlay.dht.internal.query.SimNetwork.Node;
import io.gridoverlay.dht.routing.Key;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class ClosestPeersIteratorTest {
    private static final int K = 20;
    private static SimNetwork net;

    @BeforeAll
    static void buildNetwork() {
        net = new SimNetwork(2000, K, 42);
    }

    /** One attempt per peer unless a test says otherwise (the retry tests set maxAttempts). */
    private static LookupConfig.Builder cfg() {
        return LookupConfig.builder().peerTimeout(Duration.ofNanos(SimNetwork.PEER_TIMEOUT)).maxAttempts(1);
    }

    private static ClosestPeersIterator<Node> lookup(SimNetwork n, Node from, Key target, LookupConfig config,
            SimNetwork.Clock clock) {
        return ClosestPeersIterator.<Node>builder(target).seeds(n.seeds(from, target)).config(config)
                .clock(clock::get).localKey(from.key()).build();
    }

    /** Keys at a chosen distance from the all-zero target: distance = d. */
    private static Node at(int id, long d) {
        return new Node(id, Key.ofWords(0, 0, 0, d));
    }

    @Test
    void spec_termination_result_is_the_true_k_closest_in_a_well_connected_network() {
        LookupConfig config = cfg().resiliency(K).build();
        int exact = 0;
        int targets = 200;
        for (int i = 0; i < targets; i++) {
            Key target = Key.random(net.random());
            Node from = net.randomNode();
            SimNetwork.Clock clock = new SimNetwork.Clock();
            ClosestPeersIterator<Node> it = lookup(net, from, target, config, clock);
            SimNetwork.Outcome out = net.drive(SimNetwork.of(it), target, clock, 10_000, p -> { });
            assertThat(out.reason()).isEqualTo(FinishReason.COMPLETED);
            assertThat(out.maxInFlightSeen()).isLessThanOrEqualTo(3);
            List<Node> expected = new ArrayList<>(net.trueClosest(target, K + 1));
            expected.remove(from);
            if (it.result().equals(expected.subList(0, K))) {
                exact++;
            }
        }
        assertThat(exact).isGreaterThanOrEqualTo(targets * 99 / 100);
    }

    @Test
    void default_beta_closest_peers_are_the_true_k_closest_and_the_beta_closest_answered() {
        LookupConfig config = cfg().build();
        int exact = 0;
        int targets = 200;
        long requests = 0;
        for (int i = 0; i < targets; i++) {
            Key target = Key.random(net.random());
            Node from = net.randomNode();
            SimNetwork.Clock clock = new SimNetwork.Clock();
            ClosestPeersIterator<Node> it = lookup(net, from, target, config, clock);
            SimNetwork.Outcome out = net.drive(SimNetwork.of(it), target, clock, 10_000, p -> { });
            assertThat(out.reason()).isEqualTo(FinishReason.COMPLETED);
            List<Node> expected = new ArrayList<>(net.trueClosest(target, K + 1));
            expected.remove(from);
            assertThat(it.result().subList(0, 3)).isEqualTo(it.closestPeers().subList(0, 3));
            if (it.closestPeers().equals(expected.subList(0, K))) {
                exact++;
            }
            requests += it.stats().requests();
        }
        assertThat(exact).isGreaterThanOrEqualTo(targets * 99 / 100);
        assertThat(requests / targets).isLessThan(40);
    }

    @Test
    void never_exceeds_alpha_in_flight() {
        for (int alpha : new int[] {1, 2, 5}) {
            LookupConfig config = cfg().parallelism(alpha).build();
            Key target = Key.random(net.random());
            SimNetwork.Clock clock = new SimNetwork.Clock();
            ClosestPeersIterator<Node> it = lookup(net, net.randomNode(), target, config, clock);
            SimNetwork.Outcome out = net.drive(SimNetwork.of(it), target, clock, 10_000, p -> { });
            assertThat(out.maxInFlightSeen()).isLessThanOrEqualTo(alpha);
            assertThat(it.stats().maxInFlight()).isEqualTo(alpha);
        }
    }

    @Test
    void rounds_are_the_hop_depth_of_the_result() {
        SimNetwork.Clock clock = new SimNetwork.Clock();
        Node seed = at(1, 1000);
        Node hop1 = at(2, 500);
        Node hop2 = at(3, 10);
        ClosestPeersIterator<Node> it = ClosestPeersIterator.<Node>builder(Key.ZERO).seeds(List.of(seed))
                .config(cfg().resiliency(1).build()).clock(clock::get).build();
        assertThat(it.next(clock.now)).isEqualTo(new LookupState.Waiting<>(seed));
        assertThat(it.next(clock.now)).isEqualTo(new LookupState.Idle<Node>());
        assertThat(it.onSuccess(seed, List.of(hop1))).isTrue();
        assertThat(it.stats().rounds()).isZero();
        assertThat(it.next(clock.now)).isEqualTo(new LookupState.Waiting<>(hop1));
        assertThat(it.onSuccess(hop1, List.of(hop2, seed))).isTrue();
        assertThat(it.stats().rounds()).isEqualTo(1);
        assertThat(it.next(clock.now)).isEqualTo(new LookupState.Waiting<>(hop2));
        assertThat(it.onSuccess(hop2, List.of())).isTrue();
        assertThat(it.next(clock.now)).isEqualTo(new LookupState.Finished<Node>(FinishReason.COMPLETED));
        assertThat(it.result()).containsExactly(hop2, hop1, seed);
        assertThat(it.depthOf(seed)).isZero();
        assertThat(it.depthOf(hop2)).isEqualTo(2);
        assertThat(it.stats().rounds()).isEqualTo(2);
        assertThat(it.stats().requests()).isEqualTo(3);
        assertThat(it.stats().successes()).isEqualTo(3);
        assertThat(it.stats().peersSeen()).isEqualTo(3);
    }

    @Test
    void depth_is_the_shortest_hop_path_while_uncontacted() {
        SimNetwork.Clock clock = new SimNetwork.Clock();
        Node a = at(1, 900);
        Node b = at(2, 800);
        Node x = at(3, 300);
        Node c = at(4, 200);
        ClosestPeersIterator<Node> it = ClosestPeersIterator.<Node>builder(Key.ZERO).seeds(List.of(a, b))
                .config(cfg().parallelism(2).resiliency(1).build()).clock(clock::get).build();
        assertThat(it.next(clock.now)).isEqualTo(new LookupState.Waiting<>(b));
        assertThat(it.next(clock.now)).isEqualTo(new LookupState.Waiting<>(a));
        it.onSuccess(b, List.of(x));
        assertThat(it.next(clock.now)).isEqualTo(new LookupState.Waiting<>(x));
        it.onSuccess(x, List.of(c));
        assertThat(it.depthOf(c)).isEqualTo(2);
        it.onSuccess(a, List.of(c));
        assertThat(it.depthOf(c)).as("reported again by a seed before being contacted").isEqualTo(1);
        assertThat(it.next(clock.now)).isEqualTo(new LookupState.Waiting<>(c));
        it.onSuccess(c, List.of());
        assertThat(it.next(clock.now)).isEqualTo(new LookupState.Finished<Node>(FinishReason.COMPLETED));
        assertThat(it.stats().rounds()).isEqualTo(1);
        assertThat(it.depthOf(at(9, 1))).isEqualTo(-1);
    }

    @Test
    void timed_out_peer_frees_its_slot_and_a_late_answer_is_still_used() {
        SimNetwork.Clock clock = new SimNetwork.Clock();
        Node slow = at(1, 100);
        Node other = at(2, 200);
        Node closer = at(3, 5);
        ClosestPeersIterator<Node> it = ClosestPeersIterator.<Node>builder(Key.ZERO).seeds(List.of(slow, other))
                .config(cfg().parallelism(1).resiliency(1).build()).clock(clock::get).build();
        assertThat(it.next(clock.now)).isEqualTo(new LookupState.Waiting<>(slow));
        assertThat(it.next(clock.now)).isInstanceOf(LookupState.AtCapacity.class);
        assertThat(it.nextTimerNanos()).hasValue(clock.now + SimNetwork.PEER_TIMEOUT);
        clock.now += SimNetwork.PEER_TIMEOUT;
        assertThat(it.next(clock.now)).isEqualTo(new LookupState.Waiting<>(other));
        assertThat(it.stats().timeouts()).isEqualTo(1);
        assertThat(it.closestPeers()).containsExactly(other);
        // The late answer from the timed-out peer is accepted and its closer peer is used.
        assertThat(it.onSuccess(slow, List.of(closer))).isTrue();
        assertThat(it.onSuccess(slow, List.of(closer))).isFalse();
        assertThat(it.onSuccess(other, List.of())).isTrue();
        assertThat(it.next(clock.now)).isEqualTo(new LookupState.Waiting<>(closer));
        assertThat(it.onFailure(closer)).isTrue();
        assertThat(it.next(clock.now)).isEqualTo(new LookupState.Finished<Node>(FinishReason.COMPLETED));
        assertThat(it.result()).containsExactly(slow, other);
        LookupStats s = it.stats();
        assertThat(s.requests()).isEqualTo(3);
        assertThat(s.successes()).isEqualTo(2);
        assertThat(s.failures()).isEqualTo(1);
        assertThat(s.timeouts()).isEqualTo(1);
    }

    @Test
    void overall_deadline_finishes_the_lookup() {
        SimNetwork.Clock clock = new SimNetwork.Clock();
        ClosestPeersIterator<Node> it = ClosestPeersIterator.<Node>builder(Key.ZERO)
                .seeds(List.of(at(1, 1))).config(cfg().overallTimeout(Duration.ofSeconds(5)).build())
                .clock(clock::get).build();
        assertThat(it.next(clock.now)).isInstanceOf(LookupState.Waiting.class);
        clock.now += Duration.ofSeconds(5).toNanos();
        assertThat(it.next(clock.now)).isEqualTo(new LookupState.Finished<Node>(FinishReason.DEADLINE_EXCEEDED));
        assertThat(it.stats().elapsedNanos()).isEqualTo(Duration.ofSeconds(5).toNanos());
        assertThat(it.nextTimerNanos()).isEmpty();
        assertThat(it.onSuccess(at(1, 1), List.of())).isFalse();
    }

    @Test
    void starves_without_seeds_or_when_every_peer_fails() {
        SimNetwork.Clock clock = new SimNetwork.Clock();
        ClosestPeersIterator<Node> empty = ClosestPeersIterator.<Node>builder(Key.ZERO).clock(clock::get).build();
        assertThat(empty.next(clock.now)).isEqualTo(new LookupState.Finished<Node>(FinishReason.STARVED));

        Node a = at(1, 1);
        Node b = at(2, 2);
        ClosestPeersIterator<Node> it = ClosestPeersIterator.<Node>builder(Key.ZERO).seeds(List.of(a, b))
                .config(cfg().build()).clock(clock::get).build();
        it.next(clock.now);
        it.next(clock.now);
        assertThat(it.next(clock.now)).isInstanceOf(LookupState.Idle.class);
        it.onFailure(a);
        it.onFailure(b);
        assertThat(it.next(clock.now)).isEqualTo(new LookupState.Finished<Node>(FinishReason.STARVED));
        assertThat(it.result()).isEmpty();
        assertThat(it.closestPeers()).isEmpty();
    }

    @Test
    void small_network_with_fewer_live_peers_than_beta_starves_with_all_answers() {
        SimNetwork.Clock clock = new SimNetwork.Clock();
        Node a = at(1, 1);
        ClosestPeersIterator<Node> it = ClosestPeersIterator.<Node>builder(Key.ZERO).seeds(List.of(a))
                .clock(clock::get).build();
        it.next(clock.now);
        it.onSuccess(a, List.of(a));
        assertThat(it.next(clock.now)).isEqualTo(new LookupState.Finished<Node>(FinishReason.STARVED));
        assertThat(it.result()).containsExactly(a);
    }

    @Test
    void deduplicates_by_key_and_never_queries_the_local_peer() {
        SimNetwork.Clock clock = new SimNetwork.Clock();
        Node self = at(0, 3);
        Node a = at(1, 10);
        Node aAgain = new Node(11, a.key());
        ClosestPeersIterator<Node> it = ClosestPeersIterator.<Node>builder(Key.ZERO)
                .seeds(List.of(a, aAgain, self)).localKey(self.key()).clock(clock::get).build();
        assertThat(it.peersSeen()).isEqualTo(1);
        assertThat(it.next(clock.now)).isEqualTo(new LookupState.Waiting<>(a));
        it.onSuccess(aAgain, List.of(self, a, aAgain));
        assertThat(it.peersSeen()).isEqualTo(1);
        assertThat(it.next(clock.now)).isEqualTo(new LookupState.Finished<Node>(FinishReason.STARVED));
    }

    @Test
    void ignores_unknown_uncontacted_and_duplicate_reports() {
        SimNetwork.Clock clock = new SimNetwork.Clock();
        Node a = at(1, 10);
        Node b = at(2, 20);
        ClosestPeersIterator<Node> it = ClosestPeersIterator.<Node>builder(Key.ZERO).seeds(List.of(a, b))
                .config(cfg().parallelism(1).build()).clock(clock::get).build();
        assertThat(it.onSuccess(a, List.of())).as("not yet contacted").isFalse();
        assertThat(it.onFailure(at(9, 99))).as("unknown").isFalse();
        it.next(clock.now);
        assertThat(it.onFailure(a)).isTrue();
        assertThat(it.onFailure(a)).isFalse();
        assertThat(it.onSuccess(a, List.of(at(3, 1)))).isFalse();
        assertThat(it.peersSeen()).isEqualTo(2);
        it.finish();
        assertThat(it.next(clock.now)).isEqualTo(new LookupState.Finished<Node>(FinishReason.CANCELLED));
        assertThat(it.finishReason()).isEqualTo(FinishReason.CANCELLED);
    }

    @Test
    void caps_closer_peers_taken_from_one_response() {
        SimNetwork.Clock clock = new SimNetwork.Clock();
        Node a = at(1, 1_000_000);
        List<Node> flood = new ArrayList<>();
        for (int i = 0; i < 500; i++) {
            flood.add(at(100 + i, 1000 + i));
        }
        ClosestPeersIterator<Node> it = ClosestPeersIterator.<Node>builder(Key.ZERO).seeds(List.of(a))
                .config(cfg().maxCloserPeersPerResponse(25).build()).clock(clock::get).build();
        it.next(clock.now);
        it.onSuccess(a, flood);
        assertThat(it.peersSeen()).isEqualTo(26);
    }

    @Test
    void the_churn_resilient_configuration_is_the_one_the_simulator_measured() {
        // docs/sim/scenarios/n10k-churn-loss-resilient.properties runs exactly these settings
        LookupConfig c = LookupConfig.churnResilient();
        assertThat(c.parallelism()).isEqualTo(5);
        assertThat(c.resiliency()).isEqualTo(c.numResults()).isEqualTo(20);
        assertThat(c.answeredOnly()).isTrue();
        assertThat(c.peerTimeout()).isEqualTo(Duration.ofSeconds(3));
        assertThat(c.adaptiveTimeoutMin()).isEqualTo(Duration.ofMillis(200));
        assertThat(c.maxAttempts()).isEqualTo(6);
        assertThat(LookupConfig.defaults()).isEqualTo(LookupConfig.builder().parallelism(3).resiliency(3)
                .answeredOnly(false).peerTimeout(Duration.ofSeconds(10)).maxAttempts(1).build());
    }

    @Test
    void rejects_bad_configuration_and_null_keys() {
        assertThatThrownBy(() -> LookupConfig.builder().parallelism(0).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("parallelism");
        assertThatThrownBy(() -> LookupConfig.builder().numResults(5).resiliency(6).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("resiliency");
        assertThatThrownBy(() -> LookupConfig.builder().peerTimeout(Duration.ZERO).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("peerTimeout");
        assertThatThrownBy(() -> ClosestPeersIterator.<String>builder(Key.ZERO, s -> null)
                .seeds(List.of("x")).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("key function returned null");
    }

    @Test
    void self_only_and_random_far_peers_slow_the_lookup_but_do_not_break_it() {
        SimNetwork bad = new SimNetwork(800, K, 7);
        bad.assignBehaviours(Map.of(Behaviour.SELF_ONLY, 0.15, Behaviour.RANDOM_FAR, 0.15));
        SimNetwork good = new SimNetwork(800, K, 7);
        LookupConfig config = cfg().resiliency(K).build();
        int exact = 0;
        long badRequests = 0;
        long goodRequests = 0;
        int targets = 60;
        for (int i = 0; i < targets; i++) {
            Key target = Key.random(bad.random());
            Node from = bad.nodes.get(i);
            SimNetwork.Clock clock = new SimNetwork.Clock();
            ClosestPeersIterator<Node> it = lookup(bad, from, target, config, clock);
            SimNetwork.Outcome out = bad.drive(SimNetwork.of(it), target, clock, 20_000, p -> { });
            assertThat(out.reason()).isEqualTo(FinishReason.COMPLETED);
            List<Node> expected = new ArrayList<>(bad.trueClosest(target, K + 1));
            expected.remove(from);
            if (it.result().equals(expected.subList(0, K))) {
                exact++;
            }
            badRequests += it.stats().requests();

            SimNetwork.Clock clock2 = new SimNetwork.Clock();
            ClosestPeersIterator<Node> it2 = lookup(good, good.nodes.get(i), target, config, clock2);
            good.drive(SimNetwork.of(it2), target, clock2, 20_000, p -> { });
            goodRequests += it2.stats().requests();
        }
        assertThat(exact).isGreaterThanOrEqualTo(targets * 90 / 100);
        assertThat(badRequests).isGreaterThan(goodRequests);
    }

    @Test
    void a_failed_peer_is_retried_until_max_attempts() {
        SimNetwork.Clock clock = new SimNetwork.Clock();
        Node seed = at(1, 1000);
        ClosestPeersIterator<Node> it = ClosestPeersIterator.<Node>builder(Key.ZERO).seeds(List.of(seed))
                .config(cfg().resiliency(1).maxAttempts(2).build()).clock(clock::get).build();
        assertThat(it.next(clock.now)).isEqualTo(new LookupState.Waiting<>(seed));
        assertThat(it.onFailure(seed)).isTrue();
        assertThat(it.next(clock.now)).isEqualTo(new LookupState.Waiting<>(seed));
        assertThat(it.onFailure(seed)).isTrue();
        assertThat(it.next(clock.now)).isEqualTo(new LookupState.Finished<Node>(FinishReason.STARVED));
        assertThat(it.stats().requests()).isEqualTo(2);
        assertThat(it.result()).isEmpty();
        assertThat(it.closestPeers()).isEmpty();
    }

    @Test
    void a_timed_out_peer_is_retried_at_once_and_its_second_answer_counts() {
        SimNetwork.Clock clock = new SimNetwork.Clock();
        Node near = at(1, 10);
        Node far = at(2, 1000);
        ClosestPeersIterator<Node> it = ClosestPeersIterator.<Node>builder(Key.ZERO).seeds(List.of(near, far))
                .config(cfg().parallelism(1).resiliency(1).maxAttempts(2).build()).clock(clock::get).build();
        assertThat(it.next(clock.now)).isEqualTo(new LookupState.Waiting<>(near));
        clock.now += SimNetwork.PEER_TIMEOUT;
        assertThat(it.next(clock.now)).as("retry of the closest peer first").isEqualTo(new LookupState.Waiting<>(near));
        assertThat(it.onSuccess(near, List.of())).isTrue();
        assertThat(it.next(clock.now)).isEqualTo(new LookupState.Finished<Node>(FinishReason.COMPLETED));
        assertThat(it.result()).containsExactly(near);
        assertThat(it.stats().requests()).isEqualTo(2);
        assertThat(it.stats().timeouts()).isEqualTo(1);
    }

    /**
     * Regression: when the per-peer timeout expired before the driver reported the failure (the network's
     * timeout equals the lookup's), the peer went unresponsive and was never retried, so a join whose one
     * seed lost a message ended with an empty table (16 % of the rejoins in n10k-churn-loss).
     */
    @Test
    void a_timed_out_peer_is_retried_even_when_its_failure_is_never_reported() {
        SimNetwork.Clock clock = new SimNetwork.Clock();
        Node seed = at(1, 1000);
        ClosestPeersIterator<Node> it = ClosestPeersIterator.<Node>builder(Key.ZERO).seeds(List.of(seed))
                .config(cfg().resiliency(1).maxAttempts(3).build()).clock(clock::get).build();
        assertThat(it.next(clock.now)).isEqualTo(new LookupState.Waiting<>(seed));
        clock.now += SimNetwork.PEER_TIMEOUT;
        assertThat(it.next(clock.now)).isEqualTo(new LookupState.Waiting<>(seed));
        assertThat(it.onFailure(seed)).as("the first attempt's late failure is the retry's").isTrue();
        assertThat(it.next(clock.now)).isEqualTo(new LookupState.Waiting<>(seed));
        clock.now += SimNetwork.PEER_TIMEOUT;
        assertThat(it.next(clock.now)).isEqualTo(new LookupState.Finished<Node>(FinishReason.STARVED));
        assertThat(it.stats().requests()).isEqualTo(3);
        assertThat(it.stats().timeouts()).isEqualTo(2);
        assertThat(it.onSuccess(seed, List.of())).as("finished: nothing is accepted").isFalse();
    }

    @Test
    void a_late_answer_of_a_timed_out_attempt_is_used_while_the_retry_waits() {
        SimNetwork.Clock clock = new SimNetwork.Clock();
        Node a = at(1, 100);
        Node b = at(2, 200);
        Node closer = at(3, 10);
        ClosestPeersIterator<Node> it = ClosestPeersIterator.<Node>builder(Key.ZERO).seeds(List.of(a, b))
                .config(cfg().parallelism(2).resiliency(2).maxAttempts(2).build()).clock(clock::get).build();
        assertThat(it.next(clock.now)).isEqualTo(new LookupState.Waiting<>(a));
        clock.now += 1;
        assertThat(it.next(clock.now)).isEqualTo(new LookupState.Waiting<>(b));
        clock.now += SimNetwork.PEER_TIMEOUT - 1;
        // a expired and waits for a retry; b answers with a closer peer, which is asked first
        assertThat(it.onSuccess(b, List.of(closer))).isTrue();
        assertThat(it.next(clock.now)).isEqualTo(new LookupState.Waiting<>(closer));
        assertThat(it.onSuccess(a, List.of())).as("late answer of the first attempt").isTrue();
        assertThat(it.onSuccess(closer, List.of())).isTrue();
        assertThat(it.next(clock.now)).isEqualTo(new LookupState.Finished<Node>(FinishReason.COMPLETED));
        assertThat(it.result()).containsExactly(closer, a, b);
        assertThat(it.stats().requests()).as("a was not asked again").isEqualTo(3);
    }

    @Test
    void with_one_attempt_a_failed_peer_is_not_retried() {
        SimNetwork.Clock clock = new SimNetwork.Clock();
        Node seed = at(1, 1000);
        ClosestPeersIterator<Node> it = ClosestPeersIterator.<Node>builder(Key.ZERO).seeds(List.of(seed))
                .config(cfg().resiliency(1).maxAttempts(1).build()).clock(clock::get).build();
        assertThat(it.next(clock.now)).isEqualTo(new LookupState.Waiting<>(seed));
        assertThat(it.onFailure(seed)).isTrue();
        assertThat(it.next(clock.now)).isEqualTo(new LookupState.Finished<Node>(FinishReason.STARVED));
        assertThat(it.stats().requests()).isEqualTo(1);
    }
}
