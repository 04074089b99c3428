package io.gridoverlay.dht.capacity;

import static org.assertj.core.api.Assertions.assertThat;

import io.gridoverlay.core.identity.PeerId;
import io.gridoverlay.core.record.CapacityRecord;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** Capacity discovery end to end in virtual time: publish, query, compare with a brute-force filter. */
class CapacityDiscoveryTest {
    private static final long GIB = 1L << 30;

    private static Set<PeerId> truth(SimGrid g, CapacityQuery q, Instant now) {
        return g.capacities.stream().filter(r -> q.matches(r, now)).map(CapacityRecord::nodeId).collect(Collectors.toSet());
    }

    @Test
    void everyNodeRegistersAtMostOneEntryPerAttributeAndQueriesFindExactlyTheMatches() {
        SimGrid g = new SimGrid(120, 7, CapacityIndexConfig.defaults());
        List<CapacityPublisher.Publication> pubs = g.publishAll();
        for (CapacityPublisher.Publication p : pubs) {
            assertThat(p.failed()).isEmpty();
            assertThat(p.registered()).hasSizeLessThanOrEqualTo(IndexKeys.MAX_ENTRIES_PER_NODE);
        }
        Instant now = g.net.clock().instant();
        List<CapacityQuery> queries = List.of(
                CapacityQuery.builder().build(),
                CapacityQuery.builder().minFreeCores(8).minFreeMemory(32 * GIB).build(),
                CapacityQuery.builder().countries("BE", "NL").build(),
                CapacityQuery.builder().gpuVendors("nvidia").minGpuMemory(16 * GIB).build(),
                CapacityQuery.builder().minCertification(CapacityRecord.Certification.CERTIFIED).minFreeCores(4).build(),
                CapacityQuery.builder().near(50.85, 4.35, 300).sort(CapacityQuery.Sort.DISTANCE).build(),
                CapacityQuery.builder().farms(1, 2, 3).build(),
                CapacityQuery.builder().minFreeSsd(2048 * GIB).maxPricePerCoreHour(30_000).build());
        // the mix gives every query something to find, and the first query everything
        assertThat(truth(g, queries.get(0), now)).hasSize(120);
        for (CapacityQuery q : queries) {
            assertThat(truth(g, q, now)).as("matches of %s", q).isNotEmpty();
        }
        for (CapacityQuery q : queries) {
            CapacityQueryResult r = g.await(CapacityFinder.create(g.dhts.get(5)).find(q));
            System.out.printf("%-6d matches, %s: %s%n", r.matches().size(), q, r.cost());
            Set<PeerId> got = r.matches().stream().map(m -> m.record().nodeId()).collect(Collectors.toSet());
            assertThat(got).as("query %s, plan %s", q, r.cost().plan()).isEqualTo(truth(g, q, now));
            assertThat(r.matches()).allSatisfy(m -> assertThat(q.matches(m.record(), now)).isTrue());
            assertThat(r.cost().recordsRejected()).isZero();
        }
    }
}
