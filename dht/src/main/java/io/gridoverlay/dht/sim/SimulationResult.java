package io.gridoverlay.dht.sim;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What a {@link Simulation} measured: one {@link LookupSample} per completed lookup and a {@link Summary}.
 * Immutable; two runs of one scenario give equal results except the wall-clock figures in
 * {@link Costs}.
 *
 * @param scenario the scenario run
 * @param lookups  completed lookups, in completion order
 * @param summary  aggregate figures
 * @param costs    wall-clock and memory figures of the run (not deterministic)
 */
public record SimulationResult(Scenario scenario, List<LookupSample> lookups, Summary summary, Costs costs) {
    public SimulationResult {
        lookups = List.copyOf(lookups);
    }

    /**
     * Aggregates (deterministic for a seed).
     *
     * @param lookupsIssued       lookups started
     * @param lookupsCompleted    lookups that completed (the rest were aborted by a crash of their source)
     * @param exactFraction       completed lookups whose result equals the true k closest live servers
     * @param meanOverlap         mean fraction of the true set found
     * @param meanHonestOverlap   mean fraction of the true k closest live honest servers found
     * @param roundsMedian        median rounds
     * @param roundsMean          mean rounds
     * @param roundsP95           95th percentile rounds
     * @param requestsMean        mean requests per lookup
     * @param requestsMedian      median requests per lookup
     * @param latencyMedianMillis median virtual lookup latency
     * @param latencyP95Millis    95th percentile virtual lookup latency
     * @param loadMax             most requests handled by one server node in the measurement phase
     * @param loadMean            mean requests handled per server node
     * @param tableQuality        mean over sampled nodes of (live peers per bucket, capped) / min(k, live peers
     *                            that belong in the bucket)
     * @param tableStale          mean fraction of sampled routing-table entries that are offline
     * @param valueChecks         PUT_VALUE → GET_VALUE pairs completed
     * @param valueSuccesses      pairs where GET_VALUE returned the value put
     * @param providerChecks      ADD_PROVIDER → GET_PROVIDERS pairs completed
     * @param providerSuccesses   pairs where the provider was found
     * @param messages            messages sent in the measurement phase (requests and responses)
     * @param messagesLost        of which lost
     * @param rejoins             crash-rejoin cycles during the measurement phase
     * @param onlineAtEnd         nodes online at the end
     * @param taskErrors          exceptions thrown by simulated code (should be 0)
     * @param fairExactFraction   completed lookups whose result equals the fair true set ({@link LookupSample})
     * @param meanStableOverlap   mean fraction of the stable true set (live for the whole lookup) found
     * @param movedTruthFraction  completed lookups whose strict true set holds a node that joined during it
     * @param misses              missed strict-truth peers by cause, summed over lookups: joined during the
     *                            lookup, never learned, learned but uncontacted, contacted without answer,
     *                            answered but not returned
     * @param extras              returned peers outside the strict truth, summed: stale, left during the
     *                            lookup, live but farther
     * @param freshSourceLookups  lookups whose source had (re)joined less than 60 s before
     * @param freshSourceExact    strict exact fraction among those (NaN if none)
     * @param honestReturnedFraction lookups that returned at least one of the k closest live honest servers
     * @param honestAnsweredFraction lookups that one of the k closest live honest servers answered
     */
    public record Summary(int lookupsIssued, int lookupsCompleted, double exactFraction, double meanOverlap,
            double meanHonestOverlap, double roundsMedian, double roundsMean, double roundsP95, double requestsMean,
            double requestsMedian, double latencyMedianMillis, double latencyP95Millis, long loadMax, double loadMean,
            double tableQuality, double tableStale, int valueChecks, int valueSuccesses, int providerChecks,
            int providerSuccesses, long messages, long messagesLost, long rejoins, int onlineAtEnd, long taskErrors,
            double fairExactFraction, double meanStableOverlap, double movedTruthFraction, Misses misses,
            Extras extras, int freshSourceLookups, double freshSourceExact, double honestReturnedFraction,
            double honestAnsweredFraction) {

        /** Named values in a stable order (for the summary CSV and Markdown). */
        public Map<String, String> asMap() {
            Map<String, String> m = new LinkedHashMap<>();
            m.put("lookups_issued", Integer.toString(lookupsIssued));
            m.put("lookups_completed", Integer.toString(lookupsCompleted));
            m.put("exact_fraction", f(exactFraction));
            m.put("mean_overlap", f(meanOverlap));
            m.put("mean_honest_overlap", f(meanHonestOverlap));
            m.put("rounds_median", f(roundsMedian));
            m.put("rounds_mean", f(roundsMean));
            m.put("rounds_p95", f(roundsP95));
            m.put("requests_mean", f(requestsMean));
            m.put("requests_median", f(requestsMedian));
            m.put("latency_median_ms", f(latencyMedianMillis));
            m.put("latency_p95_ms", f(latencyP95Millis));
            m.put("load_max", Long.toString(loadMax));
            m.put("load_mean", f(loadMean));
            m.put("table_quality", f(tableQuality));
            m.put("table_stale", f(tableStale));
            m.put("value_checks", Integer.toString(valueChecks));
            m.put("value_successes", Integer.toString(valueSuccesses));
            m.put("provider_checks", Integer.toString(providerChecks));
            m.put("provider_successes", Integer.toString(providerSuccesses));
            m.put("messages", Long.toString(messages));
            m.put("messages_lost", Long.toString(messagesLost));
            m.put("rejoins", Long.toString(rejoins));
            m.put("online_at_end", Integer.toString(onlineAtEnd));
            m.put("task_errors", Long.toString(taskErrors));
            m.put("fair_exact_fraction", f(fairExactFraction));
            m.put("mean_stable_overlap", f(meanStableOverlap));
            m.put("moved_truth_fraction", f(movedTruthFraction));
            m.put("miss_joined", Long.toString(misses.joined()));
            m.put("miss_never_learned", Long.toString(misses.neverLearned()));
            m.put("miss_uncontacted", Long.toString(misses.uncontacted()));
            m.put("miss_no_answer", Long.toString(misses.noAnswer()));
            m.put("miss_answered", Long.toString(misses.answered()));
            m.put("extra_stale", Long.toString(extras.stale()));
            m.put("extra_left", Long.toString(extras.left()));
            m.put("extra_live_farther", Long.toString(extras.liveFarther()));
            m.put("fresh_source_lookups", Integer.toString(freshSourceLookups));
            m.put("fresh_source_exact", f(freshSourceExact));
            m.put("honest_returned_fraction", f(honestReturnedFraction));
            m.put("honest_answered_fraction", f(honestAnsweredFraction));
            return m;
        }

        private static String f(double v) {
            return String.format(Locale.ROOT, "%.4f", v);
        }
    }

    /** Missed strict-truth peers by cause, summed over lookups (see {@link LookupSample}). */
    public record Misses(long joined, long neverLearned, long uncontacted, long noAnswer, long answered) {
        /** All misses. */
        public long total() {
            return joined + neverLearned + uncontacted + noAnswer + answered;
        }
    }

    /** Returned peers outside the strict truth, summed over lookups (see {@link LookupSample}). */
    public record Extras(long stale, long left, long liveFarther) {
    }

    /**
     * Wall-clock and memory costs of a run.
     *
     * @param identityMillis time to derive the node identities
     * @param initMillis     time to build the nodes and fill routing tables
     * @param runMillis      time of the measurement phase
     * @param heapUsedMb     heap in use after the run (before the network is released)
     * @param virtualSeconds virtual time the measurement phase spanned
     */
    public record Costs(long identityMillis, long initMillis, long runMillis, long heapUsedMb, double virtualSeconds) {
    }

    /** The p-quantile (0..1) of {@code values} by nearest rank; NaN if empty. */
    static double quantile(double[] values, double p) {
        if (values.length == 0) {
            return Double.NaN;
        }
        double[] s = values.clone();
        Arrays.sort(s);
        int rank = (int) Math.ceil(p * s.length);
        return s[Math.max(0, Math.min(s.length - 1, rank - 1))];
    }
}
