package io.gridoverlay.dht.capacity;

import static io.gridoverlay.dht.capacity.CapacityFixtures.GIB;
import static io.gridoverlay.dht.capacity.CapacityFixtures.T0;
import static io.gridoverlay.dht.capacity.CapacityFixtures.key;
import static io.gridoverlay.dht.capacity.CapacityFixtures.record;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gridoverlay.core.identity.PrivateKey;
import io.gridoverlay.core.record.CapacityRecord;
import io.gridoverlay.core.record.CapacityRecord.Certification;
import io.gridoverlay.core.record.CapacityRecord.Gpu;
import io.gridoverlay.core.record.CapacityRecord.Location;
import io.gridoverlay.core.record.CapacityRecord.Price;
import io.gridoverlay.core.record.CapacityRecord.Resources;
import io.gridoverlay.dht.capacity.CapacityQuery.Range;
import java.time.Duration;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/** {@link CapacityQuery#matches}: each filter on its own, just inside and just outside. */
class CapacityQueryTest {
    private final PrivateKey a = key(1);
    /** 64 cores (8 free), 256 GiB (16 free), SSD 2 TiB (512 GiB free), HDD 8 TiB (4 free), BE, farm 7. */
    private final CapacityRecord r = record(a, 1, 8, T0)
            .total(new Resources(64, 256 * GIB, 2048 * GIB, 8192 * GIB))
            .free(new Resources(8, 16 * GIB, 512 * GIB, 4096 * GIB))
            .publicIps(3, 1)
            .location(Location.of("BE", "Brussels", 50.85, 4.35))
            .addGpu(new Gpu("nvidia", "RTX 4090", 24 * GIB, 2, 1))
            .addGpu(new Gpu("amd", "Instinct MI210", 64 * GIB, 2, 0))
            .price(new Price("TFT", 10_000, 1, 1, 1, 1))
            .build();

    private boolean m(UnaryOperator<CapacityQuery.Builder> f) {
        return f.apply(CapacityQuery.builder()).build().matches(r, T0.plusSeconds(30));
    }

    @Test
    void emptyQueryMatches() {
        assertThat(m(b -> b)).isTrue();
    }

    @Test
    void resourceRanges() {
        assertThat(m(b -> b.freeCores(new Range(8, 8)))).isTrue();
        assertThat(m(b -> b.minFreeCores(9))).isFalse();
        assertThat(m(b -> b.freeCores(new Range(0, 7)))).isFalse();
        assertThat(m(b -> b.totalCores(Range.atLeast(64)))).isTrue();
        assertThat(m(b -> b.totalCores(Range.atLeast(65)))).isFalse();
        assertThat(m(b -> b.minFreeMemory(16 * GIB))).isTrue();
        assertThat(m(b -> b.minFreeMemory(16 * GIB + 1))).isFalse();
        assertThat(m(b -> b.totalMemory(new Range(0, 256 * GIB - 1)))).isFalse();
        assertThat(m(b -> b.minFreeSsd(512 * GIB))).isTrue();
        assertThat(m(b -> b.minFreeSsd(513 * GIB))).isFalse();
        assertThat(m(b -> b.totalSsd(new Range(2048 * GIB, 2048 * GIB)))).isTrue();
        assertThat(m(b -> b.totalSsd(Range.atLeast(2049 * GIB)))).isFalse();
        assertThat(m(b -> b.minFreeHdd(4096 * GIB))).isTrue();
        assertThat(m(b -> b.minFreeHdd(4097 * GIB))).isFalse();
        assertThat(m(b -> b.totalHdd(new Range(0, 8191 * GIB)))).isFalse();
        assertThatThrownBy(() -> new Range(5, 4)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Range(-1, 4)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void publicIpsAndIpv6() {
        assertThat(m(b -> b.minPublicIpv4(3))).isTrue();
        assertThat(m(b -> b.minPublicIpv4(4))).isFalse();
        assertThat(m(b -> b.ipv6(true))).isTrue();
        CapacityRecord noV6 = r.toBuilder().publicIps(3, 0).build();
        assertThat(CapacityQuery.builder().ipv6(true).build().matches(noV6, T0)).isFalse();
    }

    @Test
    void locationCountryAndCity() {
        assertThat(m(b -> b.countries("nl", " be "))).isTrue();
        assertThat(m(b -> b.countries("NL"))).isFalse();
        assertThat(m(b -> b.cities("BRUSSELS"))).isTrue();
        assertThat(m(b -> b.cities("Ghent"))).isFalse();
        assertThatThrownBy(() -> CapacityQuery.builder().countries("BEL")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void farmsAndNodes() {
        assertThat(m(b -> b.farms(1, 7))).isTrue();
        assertThat(m(b -> b.farms(8))).isFalse();
        assertThat(m(b -> b.includeNodes(a.peerId()))).isTrue();
        assertThat(m(b -> b.includeNodes(key(2).peerId()))).isFalse();
        assertThat(m(b -> b.excludeNodes(a.peerId()))).isFalse();
        assertThat(m(b -> b.excludeNodes(key(2).peerId()))).isTrue();
    }

    @Test
    void certification() {
        assertThat(m(b -> b.minCertification(Certification.DIY))).isTrue();
        assertThat(m(b -> b.minCertification(Certification.CERTIFIED))).isTrue();
        assertThat(m(b -> b.minCertification(Certification.GOLD))).isFalse();
    }

    @Test
    void gpusCountOnlyFreeOnesThatMatchEveryGpuFilter() {
        assertThat(m(b -> b.gpu(true))).isTrue();
        assertThat(m(b -> b.gpuVendors("NVIDIA"))).isTrue();
        assertThat(m(b -> b.gpuVendors("amd"))).isFalse();                 // the AMD GPUs are all in use
        assertThat(m(b -> b.gpuModel("4090"))).isTrue();
        assertThat(m(b -> b.gpuModel("MI210"))).isFalse();
        assertThat(m(b -> b.minGpuMemory(24 * GIB))).isTrue();
        assertThat(m(b -> b.minGpuMemory(25 * GIB))).isFalse();
        assertThat(m(b -> b.minGpuCount(1))).isTrue();
        assertThat(m(b -> b.minGpuCount(2))).isFalse();
        CapacityRecord none = r.toBuilder().gpus(java.util.List.of()).build();
        assertThat(CapacityQuery.builder().gpu(true).build().matches(none, T0)).isFalse();
        assertThat(CapacityQuery.builder().build().matches(none, T0)).isTrue();
    }

    @Test
    void priceCeiling() {
        assertThat(m(b -> b.maxPricePerCoreHour(10_000))).isTrue();
        assertThat(m(b -> b.maxPricePerCoreHour(9_999))).isFalse();
    }

    @Test
    void freshness() {
        // the record was issued at T0; the query runs at T0 + 30 s
        assertThat(m(b -> b.freshWithin(Duration.ofSeconds(30)))).isTrue();
        assertThat(m(b -> b.freshWithin(Duration.ofSeconds(29)))).isFalse();
    }

    @Test
    void nearWithRadius() {
        // Amsterdam is ~173 km from Brussels
        assertThat(m(b -> b.near(52.37, 4.90, 180))).isTrue();
        assertThat(m(b -> b.near(52.37, 4.90, 160))).isFalse();
        CapacityRecord nowhere = r.toBuilder().location(Location.UNKNOWN).build();
        assertThat(CapacityQuery.builder().near(0.1, 0.1, 20_000).build().matches(nowhere, T0)).isFalse();
        assertThat(CapacityQuery.builder().near(52.37, 4.90, 1).build().distanceKm(r)).isBetween(170.0, 176.0);
        assertThatThrownBy(() -> CapacityQuery.builder().sort(CapacityQuery.Sort.DISTANCE).build())
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void fingerprintIgnoresLimitAndContinuationButNotFilters() {
        CapacityQuery q = CapacityQuery.builder().countries("BE").limit(5).build();
        assertThat(q.toBuilder().limit(9).continuation("x").build().fingerprint()).isEqualTo(q.fingerprint());
        assertThat(q.toBuilder().countries("NL").build().fingerprint()).isNotEqualTo(q.fingerprint());
    }
}
