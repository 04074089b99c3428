package io.gridoverlay.dht.internal.query;

import io.gridoverlay.dht.query.FinishReason;

import io.gridoverlay.dht.query.LookupConfig;


import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gridoverlay.dht.internal.query.SimNetwork.Node;
import io.gridoverlay.dht.routing.Key;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The lookup's use of round-trip estimates (virtual clock, no real time). */
class AdaptiveTimeoutTest {
    private static final long MS = 1_000_000L;

    private static Node at(int id, long d) {
        return new Node(id, Key.ofWords(0, 0, 0, d));
    }

    private static LookupConfig.Builder cfg() {
        return LookupConfig.builder().peerTimeout(Duration.ofSeconds(3)).resiliency(1).maxAttempts(3);
    }

    private static long estimate(long rttMillis) {
        return RttEstimate.update(RttEstimate.NONE, rttMillis * MS); // timeout = 3 x rtt
    }

    @Test
    void a_request_times_out_after_the_peers_estimated_round_trip_and_is_retried() {
        SimNetwork.Clock clock = new SimNetwork.Clock();
        Node seed = at(1, 1000);
        ClosestPeersIterator<Node> it = ClosestPeersIterator.<Node>builder(Key.ZERO).seeds(List.of(seed))
                .config(cfg().adaptiveTimeout(Duration.ofMillis(50)).build()).clock(clock::get)
                .rtt(k -> estimate(100)).build();
        assertThat(it.next(clock.now)).isEqualTo(new LookupState.Waiting<>(seed));
        assertThat(it.nextTimerNanos().getAsLong()).as("srtt + 4 rttvar = 300 ms").isEqualTo(clock.now + 300 * MS);
        clock.now += 299 * MS;
        assertThat(it.next(clock.now)).isEqualTo(new LookupState.Idle<Node>());
        clock.now += MS;
        assertThat(it.next(clock.now)).as("retried after 300 ms, not 3 s").isEqualTo(new LookupState.Waiting<>(seed));
        assertThat(it.stats().timeouts()).isEqualTo(1);
        // the first attempt's late answer still counts
        clock.now += 400 * MS;
        assertThat(it.onSuccess(seed, List.of())).isTrue();
        assertThat(it.next(clock.now)).isEqualTo(new LookupState.Finished<Node>(FinishReason.COMPLETED));
        assertThat(it.result()).containsExactly(seed);
    }

    @Test
    void each_peer_gets_its_own_timeout_clamped_to_the_minimum_and_the_peer_timeout() {
        Node near = at(1, 10);
        Node far = at(2, 20);
        Node unknown = at(3, 30);
        Node slow = at(4, 40);
        Map<Key, Long> estimates = new HashMap<>();
        estimates.put(near.key(), estimate(5));     // 15 ms -> clamped up to 50 ms
        estimates.put(far.key(), estimate(200));    // 600 ms
        estimates.put(slow.key(), estimate(2_000)); // 6 s -> clamped down to 3 s
        RttSource source = k -> estimates.getOrDefault(k, RttEstimate.NONE);
        SimNetwork.Clock clock = new SimNetwork.Clock();
        ClosestPeersIterator<Node> it = ClosestPeersIterator.<Node>builder(Key.ZERO)
                .seeds(List.of(near, far, unknown, slow))
                .config(cfg().parallelism(4).adaptiveTimeout(Duration.ofMillis(50)).build()).clock(clock::get)
                .rtt(source).build();
        long t0 = clock.now;
        for (int i = 0; i < 4; i++) {
            assertThat(it.next(clock.now)).isInstanceOf(LookupState.Waiting.class);
        }
        assertThat(it.requestTimeoutNanos(near.key())).isEqualTo(50 * MS);
        assertThat(it.requestTimeoutNanos(far.key())).isEqualTo(600 * MS);
        assertThat(it.requestTimeoutNanos(unknown.key())).as("no estimate: the peer timeout").isEqualTo(3_000 * MS);
        assertThat(it.requestTimeoutNanos(slow.key())).isEqualTo(3_000 * MS);
        assertThat(it.nextTimerNanos().getAsLong()).isEqualTo(t0 + 50 * MS);
        clock.now = t0 + 50 * MS;
        assertThat(it.next(clock.now)).as("near timed out first and is retried").isEqualTo(new LookupState.Waiting<>(near));
        assertThat(it.inFlight()).isEqualTo(4);
        assertThat(it.nextTimerNanos().getAsLong()).as("near's retry, 50 ms later").isEqualTo(t0 + 100 * MS);
        assertThat(it.onSuccess(near, List.of())).isTrue();
        assertThat(it.nextTimerNanos().getAsLong()).as("then far").isEqualTo(t0 + 600 * MS);
    }

    @Test
    void without_the_option_the_estimates_are_ignored() {
        SimNetwork.Clock clock = new SimNetwork.Clock();
        Node seed = at(1, 1000);
        ClosestPeersIterator<Node> it = ClosestPeersIterator.<Node>builder(Key.ZERO).seeds(List.of(seed))
                .config(cfg().build()).clock(clock::get).rtt(k -> estimate(10)).build();
        it.next(clock.now);
        assertThat(it.nextTimerNanos().getAsLong()).isEqualTo(clock.now + 3_000 * MS);
    }

    @Test
    void an_offline_peer_costs_the_lookup_a_few_round_trips_instead_of_the_full_timeout() {
        Node dead = at(1, 10);
        Node live = at(2, 20);
        long fixed = completionTime(LookupConfig.builder().peerTimeout(Duration.ofSeconds(3)).resiliency(1)
                .maxAttempts(3), dead, live);
        long adaptive = completionTime(LookupConfig.builder().peerTimeout(Duration.ofSeconds(3)).resiliency(1)
                .maxAttempts(3).adaptiveTimeout(Duration.ofMillis(50)), dead, live);
        assertThat(fixed).isEqualTo(9_000 * MS);
        assertThat(adaptive).isEqualTo(900 * MS);
    }

    /** Lookup over a dead closest peer and a live one answering at once, α = 1; returns its virtual duration. */
    private static long completionTime(LookupConfig.Builder config, Node dead, Node live) {
        SimNetwork.Clock clock = new SimNetwork.Clock();
        long start = clock.now;
        ClosestPeersIterator<Node> it = ClosestPeersIterator.<Node>builder(Key.ZERO).seeds(List.of(dead, live))
                .config(config.parallelism(1).build()).clock(clock::get).rtt(k -> estimate(100)).build();
        for (int steps = 0; steps < 100; steps++) {
            LookupState<Node> s = it.next(clock.now);
            if (s instanceof LookupState.Finished<Node>) {
                return clock.now - start;
            }
            if (s instanceof LookupState.Waiting<Node> w && w.peer().equals(live)) {
                it.onSuccess(live, List.of());
            } else if (!(s instanceof LookupState.Waiting<Node>)) {
                clock.now = it.nextTimerNanos().getAsLong();
            }
        }
        throw new AssertionError("did not finish");
    }

    @Test
    void the_minimum_must_be_positive_and_not_above_the_peer_timeout() {
        assertThatThrownBy(() -> LookupConfig.builder().adaptiveTimeout(Duration.ZERO).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("adaptiveTimeoutMin");
        assertThatThrownBy(() -> LookupConfig.builder().peerTimeout(Duration.ofSeconds(1))
                .adaptiveTimeout(Duration.ofSeconds(2)).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("must not exceed peerTimeout");
        assertThat(LookupConfig.defaults().adaptiveTimeout()).isFalse();
    }
}
