package io.gridoverlay.dht.protocol;

/**
 * How much one sender may have stored on a {@link KadServer} through PUT_VALUE and ADD_PROVIDER: per peer
 * id and per IP group of the connection the request came on ({@link io.gridoverlay.dht.routing.IpGroup}, the
 * grouping of the routing table's diversity filter: IPv4 /24, IPv6 /48; loopback and private addresses
 * are exempt from the group limits, as from the filter). A write counts against its sender until the stored
 * entry would expire (the stores' record and provider TTLs); writing the same key again replaces its charge.
 * Over a limit the request is refused with {@link KadRequestRejectedException}. Immutable; build with
 * {@link #builder()}.
 *
 * @param maxRecordsPerPeer        records (distinct keys) one peer may have stored
 * @param maxRecordBytesPerPeer    key + value bytes one peer may have stored
 * @param maxRecordsPerIpGroup     records the peers of one IP group may have stored together
 * @param maxRecordBytesPerIpGroup key + value bytes the peers of one IP group may have stored together
 * @param maxProvidersPerPeer      provider entries (distinct keys) one peer may have stored
 * @param maxProvidersPerIpGroup   provider entries the peers of one IP group may have stored together
 * @param maxTrackedSenders        peers and IP groups whose charges are remembered; past that the least
 *                                 recently writing one is forgotten (its charges with it), which bounds the
 *                                 quota's own memory
 */
public record StoreQuotaConfig(int maxRecordsPerPeer, long maxRecordBytesPerPeer, int maxRecordsPerIpGroup,
                               long maxRecordBytesPerIpGroup, int maxProvidersPerPeer, int maxProvidersPerIpGroup,
                               int maxTrackedSenders) {
    // fractions of the whole-node store defaults (RecordStoreConfig, ProviderStoreConfig): one peer at most
    // 1/8 of the record bytes and 1/20 of the provider entries, one IP group at most half of them
    public static final int DEFAULT_MAX_RECORDS_PER_PEER = 500;
    public static final long DEFAULT_MAX_RECORD_BYTES_PER_PEER = 2L << 20;
    public static final int DEFAULT_MAX_RECORDS_PER_IP_GROUP = 2_000;
    public static final long DEFAULT_MAX_RECORD_BYTES_PER_IP_GROUP = 8L << 20;
    public static final int DEFAULT_MAX_PROVIDERS_PER_PEER = 1_000;
    public static final int DEFAULT_MAX_PROVIDERS_PER_IP_GROUP = 10_000;
    public static final int DEFAULT_MAX_TRACKED_SENDERS = 10_000;

    public StoreQuotaConfig {
        if (maxRecordsPerPeer <= 0 || maxRecordBytesPerPeer <= 0 || maxRecordsPerIpGroup <= 0
                || maxRecordBytesPerIpGroup <= 0 || maxProvidersPerPeer <= 0 || maxProvidersPerIpGroup <= 0
                || maxTrackedSenders <= 0) {
            throw new IllegalArgumentException("store quotas must be positive: " + this);
        }
    }

    /** The defaults listed above. */
    public static StoreQuotaConfig defaults() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Builder of {@link StoreQuotaConfig}; starts from the defaults. Not thread-safe. */
    public static final class Builder {
        private int maxRecordsPerPeer = DEFAULT_MAX_RECORDS_PER_PEER;
        private long maxRecordBytesPerPeer = DEFAULT_MAX_RECORD_BYTES_PER_PEER;
        private int maxRecordsPerIpGroup = DEFAULT_MAX_RECORDS_PER_IP_GROUP;
        private long maxRecordBytesPerIpGroup = DEFAULT_MAX_RECORD_BYTES_PER_IP_GROUP;
        private int maxProvidersPerPeer = DEFAULT_MAX_PROVIDERS_PER_PEER;
        private int maxProvidersPerIpGroup = DEFAULT_MAX_PROVIDERS_PER_IP_GROUP;
        private int maxTrackedSenders = DEFAULT_MAX_TRACKED_SENDERS;

        private Builder() {
        }

        public Builder maxRecordsPerPeer(int v) {
            this.maxRecordsPerPeer = v;
            return this;
        }

        public Builder maxRecordBytesPerPeer(long v) {
            this.maxRecordBytesPerPeer = v;
            return this;
        }

        public Builder maxRecordsPerIpGroup(int v) {
            this.maxRecordsPerIpGroup = v;
            return this;
        }

        public Builder maxRecordBytesPerIpGroup(long v) {
            this.maxRecordBytesPerIpGroup = v;
            return this;
        }

        public Builder maxProvidersPerPeer(int v) {
            this.maxProvidersPerPeer = v;
            return this;
        }

        public Builder maxProvidersPerIpGroup(int v) {
            this.maxProvidersPerIpGroup = v;
            return this;
        }

        public Builder maxTrackedSenders(int v) {
            this.maxTrackedSenders = v;
            return this;
        }

        public StoreQuotaConfig build() {
            return new StoreQuotaConfig(maxRecordsPerPeer, maxRecordBytesPerPeer, maxRecordsPerIpGroup,
                    maxRecordBytesPerIpGroup, maxProvidersPerPeer, maxProvidersPerIpGroup, maxTrackedSenders);
        }
    }
}
