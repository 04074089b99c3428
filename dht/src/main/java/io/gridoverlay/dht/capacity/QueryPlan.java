package io.gridoverlay.dht.capacity;

import io.gridoverlay.core.record.CapacityRecord;
import io.gridoverlay.core.record.CapacityRecord.Certification;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Set;

/**
 * Which index keys a query walks: for each attribute the query constrains, the keys that must hold every
 * match, with a prior estimate of the share of nodes under them; the plan with the lowest estimated cost
 * (keys to look up, plus records to fetch) wins. A {@linkplain Sample sample} of records the querier has
 * read refines the shares: the records read under one attribute's key are a sample of the network for
 * every attribute not {@linkplain #related related} to it (the nodes of a country key say how many nodes
 * have a large GPU; they say nothing about how many are in that country). Any match of the query is
 * registered under one key of every candidate plan, so the choice changes cost, never the answer.
 * Stateless.
 */
record QueryPlan(IndexAttribute attribute, List<IndexKey> keys, double share) {
    /** Weight of the prior share against a sample, in records. */
    static final double PRIOR_WEIGHT = 16;

    /** One lookup per key, plus the records fetched, as a share of the network (weight: 50 lookups = all). */
    double cost() {
        return cost(share);
    }

    /** {@link #cost()} with the share {@linkplain #share(Collection) estimated} from {@code sample}. */
    double cost(Collection<Sample> sample) {
        return cost(share(sample));
    }

    private double cost(double s) {
        return keys.size() + 50 * s;
    }

    /**
     * The share of nodes under this plan's keys: the prior, weighted as {@link #PRIOR_WEIGHT} records, blended
     * with the share of the sampled records (those read under keys of attributes not related to this one)
     * that are registered under one of the keys.
     */
    double share(Collection<Sample> sample) {
        Set<IndexKey> mine = Set.copyOf(keys);
        int n = 0;
        int under = 0;
        for (Sample x : sample) {
            if (related(attribute, x.source())) {
                continue;
            }
            n++;
            if (x.keys().stream().anyMatch(mine::contains)) {
                under++;
            }
        }
        return (under + PRIOR_WEIGHT * share) / (n + PRIOR_WEIGHT);
    }

    /**
     * Whether the nodes under a key of {@code a} are a biased sample for {@code b}: the same attribute, two
     * hardware attributes (big nodes have more of everything and are likelier to have GPUs), or two attributes
     * of a node's place and farm (a farm has one country, one place and one certification).
     */
    static boolean related(IndexAttribute a, IndexAttribute b) {
        return a == b || hardware(a) && hardware(b) || farmLevel(a) && farmLevel(b);
    }

    private static boolean hardware(IndexAttribute a) {
        return a == IndexAttribute.CORES || a == IndexAttribute.MEMORY || a == IndexAttribute.SSD
                || a == IndexAttribute.GPU;
    }

    private static boolean farmLevel(IndexAttribute a) {
        return a == IndexAttribute.COUNTRY || a == IndexAttribute.GEO || a == IndexAttribute.FARM
                || a == IndexAttribute.CERTIFIED;
    }

    /**
     * A verified record the querier read, as the index keys it is registered under, and the attribute of the
     * key it was read under.
     */
    record Sample(List<IndexKey> keys, IndexAttribute source) {
        Sample {
            keys = List.copyOf(keys);
        }

        /** {@code r}'s keys, computed once for every plan the sample is weighed against. */
        static Sample of(CapacityRecord r, IndexAttribute source) {
            return new Sample(IndexKeys.of(r), source);
        }
    }

    @Override
    public String toString() {
        return attribute.label() + " x" + keys.size();
    }

    // Rough shares of nodes per band, from the reference grid's node mix: most nodes have 4-32 free cores,
    // 8-128 GiB free memory and 0.25-4 TiB free SSD. Only the plan choice depends on them.
    private static final double[] CORES_PRIOR = {0.05, 0.04, 0.08, 0.15, 0.22, 0.22, 0.14, 0.06, 0.02, 0.01,
        0.005, 0.005, 0.005, 0.005};
    private static final double[] MEMORY_PRIOR = {0.05, 0.02, 0.03, 0.05, 0.1, 0.15, 0.2, 0.2, 0.12, 0.05,
        0.02, 0.01, 0.005, 0.005, 0.005, 0.005, 0.005, 0.005};
    // About 10 % of nodes have a free GPU, mostly of 8-80 GiB (bands 4-7).
    private static final double[] GPU_PRIOR = {0.001, 0.001, 0.002, 0.004, 0.02, 0.03, 0.025, 0.015, 0.001,
        0.0005, 0.0005};
    private static final double[] SSD_PRIOR = {0.1, 0.005, 0.005, 0.005, 0.005, 0.01, 0.02, 0.05, 0.1, 0.15,
        0.2, 0.15, 0.1, 0.05, 0.02, 0.01, 0.005, 0.005, 0.005, 0.005, 0.005, 0.005};

    /** The cheapest plan for {@code q}; with no indexed filter, every free-cores band (all nodes). */
    static QueryPlan choose(CapacityQuery q) {
        return choose(candidates(q), List.of());
    }

    /** The cheapest of {@code candidates} with shares estimated from {@code sample}; the first on a tie. */
    static QueryPlan choose(List<QueryPlan> candidates, Collection<Sample> sample) {
        return candidates.stream().min(Comparator.comparingDouble((QueryPlan p) -> p.cost(sample))).orElseThrow();
    }

    static List<QueryPlan> candidates(CapacityQuery q) {
        List<QueryPlan> out = new ArrayList<>();
        if (!q.farms.isEmpty()) {
            out.add(fixed(IndexAttribute.FARM, q.farms.stream().map(f -> Long.toString(f)).toList(), 0.005));
        }
        if (q.near != null) {
            List<String> cells = Geohash.cellsWithin(q.near.latitude(), q.near.longitude(), q.near.radiusKm(), 64);
            if (!cells.isEmpty()) {
                out.add(fixed(IndexAttribute.GEO, cells, 0.01));
            }
        }
        if (q.gpuRequired) {
            // every GPU filter (vendor, model, count, memory, or "any GPU") needs a free GPU of at least
            // minGpuMemory, so the node's largest free GPU is in one of these bands, whatever its vendor
            out.add(bands(IndexAttribute.GPU, IndexKeys.gpuMemoryBand(q.minGpuMemory),
                    IndexKeys.TOP_GPU_MEMORY_BAND, GPU_PRIOR));
        }
        if (q.minCertification.compareTo(Certification.CERTIFIED) >= 0) {
            List<String> values = q.minCertification == Certification.GOLD ? List.of("gold") : List.of("certified", "gold");
            out.add(fixed(IndexAttribute.CERTIFIED, values, 0.15));
        }
        if (!q.countries.isEmpty()) {
            out.add(fixed(IndexAttribute.COUNTRY, List.copyOf(q.countries), 0.04));
        }
        out.add(bands(IndexAttribute.CORES, IndexKeys.coresBand(q.freeCores.min()),
                IndexKeys.coresBand(q.freeCores.max()), CORES_PRIOR));
        if (!q.freeMemory.isAny()) {
            out.add(bands(IndexAttribute.MEMORY, IndexKeys.memoryBand(q.freeMemory.min()),
                    IndexKeys.memoryBand(q.freeMemory.max()), MEMORY_PRIOR));
        }
        if (!q.freeSsd.isAny()) {
            out.add(bands(IndexAttribute.SSD, IndexKeys.ssdBand(q.freeSsd.min()), IndexKeys.ssdBand(q.freeSsd.max()),
                    SSD_PRIOR));
        }
        return out;
    }

    private static QueryPlan fixed(IndexAttribute a, List<String> values, double sharePerKey) {
        List<IndexKey> keys = values.stream().map(v -> IndexKey.of(a, v)).toList();
        return new QueryPlan(a, keys, keys.size() * sharePerKey);
    }

    /** Bands {@code lo..hi}, the likeliest first (a limited query then stops soonest). */
    private static QueryPlan bands(IndexAttribute a, int lo, int hi, double[] prior) {
        List<Integer> order = new ArrayList<>();
        double share = 0;
        for (int b = lo; b <= hi; b++) {
            order.add(b);
            share += b < prior.length ? prior[b] : 0.001;
        }
        order.sort(Comparator.comparingDouble((Integer b) -> b < prior.length ? -prior[b] : 0).thenComparing(b -> b));
        return new QueryPlan(a, order.stream().map(b -> IndexKey.of(a, Integer.toString(b))).toList(), share);
    }
}
