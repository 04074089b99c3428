package io.gridoverlay.dht;

import io.gridoverlay.dht.protocol.PeerInfo;
import io.gridoverlay.dht.query.LookupStats;
import java.util.List;

/**
 * The outcome of an iterative lookup: the closest peers found (closest first) and what it cost.
 *
 * @param peers the k closest live peers found
 * @param stats rounds, requests, failures, elapsed time
 */
public record LookupResult(List<PeerInfo> peers, LookupStats stats) {
    public LookupResult {
        peers = List.copyOf(peers);
    }
}
