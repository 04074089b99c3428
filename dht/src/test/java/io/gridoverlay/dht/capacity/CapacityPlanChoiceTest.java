package io.gridoverlay.dht.capacity;

import static io.gridoverlay.dht.capacity.CapacityFixtures.GIB;
import static org.assertj.core.api.Assertions.assertThat;

import io.gridoverlay.core.identity.PeerId;
import io.gridoverlay.core.record.CapacityRecord;
import io.gridoverlay.core.record.CapacityRecord.Gpu;
import io.gridoverlay.core.record.CapacityRecord.Location;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The finder chooses its plan by reading: in a grid where every node is in BE or NL and one in ten has a
 * large NVIDIA GPU, the priors favour the two country keys, but the root shards it reads show the GPU bands
 * are the smaller walk. The answer is exact whichever plan is walked, and a page's continuation stays on
 * the plan its first page chose.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CapacityPlanChoiceTest {
    private static final int N = 80;
    private SimGrid g;

    @BeforeAll
    void grid() {
        g = new SimGrid(N, 57, CapacityIndexConfig.defaults().withShardCapacity(8), (i, r) -> r.toBuilder()
                .location(Location.of(i % 2 == 0 ? "BE" : "NL", "Brussels", 50.85, 4.35))
                .gpus(i % 10 == 0 ? List.of(new Gpu("nvidia", "RTX 4090", 24 * GIB, 1, 1)) : List.of())
                .build());
        g.publishAll();
    }

    private static CapacityQuery.Builder gpuInBeOrNl() {
        return CapacityQuery.builder().gpuVendors("nvidia").minGpuMemory(24 * GIB).countries("BE", "NL");
    }

    private Set<PeerId> truth(CapacityQuery q) {
        Instant now = g.net.clock().instant();
        return g.capacities.stream().filter(r -> q.matches(r, now)).map(CapacityRecord::nodeId)
                .collect(Collectors.toSet());
    }

    private static Set<PeerId> ids(CapacityQueryResult r) {
        return r.matches().stream().map(m -> m.record().nodeId()).collect(Collectors.toSet());
    }

    @Test
    void theGpuBandsAreWalkedThoughThePriorsFavourTheCountries() {
        CapacityQuery q = gpuInBeOrNl().build();
        assertThat(QueryPlan.choose(q).attribute()).as("priors alone").isEqualTo(IndexAttribute.COUNTRY);
        CapacityQueryResult r = g.await(CapacityFinder.create(g.dhts.get(3)).find(q));
        assertThat(r.cost().plan()).startsWith("gpu");
        assertThat(ids(r)).isEqualTo(truth(q)).hasSize(N / 10);
        // a country root was read to choose, then the six GPU bands (the 8 GPU nodes fit in one root shard);
        // the 80 nodes of the country keys would have taken at least ten shards
        assertThat(r.cost().keysWalked()).isLessThan(10);
    }

    @Test
    void aContinuedPageStaysOnThePlanOfTheFirst() {
        CapacityQuery q = gpuInBeOrNl().limit(3).build();
        CapacityQueryResult first = g.await(CapacityFinder.create(g.dhts.get(5)).find(q));
        assertThat(first.cost().plan()).startsWith("gpu");
        Set<PeerId> seen = new HashSet<>(ids(first));
        assertThat(first.matches()).hasSize(3);
        CapacityQueryResult next = first;
        while (next.continuation().isPresent()) {
            next = g.await(CapacityFinder.create(g.dhts.get(5)).find(q.withContinuation(next.continuation().get())));
            assertThat(next.cost().plan()).startsWith("gpu");
            assertThat(next.cost().keysWalked()).isGreaterThan(0);
            for (PeerId id : ids(next)) {
                assertThat(seen.add(id)).as("returned twice: %s", id).isTrue();
            }
        }
        assertThat(seen).isEqualTo(truth(q));
    }
}
