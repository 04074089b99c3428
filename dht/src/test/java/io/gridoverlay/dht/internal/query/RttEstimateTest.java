package io.gridoverlay.dht.internal.query;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.lists;
import static org.quicktheories.generators.SourceDSL.longs;

import org.junit.jupiter.api.Test;

class RttEstimateTest {
    private static final long MS = 1_000_000L;

    @Test
    void first_sample_sets_srtt_and_half_of_it_as_variation() {
        long e = RttEstimate.update(RttEstimate.NONE, 100 * MS);
        assertThat(RttEstimate.srttNanos(e)).isEqualTo(100 * MS);
        assertThat(RttEstimate.rttvarNanos(e)).isEqualTo(50 * MS);
        // RFC 6298: RTO = srtt + 4 rttvar = 300 ms
        assertThat(RttEstimate.timeoutNanos(e, 0, 10_000 * MS)).isEqualTo(300 * MS);
    }

    @Test
    void later_samples_follow_rfc_6298_gains() {
        long e = RttEstimate.update(RttEstimate.NONE, 100 * MS);
        e = RttEstimate.update(e, 200 * MS);
        // rttvar = 3/4 * 50 + 1/4 * |100 - 200| = 62.5 ms; srtt = 7/8 * 100 + 1/8 * 200 = 112.5 ms
        assertThat(RttEstimate.rttvarNanos(e)).isEqualTo(62_500_000L);
        assertThat(RttEstimate.srttNanos(e)).isEqualTo(112_500_000L);
    }

    @Test
    void steady_round_trips_converge_and_the_timeout_shrinks_towards_them() {
        long e = RttEstimate.NONE;
        for (int i = 0; i < 100; i++) {
            e = RttEstimate.update(e, 40 * MS);
        }
        assertThat(RttEstimate.srttNanos(e)).isEqualTo(40 * MS);
        assertThat(RttEstimate.rttvarNanos(e)).isLessThan(MS);
        assertThat(RttEstimate.timeoutNanos(e, 0, 3_000 * MS)).isBetween(40 * MS, 44 * MS);
        assertThat(RttEstimate.timeoutNanos(e, 200 * MS, 3_000 * MS)).as("clamped to the minimum").isEqualTo(200 * MS);
    }

    @Test
    void no_estimate_means_the_maximum_and_the_timeout_never_exceeds_it() {
        assertThat(RttEstimate.timeoutNanos(RttEstimate.NONE, 200 * MS, 3_000 * MS)).isEqualTo(3_000 * MS);
        long slow = RttEstimate.update(RttEstimate.NONE, 5_000 * MS);
        assertThat(RttEstimate.timeoutNanos(slow, 200 * MS, 3_000 * MS)).isEqualTo(3_000 * MS);
        assertThat(RttEstimate.toString(RttEstimate.NONE)).isEqualTo("none");
        assertThat(RttEstimate.toString(RttEstimate.update(RttEstimate.NONE, 10 * MS)))
                .isEqualTo("srtt=10.0ms rttvar=5.0ms");
    }

    @Test
    void a_zero_sample_is_still_an_estimate_and_huge_samples_saturate() {
        long zero = RttEstimate.update(RttEstimate.NONE, 0);
        assertThat(zero).isNotEqualTo(RttEstimate.NONE);
        assertThat(RttEstimate.timeoutNanos(zero, 5 * MS, 3_000 * MS)).isEqualTo(5 * MS);
        long huge = RttEstimate.update(RttEstimate.NONE, Long.MAX_VALUE);
        assertThat(RttEstimate.srttNanos(huge)).isEqualTo(0xFFFF_FFFFL * 1_000);
        assertThat(RttEstimate.update(huge, Long.MAX_VALUE)).isEqualTo(RttEstimate.update(huge, Long.MAX_VALUE));
    }

    @Test
    void rejects_a_minimum_above_the_maximum() {
        assertThatThrownBy(() -> RttEstimate.timeoutNanos(RttEstimate.NONE, 2, 1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("min");
    }

    @Test
    void srtt_stays_within_the_range_of_the_samples() {
        qt().withFixedSeed(0x7701L).withExamples(1000)
                .forAll(lists().of(longs().between(0, 60_000_000_000L)).ofSizeBetween(1, 50))
                .checkAssert(samples -> {
            long e = RttEstimate.NONE;
            long min = Long.MAX_VALUE;
            long max = 0;
            for (long s : samples) {
                e = RttEstimate.update(e, s);
                long micros = s / 1_000 * 1_000;
                min = Math.min(min, micros);
                max = Math.max(max, micros);
            }
            assertThat(e).isNotEqualTo(RttEstimate.NONE);
            // integer division may round srtt down by at most 1 us per sample
            assertThat(RttEstimate.srttNanos(e)).isBetween(Math.max(0, min - 1_000L * samples.size()), Math.max(max, 1_000));
            long timeout = RttEstimate.timeoutNanos(e, 10 * MS, 3_000 * MS);
            assertThat(timeout).isBetween(10 * MS, 3_000 * MS);
        });
    }
}
