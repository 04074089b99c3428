package io.gridoverlay.dht.capacity;

import java.util.List;
import java.util.Optional;

/**
 * The answer to a {@link CapacityQuery}: the matching nodes (each record verified by the querier), a token
 * for the next page when there may be more, and what the query cost.
 */
public record CapacityQueryResult(List<CapacityMatch> matches, Optional<String> continuation, Cost cost) {
    public CapacityQueryResult {
        matches = List.copyOf(matches);
    }

    /**
     * What a query cost.
     *
     * @param plan            the index attribute walked ("nodes" for a query by node id) and how many keys
     * @param keysWalked      index keys (shards counted) whose holders were asked
     * @param lookups         DHT lookups run
     * @param messages        requests sent
     * @param maxRounds       hop depth of the deepest lookup
     * @param recordsFetched  signed records received (duplicates from several holders counted)
     * @param recordsRejected records dropped: bad signature, expired, or not in the band their key claims
     * @param bytes           bytes of index values and records received
     * @param elapsedMillis   time from start to answer (virtual time in the simulator)
     */
    public record Cost(String plan, int keysWalked, int lookups, long messages, int maxRounds, int recordsFetched,
                       int recordsRejected, long bytes, long elapsedMillis) {
    }
}
