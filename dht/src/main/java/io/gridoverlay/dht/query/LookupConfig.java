package io.gridoverlay.dht.query;

import java.time.Duration;
import java.util.Objects;

/**
 * Immutable configuration of an iterative lookup; build with {@link #builder()}.
 *
 * <p>Defaults follow go-libp2p-kad-dht and rust-libp2p: α = 3 requests in parallel, β = 3 (the lookup
 * completes when the 3 closest live candidates have answered), k = 20 results, 10 s per peer, 60 s
 * overall. Setting β = k gives the libp2p-spec / rust-libp2p termination ("the k closest peers seen have
 * all answered"), which makes {@code result()} the exact k closest in a healthy network at the cost of
 * more requests; with the default β the driver should take {@code closestPeers()} (go's lookup result).
 *
 * @param parallelism               α: requests in flight at most, per lookup path (≥ 1)
 * @param resiliency                β: how many of the closest live candidates must have answered for the
 *                                  lookup to complete (1..numResults)
 * @param numResults                k: size of {@code result()} and {@code closestPeers()} (≥ 1)
 * @param peerTimeout               a request in flight longer than this counts as failed (a late answer is
 *                                  still accepted)
 * @param overallTimeout            the lookup finishes with {@link FinishReason#DEADLINE_EXCEEDED} after this
 * @param maxCloserPeersPerResponse entries of one response beyond this many are ignored (≥ 1), bounding
 *                                  the state a single (possibly hostile) peer can add
 */
public record LookupConfig(int parallelism, int resiliency, int numResults, Duration peerTimeout,
        Duration overallTimeout, int maxCloserPeersPerResponse) {

    /** Default α. */
    public static final int DEFAULT_PARALLELISM = 3;
    /** Default β. */
    public static final int DEFAULT_RESILIENCY = 3;
    /** Default k. */
    public static final int DEFAULT_NUM_RESULTS = 20;
    /** Default per-peer timeout (rust-libp2p's). */
    public static final Duration DEFAULT_PEER_TIMEOUT = Duration.ofSeconds(10);
    /** Default overall deadline (rust-libp2p's query timeout). */
    public static final Duration DEFAULT_OVERALL_TIMEOUT = Duration.ofSeconds(60);

    /** Validates every field. */
    public LookupConfig {
        if (parallelism < 1) {
            throw new IllegalArgumentException("parallelism (alpha) must be >= 1, got " + parallelism);
        }
        if (numResults < 1) {
            throw new IllegalArgumentException("numResults (k) must be >= 1, got " + numResults);
        }
        if (resiliency < 1 || resiliency > numResults) {
            throw new IllegalArgumentException("resiliency (beta) must be in 1.." + numResults
                    + " (numResults), got " + resiliency);
        }
        requirePositive(peerTimeout, "peerTimeout");
        requirePositive(overallTimeout, "overallTimeout");
        if (maxCloserPeersPerResponse < 1) {
            throw new IllegalArgumentException(
                    "maxCloserPeersPerResponse must be >= 1, got " + maxCloserPeersPerResponse);
        }
    }

    private static void requirePositive(Duration d, String name) {
        Objects.requireNonNull(d, name);
        if (d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(name + " must be positive, got " + d);
        }
    }

    /** The default configuration (α = 3, β = 3, k = 20, 10 s per peer, 60 s overall). */
    public static LookupConfig defaults() {
        return builder().build();
    }

    /** A builder starting from the defaults. */
    public static Builder builder() {
        return new Builder();
    }

    /** {@link #peerTimeout} in nanoseconds, saturated at {@code Long.MAX_VALUE}. */
    long peerTimeoutNanos() {
        return saturatedNanos(peerTimeout);
    }

    /** {@link #overallTimeout} in nanoseconds, saturated at {@code Long.MAX_VALUE}. */
    long overallTimeoutNanos() {
        return saturatedNanos(overallTimeout);
    }

    private static long saturatedNanos(Duration d) {
        try {
            return d.toNanos();
        } catch (ArithmeticException overflow) {
            return Long.MAX_VALUE;
        }
    }

    /** Mutable builder of {@link LookupConfig}; not thread-safe. */
    public static final class Builder {
        private int parallelism = DEFAULT_PARALLELISM;
        private int resiliency = DEFAULT_RESILIENCY;
        private int numResults = DEFAULT_NUM_RESULTS;
        private Duration peerTimeout = DEFAULT_PEER_TIMEOUT;
        private Duration overallTimeout = DEFAULT_OVERALL_TIMEOUT;
        private int maxCloserPeersPerResponse = -1;

        private Builder() {
        }

        /** α, requests in flight at most (default 3). */
        public Builder parallelism(int alpha) {
            this.parallelism = alpha;
            return this;
        }

        /** β, closest live candidates that must answer (default 3; at most numResults). */
        public Builder resiliency(int beta) {
            this.resiliency = beta;
            return this;
        }

        /** k, number of results (default 20). */
        public Builder numResults(int k) {
            this.numResults = k;
            return this;
        }

        /** Per-request timeout (default 10 s). */
        public Builder peerTimeout(Duration timeout) {
            this.peerTimeout = timeout;
            return this;
        }

        /** Overall deadline (default 60 s). */
        public Builder overallTimeout(Duration timeout) {
            this.overallTimeout = timeout;
            return this;
        }

        /** Cap on the closer peers taken from one response (default: numResults). */
        public Builder maxCloserPeersPerResponse(int max) {
            this.maxCloserPeersPerResponse = max;
            return this;
        }

        /** Builds and validates the configuration. */
        public LookupConfig build() {
            int cap = maxCloserPeersPerResponse == -1 ? numResults : maxCloserPeersPerResponse;
            return new LookupConfig(parallelism, resiliency, numResults, peerTimeout, overallTimeout, cap);
        }
    }
}
