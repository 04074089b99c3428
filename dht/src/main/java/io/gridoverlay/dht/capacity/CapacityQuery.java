package io.gridoverlay.dht.capacity;

import io.gridoverlay.core.identity.PeerId;
import io.gridoverlay.core.record.CapacityRecord;
import io.gridoverlay.core.record.CapacityRecord.Certification;
import io.gridoverlay.core.record.CapacityRecord.Gpu;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * A multi-attribute capacity query: the filters grid users apply to nodes (free and total resources, public
 * IPs, location, farm, node ids, certification, GPUs, price, freshness, distance), how to order the matches
 * and how many to return. Every filter is applied exactly to each verified record by {@link #matches}; the
 * index only narrows which records are fetched.
 *
 * <p>Immutable and thread-safe; build with {@link #builder()}. Sizes are bytes, prices micro-units per
 * core-hour, distances kilometres.
 */
public final class CapacityQuery {
    /** How matches are ordered. */
    public enum Sort {
        /** Index order (fastest: a limited query stops as soon as it has enough). */
        NONE,
        /** Cheapest core-hour first. */
        PRICE,
        /** Most free cores first, then most free memory. */
        FREE_CAPACITY,
        /** Nearest to {@link Builder#near} first. */
        DISTANCE,
        /** Shuffled with {@link Builder#seed}. */
        RANDOM
    }

    /** An inclusive range of a non-negative amount; {@link #ANY} matches everything. */
    public record Range(long min, long max) {
        public static final Range ANY = new Range(0, Long.MAX_VALUE);

        public Range {
            if (min < 0 || max < min) {
                throw new IllegalArgumentException("invalid range [" + min + ", " + max + "]");
            }
        }

        public static Range atLeast(long min) {
            return new Range(min, Long.MAX_VALUE);
        }

        public boolean contains(long v) {
            return v >= min && v <= max;
        }

        public boolean isAny() {
            return min == 0 && max == Long.MAX_VALUE;
        }
    }

    /** A point and a radius. */
    public record Near(double latitude, double longitude, double radiusKm) {
        public Near {
            if (latitude < -90 || latitude > 90 || longitude < -180 || longitude > 180) {
                throw new IllegalArgumentException("invalid coordinates " + latitude + "," + longitude);
            }
            if (!(radiusKm > 0)) {
                throw new IllegalArgumentException("radius must be positive, got " + radiusKm);
            }
        }
    }

    final Range freeCores, totalCores, freeMemory, totalMemory, freeSsd, totalSsd, freeHdd, totalHdd;
    final int minPublicIpv4;
    final boolean ipv6;
    final Set<String> countries;
    final Set<String> cities;
    final Set<Long> farms;
    final Set<PeerId> includeNodes;
    final Set<PeerId> excludeNodes;
    final Certification minCertification;
    final boolean gpuRequired;
    final Set<String> gpuVendors;
    final String gpuModel;
    final int minGpuCount;
    final long minGpuMemory;
    final long maxPricePerCoreHour;
    final Duration freshWithin;
    final Near near;
    final Sort sort;
    final int limit;
    final long seed;
    final String continuation;

    private CapacityQuery(Builder b) {
        freeCores = b.freeCores;
        totalCores = b.totalCores;
        freeMemory = b.freeMemory;
        totalMemory = b.totalMemory;
        freeSsd = b.freeSsd;
        totalSsd = b.totalSsd;
        freeHdd = b.freeHdd;
        totalHdd = b.totalHdd;
        minPublicIpv4 = b.minPublicIpv4;
        ipv6 = b.ipv6;
        countries = Set.copyOf(b.countries);
        cities = Set.copyOf(b.cities);
        farms = Set.copyOf(b.farms);
        includeNodes = Set.copyOf(b.includeNodes);
        excludeNodes = Set.copyOf(b.excludeNodes);
        minCertification = b.minCertification;
        gpuVendors = Set.copyOf(b.gpuVendors);
        gpuModel = b.gpuModel;
        minGpuCount = b.minGpuCount;
        minGpuMemory = b.minGpuMemory;
        gpuRequired = b.gpuRequired || !gpuVendors.isEmpty() || gpuModel != null || minGpuCount > 0 || minGpuMemory > 0;
        maxPricePerCoreHour = b.maxPricePerCoreHour;
        freshWithin = b.freshWithin;
        near = b.near;
        sort = b.sort;
        limit = b.limit;
        seed = b.seed;
        continuation = b.continuation;
        if (sort == Sort.DISTANCE && near == null) {
            throw new IllegalArgumentException("sorting by distance needs near(latitude, longitude, radius)");
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Most matches to return (0 = all). */
    public int limit() {
        return limit;
    }

    public Sort sort() {
        return sort;
    }

    /** The continuation token this query resumes from, if any. */
    public Optional<String> continuation() {
        return Optional.ofNullable(continuation);
    }

    /** Node ids asked for by name (fetched directly, without the index). */
    public Set<PeerId> includeNodes() {
        return includeNodes;
    }

    /** The point and radius, if the query has one. */
    public Optional<Near> near() {
        return Optional.ofNullable(near);
    }

    /** The same query resuming from {@code token} (from a previous page). */
    public CapacityQuery withContinuation(String token) {
        Builder b = toBuilder();
        b.continuation = token;
        return b.build();
    }

    /** Whether {@code r} satisfies every filter at {@code now}. */
    public boolean matches(CapacityRecord r, Instant now) {
        if (!freeCores.contains(r.free().cores()) || !totalCores.contains(r.total().cores())
                || !freeMemory.contains(r.free().memoryBytes()) || !totalMemory.contains(r.total().memoryBytes())
                || !freeSsd.contains(r.free().ssdBytes()) || !totalSsd.contains(r.total().ssdBytes())
                || !freeHdd.contains(r.free().hddBytes()) || !totalHdd.contains(r.total().hddBytes())) {
            return false;
        }
        if (r.publicIpv4() < minPublicIpv4 || (ipv6 && r.publicIpv6() <= 0)) {
            return false;
        }
        if (!countries.isEmpty() && !countries.contains(r.location().country())) {
            return false;
        }
        if (!cities.isEmpty() && !cities.contains(r.location().city().toLowerCase(Locale.ROOT))) {
            return false;
        }
        if (!farms.isEmpty() && !farms.contains(r.farmId())) {
            return false;
        }
        if (!includeNodes.isEmpty() && !includeNodes.contains(r.nodeId())) {
            return false;
        }
        if (excludeNodes.contains(r.nodeId()) || r.certification().compareTo(minCertification) < 0) {
            return false;
        }
        if (gpuRequired && matchingFreeGpus(r) < Math.max(1, minGpuCount)) {
            return false;
        }
        if (r.price().coreHour() > maxPricePerCoreHour) {
            return false;
        }
        if (freshWithin != null && r.issuedAt().isBefore(now.minus(freshWithin))) {
            return false;
        }
        return near == null || distanceKm(r) <= near.radiusKm();
    }

    /** Free GPUs of {@code r} that satisfy the GPU filters. */
    int matchingFreeGpus(CapacityRecord r) {
        int n = 0;
        for (Gpu g : r.gpus()) {
            if (g.free() > 0 && gpuMatches(g)) {
                n += g.free();
            }
        }
        return n;
    }

    boolean gpuMatches(Gpu g) {
        return (gpuVendors.isEmpty() || gpuVendors.contains(IndexKeys.vendorLabel(g.vendor())))
                && (gpuModel == null || g.model().toLowerCase(Locale.ROOT).contains(gpuModel))
                && g.memoryBytes() >= minGpuMemory;
    }

    /** Great-circle distance from {@link #near()} to the record's location, or NaN without a point or location. */
    public double distanceKm(CapacityRecord r) {
        if (near == null || !IndexKeys.hasCoordinates(r.location())) {
            return Double.NaN;
        }
        return Geohash.distanceKm(near.latitude(), near.longitude(), r.location().latitudeE6() / 1e6,
                r.location().longitudeE6() / 1e6);
    }

    /** A builder holding this query's values. */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.freeCores = freeCores;
        b.totalCores = totalCores;
        b.freeMemory = freeMemory;
        b.totalMemory = totalMemory;
        b.freeSsd = freeSsd;
        b.totalSsd = totalSsd;
        b.freeHdd = freeHdd;
        b.totalHdd = totalHdd;
        b.minPublicIpv4 = minPublicIpv4;
        b.ipv6 = ipv6;
        b.countries.addAll(countries);
        b.cities.addAll(cities);
        b.farms.addAll(farms);
        b.includeNodes.addAll(includeNodes);
        b.excludeNodes.addAll(excludeNodes);
        b.minCertification = minCertification;
        b.gpuRequired = gpuRequired;
        b.gpuVendors.addAll(gpuVendors);
        b.gpuModel = gpuModel;
        b.minGpuCount = minGpuCount;
        b.minGpuMemory = minGpuMemory;
        b.maxPricePerCoreHour = maxPricePerCoreHour;
        b.freshWithin = freshWithin;
        b.near = near;
        b.sort = sort;
        b.limit = limit;
        b.seed = seed;
        b.continuation = continuation;
        return b;
    }

    /** A stable text of the filters and order (not the limit or continuation), to bind a continuation token. */
    String fingerprint() {
        return String.join("|", List.of(freeCores.toString(), totalCores.toString(), freeMemory.toString(),
                totalMemory.toString(), freeSsd.toString(), totalSsd.toString(), freeHdd.toString(),
                totalHdd.toString(), Integer.toString(minPublicIpv4), Boolean.toString(ipv6),
                new java.util.TreeSet<>(countries).toString(), new java.util.TreeSet<>(cities).toString(),
                new java.util.TreeSet<>(farms).toString(),
                includeNodes.stream().map(PeerId::toBase58).sorted().toList().toString(),
                excludeNodes.stream().map(PeerId::toBase58).sorted().toList().toString(),
                minCertification.name(), Boolean.toString(gpuRequired), new java.util.TreeSet<>(gpuVendors).toString(),
                String.valueOf(gpuModel), Integer.toString(minGpuCount), Long.toString(minGpuMemory),
                Long.toString(maxPricePerCoreHour), String.valueOf(freshWithin), String.valueOf(near), sort.name(),
                Long.toString(seed)));
    }

    /** The filters that are set, e.g. {@code CapacityQuery[freeCores>=8, countries=[BE, NL], limit=5]}. */
    @Override
    public String toString() {
        List<String> parts = new java.util.ArrayList<>();
        String[] names = {"freeCores", "totalCores", "freeMemory", "totalMemory", "freeSsd", "totalSsd", "freeHdd",
            "totalHdd"};
        Range[] ranges = {freeCores, totalCores, freeMemory, totalMemory, freeSsd, totalSsd, freeHdd, totalHdd};
        for (int i = 0; i < names.length; i++) {
            if (!ranges[i].isAny()) {
                parts.add(names[i] + (ranges[i].max() == Long.MAX_VALUE ? ">=" + ranges[i].min()
                        : " in [" + ranges[i].min() + ", " + ranges[i].max() + "]"));
            }
        }
        if (minPublicIpv4 > 0) parts.add("publicIpv4>=" + minPublicIpv4);
        if (ipv6) parts.add("ipv6");
        if (!countries.isEmpty()) parts.add("countries=" + new java.util.TreeSet<>(countries));
        if (!cities.isEmpty()) parts.add("cities=" + new java.util.TreeSet<>(cities));
        if (!farms.isEmpty()) parts.add("farms=" + new java.util.TreeSet<>(farms));
        if (!includeNodes.isEmpty()) parts.add("nodes=" + includeNodes.size());
        if (!excludeNodes.isEmpty()) parts.add("excluded=" + excludeNodes.size());
        if (minCertification != Certification.NONE) parts.add("certification>=" + minCertification);
        if (gpuRequired) parts.add("gpu" + (gpuVendors.isEmpty() ? "" : "=" + new java.util.TreeSet<>(gpuVendors))
                + (gpuModel == null ? "" : " model~" + gpuModel) + (minGpuCount > 0 ? " x" + minGpuCount : "")
                + (minGpuMemory > 0 ? " mem>=" + minGpuMemory : ""));
        if (maxPricePerCoreHour != Long.MAX_VALUE) parts.add("price<=" + maxPricePerCoreHour);
        if (freshWithin != null) parts.add("fresh<" + freshWithin);
        if (near != null) parts.add("near " + near.latitude() + "," + near.longitude() + " r=" + near.radiusKm() + "km");
        if (sort != Sort.NONE) parts.add("sort=" + sort);
        if (limit > 0) parts.add("limit=" + limit);
        return "CapacityQuery" + parts;
    }

    /** Builder; every filter defaults to "any". Not thread-safe. */
    public static final class Builder {
        private Range freeCores = Range.ANY, totalCores = Range.ANY, freeMemory = Range.ANY, totalMemory = Range.ANY,
                freeSsd = Range.ANY, totalSsd = Range.ANY, freeHdd = Range.ANY, totalHdd = Range.ANY;
        private int minPublicIpv4;
        private boolean ipv6;
        private final Set<String> countries = new LinkedHashSet<>();
        private final Set<String> cities = new LinkedHashSet<>();
        private final Set<Long> farms = new LinkedHashSet<>();
        private final Set<PeerId> includeNodes = new LinkedHashSet<>();
        private final Set<PeerId> excludeNodes = new LinkedHashSet<>();
        private Certification minCertification = Certification.NONE;
        private boolean gpuRequired;
        private final Set<String> gpuVendors = new LinkedHashSet<>();
        private String gpuModel;
        private int minGpuCount;
        private long minGpuMemory;
        private long maxPricePerCoreHour = Long.MAX_VALUE;
        private Duration freshWithin;
        private Near near;
        private Sort sort = Sort.NONE;
        private int limit;
        private long seed = 1;
        private String continuation;

        private Builder() {
        }

        public Builder freeCores(Range r) { freeCores = Objects.requireNonNull(r); return this; }
        public Builder minFreeCores(long n) { return freeCores(Range.atLeast(n)); }
        public Builder totalCores(Range r) { totalCores = Objects.requireNonNull(r); return this; }
        public Builder freeMemory(Range r) { freeMemory = Objects.requireNonNull(r); return this; }
        public Builder minFreeMemory(long bytes) { return freeMemory(Range.atLeast(bytes)); }
        public Builder totalMemory(Range r) { totalMemory = Objects.requireNonNull(r); return this; }
        public Builder freeSsd(Range r) { freeSsd = Objects.requireNonNull(r); return this; }
        public Builder minFreeSsd(long bytes) { return freeSsd(Range.atLeast(bytes)); }
        public Builder totalSsd(Range r) { totalSsd = Objects.requireNonNull(r); return this; }
        public Builder freeHdd(Range r) { freeHdd = Objects.requireNonNull(r); return this; }
        public Builder minFreeHdd(long bytes) { return freeHdd(Range.atLeast(bytes)); }
        public Builder totalHdd(Range r) { totalHdd = Objects.requireNonNull(r); return this; }

        /** At least {@code n} public IPv4 addresses free. */
        public Builder minPublicIpv4(int n) {
            if (n < 0) {
                throw new IllegalArgumentException("minPublicIpv4 must be >= 0, got " + n);
            }
            minPublicIpv4 = n;
            return this;
        }

        /** Only nodes with public IPv6. */
        public Builder ipv6(boolean required) { ipv6 = required; return this; }

        /** Any of these countries (ISO 3166-1 alpha-2, any case). */
        public Builder countries(String... codes) {
            for (String c : codes) {
                String u = c.trim().toUpperCase(Locale.ROOT);
                if (!u.matches("[A-Z]{2}")) {
                    throw new IllegalArgumentException("not a country code: '" + c + "' (expected e.g. BE)");
                }
                countries.add(u);
            }
            return this;
        }

        /** Any of these cities (case-insensitive). */
        public Builder cities(String... names) {
            for (String c : names) {
                cities.add(c.trim().toLowerCase(Locale.ROOT));
            }
            return this;
        }

        public Builder farms(long... ids) {
            for (long id : ids) {
                farms.add(id);
            }
            return this;
        }

        /** Only these nodes (their records are fetched by id, without the index). */
        public Builder includeNodes(PeerId... ids) { includeNodes.addAll(List.of(ids)); return this; }
        public Builder excludeNodes(PeerId... ids) { excludeNodes.addAll(List.of(ids)); return this; }
        public Builder minCertification(Certification c) { minCertification = Objects.requireNonNull(c); return this; }
        /** Only nodes with at least one free GPU (implied by every other GPU filter). */
        public Builder gpu(boolean required) { gpuRequired = required; return this; }

        /** GPUs of any of these vendors (e.g. "nvidia", "amd"; case-insensitive). */
        public Builder gpuVendors(String... vendors) {
            for (String v : vendors) {
                gpuVendors.add(IndexKeys.vendorLabel(v));
            }
            return this;
        }

        /** GPUs whose model contains this text (case-insensitive). */
        public Builder gpuModel(String modelSubstring) { gpuModel = modelSubstring.toLowerCase(Locale.ROOT); return this; }

        /** At least {@code n} free GPUs matching the GPU filters. */
        public Builder minGpuCount(int n) { minGpuCount = n; return this; }

        /** GPUs with at least this much memory each. */
        public Builder minGpuMemory(long bytes) { minGpuMemory = bytes; return this; }

        /** Price ceiling per core-hour, in micro-units of the record's currency. */
        public Builder maxPricePerCoreHour(long micros) { maxPricePerCoreHour = micros; return this; }

        /** Only records issued within this long before the query runs. */
        public Builder freshWithin(Duration d) { freshWithin = d; return this; }

        /** Only nodes within {@code radiusKm} of a point (and the point used by {@link Sort#DISTANCE}). */
        public Builder near(double latitude, double longitude, double radiusKm) {
            near = new Near(latitude, longitude, radiusKm);
            return this;
        }

        public Builder sort(Sort s) { sort = Objects.requireNonNull(s); return this; }

        /** Most matches per page (0 = all). */
        public Builder limit(int n) {
            if (n < 0) {
                throw new IllegalArgumentException("limit must be >= 0, got " + n);
            }
            limit = n;
            return this;
        }

        /** Seed of {@link Sort#RANDOM}. */
        public Builder seed(long s) { seed = s; return this; }

        /** Resume after a previous page. */
        public Builder continuation(String token) { continuation = token; return this; }

        public CapacityQuery build() {
            return new CapacityQuery(this);
        }
    }
}
