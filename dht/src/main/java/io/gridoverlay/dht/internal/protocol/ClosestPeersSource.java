package io.gridoverlay.dht.internal.protocol;

import io.gridoverlay.dht.protocol.PeerInfo;

import io.gridoverlay.dht.routing.Key;
import io.gridoverlay.dht.routing.RoutingTable;
import java.util.List;
import java.util.Objects;

/**
 * The routing-table view a {@link KadServer} answers from: the peers closest to a target, closest first.
 * Must be thread-safe (the server is called from network threads).
 */
@FunctionalInterface
public interface ClosestPeersSource {

    /** At most {@code count} peers closest to {@code target}, closest first. */
    List<PeerInfo> closestPeers(Key target, int count);

    /**
     * A view of {@code table} that reads it while holding the monitor of {@code lock}; the table's owner must
     * update the table under the same monitor ({@link RoutingTable} itself is not thread-safe).
     */
    static ClosestPeersSource of(RoutingTable<PeerInfo> table, Object lock) {
        Objects.requireNonNull(table, "table");
        Objects.requireNonNull(lock, "lock");
        return (target, count) -> {
            synchronized (lock) {
                return table.closestPeers(target, count);
            }
        };
    }
}
