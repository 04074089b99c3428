package io.gridoverlay.dht.grid;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gridoverlay.core.identity.PeerId;
import io.gridoverlay.core.record.CapacityRecord;
import io.gridoverlay.dht.capacity.CapacityQuery;
import io.gridoverlay.dht.capacity.CapacityQueryResult;
import io.gridoverlay.dht.sim.CapacityMix;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** {@link GridNode} over real TCP on loopback: nodes advertise capacity, a client node finds it. */
@Tag("slow")
class GridNodeTest {
    private static final long GIB = 1L << 30;

    @Test
    void nodesAdvertiseCapacityAndAClientFindsExactlyTheMatchingOnes() {
        CapacityMix mix = new CapacityMix(3);
        Map<PeerId, CapacityRecord> advertised = new HashMap<>();
        List<GridNode> nodes = new ArrayList<>();
        try {
            for (int i = 0; i < 8; i++) {
                GridNode.Builder b = GridNode.builder().listen("/ip4/127.0.0.1/tcp/0")
                        .capacity((id, addrs) -> {
                            CapacityRecord r = mix.next(id, Instant.now()).toBuilder().listenAddrs(addrs).build();
                            synchronized (advertised) {
                                advertised.put(id, r);
                            }
                            return r;
                        });
                if (!nodes.isEmpty()) {
                    GridNode first = nodes.get(0);
                    b.bootstrap(first.listenAddresses().get(0) + "/p2p/" + first.peerId().toBase58());
                }
                GridNode n = b.build();
                nodes.add(n);
                n.start().orTimeout(30, TimeUnit.SECONDS).join();
            }
            // every node joined through the first: re-publish now that all of them are in the network
            for (GridNode n : nodes) {
                n.join(List.of(nodes.get(0).listenAddresses().get(0)
                        .encapsulate("/p2p/" + nodes.get(0).peerId().toBase58()))).orTimeout(30, TimeUnit.SECONDS).join();
            }
            for (GridNode n : nodes) {
                assertThat(n.advertiseCapacity().orTimeout(30, TimeUnit.SECONDS).join().failed()).isEmpty();
            }
            GridNode client = GridNode.builder()
                    .bootstrap(nodes.get(3).listenAddresses().get(0) + "/p2p/" + nodes.get(3).peerId().toBase58())
                    .build();
            nodes.add(client);
            client.start().orTimeout(30, TimeUnit.SECONDS).join();
            Instant now = Instant.now();
            for (CapacityQuery q : List.of(CapacityQuery.builder().build(),
                    CapacityQuery.builder().minFreeCores(4).build(),
                    CapacityQuery.builder().minFreeMemory(16 * GIB).sort(CapacityQuery.Sort.PRICE).build())) {
                CapacityQueryResult r = client.findCapacity(q).orTimeout(30, TimeUnit.SECONDS).join();
                Set<PeerId> expected = advertised.values().stream().filter(c -> q.matches(c, now))
                        .map(CapacityRecord::nodeId).collect(Collectors.toSet());
                assertThat(r.matches().stream().map(m -> m.record().nodeId()).collect(Collectors.toSet()))
                        .as("%s (%s)", q, r.cost()).isEqualTo(expected);
            }
            assertThat(client.meters().get("grid.capacity.queries").counter().count()).isEqualTo(3);
            assertThat(client.meters().get("grid.dht.lookups").functionCounter().count()).isPositive();
            assertThat(nodes.get(1).meters().get("grid.connections").gauge().value()).isPositive();
            double held = nodes.stream().limit(8).mapToDouble(n -> n.meters().get("grid.capacity.index.entries")
                    .gauge().value()).sum();
            assertThat(held).as("index entries held across the grid").isPositive();
        } finally {
            nodes.forEach(GridNode::close);
        }
    }

    @Test
    void aNodeWithoutCapacitySaysSoAndANodeNotStartedRefusesWork() {
        try (GridNode n = GridNode.builder().build()) {
            assertThatThrownBy(() -> n.findCapacity(CapacityQuery.builder().build()))
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("start()");
            n.start().orTimeout(10, TimeUnit.SECONDS).join();
            assertThatThrownBy(() -> n.advertiseCapacity().join()).isInstanceOf(CompletionException.class)
                    .hasMessageContaining("advertises no capacity");
        }
        assertThatThrownBy(() -> GridNode.builder().bootstrap("/ip4/127.0.0.1/tcp/4001"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("/p2p");
    }
}
