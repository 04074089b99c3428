package io.gridoverlay.dht.sim;

import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import java.util.random.RandomGenerator;

/**
 * Node churn: each node alternates online sessions and offline periods whose lengths are drawn
 * independently from {@link Distribution#EXPONENTIAL} or {@link Distribution#WEIBULL} distributions with
 * the given means (Weibull with shape &lt; 1 gives the heavy-tailed sessions measured in deployed DHTs).
 * A node leaves by crashing (no goodbye); it rejoins with an empty routing table and bootstraps through a
 * random online server. Immutable.
 *
 * <p>Text form ({@link #parse}): {@code none}, {@code exp:SESSION[:OFFLINE]},
 * {@code weibull:SESSION:SHAPE[:OFFLINE]}, times in seconds; the offline mean defaults to the session
 * mean (50 % availability).
 *
 * @param distribution the distribution family, or {@link Distribution#NONE}
 * @param meanSession  mean online time
 * @param meanOffline  mean offline time
 * @param shape        Weibull shape k (ignored otherwise)
 */
public record ChurnModel(Distribution distribution, Duration meanSession, Duration meanOffline, double shape) {

    /** Distribution family of session and offline times. */
    public enum Distribution { NONE, EXPONENTIAL, WEIBULL }

    /** No churn. */
    public static final ChurnModel NONE = new ChurnModel(Distribution.NONE, Duration.ofSeconds(1), Duration.ofSeconds(1), 1);

    public ChurnModel {
        Objects.requireNonNull(distribution, "distribution");
        if (meanSession.isNegative() || meanSession.isZero() || meanOffline.isNegative() || meanOffline.isZero()) {
            throw new IllegalArgumentException("churn means must be positive, got session " + meanSession
                    + ", offline " + meanOffline);
        }
        if (!(shape > 0)) {
            throw new IllegalArgumentException("Weibull shape must be > 0, got " + shape);
        }
    }

    /** Exponential sessions and offline periods. */
    public static ChurnModel exponential(Duration meanSession, Duration meanOffline) {
        return new ChurnModel(Distribution.EXPONENTIAL, meanSession, meanOffline, 1);
    }

    /** Weibull sessions and offline periods with shape {@code k}. */
    public static ChurnModel weibull(Duration meanSession, Duration meanOffline, double k) {
        return new ChurnModel(Distribution.WEIBULL, meanSession, meanOffline, k);
    }

    /**
     * Parses the text form (see the class comment).
     *
     * @throws IllegalArgumentException naming the text when it is malformed
     */
    public static ChurnModel parse(String text) {
        String[] p = text.trim().toLowerCase(Locale.ROOT).split(":");
        try {
            switch (p[0]) {
                case "none":
                case "":
                    if (p.length == 1) {
                        return NONE;
                    }
                    break;
                case "exp":
                case "exponential":
                    if (p.length == 2 || p.length == 3) {
                        Duration s = seconds(p[1]);
                        return exponential(s, p.length == 3 ? seconds(p[2]) : s);
                    }
                    break;
                case "weibull":
                    if (p.length == 3 || p.length == 4) {
                        Duration s = seconds(p[1]);
                        return weibull(s, p.length == 4 ? seconds(p[3]) : s, Double.parseDouble(p[2]));
                    }
                    break;
                default:
                    break;
            }
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("churn '" + text + "': " + e.getMessage(), e);
        }
        throw new IllegalArgumentException("churn '" + text
                + "' is not none, exp:SESSION[:OFFLINE] or weibull:SESSION:SHAPE[:OFFLINE] (seconds)");
    }

    private static Duration seconds(String s) {
        return Duration.ofMillis(Math.round(Double.parseDouble(s) * 1000));
    }

    /** Whether nodes churn at all. */
    public boolean enabled() {
        return distribution != Distribution.NONE;
    }

    /** Long-run fraction of time a node is online: session / (session + offline). */
    public double availability() {
        if (!enabled()) {
            return 1;
        }
        double s = meanSession.toNanos();
        return s / (s + meanOffline.toNanos());
    }

    /** A session length in nanoseconds. */
    public long sampleSessionNanos(RandomGenerator r) {
        return sample(meanSession, r);
    }

    /** An offline period in nanoseconds. */
    public long sampleOfflineNanos(RandomGenerator r) {
        return sample(meanOffline, r);
    }

    private long sample(Duration mean, RandomGenerator r) {
        double m = mean.toNanos();
        double u = 1 - r.nextDouble(); // (0, 1]
        double v;
        switch (distribution) {
            case EXPONENTIAL:
                v = -m * Math.log(u);
                break;
            case WEIBULL:
                double scale = m / gamma(1 + 1 / shape);
                v = scale * Math.pow(-Math.log(u), 1 / shape);
                break;
            default:
                throw new IllegalStateException("no churn configured");
        }
        return Math.max(1, (long) Math.min(v, Long.MAX_VALUE / 4.0));
    }

    /** Γ(x) for x &gt; 0 by the Lanczos approximation (g = 7, 9 terms; relative error ~1e-15). */
    static double gamma(double x) {
        if (x < 0.5) {
            return Math.PI / (Math.sin(Math.PI * x) * gamma(1 - x));
        }
        double[] c = {0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313,
            -176.61502916214059, 12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6,
            1.5056327351493116e-7};
        x -= 1;
        double a = c[0];
        double t = x + 7.5;
        for (int i = 1; i < 9; i++) {
            a += c[i] / (x + i);
        }
        return Math.sqrt(2 * Math.PI) * Math.pow(t, x + 0.5) * Math.exp(-t) * a;
    }

    @Override
    public String toString() {
        switch (distribution) {
            case NONE:
                return "none";
            case EXPONENTIAL:
                return "exp:" + meanSession.toSeconds() + ":" + meanOffline.toSeconds();
            default:
                return "weibull:" + meanSession.toSeconds() + ":" + shape + ":" + meanOffline.toSeconds();
        }
    }
}
