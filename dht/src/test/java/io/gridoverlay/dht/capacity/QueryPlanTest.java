package io.gridoverlay.dht.capacity;

import static io.gridoverlay.dht.capacity.CapacityFixtures.GIB;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.gridoverlay.core.record.CapacityRecord;
import io.gridoverlay.core.record.CapacityRecord.Certification;
import io.gridoverlay.core.record.CapacityRecord.Gpu;
import io.gridoverlay.core.record.CapacityRecord.Location;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** Which index keys a query walks. */
class QueryPlanTest {

    private static List<String> keys(QueryPlan p) {
        return p.keys().stream().map(IndexKey::toString).toList();
    }

    @Test
    void noFiltersWalkEveryFreeCoresBand() {
        QueryPlan p = QueryPlan.choose(CapacityQuery.builder().build());
        assertThat(p.attribute()).isEqualTo(IndexAttribute.CORES);
        assertThat(p.keys()).containsExactlyInAnyOrderElementsOf(IntStream.rangeClosed(0, IndexKeys.TOP_CORES_BAND)
                .mapToObj(b -> IndexKey.of(IndexAttribute.CORES, Integer.toString(b))).toList());
    }

    @Test
    void farmFilterWinsOverBands() {
        QueryPlan p = QueryPlan.choose(CapacityQuery.builder().farms(3, 9).minFreeCores(8).minFreeMemory(32 * GIB)
                .build());
        assertThat(p.attribute()).isEqualTo(IndexAttribute.FARM);
        assertThat(keys(p)).containsExactlyInAnyOrder("/gidx/farm/3/0", "/gidx/farm/9/0");
    }

    @Test
    void countryFilterWinsOverBands() {
        QueryPlan p = QueryPlan.choose(CapacityQuery.builder().countries("be", "NL").minFreeCores(4).build());
        assertThat(p.attribute()).isEqualTo(IndexAttribute.COUNTRY);
        assertThat(keys(p)).containsExactlyInAnyOrder("/gidx/country/BE/0", "/gidx/country/NL/0");
    }

    @Test
    void bandsCoverTheRangeAndNothingElse() {
        QueryPlan p = QueryPlan.choose(CapacityQuery.builder().freeCores(new CapacityQuery.Range(5, 20)).build());
        assertThat(p.attribute()).isEqualTo(IndexAttribute.CORES);
        assertThat(keys(p)).containsExactlyInAnyOrder("/gidx/cores/3/0", "/gidx/cores/4/0", "/gidx/cores/5/0");
        // the likeliest band first
        assertThat(keys(p).get(0)).isEqualTo("/gidx/cores/4/0");
        QueryPlan mem = QueryPlan.choose(CapacityQuery.builder().minFreeMemory(4096 * GIB).build());
        assertThat(mem.attribute()).isEqualTo(IndexAttribute.MEMORY);
        assertThat(keys(mem)).contains("/gidx/mem/13/0", "/gidx/mem/17/0").doesNotContain("/gidx/mem/12/0");
    }

    @Test
    void anyGpuIsPlannedOnTheGpuBandsNotOnEveryFreeCoresBand() {
        QueryPlan any = QueryPlan.choose(CapacityQuery.builder().gpu(true).build());
        assertThat(any.attribute()).isEqualTo(IndexAttribute.GPU);
        assertThat(keys(any)).hasSize(IndexKeys.TOP_GPU_MEMORY_BAND + 1)
                .contains("/gidx/gpu/0/0", "/gidx/gpu/" + IndexKeys.TOP_GPU_MEMORY_BAND + "/0");
        assertThat(keys(any).get(0)).isEqualTo("/gidx/gpu/5/0");
        // a GPU count or model alone also implies a free GPU, so the same plan
        assertThat(QueryPlan.choose(CapacityQuery.builder().minGpuCount(2).build()).attribute())
                .isEqualTo(IndexAttribute.GPU);
        assertThat(QueryPlan.choose(CapacityQuery.builder().gpuModel("A100").build()).attribute())
                .isEqualTo(IndexAttribute.GPU);
        // no GPU filter: no GPU plan
        assertThat(QueryPlan.candidates(CapacityQuery.builder().minFreeCores(8).build()))
                .noneMatch(p -> p.attribute() == IndexAttribute.GPU);
    }

    @Test
    void gpuAndCertificationPlans() {
        QueryPlan gpu = QueryPlan.choose(CapacityQuery.builder().gpuVendors("NVIDIA").minGpuMemory(24 * GIB).build());
        assertThat(gpu.attribute()).isEqualTo(IndexAttribute.GPU);
        // vendor-less bands from the asked memory up, the likeliest first; the vendor is filtered exactly
        assertThat(keys(gpu)).containsExactly("/gidx/gpu/5/0", "/gidx/gpu/6/0", "/gidx/gpu/7/0",
                "/gidx/gpu/8/0", "/gidx/gpu/9/0", "/gidx/gpu/10/0");
        QueryPlan twoVendors = QueryPlan.choose(CapacityQuery.builder().gpuVendors("nvidia", "amd")
                .minGpuMemory(24 * GIB).build());
        assertThat(keys(twoVendors)).isEqualTo(keys(gpu));
        QueryPlan gold = QueryPlan.choose(CapacityQuery.builder().minCertification(Certification.GOLD).build());
        assertThat(keys(gold)).containsExactly("/gidx/cert/gold/0");
        List<QueryPlan> certified = QueryPlan.candidates(CapacityQuery.builder()
                .minCertification(Certification.CERTIFIED).build());
        assertThat(certified).anySatisfy(p -> assertThat(keys(p)).containsExactly("/gidx/cert/certified/0",
                "/gidx/cert/gold/0"));
        // DIY has no key: no certification plan
        assertThat(QueryPlan.candidates(CapacityQuery.builder().minCertification(Certification.DIY).build()))
                .noneMatch(p -> p.attribute() == IndexAttribute.CERTIFIED);
    }

    @Test
    void nearPlanUsesTheCellsWithinTheRadiusUnlessTooMany() {
        QueryPlan p = QueryPlan.choose(CapacityQuery.builder().near(50.85, 4.35, 10).build());
        assertThat(p.attribute()).isEqualTo(IndexAttribute.GEO);
        assertThat(keys(p)).contains("/gidx/geo/" + Geohash.cell(50.85, 4.35) + "/0");
        assertThat(QueryPlan.candidates(CapacityQuery.builder().near(50.85, 4.35, 8000).build()))
                .noneMatch(c -> c.attribute() == IndexAttribute.GEO);
    }

    @Test
    void theCheapestCandidateIsChosen() {
        CapacityQuery q = CapacityQuery.builder().farms(1).countries("BE").minFreeCores(8).build();
        QueryPlan chosen = QueryPlan.choose(q);
        assertThat(QueryPlan.candidates(q)).allSatisfy(c -> assertThat(chosen.cost()).isLessThanOrEqualTo(c.cost()));
    }

    /** 64 records of nodes with a free 24 GiB NVIDIA GPU, the first {@code inBeOrNl} in BE or NL, the rest in FR. */
    private static List<QueryPlan.Sample> sample(int inBeOrNl, IndexAttribute source) {
        List<QueryPlan.Sample> out = new ArrayList<>();
        for (int i = 0; i < 64; i++) {
            CapacityRecord r = CapacityFixtures.record(CapacityFixtures.key(i), 1, 8, CapacityFixtures.T0)
                    .location(Location.of(i < inBeOrNl ? (i % 2 == 0 ? "BE" : "NL") : "FR", "x", 48.86, 2.35))
                    .gpus(List.of(new Gpu("nvidia", "RTX 4090", 24 * GIB, 1, 1)))
                    .build();
            out.add(QueryPlan.Sample.of(r, source));
        }
        return out;
    }

    @Test
    void recordsReadUnderAnUnrelatedKeyCorrectThePriorShares() {
        CapacityQuery q = CapacityQuery.builder().gpuVendors("nvidia").minGpuMemory(24 * GIB).countries("BE", "NL")
                .build();
        List<QueryPlan> c = QueryPlan.candidates(q);
        QueryPlan country = c.stream().filter(p -> p.attribute() == IndexAttribute.COUNTRY).findFirst().orElseThrow();
        // the priors: 2 countries x 4 % against six GPU bands of 7 % in all
        assertThat(QueryPlan.choose(c, List.of()).attribute()).isEqualTo(IndexAttribute.COUNTRY);
        assertThat(country.share(List.of())).isEqualTo(country.share());
        // 20 of 64 nodes read under a GPU key are in BE or NL: the prior (weight 16) blends with 20/64
        List<QueryPlan.Sample> fromGpu = sample(20, IndexAttribute.GPU);
        assertThat(country.share(fromGpu)).isCloseTo((20 + QueryPlan.PRIOR_WEIGHT * 0.08) / (64 + QueryPlan.PRIOR_WEIGHT),
                within(1e-9));
        assertThat(QueryPlan.choose(c, fromGpu).attribute()).isEqualTo(IndexAttribute.GPU);
        // the same nodes read under a geohash cell, or a country, say nothing about countries
        assertThat(country.share(sample(20, IndexAttribute.GEO))).isEqualTo(country.share());
        assertThat(country.share(sample(20, IndexAttribute.COUNTRY))).isEqualTo(country.share());
        // nor do nodes read under one hardware key about another hardware key
        QueryPlan gpu = c.stream().filter(p -> p.attribute() == IndexAttribute.GPU).findFirst().orElseThrow();
        assertThat(gpu.share(sample(0, IndexAttribute.CORES))).isEqualTo(gpu.share());
        assertThat(gpu.share(sample(0, IndexAttribute.COUNTRY))).isGreaterThan(0.8);
    }

    @Test
    void relatedAttributesAreHardwareWithHardwareAndFarmLevelWithFarmLevel() {
        assertThat(QueryPlan.related(IndexAttribute.CORES, IndexAttribute.GPU)).isTrue();
        assertThat(QueryPlan.related(IndexAttribute.COUNTRY, IndexAttribute.GEO)).isTrue();
        assertThat(QueryPlan.related(IndexAttribute.FARM, IndexAttribute.CERTIFIED)).isTrue();
        assertThat(QueryPlan.related(IndexAttribute.COUNTRY, IndexAttribute.GPU)).isFalse();
        assertThat(QueryPlan.related(IndexAttribute.MEMORY, IndexAttribute.CERTIFIED)).isFalse();
        for (IndexAttribute a : IndexAttribute.values()) {
            assertThat(QueryPlan.related(a, a)).isTrue();
            for (IndexAttribute b : IndexAttribute.values()) {
                assertThat(QueryPlan.related(a, b)).isEqualTo(QueryPlan.related(b, a));
            }
        }
    }
}
