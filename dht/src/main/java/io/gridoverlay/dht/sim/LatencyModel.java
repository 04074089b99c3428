package io.gridoverlay.dht.sim;

import java.time.Duration;
import java.util.Arrays;
import java.util.Objects;
import java.util.SplittableRandom;

/**
 * Network latency from a 2D Euclidean coordinate space, as Vivaldi network coordinates approximate the
 * Internet: every node gets a point in the unit square and the round-trip time between two nodes is
 *
 * <pre>
 *   rtt(a, b) = minRtt + (maxRtt - minRtt) * |pos(a) - pos(b)| / sqrt(2)      (sqrt(2) = the diagonal)
 *   one-way   = rtt / 2 * (1 + jitter * u),   u uniform in [0, 1) per message
 * </pre>
 *
 * <p>Placement is {@link Placement#UNIFORM} (points uniform in the square) or {@link Placement#CLUSTERS}
 * ({@code clusters} centres uniform in the square, each node picks a centre uniformly and is placed at a
 * Gaussian offset of standard deviation {@code clusterSpread}, clamped to the square) — the latter gives
 * the bimodal RTT distribution of nodes concentrated in a few regions (e.g. data-centre continents).
 * Positions depend only on the seed and the node index, so they are reproducible and need no storage
 * beyond two floats per node.
 *
 * <p>Not thread-safe (the simulator is single-threaded). {@link #position} is O(1) amortised.
 */
public final class LatencyModel {

    /** How nodes are placed in the unit square. */
    public enum Placement { UNIFORM, CLUSTERS }

    /**
     * Immutable configuration.
     *
     * @param placement     uniform or clustered placement
     * @param clusters      number of clusters (≥ 1; used by {@link Placement#CLUSTERS})
     * @param clusterSpread standard deviation of a node's offset from its cluster centre (unit square)
     * @param minRtt        RTT between two nodes at the same point (≥ 0)
     * @param maxRtt        RTT between opposite corners (≥ minRtt)
     * @param jitter        extra one-way delay as a fraction, uniform in [0, jitter) per message (≥ 0)
     */
    public record Config(Placement placement, int clusters, double clusterSpread, Duration minRtt,
            Duration maxRtt, double jitter) {
        public Config {
            Objects.requireNonNull(placement, "placement");
            if (clusters < 1) {
                throw new IllegalArgumentException("clusters must be >= 1, got " + clusters);
            }
            if (!(clusterSpread >= 0)) {
                throw new IllegalArgumentException("clusterSpread must be >= 0, got " + clusterSpread);
            }
            if (minRtt.isNegative() || maxRtt.compareTo(minRtt) < 0) {
                throw new IllegalArgumentException("need 0 <= minRtt <= maxRtt, got " + minRtt + " and " + maxRtt);
            }
            if (!(jitter >= 0)) {
                throw new IllegalArgumentException("jitter must be >= 0, got " + jitter);
            }
        }

        /** Uniform placement, RTT 10..300 ms, 10 % jitter. */
        public static Config defaults() {
            return new Config(Placement.UNIFORM, 1, 0.05, Duration.ofMillis(10), Duration.ofMillis(300), 0.1);
        }

        /** {@code n} clusters of spread 0.05, RTT 10..300 ms, 10 % jitter. */
        public static Config clusters(int n) {
            return new Config(Placement.CLUSTERS, n, 0.05, Duration.ofMillis(10), Duration.ofMillis(300), 0.1);
        }

        /**
         * Parses {@code uniform} or {@code clusters:N}.
         *
         * @throws IllegalArgumentException naming the text if it is neither
         */
        public static Config parse(String text, Duration minRtt, Duration maxRtt, double jitter) {
            String t = text.trim().toLowerCase(java.util.Locale.ROOT);
            if (t.equals("uniform")) {
                return new Config(Placement.UNIFORM, 1, 0.05, minRtt, maxRtt, jitter);
            }
            if (t.startsWith("clusters:")) {
                try {
                    return new Config(Placement.CLUSTERS, Integer.parseInt(t.substring(9)), 0.05, minRtt, maxRtt, jitter);
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("latency '" + text + "': cluster count is not a number", e);
                }
            }
            throw new IllegalArgumentException("latency '" + text + "' is neither 'uniform' nor 'clusters:N'");
        }

        @Override
        public String toString() {
            return (placement == Placement.UNIFORM ? "uniform" : "clusters:" + clusters) + " rtt "
                    + minRtt.toMillis() + "-" + maxRtt.toMillis() + " ms, jitter " + jitter;
        }
    }

    private static final double DIAGONAL = Math.sqrt(2);

    private final Config config;
    private final long seed;
    private final double[] centreX;
    private final double[] centreY;
    private final long minRttNanos;
    private final long spanNanos;
    private float[] xs = new float[0];
    private float[] ys = new float[0];
    private int placed;

    public LatencyModel(Config config, long seed) {
        this.config = Objects.requireNonNull(config, "config");
        this.seed = seed;
        SplittableRandom r = new SplittableRandom(seed ^ 0x5DEECE66DL);
        centreX = new double[config.clusters()];
        centreY = new double[config.clusters()];
        for (int i = 0; i < centreX.length; i++) {
            centreX[i] = r.nextDouble();
            centreY[i] = r.nextDouble();
        }
        minRttNanos = config.minRtt().toNanos();
        spanNanos = config.maxRtt().toNanos() - minRttNanos;
    }

    public Config config() {
        return config;
    }

    /** The point of node {@code index}: {@code {x, y}} in the unit square. */
    public double[] position(int index) {
        ensurePlaced(index);
        return new double[] {xs[index], ys[index]};
    }

    /** The round-trip time between nodes {@code a} and {@code b}, without jitter, in nanoseconds. */
    public long rttNanos(int a, int b) {
        ensurePlaced(Math.max(a, b));
        double dx = xs[a] - xs[b];
        double dy = ys[a] - ys[b];
        return minRttNanos + (long) (spanNanos * Math.sqrt(dx * dx + dy * dy) / DIAGONAL);
    }

    /** One-way delay from {@code a} to {@code b} with jitter drawn from {@code u} ∈ [0, 1). */
    public long oneWayNanos(int a, int b, double u) {
        return (long) (rttNanos(a, b) / 2.0 * (1 + config.jitter() * u));
    }

    private void ensurePlaced(int index) {
        if (index < placed) {
            return;
        }
        if (index >= xs.length) {
            int n = Math.max(index + 1, xs.length * 2);
            xs = Arrays.copyOf(xs, n);
            ys = Arrays.copyOf(ys, n);
        }
        for (int i = placed; i <= index; i++) {
            SplittableRandom r = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + i);
            if (config.placement() == Placement.UNIFORM) {
                xs[i] = (float) r.nextDouble();
                ys[i] = (float) r.nextDouble();
            } else {
                int c = r.nextInt(centreX.length);
                xs[i] = (float) clamp(centreX[c] + gaussian(r) * config.clusterSpread());
                ys[i] = (float) clamp(centreY[c] + gaussian(r) * config.clusterSpread());
            }
        }
        placed = index + 1;
    }

    private static double clamp(double v) {
        return Math.max(0, Math.min(1, v));
    }

    private static double gaussian(SplittableRandom r) {
        // Box-Muller; SplittableRandom has no nextGaussian on Java 17
        double u1 = 1 - r.nextDouble();
        double u2 = r.nextDouble();
        return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
    }
}
