package io.gridoverlay.dht.sim;

/**
 * One measured FIND_NODE lookup (one CSV row). Immutable.
 *
 * <p><b>Truth sets.</b> The <em>strict</em> truth is the k closest live servers at completion. The
 * <em>stable</em> truth is the k closest servers that were live for the whole lookup interval [start,
 * completion]. The <em>fair</em> truth is the k closest among the stable servers plus the returned peers
 * that were live at some moment of the interval (a node that joined or left during the lookup may be
 * returned but need not be); {@code fairExact} holds when the result equals the fair truth.
 *
 * <p><b>Miss causes</b>, for each strict-truth peer not returned, the first that applies: it joined
 * during the lookup; no contacted node reported it (nor was it a seed); it was learned but never
 * contacted; it was contacted but no answer reached the source; it answered but was not returned.
 * <b>Extras</b>, for each returned peer not in the strict truth: offline since before the lookup
 * (stale), left during the lookup, or live but not among the k closest.
 *
 * @param id                lookup number
 * @param source            index of the node that ran it
 * @param sourceClient      whether the source was in client mode
 * @param startMillis       virtual start time, ms since the measurement phase began
 * @param latencyMillis     virtual time from start to completion, ms
 * @param rounds            {@code LookupStats.rounds()} (hop depth of the result)
 * @param requests          requests sent ({@code LookupStats.requests()})
 * @param failures          requests that failed or timed out
 * @param resultSize        peers returned
 * @param truthSize         size of the strict true set (k unless fewer live servers exist)
 * @param overlap           returned peers that are among the strict true set
 * @param exact             whether the returned set equals the strict true set
 * @param honestOverlap     returned peers among the k closest live honest (non-adversary) servers
 * @param stableTruthSize   size of the stable true set
 * @param stableOverlap     returned peers among the stable true set
 * @param fairExact         whether the returned set equals the fair true set
 * @param truthJoined       strict-truth peers that joined during the lookup
 * @param missJoined        missed strict-truth peers that joined during the lookup
 * @param missNeverLearned  missed peers that no contacted node reported
 * @param missUncontacted   missed peers learned but never contacted
 * @param missNoAnswer      missed peers contacted without an answer reaching the source
 * @param missAnswered      missed peers that answered but were not returned
 * @param extraStale        returned peers offline since before the lookup started
 * @param extraLeft         returned peers that went offline during the lookup
 * @param extraLiveFarther  returned live peers that are not among the k closest
 * @param sourceAgeMillis   virtual time since the source last (re)joined when the lookup started, -1 if it has
 *                          been online since before the measurement phase
 * @param seeds             peers in the source's routing table seeding the lookup
 * @param honestAnswered    whether one of the k closest live honest servers answered this lookup
 */
public record LookupSample(int id, int source, boolean sourceClient, double startMillis, double latencyMillis,
        int rounds, int requests, int failures, int resultSize, int truthSize, int overlap, boolean exact,
        int honestOverlap, int stableTruthSize, int stableOverlap, boolean fairExact, int truthJoined,
        int missJoined, int missNeverLearned, int missUncontacted, int missNoAnswer, int missAnswered,
        int extraStale, int extraLeft, int extraLiveFarther, double sourceAgeMillis, int seeds,
        boolean honestAnswered) {

    /** CSV header matching {@link #toCsv()}. */
    public static final String CSV_HEADER = "id,source,source_client,start_ms,latency_ms,rounds,requests,failures,"
            + "result_size,truth_size,overlap,exact,honest_overlap,stable_truth_size,stable_overlap,fair_exact,"
            + "truth_joined,miss_joined,miss_never_learned,miss_uncontacted,miss_no_answer,miss_answered,"
            + "extra_stale,extra_left,extra_live_farther,source_age_ms,seeds,honest_answered";

    /** The row as CSV. */
    public String toCsv() {
        return id + "," + source + "," + sourceClient + "," + ms(startMillis) + "," + ms(latencyMillis) + ","
                + rounds + "," + requests + "," + failures + "," + resultSize + "," + truthSize + "," + overlap + ","
                + exact + "," + honestOverlap + "," + stableTruthSize + "," + stableOverlap + "," + fairExact + ","
                + truthJoined + "," + missJoined + "," + missNeverLearned + "," + missUncontacted + ","
                + missNoAnswer + "," + missAnswered + "," + extraStale + "," + extraLeft + "," + extraLiveFarther
                + "," + ms(sourceAgeMillis) + "," + seeds + "," + honestAnswered;
    }

    private static String ms(double v) {
        return String.format(java.util.Locale.ROOT, "%.3f", v);
    }
}
