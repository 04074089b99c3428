package io.gridoverlay.dht;

import io.gridoverlay.dht.protocol.KadLimits;
import io.gridoverlay.dht.protocol.StoreQuotaConfig;
import io.gridoverlay.dht.query.LookupConfig;
import io.gridoverlay.dht.record.ProviderStoreConfig;
import io.gridoverlay.dht.record.RecordStoreConfig;
import io.gridoverlay.dht.record.Validators;
import io.gridoverlay.dht.routing.RoutingTableConfig;
import io.gridoverlay.transport.StreamNegotiation;
import io.gridoverlay.dht.protocol.KeyspaceHandler;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * Everything that configures one Kademlia DHT node, stated once: the protocol id, the mode, the routing,
 * lookup and store settings, the maintenance periods and the wire limits. Used by
 * {@link KademliaDht#onHost} (over a libp2p {@code Host}) and by {@link KademliaDht#builder} (over any
 * {@link io.gridoverlay.dht.protocol.KadNetwork}, e.g. the simulator's), so both run with the same values.
 *
 * <p>Immutable and thread-safe. Build with {@link #builder()}; {@link #defaults()} is go-libp2p-kad-dht's
 * public-DHT behaviour on {@code /ipfs/kad/1.0.0} in {@link DhtMode#AUTO} mode.
 *
 * @param protocol            the Kad protocol id; a private DHT (a grid) uses its own, e.g. {@code /grid/kad/1.0.0}
 * @param mode                whether this node answers requests
 * @param routing             routing-table settings (k, diversity filter)
 * @param lookup              lookup settings (α, β, timeouts)
 * @param disjointPaths       S/Kademlia disjoint paths (1 = plain Kademlia)
 * @param recordStore         limits of the values stored for others
 * @param providerStore       limits of the provider entries stored for others
 * @param validators          record validators by namespace
 * @param refreshInterval     random-walk bucket refresh period (zero disables)
 * @param refreshOnBootstrap  whether bootstrap refreshes every bucket after the self-lookup
 * @param checkFullBuckets    whether a newcomer to a full bucket triggers a liveness check of its oldest peer
 * @param staleCheckInterval  how often peers not heard from for that long are pinged (zero disables)
 * @param republishInterval   how often this node's own values are stored again (zero disables)
 * @param reprovideInterval   how often this node's provided keys are announced again (zero disables)
 * @param quorum              default GET_VALUE quorum
 * @param limits              wire limits of Kad messages and streams
 * @param inboundIdleTimeout  how long an inbound Kad stream may stay idle
 * @param streamNegotiation   how request streams negotiate the protocol (lazy saves a round trip)
 * @param keyspaces           namespaces a server answers with a store of their own (e.g. the capacity
 *                            index); each node calls each supplier once for its own instance
 * @param storeQuota          what one sender (peer id, and the IP group of its connection) may have stored
 *                            on this node through PUT_VALUE and ADD_PROVIDER, in server mode
 */
public record DhtConfig(
        String protocol,
        DhtMode mode,
        RoutingTableConfig routing,
        LookupConfig lookup,
        int disjointPaths,
        RecordStoreConfig recordStore,
        ProviderStoreConfig providerStore,
        Validators validators,
        Duration refreshInterval,
        boolean refreshOnBootstrap,
        boolean checkFullBuckets,
        Duration staleCheckInterval,
        Duration republishInterval,
        Duration reprovideInterval,
        int quorum,
        KadLimits limits,
        Duration inboundIdleTimeout,
        StreamNegotiation streamNegotiation,
        List<Supplier<? extends KeyspaceHandler>> keyspaces,
        StoreQuotaConfig storeQuota) {

    /** The public IPFS DHT's protocol id. */
    public static final String IPFS_PROTOCOL = "/ipfs/kad/1.0.0";
    /** The grid's own DHT protocol id. */
    public static final String GRID_PROTOCOL = "/grid/kad/1.0.0";

    public DhtConfig {
        Objects.requireNonNull(protocol, "protocol");
        if (protocol.isEmpty() || protocol.charAt(0) != '/' || protocol.indexOf('\n') >= 0) {
            throw new IllegalArgumentException("invalid protocol id '" + protocol + "' (expected e.g. /grid/kad/1.0.0)");
        }
        Objects.requireNonNull(mode, "mode");
        Objects.requireNonNull(routing, "routing");
        Objects.requireNonNull(lookup, "lookup");
        if (disjointPaths < 1) {
            throw new IllegalArgumentException("disjointPaths must be >= 1, got " + disjointPaths);
        }
        Objects.requireNonNull(recordStore, "recordStore");
        Objects.requireNonNull(providerStore, "providerStore");
        Objects.requireNonNull(validators, "validators");
        for (Duration d : new Duration[] {refreshInterval, staleCheckInterval, republishInterval, reprovideInterval}) {
            if (d == null || d.isNegative()) {
                throw new IllegalArgumentException("maintenance intervals must be >= 0 (zero disables), got " + d);
            }
        }
        if (quorum < 1) {
            throw new IllegalArgumentException("quorum must be >= 1, got " + quorum);
        }
        Objects.requireNonNull(limits, "limits");
        if (inboundIdleTimeout == null || inboundIdleTimeout.isNegative() || inboundIdleTimeout.isZero()) {
            throw new IllegalArgumentException("inboundIdleTimeout must be positive, got " + inboundIdleTimeout);
        }
        Objects.requireNonNull(streamNegotiation, "streamNegotiation");
        keyspaces = List.copyOf(keyspaces);
        Objects.requireNonNull(storeQuota, "storeQuota");
    }

    /** The defaults: see {@link Builder} for each value. */
    public static DhtConfig defaults() {
        return builder().build();
    }

    /** A builder starting from the defaults. */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder starting from this configuration. */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.protocol = protocol;
        b.mode = mode;
        b.routing = routing;
        b.lookup = lookup;
        b.disjointPaths = disjointPaths;
        b.recordStore = recordStore;
        b.providerStore = providerStore;
        b.validators = validators;
        b.refreshInterval = refreshInterval;
        b.refreshOnBootstrap = refreshOnBootstrap;
        b.checkFullBuckets = checkFullBuckets;
        b.staleCheckInterval = staleCheckInterval;
        b.republishInterval = republishInterval;
        b.reprovideInterval = reprovideInterval;
        b.quorum = quorum;
        b.limits = limits;
        b.inboundIdleTimeout = inboundIdleTimeout;
        b.streamNegotiation = streamNegotiation;
        b.keyspaces = new ArrayList<>(keyspaces);
        b.storeQuota = storeQuota;
        return b;
    }

    /** Builder of {@link DhtConfig}; every value has a default. Not thread-safe. */
    public static final class Builder {
        private String protocol = IPFS_PROTOCOL;
        private DhtMode mode = DhtMode.AUTO;
        private RoutingTableConfig routing = RoutingTableConfig.defaults();
        private LookupConfig lookup = LookupConfig.defaults();
        private int disjointPaths = 1;
        private RecordStoreConfig recordStore = RecordStoreConfig.defaults();
        private ProviderStoreConfig providerStore = ProviderStoreConfig.defaults();
        private Validators validators = Validators.defaults();
        private Duration refreshInterval = Duration.ofMinutes(10);
        private boolean refreshOnBootstrap = true;
        private boolean checkFullBuckets = true;
        private Duration staleCheckInterval = Duration.ofMinutes(10);
        private Duration republishInterval = Duration.ofHours(1);
        private Duration reprovideInterval = Duration.ofHours(22);
        private int quorum = 3;
        private KadLimits limits = KadLimits.defaults();
        private Duration inboundIdleTimeout = Duration.ofMinutes(1);
        private StreamNegotiation streamNegotiation = StreamNegotiation.LAZY_WHEN_SUPPORTED;
        private List<Supplier<? extends KeyspaceHandler>> keyspaces = new ArrayList<>();
        private StoreQuotaConfig storeQuota = StoreQuotaConfig.defaults();

        private Builder() {
        }

        /** Protocol id; default {@code /ipfs/kad/1.0.0} ({@link #GRID_PROTOCOL} for a grid's own DHT). */
        public Builder protocol(String p) { this.protocol = p; return this; }
        /** Default {@link DhtMode#AUTO}: a server when the host listens somewhere, a client otherwise. */
        public Builder mode(DhtMode m) { this.mode = m; return this; }
        /** Default {@link RoutingTableConfig#defaults()} (k = 20). */
        public Builder routing(RoutingTableConfig c) { this.routing = c; return this; }
        /** Default {@link LookupConfig#defaults()}. */
        public Builder lookup(LookupConfig c) { this.lookup = c; return this; }
        /** Default 1 (plain Kademlia). */
        public Builder disjointPaths(int d) { this.disjointPaths = d; return this; }
        /** Default {@link RecordStoreConfig#defaults()}. */
        public Builder recordStore(RecordStoreConfig c) { this.recordStore = c; return this; }
        /** Default {@link ProviderStoreConfig#defaults()}. */
        public Builder providerStore(ProviderStoreConfig c) { this.providerStore = c; return this; }
        /** Default {@link Validators#defaults()}. */
        public Builder validators(Validators v) { this.validators = v; return this; }
        /** Default 10 min; zero disables. */
        public Builder refreshInterval(Duration d) { this.refreshInterval = d; return this; }
        /** Default true. */
        public Builder refreshOnBootstrap(boolean r) { this.refreshOnBootstrap = r; return this; }
        /** Default true (Kademlia's least-recently-seen rule). */
        public Builder checkFullBuckets(boolean c) { this.checkFullBuckets = c; return this; }
        /** Default 10 min; zero disables. Each peer is examined once per interval at a phase given by its key. */
        public Builder staleCheckInterval(Duration d) { this.staleCheckInterval = d; return this; }
        /** Default 1 h; zero disables. */
        public Builder republishInterval(Duration d) { this.republishInterval = d; return this; }
        /** Default 22 h; zero disables. */
        public Builder reprovideInterval(Duration d) { this.reprovideInterval = d; return this; }
        /** Default 3. */
        public Builder quorum(int q) { this.quorum = q; return this; }
        /** Default {@link KadLimits#defaults()}. */
        public Builder limits(KadLimits l) { this.limits = l; return this; }
        /** Default 1 min. */
        public Builder inboundIdleTimeout(Duration d) { this.inboundIdleTimeout = d; return this; }
        /** Default {@link StreamNegotiation#LAZY_WHEN_SUPPORTED}. */
        public Builder streamNegotiation(StreamNegotiation s) { this.streamNegotiation = s; return this; }
        /** Per-sender store quotas of a server; default {@link StoreQuotaConfig#defaults()}. */
        public Builder storeQuota(StoreQuotaConfig q) { this.storeQuota = Objects.requireNonNull(q, "storeQuota"); return this; }

        /**
         * Serves a namespace with a store of its own (default none); {@code factory} is called once per node.
         * Replaces an earlier keyspace of the same namespace.
         */
        public Builder keyspace(Supplier<? extends KeyspaceHandler> factory) {
            this.keyspaces.add(Objects.requireNonNull(factory, "factory"));
            return this;
        }

        /** The configuration; fails with {@link IllegalArgumentException} naming the first invalid value. */
        public DhtConfig build() {
            return new DhtConfig(protocol, mode, routing, lookup, disjointPaths, recordStore, providerStore,
                    validators, refreshInterval, refreshOnBootstrap, checkFullBuckets, staleCheckInterval,
                    republishInterval, reprovideInterval, quorum, limits, inboundIdleTimeout, streamNegotiation,
                    keyspaces, storeQuota);
        }
    }
}
