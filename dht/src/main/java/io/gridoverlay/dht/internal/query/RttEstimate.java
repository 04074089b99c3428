package io.gridoverlay.dht.internal.query;

/**
 * Round-trip-time estimate of one path as in RFC 6298 (TCP's retransmission timer), packed into one
 * {@code long} so that it can live on a routing-table entry without an object per peer.
 *
 * <pre>
 *  63                               32 31                                0
 * +-----------------------------------+-----------------------------------+
 * |  srtt, microseconds (unsigned)     |  rttvar, microseconds (unsigned)  |
 * +-----------------------------------+-----------------------------------+
 * </pre>
 *
 * <p>{@link #NONE} (0) means "no sample yet" (a stored srtt is at least 1 µs). The first sample R sets
 * srtt = R and rttvar = R/2; each later sample R sets rttvar = ¾·rttvar + ¼·|srtt − R| and then
 * srtt = ⅞·srtt + ⅛·R (RFC 6298 §2). The request timeout derived from an estimate is
 * {@code clamp(srtt + 4·rttvar, min, max)}; unlike TCP's RTO there is no exponential back-off, because a
 * lookup's retry does not replace the request that timed out: that one stays open until the full
 * per-request timeout and its late answer is still used. Samples above about 71 minutes saturate.
 *
 * <p>Pure functions of their arguments: O(1), allocation-free, thread-safe.
 */
public final class RttEstimate {
    /** No sample yet. */
    public static final long NONE = 0L;

    private static final long MAX_MICROS = 0xFFFF_FFFFL;

    private RttEstimate() {
    }

    /**
     * The estimate after one more round-trip sample.
     *
     * @param estimate    the estimate so far, or {@link #NONE}
     * @param sampleNanos a measured round trip (negative values count as 0)
     */
    public static long update(long estimate, long sampleNanos) {
        long r = Math.min(MAX_MICROS, Math.max(0, sampleNanos) / 1_000);
        if (estimate == NONE) {
            return pack(r, r / 2);
        }
        long srtt = srttMicros(estimate);
        long rttvar = rttvarMicros(estimate);
        rttvar = (3 * rttvar + Math.abs(srtt - r)) / 4;
        srtt = (7 * srtt + r) / 8;
        return pack(srtt, rttvar);
    }

    /** The smoothed round trip in nanoseconds (0 for {@link #NONE}). */
    public static long srttNanos(long estimate) {
        return srttMicros(estimate) * 1_000;
    }

    /** The round-trip variation in nanoseconds (0 for {@link #NONE}). */
    public static long rttvarNanos(long estimate) {
        return rttvarMicros(estimate) * 1_000;
    }

    /**
     * The request timeout {@code clamp(srtt + 4·rttvar, minNanos, maxNanos)}, or {@code maxNanos} for
     * {@link #NONE}.
     *
     * @throws IllegalArgumentException if {@code minNanos > maxNanos} or either is negative
     */
    public static long timeoutNanos(long estimate, long minNanos, long maxNanos) {
        if (minNanos < 0 || minNanos > maxNanos) {
            throw new IllegalArgumentException("need 0 <= min <= max, got min " + minNanos + " ns, max "
                    + maxNanos + " ns");
        }
        if (estimate == NONE) {
            return maxNanos;
        }
        long rto = (srttMicros(estimate) + 4 * rttvarMicros(estimate)) * 1_000;
        return Math.max(minNanos, Math.min(maxNanos, rto));
    }

    /** A readable form, e.g. {@code srtt=120.5ms rttvar=30.0ms}. */
    public static String toString(long estimate) {
        if (estimate == NONE) {
            return "none";
        }
        return String.format(java.util.Locale.ROOT, "srtt=%.1fms rttvar=%.1fms", srttMicros(estimate) / 1e3,
                rttvarMicros(estimate) / 1e3);
    }

    private static long srttMicros(long estimate) {
        return estimate >>> 32;
    }

    private static long rttvarMicros(long estimate) {
        return estimate & MAX_MICROS;
    }

    private static long pack(long srttMicros, long rttvarMicros) {
        return Math.max(1, Math.min(MAX_MICROS, srttMicros)) << 32 | Math.min(MAX_MICROS, rttvarMicros);
    }
}
