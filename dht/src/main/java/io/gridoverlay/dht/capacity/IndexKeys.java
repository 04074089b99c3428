package io.gridoverlay.dht.capacity;

import io.gridoverlay.core.record.CapacityRecord;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * How a capacity record maps to index keys: which attributes it is registered under and in which band.
 * A node is registered under at most one value per {@link IndexAttribute}, hence at most
 * {@link #MAX_ENTRIES_PER_NODE} index entries. Anyone can recompute the keys of a record, so a holder
 * checks that an entry belongs under the key it is written to, and a reader checks it again.
 *
 * <p>Bands: {@code band(0) = 0}, {@code band(x) = floor(log2 x) + 1}, so band {@code b >= 1} holds
 * {@code [2^(b-1), 2^b - 1]}, capped at a top band per attribute that holds everything above. Stateless.
 */
public final class IndexKeys {
    /** Most index entries one node has (one per attribute). */
    public static final int MAX_ENTRIES_PER_NODE = IndexAttribute.values().length;
    /** Characters of the geohash cell a node is registered in. */
    public static final int GEOHASH_PRECISION = 3;
    static final int TOP_CORES_BAND = 13;     // 4096+ cores
    static final int TOP_MEMORY_BAND = 17;    // 64 TiB+ of memory, in GiB
    static final int TOP_SSD_BAND = 21;       // 1 PiB+ of SSD, in GiB
    static final int TOP_GPU_MEMORY_BAND = 10; // 512 GiB+ per GPU
    private static final long GIB = 1L << 30;

    private IndexKeys() {
    }

    /** The band of a non-negative amount: 0 for 0, else {@code floor(log2 x) + 1}. */
    public static int band(long amount) {
        return amount <= 0 ? 0 : 64 - Long.numberOfLeadingZeros(amount);
    }

    /** The smallest amount in band {@code b}. */
    static long bandFloor(int b) {
        return b == 0 ? 0 : 1L << (b - 1);
    }

    /** Shard-0 keys a record is registered under, in {@link IndexAttribute} order. */
    public static List<IndexKey> of(CapacityRecord r) {
        List<IndexKey> keys = new ArrayList<>(MAX_ENTRIES_PER_NODE);
        keys.add(IndexKey.of(IndexAttribute.CORES, Integer.toString(coresBand(r.free().cores()))));
        keys.add(IndexKey.of(IndexAttribute.MEMORY, Integer.toString(memoryBand(r.free().memoryBytes()))));
        keys.add(IndexKey.of(IndexAttribute.SSD, Integer.toString(ssdBand(r.free().ssdBytes()))));
        gpuValue(r).ifPresent(v -> keys.add(IndexKey.of(IndexAttribute.GPU, v)));
        String country = r.location().country();
        if (country.matches("[A-Z]{2}")) {
            keys.add(IndexKey.of(IndexAttribute.COUNTRY, country));
        }
        if (hasCoordinates(r.location())) {
            keys.add(IndexKey.of(IndexAttribute.GEO, Geohash.cell(r.location().latitudeE6() / 1e6,
                    r.location().longitudeE6() / 1e6)));
        }
        if (r.farmId() >= 0) {
            keys.add(IndexKey.of(IndexAttribute.FARM, Long.toString(r.farmId())));
        }
        if (r.certification().compareTo(CapacityRecord.Certification.CERTIFIED) >= 0) {
            keys.add(IndexKey.of(IndexAttribute.CERTIFIED, r.certification().name().toLowerCase(Locale.ROOT)));
        }
        return keys;
    }

    /** Whether {@code key} (any shard) is one of the keys {@code r} is registered under. */
    public static boolean belongs(CapacityRecord r, IndexKey key) {
        return of(r).contains(key.logical());
    }

    static int coresBand(long cores) {
        return Math.min(TOP_CORES_BAND, band(cores));
    }

    static int memoryBand(long bytes) {
        return Math.min(TOP_MEMORY_BAND, band(bytes / GIB));
    }

    static int ssdBand(long bytes) {
        return Math.min(TOP_SSD_BAND, band(bytes / GIB));
    }

    static int gpuMemoryBand(long bytes) {
        return Math.min(TOP_GPU_MEMORY_BAND, band(bytes / GIB));
    }

    /** Vendor text as it appears in keys: lower case letters and digits, at most 20, "unknown" if none. */
    static String vendorLabel(String vendor) {
        String v = vendor.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]", "");
        if (v.length() > 20) {
            v = v.substring(0, 20);
        }
        return v.isEmpty() ? "unknown" : v;
    }

    /**
     * The memory band of the free GPU with the most memory, if the node has a free GPU. No vendor: a node
     * with a free GPU of vendor X of at least M bytes has its largest free GPU in band {@code >= band(M)}
     * whatever that GPU's vendor, so a query for X walks those bands and filters the vendor exactly
     * (a {@code vendor-band} key would hide the node's X GPU behind a larger GPU of another vendor).
     */
    static Optional<String> gpuValue(CapacityRecord r) {
        return r.gpus().stream().filter(g -> g.free() > 0)
                .max(Comparator.comparingLong(CapacityRecord.Gpu::memoryBytes))
                .map(g -> Integer.toString(gpuMemoryBand(g.memoryBytes())));
    }

    static boolean hasCoordinates(CapacityRecord.Location l) {
        return l.latitudeE6() != 0 || l.longitudeE6() != 0;
    }
}
