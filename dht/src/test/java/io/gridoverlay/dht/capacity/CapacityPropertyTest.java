package io.gridoverlay.dht.capacity;

import static io.gridoverlay.dht.capacity.CapacityFixtures.GIB;
import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;
import static org.quicktheories.generators.SourceDSL.longs;

import io.gridoverlay.core.identity.PeerId;
import io.gridoverlay.core.record.CapacityRecord;
import io.gridoverlay.core.record.CapacityRecord.Certification;
import io.gridoverlay.core.record.CapacityRecord.Location;
import io.gridoverlay.dht.capacity.CapacityQuery.Range;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;
import org.quicktheories.core.RandomnessSource;
import org.quicktheories.impl.Constraint;

/**
 * The finder against a brute-force filter over all live records: random seeds give small grids (30-60
 * nodes) with random capacity mixes (the seeded {@code CapacityMix}, some nodes without a location, some
 * with a second GPU, of the same vendor or another), and random queries over every indexed and unindexed filter.
 * For limit 0 the answer is exactly the truth; for a limit, the first page is a subset of the truth of
 * size min(limit, |truth|), and paging with the continuation token yields exactly the truth, once each.
 */
@Tag("slow")
class CapacityPropertyTest {
    private static final String[] COUNTRIES = {"US", "DE", "BE", "NL", "FR", "GB", "CH", "IN", "JP", "BR", "XX"};
    private static final double[][] PLACES = {{38.9, -77.0}, {52.5, 13.4}, {50.85, 4.35}, {48.86, 2.35},
        {35.7, 139.7}, {-15.8, -47.9}, {0, 0}};
    private static final String[] VENDORS = {"nvidia", "amd", "intel"};

    private static long pick(RandomnessSource in, long lo, long hi) {
        return in.next(Constraint.between(lo, hi));
    }

    private static boolean chance(RandomnessSource in, int percent) {
        return pick(in, 0, 99) < percent;
    }

    /** A random query: each filter present with some probability. */
    static final Gen<CapacityQuery> QUERIES = in -> {
        CapacityQuery.Builder b = CapacityQuery.builder();
        if (chance(in, 40)) {
            long lo = pick(in, 0, 64);
            b.freeCores(new Range(lo, chance(in, 50) ? Long.MAX_VALUE : lo + pick(in, 0, 64)));
        }
        if (chance(in, 30)) {
            b.minFreeMemory(pick(in, 0, 512) * GIB);
        }
        if (chance(in, 25)) {
            long lo = pick(in, 0, 4096) * GIB;
            b.freeSsd(new Range(lo, chance(in, 50) ? Long.MAX_VALUE : lo + pick(in, 0, 8192) * GIB));
        }
        if (chance(in, 15)) {
            b.totalCores(Range.atLeast(pick(in, 1, 128)));
        }
        if (chance(in, 10)) {
            b.minFreeHdd(pick(in, 1, 20_000) * GIB);
        }
        if (chance(in, 30)) {
            int n = (int) pick(in, 1, 3);
            for (int i = 0; i < n; i++) {
                b.countries(COUNTRIES[(int) pick(in, 0, COUNTRIES.length - 1)]);
            }
        }
        if (chance(in, 15)) {
            int n = (int) pick(in, 1, 3);
            for (int i = 0; i < n; i++) {
                b.farms(pick(in, 0, 12));
            }
        }
        if (chance(in, 25)) {
            switch ((int) pick(in, 0, 3)) {
                case 0 -> b.gpu(true);
                case 1 -> b.gpuVendors(VENDORS[(int) pick(in, 0, 2)]).minGpuMemory(pick(in, 0, 80) * GIB);
                case 2 -> b.gpuVendors(VENDORS[(int) pick(in, 0, 2)], VENDORS[(int) pick(in, 0, 2)]);
                default -> b.minGpuCount((int) pick(in, 1, 4)).minGpuMemory(pick(in, 0, 48) * GIB);
            }
        }
        if (chance(in, 20)) {
            b.minCertification(Certification.values()[(int) pick(in, 0, 3)]);
        }
        if (chance(in, 20)) {
            b.maxPricePerCoreHour(pick(in, 0, 50_000));
        }
        if (chance(in, 10)) {
            b.minPublicIpv4((int) pick(in, 0, 8));
        }
        if (chance(in, 10)) {
            b.ipv6(true);
        }
        boolean near = chance(in, 25);
        if (near) {
            double[] p = PLACES[(int) pick(in, 0, PLACES.length - 1)];
            b.near(p[0] + pick(in, -300, 300) / 100.0, p[1] + pick(in, -300, 300) / 100.0, pick(in, 20, 3000));
        }
        CapacityQuery.Sort[] sorts = CapacityQuery.Sort.values();
        CapacityQuery.Sort sort = sorts[(int) pick(in, 0, sorts.length - 1)];
        b.sort(sort == CapacityQuery.Sort.DISTANCE && !near ? CapacityQuery.Sort.NONE : sort).seed(pick(in, 0, 9));
        b.limit(chance(in, 50) ? 0 : (int) pick(in, 1, 7));
        return b.build();
    };

    /**
     * Randomises the mix: some nodes lose their location, some get a second GPU model of a random vendor
     * (often another one than the first GPU's, as in the regression test of the GPU key below).
     */
    private static CapacityRecord adjust(long seed, int i, CapacityRecord r) {
        Random rnd = new Random(seed * 31 + i);
        CapacityRecord.Builder b = r.toBuilder();
        if (rnd.nextInt(10) == 0) {
            b.location(Location.UNKNOWN);
        }
        if (!r.gpus().isEmpty() && rnd.nextBoolean()) {
            CapacityRecord.Gpu g = r.gpus().get(0);
            String vendor = rnd.nextBoolean() ? g.vendor() : VENDORS[rnd.nextInt(VENDORS.length)];
            b.addGpu(new CapacityRecord.Gpu(vendor, "second", (8L << rnd.nextInt(4)) * GIB, 2, rnd.nextInt(3)));
        }
        return b.build();
    }

    @Test
    void finderAnswersEqualBruteForceOverLiveRecords() {
        qt().withFixedSeed(20250101L).withExamples(4).withShrinkCycles(3)
                .forAll(longs().between(1, 1_000_000), integers().between(30, 60), lists().of(QUERIES).ofSizeBetween(10, 14))
                .checkAssert(CapacityPropertyTest::check);
    }

    private static void check(long seed, int n, List<CapacityQuery> queries) {
        SimGrid g = new SimGrid(n, seed, CapacityIndexConfig.defaults(), (i, r) -> adjust(seed, i, r));
        g.publishAll();
        for (CapacityQuery q : queries) {
            Instant now = g.net.clock().instant();
            Set<PeerId> truth = g.capacities.stream().filter(r -> q.matches(r, now)).map(CapacityRecord::nodeId)
                    .collect(Collectors.toSet());
            CapacityFinder finder = CapacityFinder.create(g.dhts.get((int) (seed % n)));
            CapacityQueryResult first = g.await(finder.find(q));
            List<PeerId> page = ids(first);
            assertThat(first.matches()).as("precision of %s", q)
                    .allSatisfy(m -> assertThat(q.matches(m.record(), now)).isTrue());
            if (q.limit() == 0) {
                assertThat(new HashSet<>(page)).as("seed %d n %d: %s (%s)", seed, n, q, first.cost()).isEqualTo(truth);
                assertThat(page).doesNotHaveDuplicates();
                assertThat(first.continuation()).isEmpty();
                continue;
            }
            assertThat(page).as("seed %d n %d: first page of %s", seed, n, q)
                    .hasSize(Math.min(q.limit(), truth.size())).doesNotHaveDuplicates();
            assertThat(truth).containsAll(page);
            List<PeerId> all = new ArrayList<>(page);
            CapacityQueryResult r = first;
            int pages = 1;
            while (r.continuation().isPresent()) {
                assertThat(pages++).as("pages of %s", q).isLessThanOrEqualTo(n + 1);
                r = g.await(finder.find(q.withContinuation(r.continuation().get())));
                assertThat(r.matches()).hasSizeLessThanOrEqualTo(q.limit());
                all.addAll(ids(r));
            }
            assertThat(all).as("seed %d n %d: all pages of %s", seed, n, q).doesNotHaveDuplicates();
            assertThat(new HashSet<>(all)).as("seed %d n %d: all pages of %s", seed, n, q).isEqualTo(truth);
        }
    }

    /**
     * The planner's soundness, without a network: every record a query matches is registered under at
     * least one key of the chosen plan (so the walk cannot miss it). Many cheap examples.
     */
    @Test
    void everyMatchIsRegisteredUnderAKeyOfThePlan() {
        qt().withFixedSeed(7L).withExamples(3000)
                .forAll(longs().between(1, 1_000_000), integers().between(0, 200), QUERIES)
                .checkAssert((seed, i, q) -> {
                    CapacityRecord r = adjust(seed, i, new io.gridoverlay.dht.sim.CapacityMix(seed)
                            .next(CapacityFixtures.key(i).peerId(), CapacityFixtures.T0));
                    if (!q.matches(r, CapacityFixtures.T0)) {
                        return;
                    }
                    QueryPlan plan = QueryPlan.choose(q);
                    assertThat(IndexKeys.of(r)).as("%s matches %s; plan %s", r, q, plan.keys())
                            .containsAnyElementsOf(plan.keys());
                });
    }

    /** Random GPU queries only. */
    static final Gen<CapacityQuery> GPU_QUERIES = in -> {
        CapacityQuery.Builder b = CapacityQuery.builder();
        switch ((int) pick(in, 0, 3)) {
            case 0 -> b.gpu(true);
            case 1 -> b.gpuVendors(VENDORS[(int) pick(in, 0, 2)]);
            case 2 -> b.gpuVendors(VENDORS[(int) pick(in, 0, 2)], VENDORS[(int) pick(in, 0, 2)]);
            default -> b.gpuModel("m" + pick(in, 0, 3));
        }
        if (chance(in, 50)) {
            b.minGpuMemory(pick(in, 0, 96) * GIB);
        }
        if (chance(in, 30)) {
            b.minGpuCount((int) pick(in, 1, 4));
        }
        return b.build();
    };

    /** Random nodes with one to four GPU kinds of random vendors, models, sizes and free counts. */
    static final Gen<CapacityRecord> GPU_NODES = in -> {
        CapacityRecord.Builder b = CapacityFixtures.record(CapacityFixtures.key(1), 1, 8, CapacityFixtures.T0);
        int kinds = (int) pick(in, 1, 4);
        for (int k = 0; k < kinds; k++) {
            int count = (int) pick(in, 1, 4);
            b.addGpu(new CapacityRecord.Gpu(VENDORS[(int) pick(in, 0, 2)], "m" + pick(in, 0, 3),
                    pick(in, 1, 96) * GIB, count, (int) pick(in, 0, count)));
        }
        return b.build();
    };

    /** The planner's soundness for GPU filters on nodes with GPUs of several vendors. */
    @Test
    void everyGpuMatchIsRegisteredUnderAKeyOfThePlan() {
        qt().withFixedSeed(12L).withExamples(5000).forAll(GPU_NODES, GPU_QUERIES).checkAssert((r, q) -> {
            if (q.matches(r, CapacityFixtures.T0)) {
                QueryPlan plan = QueryPlan.choose(q);
                assertThat(IndexKeys.of(r)).as("%s matches %s; plan %s", r.gpus(), q, plan.keys())
                        .containsAnyElementsOf(plan.keys());
            }
        });
    }

    @Test
    void gpuVendorQueryFindsNodeWhoseLargestFreeGpuIsOfAnotherVendor() {
        CapacityRecord r = CapacityFixtures.record(CapacityFixtures.key(1), 1, 8, CapacityFixtures.T0)
                .addGpu(new CapacityRecord.Gpu("amd", "MI210", 64 * GIB, 1, 1))
                .addGpu(new CapacityRecord.Gpu("nvidia", "RTX 4090", 24 * GIB, 1, 1)).build();
        CapacityQuery q = CapacityQuery.builder().gpuVendors("nvidia").minGpuMemory(24 * GIB).build();
        assertThat(q.matches(r, CapacityFixtures.T0)).isTrue();
        assertThat(IndexKeys.of(r)).containsAnyElementsOf(QueryPlan.choose(q).keys());
    }

    private static List<PeerId> ids(CapacityQueryResult r) {
        return r.matches().stream().map(m -> m.record().nodeId()).toList();
    }
}
