package io.gridoverlay.dht.query;

/**
 * Counters of one lookup, as an immutable snapshot.
 *
 * <p><b>Rounds</b> follow the hop-depth definition of go-libp2p-kad-dht/ProbeLab measurements: a seed has
 * depth 0, a peer first learned from a peer of depth d has depth d + 1 (the smallest such depth if it was
 * reported by several peers before being contacted), and {@code rounds} is the largest depth among the
 * peers of the lookup's result (the k closest that answered). A lookup whose result consists of seeds only
 * has 0 rounds; a result peer learned from a seed makes it 1 round.
 *
 * @param rounds       hop depth of the result, as defined above
 * @param requests     requests the lookup asked its driver to send ({@link LookupState.Waiting} states)
 * @param successes    responses accepted, including late ones from peers that had timed out
 * @param failures     failures reported with {@code onFailure}
 * @param timeouts     requests that exceeded the per-peer timeout (a late success may still follow)
 * @param peersSeen    distinct peers known to the lookup (seeds and learned peers)
 * @param maxInFlight  largest number of requests in flight at once (never above α per path)
 * @param elapsedNanos time from creation to finish, or to now if still running
 */
public record LookupStats(int rounds, int requests, int successes, int failures, int timeouts,
        int peersSeen, int maxInFlight, long elapsedNanos) {

    /** Sums counters; rounds, maxInFlight and elapsed time take the maximum (for disjoint paths). */
    public static LookupStats combine(LookupStats a, LookupStats b) {
        return new LookupStats(Math.max(a.rounds, b.rounds), a.requests + b.requests,
                a.successes + b.successes, a.failures + b.failures, a.timeouts + b.timeouts,
                a.peersSeen + b.peersSeen, Math.max(a.maxInFlight, b.maxInFlight),
                Math.max(a.elapsedNanos, b.elapsedNanos));
    }
}
