package io.gridoverlay.dht.routing;

/**
 * Immutable configuration of a {@link RoutingTable}; build it with {@link #builder()}.
 *
 * @param k                           bucket capacity (Kademlia k; libp2p uses 20)
 * @param replacementCacheSize        per-bucket bound of the replacement cache (0 disables it)
 * @param unboundedBuckets            if true, buckets never fill up (a full-network client that keeps
 *                                    every DHT server it knows); {@code k} then only sizes the initial
 *                                    arrays and nothing is ever cached or evicted for capacity
 * @param maxPeersPerIpGroupPerBucket diversity limit per bucket ({@link Integer#MAX_VALUE} = none)
 * @param maxPeersPerIpGroupPerTable  diversity limit per table ({@link Integer#MAX_VALUE} = none)
 */
public record RoutingTableConfig(int k, int replacementCacheSize, boolean unboundedBuckets,
        int maxPeersPerIpGroupPerBucket, int maxPeersPerIpGroupPerTable) {

    /** libp2p's bucket size. */
    public static final int DEFAULT_K = 20;
    /** Default replacement cache bound per bucket. */
    public static final int DEFAULT_REPLACEMENT_CACHE_SIZE = 20;
    /**
     * Default per-bucket limit. go-libp2p-kad-dht suggests 2; grid farms often host several nodes in one
     * /24, so the default is a little wider.
     */
    public static final int DEFAULT_MAX_PER_IP_GROUP_PER_BUCKET = 3;
    /** Default per-table limit (go-libp2p-kad-dht suggests 3; see the per-bucket note). */
    public static final int DEFAULT_MAX_PER_IP_GROUP_PER_TABLE = 10;

    /** Validates the limits. */
    public RoutingTableConfig {
        if (k < 1) {
            throw new IllegalArgumentException("k must be >= 1, got " + k);
        }
        if (replacementCacheSize < 0) {
            throw new IllegalArgumentException(
                    "replacementCacheSize must be >= 0, got " + replacementCacheSize);
        }
        if (maxPeersPerIpGroupPerBucket < 1 || maxPeersPerIpGroupPerTable < 1) {
            throw new IllegalArgumentException("diversity limits must be >= 1, got per bucket "
                    + maxPeersPerIpGroupPerBucket + ", per table " + maxPeersPerIpGroupPerTable);
        }
    }

    /** The defaults: k = 20, replacement cache 20, bounded buckets, diversity limits 3 / 10. */
    public static RoutingTableConfig defaults() {
        return builder().build();
    }

    /** A builder starting from the defaults. */
    public static Builder builder() {
        return new Builder();
    }

    /** Whether any diversity limit is set. */
    public boolean hasDiversityLimits() {
        return maxPeersPerIpGroupPerBucket != Integer.MAX_VALUE
                || maxPeersPerIpGroupPerTable != Integer.MAX_VALUE;
    }

    /** The diversity filter these limits describe (a fresh, stateful instance per table). */
    public PeerDiversityFilter newDiversityFilter() {
        return hasDiversityLimits()
                ? PeerDiversityFilter.ipGroupLimits(maxPeersPerIpGroupPerBucket, maxPeersPerIpGroupPerTable)
                : PeerDiversityFilter.none();
    }

    /** Mutable builder of {@link RoutingTableConfig}; not thread-safe. */
    public static final class Builder {
        private int k = DEFAULT_K;
        private int replacementCacheSize = DEFAULT_REPLACEMENT_CACHE_SIZE;
        private boolean unboundedBuckets;
        private int maxPerBucket = DEFAULT_MAX_PER_IP_GROUP_PER_BUCKET;
        private int maxPerTable = DEFAULT_MAX_PER_IP_GROUP_PER_TABLE;

        private Builder() {
        }

        /** Bucket capacity. */
        public Builder k(int k) {
            this.k = k;
            return this;
        }

        /** Replacement cache bound per bucket. */
        public Builder replacementCacheSize(int size) {
            this.replacementCacheSize = size;
            return this;
        }

        /** Keep every admitted peer (full-network client); see {@link RoutingTableConfig}. */
        public Builder unboundedBuckets(boolean unbounded) {
            this.unboundedBuckets = unbounded;
            return this;
        }

        /** Diversity limits per IP group: per bucket and per table. */
        public Builder diversityLimits(int perBucket, int perTable) {
            this.maxPerBucket = perBucket;
            this.maxPerTable = perTable;
            return this;
        }

        /** No diversity limits. */
        public Builder noDiversityLimits() {
            return diversityLimits(Integer.MAX_VALUE, Integer.MAX_VALUE);
        }

        /** Builds and validates. */
        public RoutingTableConfig build() {
            return new RoutingTableConfig(k, replacementCacheSize, unboundedBuckets, maxPerBucket,
                    maxPerTable);
        }
    }
}
