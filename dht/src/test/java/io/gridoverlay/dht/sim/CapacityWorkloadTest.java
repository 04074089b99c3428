package io.gridoverlay.dht.sim;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The capacity workload end to end on a small network without churn: exact answers, complete recall. */
class CapacityWorkloadTest {

    @Test
    void capacityQueriesInTheSimulatorArePreciseAndCompleteWithoutChurn() {
        Scenario s = Scenario.builder().name("capacity-small").nodes(150).lookups(20).valueChecks(0)
                .providerChecks(0).qualitySample(0).duration(Duration.ofSeconds(40)).seed(3).build();
        CapacityWorkload w = new CapacityWorkload(CapacityWorkload.Config.defaults(3).withQueriesPerShape(2)
                .withTests(4, 4).withIndex(io.gridoverlay.dht.capacity.CapacityIndexConfig.defaults()
                        .withTimes(Duration.ofSeconds(45), Duration.ofSeconds(20))));
        SimulationResult r = new Simulation(s, Simulation.ProgressListener.NONE, w).run();
        CapacityWorkload.Result c = w.result();
        assertThat(r.summary().taskErrors()).isZero();
        assertThat(c.queries()).hasSize(CapacityWorkload.SHAPES.size() * 2 * 2);
        assertThat(c.publicationFailures()).isZero();
        // the publishers refreshed on their own during the run, and their requests were counted
        assertThat(c.refreshes()).isPositive();
        assertThat(c.refreshRequests()).isGreaterThanOrEqualTo(c.refreshes());
        for (CapacityWorkload.QuerySample q : c.queries()) {
            assertThat(q.verifiedMatches()).as("verified %s", q).isEqualTo(q.returned());
            assertThat(q.precision()).as("precision %s", q).isEqualTo(1.0);
            assertThat(q.rejected()).as("rejected %s", q).isZero();
        }
        double recall = c.queries().stream().filter(q -> q.limit() == 0)
                .mapToDouble(CapacityWorkload.QuerySample::recall).average().orElseThrow();
        assertThat(recall).isGreaterThanOrEqualTo(0.99);
        // a change is seen, and a stopped node is gone, within the stated times
        assertThat(c.probes()).anySatisfy(p -> {
            assertThat(p.test()).contains("new band");
            assertThat(p.seen()).isEqualTo(p.tested());
        });
        assertThat(c.probes()).filteredOn(p -> p.test().startsWith("stopped")
                && p.afterSeconds() > c.index().recordTtl().toSeconds()).allSatisfy(p -> assertThat(p.seen()).isZero());
        assertThat(c.crawl().found()).isGreaterThanOrEqualTo(145);
    }
}
