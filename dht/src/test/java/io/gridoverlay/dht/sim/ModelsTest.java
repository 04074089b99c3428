package io.gridoverlay.dht.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.time.Duration;
import java.util.Properties;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class ModelsTest {

    @Test
    void gammaMatchesKnownValues() {
        assertThat(ChurnModel.gamma(1)).isCloseTo(1, within(1e-12));
        assertThat(ChurnModel.gamma(5)).isCloseTo(24, within(1e-9));
        assertThat(ChurnModel.gamma(0.5)).isCloseTo(Math.sqrt(Math.PI), within(1e-12));
        assertThat(ChurnModel.gamma(3)).isCloseTo(2, within(1e-12));
    }

    @Test
    void sampledMeansMatchTheConfiguredMeans() {
        SplittableRandom r = new SplittableRandom(7);
        for (ChurnModel m : new ChurnModel[] {ChurnModel.parse("exp:3600:600"), ChurnModel.parse("weibull:3600:0.6:600")}) {
            double session = 0;
            double offline = 0;
            int n = 200_000;
            for (int i = 0; i < n; i++) {
                session += m.sampleSessionNanos(r);
                offline += m.sampleOfflineNanos(r);
            }
            assertThat(session / n / 1e9).as("session mean of %s", m).isCloseTo(3600, within(3600 * 0.03));
            assertThat(offline / n / 1e9).as("offline mean of %s", m).isCloseTo(600, within(600 * 0.03));
            assertThat(m.availability()).isCloseTo(3600.0 / 4200, within(1e-9));
        }
    }

    @Test
    void churnTextForms() {
        assertThat(ChurnModel.parse("none").enabled()).isFalse();
        assertThat(ChurnModel.parse("exp:3600")).isEqualTo(ChurnModel.exponential(Duration.ofHours(1), Duration.ofHours(1)));
        assertThat(ChurnModel.parse(ChurnModel.parse("weibull:100:0.5:50").toString()))
                .isEqualTo(ChurnModel.parse("weibull:100:0.5:50"));
        assertThatThrownBy(() -> ChurnModel.parse("exp")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'exp'");
        assertThatThrownBy(() -> ChurnModel.parse("exp:abc")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("exp:abc");
    }

    @Test
    void latencyStaysWithinTheConfiguredRttRange() {
        for (LatencyModel.Config c : new LatencyModel.Config[] {LatencyModel.Config.defaults(), LatencyModel.Config.clusters(4)}) {
            LatencyModel m = new LatencyModel(c, 3);
            for (int a = 0; a < 200; a++) {
                for (int b = 0; b < 200; b += 7) {
                    long rtt = m.rttNanos(a, b);
                    assertThat(rtt).isBetween(Duration.ofMillis(10).toNanos(), Duration.ofMillis(300).toNanos());
                    assertThat(rtt).isEqualTo(m.rttNanos(b, a));
                    assertThat(m.oneWayNanos(a, b, 0.999)).isBetween(rtt / 2, (long) (rtt / 2 * 1.1) + 1);
                }
                assertThat(m.rttNanos(a, a)).isEqualTo(Duration.ofMillis(10).toNanos());
            }
            assertThat(new LatencyModel(c, 3).position(150)).containsExactly(m.position(150));
        }
    }

    @Test
    void clusteredPlacementGivesShorterRttsThanUniform() {
        LatencyModel uniform = new LatencyModel(LatencyModel.Config.defaults(), 1);
        LatencyModel clustered = new LatencyModel(LatencyModel.Config.clusters(1), 1);
        long u = 0;
        long c = 0;
        for (int i = 1; i < 500; i++) {
            u += uniform.rttNanos(0, i);
            c += clustered.rttNanos(0, i);
        }
        assertThat(c).isLessThan(u / 2);
    }

    @Test
    void scenarioRoundTripsThroughProperties() {
        Scenario s = Scenario.builder().name("x").nodes(500).lookups(7).seed(9).loss(0.1)
                .churn(ChurnModel.parse("weibull:1800:0.5:900")).clientFraction(0.2)
                .adversary(Adversary.Kind.ECLIPSE).adversaryFraction(0.1).disjointPaths(4).alpha(5).beta(4).k(16)
                .latency(LatencyModel.Config.clusters(3)).init(Scenario.Init.JOIN).useCodec(true)
                .duration(Duration.ofSeconds(90)).refreshInterval(Duration.ofMinutes(10)).peerTimeout(Duration.ofSeconds(5))
                .valueChecks(3).providerChecks(4).qualitySample(5).build();
        assertThat(Scenario.fromProperties(s.toProperties(), Scenario.builder())).isEqualTo(s);
    }

    @Test
    void scenarioCarriesTheServersStoreQuotas() {
        assertThat(Scenario.builder().build().storeQuota())
                .isEqualTo(io.gridoverlay.dht.protocol.StoreQuotaConfig.defaults());
        Scenario s = Scenario.builder().storeQuota(io.gridoverlay.dht.protocol.StoreQuotaConfig.builder()
                .maxRecordsPerPeer(7).maxProvidersPerPeer(3).maxRecordBytesPerIpGroup(5L << 30).build()).build();
        assertThat(Scenario.fromProperties(s.toProperties(), Scenario.builder())).isEqualTo(s);
        Properties p = new Properties();
        p.setProperty("quota.providersPerIpGroup", "12");
        assertThat(Scenario.fromProperties(p, Scenario.builder()).storeQuota().maxProvidersPerIpGroup()).isEqualTo(12);
        p.setProperty("quota.recordsPerPeer", "4294967296");
        assertThatThrownBy(() -> Scenario.fromProperties(p, Scenario.builder()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("quota.recordsPerPeer");
    }

    @Test
    void scenarioFileErrorsNameTheKey() {
        Properties p = new Properties();
        p.setProperty("nodez", "5");
        assertThatThrownBy(() -> Scenario.fromProperties(p, Scenario.builder()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("nodez");
        Properties q = new Properties();
        q.setProperty("adversary", "sybil");
        assertThatThrownBy(() -> Scenario.fromProperties(q, Scenario.builder()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("sybil");
        assertThatThrownBy(() -> Scenario.builder().clientFraction(0.6).adversaryFraction(0.5).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("clientFraction");
    }
}
