package io.gridoverlay.dht.sim;

/**
 * One measured FIND_NODE lookup (one CSV row). Immutable.
 *
 * @param id            lookup number
 * @param source        index of the node that ran it
 * @param sourceClient  whether the source was in client mode
 * @param startMillis   virtual start time, ms since the measurement phase began
 * @param latencyMillis virtual time from start to completion, ms
 * @param rounds        {@code LookupStats.rounds()} (hop depth of the result)
 * @param requests      requests sent ({@code LookupStats.requests()})
 * @param failures      requests that failed or timed out
 * @param resultSize    peers returned
 * @param truthSize     size of the true closest set (k unless fewer live servers exist)
 * @param overlap       returned peers that are among the true k closest live servers
 * @param exact         whether the returned set equals the true set
 * @param honestOverlap returned peers among the k closest live honest (non-adversary) servers
 */
public record LookupSample(int id, int source, boolean sourceClient, double startMillis, double latencyMillis,
        int rounds, int requests, int failures, int resultSize, int truthSize, int overlap, boolean exact,
        int honestOverlap) {

    /** CSV header matching {@link #toCsv()}. */
    public static final String CSV_HEADER = "id,source,source_client,start_ms,latency_ms,rounds,requests,failures,"
            + "result_size,truth_size,overlap,exact,honest_overlap";

    /** The row as CSV. */
    public String toCsv() {
        return id + "," + source + "," + sourceClient + "," + String.format(java.util.Locale.ROOT, "%.3f", startMillis)
                + "," + String.format(java.util.Locale.ROOT, "%.3f", latencyMillis) + "," + rounds + "," + requests
                + "," + failures + "," + resultSize + "," + truthSize + "," + overlap + "," + exact + "," + honestOverlap;
    }
}
