package io.gridoverlay.dht.sim;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** A 2,000-node network without churn: the lookup quality target at a CI-sized scale. */
@Tag("slow")
class LargeScenarioTest {

    @Test
    void twoThousandNodesWithoutChurn() {
        SimulationResult r = Simulation.run(Scenario.builder().name("n2000").nodes(2000).lookups(500).seed(2024)
                .valueChecks(20).providerChecks(20).build());
        SimulationResult.Summary s = r.summary();
        assertThat(s.lookupsCompleted()).isEqualTo(500);
        assertThat(s.exactFraction()).isGreaterThanOrEqualTo(0.99);
        assertThat(s.roundsMedian()).isLessThanOrEqualTo(3);
        assertThat(s.valueSuccesses()).isEqualTo(20);
        assertThat(s.providerSuccesses()).isEqualTo(20);
        assertThat(s.taskErrors()).isZero();
    }
}
